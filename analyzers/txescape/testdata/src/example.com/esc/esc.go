package esc

import (
	"context"
	"database/sql"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"
)

type Service struct {
	pool *pgxpool.Pool
	db   *sql.DB
	wg   sync.WaitGroup
	jobs chan job
}

type job struct {
	tx pgx.Tx
	id int64
}

func audit(ctx context.Context, tx pgx.Tx, id int64) {
	_, _ = tx.Exec(ctx, "INSERT INTO audit (id) VALUES ($1)", id)
}

// --- flagged ---

func (s *Service) BadGoClosure(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	go func() {
		_, _ = tx.Exec(ctx, "UPDATE stats SET n = n + 1") // want `transaction tx \(pgx.Tx\) is captured by a goroutine this function does not wait for: "tx is closed"$`
	}()
	return tx.Commit(ctx)
}

func (s *Service) BadGoArg(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	go audit(ctx, tx, id) // want `transaction tx \(pgx.Tx\) is passed to a goroutine this function does not wait for`
	return tx.Commit(ctx)
}

func (s *Service) BadGoClosureParam(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	go func(t pgx.Tx) { // the parameter is the goroutine's: the argument below is the escape
		_, _ = t.Exec(ctx, "SELECT 1")
	}(tx) // want `transaction tx \(pgx.Tx\) is passed to a goroutine`
	return tx.Commit(ctx)
}

func (s *Service) BadAcquiredConn(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	go func() {
		_, _ = conn.Exec(ctx, "NOTIFY jobs") // want `connection conn \(\*pgxpool.Conn\) is captured by a goroutine this function does not wait for: it is used after Release`
	}()
	return nil
}

func (s *Service) BadErrgroupNoWait(ctx context.Context, ids []int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var g errgroup.Group
	g.Go(func() error {
		_, err := tx.Exec(ctx, "DELETE FROM cache") // want `transaction tx \(pgx.Tx\) is captured by a task started with errgroup's Go and not waited for`
		return err
	})
	return tx.Commit(ctx)
}

func (s *Service) BadWaitGroupFieldNotWaited(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	s.wg.Add(1) // waited for at shutdown, long after this transaction ends
	go func() {
		defer s.wg.Done()
		_, _ = tx.Exec(ctx, "DELETE FROM cache") // want `is captured by a goroutine this function does not wait for`
	}()
	return tx.Commit(ctx)
}

func (s *Service) BadSend(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	s.jobs <- job{tx: tx, id: id} // want `transaction tx \(pgx.Tx\) is sent on a channel, for code that runs after this function to use`
	return tx.Commit(ctx)
}

var current pgx.Tx

func (s *Service) BadGlobal(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	current = tx // want `transaction tx \(pgx.Tx\) is stored in package-level variable current`
	return nil
}

var sessions sync.Map

func (s *Service) BadSyncMap(ctx context.Context, id string) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	sessions.Store(id, conn) // want `connection conn \(\*pgxpool.Conn\) is stored in package-level sessions`
	return nil
}

type Handler struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tx, err := h.pool.Begin(r.Context())
	if err != nil {
		return
	}
	h.tx = tx // want `transaction tx \(pgx.Tx\) is stored in h.tx, a field of the HTTP handler every request shares`
}

func (s *Service) BadAfterFunc(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	time.AfterFunc(time.Minute, func() {
		_ = tx.Rollback(context.Background()) // want `transaction tx \(pgx.Tx\) is captured by a time.AfterFunc callback, which runs after this function returns`
	})
	return tx.Commit(ctx)
}

func (s *Service) BadSQLTx(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	go func() {
		_, _ = tx.ExecContext(ctx, "UPDATE stats SET n = n + 1") // want `transaction tx \(\*sql.Tx\) is captured by a goroutine this function does not wait for: the transaction is already over$`
	}()
	return tx.Commit()
}

func BadTxParam(ctx context.Context, tx pgx.Tx) {
	go func() {
		_, _ = tx.Exec(ctx, "UPDATE stats SET n = n + 1") // want `transaction tx \(pgx.Tx\) is captured by a goroutine`
	}()
}

func BadLocalFunc(ctx context.Context, tx pgx.Tx) {
	work := func() {
		_, _ = tx.Exec(ctx, "UPDATE stats SET n = n + 1") // want `transaction tx \(pgx.Tx\) is captured by a goroutine`
	}
	go work()
}

// sqlc shapes: Queries over a DBTX, WithTx.
type DBTX interface {
	Exec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)
	Query(context.Context, string, ...interface{}) (pgx.Rows, error)
	QueryRow(context.Context, string, ...interface{}) pgx.Row
}

type Queries struct{ db DBTX }

func New(db DBTX) *Queries                   { return &Queries{db: db} }
func (q *Queries) WithTx(tx pgx.Tx) *Queries { return &Queries{db: tx} }
func (q *Queries) Touch(ctx context.Context) error {
	_, err := q.db.Exec(ctx, "UPDATE users SET seen = now()")
	return err
}

func (s *Service) BadSqlcHolder(ctx context.Context, q *Queries) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	qtx := q.WithTx(tx)
	go func() {
		_ = qtx.Touch(ctx) // want `transaction tx \(pgx.Tx\), held by qtx, is captured by a goroutine`
	}()
	return tx.Commit(ctx)
}

type User struct{ ID int64 }

func BadGormTx(db *gorm.DB, u *User) error {
	tx := db.Begin()
	go func() {
		tx.Create(u) // want `transaction tx \(\*gorm.DB from Begin\) is captured by a goroutine`
	}()
	return tx.Commit().Error
}

type API struct{ db *gorm.DB }

func (a *API) BadGormRequestScoped(w http.ResponseWriter, r *http.Request) {
	db := a.db.WithContext(r.Context())
	var u User
	db.First(&u)
	go func() {
		db.Model(&u).Updates(map[string]any{"seen": time.Now()}) // want `request-scoped db \(\*gorm.DB\) is captured by a goroutine this function does not wait for: "context canceled"`
	}()
}

//dbaudit:ignore txescape -- the goroutine finishes before Commit by construction (tested)
func Suppressed(ctx context.Context, tx pgx.Tx) { go audit(ctx, tx, 1) }
