package esc

import (
	"context"
	"net/http"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
	"gorm.io/gorm"
)

// --- silent look-alikes ---

func (s *Service) OkErrgroupWait(ctx context.Context, urls []string) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		_, err := tx.Exec(gctx, "UPDATE stats SET n = n + 1")
		return err
	})
	g.Go(func() error { return fetch(gctx, urls) }) // no database here
	if err := g.Wait(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func fetch(ctx context.Context, urls []string) error { return nil }

func (s *Service) OkWaitGroupWait(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = tx.Exec(ctx, "UPDATE stats SET n = n + 1")
	}()
	wg.Wait()
	return tx.Commit(ctx)
}

func (s *Service) OkWaitGroupDeferredWait(ctx context.Context, conn *pgxpool.Conn) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = conn.Exec(ctx, "SELECT 1")
	}()
}

func OkWaitGroupGo(ctx context.Context, tx pgx.Tx) {
	var wg sync.WaitGroup
	wg.Go(func() {
		_, _ = tx.Exec(ctx, "SELECT 1")
	})
	wg.Wait()
}

func OkWaitGroupPointerPassed(ctx context.Context, tx pgx.Tx) {
	wg := &sync.WaitGroup{}
	wg.Add(1)
	go worker(ctx, tx, wg)
	wg.Wait()
}

func worker(ctx context.Context, tx pgx.Tx, wg *sync.WaitGroup) {
	defer wg.Done()
	_, _ = tx.Exec(ctx, "SELECT 1")
}

// The caller owns the WaitGroup and waits on it.
func fanOut(ctx context.Context, tx pgx.Tx, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = tx.Exec(ctx, "SELECT 1")
	}()
}

func OkChannelJoin(ctx context.Context, tx pgx.Tx) error {
	done := make(chan error, 1)
	go func() {
		_, err := tx.Exec(ctx, "SELECT pg_sleep(1)")
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The goroutine begins its own transaction from the pool: the compliant shape.
func (s *Service) OkOwnTransaction(ctx context.Context, id int64) {
	go func(ctx context.Context) {
		_ = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			audit(ctx, tx, id)
			return nil
		})
	}(context.WithoutCancel(ctx))
	go func() {
		tx, err := s.pool.Begin(context.Background())
		if err != nil {
			return
		}
		defer tx.Rollback(context.Background())
		audit(context.Background(), tx, id)
		_ = tx.Commit(context.Background())
	}()
}

func (s *Service) OkPoolInGoroutine(ctx context.Context) {
	go func() {
		_, _ = s.pool.Exec(context.WithoutCancel(ctx), "UPDATE stats SET n = n + 1")
	}()
}

// A tx handed to a helper called synchronously.
func (s *Service) OkHelperSync(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	audit(ctx, tx, id)
	return tx.Commit(ctx)
}

type txKey struct{}

func OkContextValue(ctx context.Context, tx pgx.Tx) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

func OkWrapped(tx pgx.Tx) *Queries { return &Queries{db: tx} }

// A unit of work is the transaction's scope: storing the tx on it is its job.
type UnitOfWork struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
}

func (u *UnitOfWork) Begin(ctx context.Context) error {
	tx, err := u.pool.Begin(ctx)
	if err != nil {
		return err
	}
	u.tx = tx
	return nil
}

func OkGormTransaction(db *gorm.DB, u *User) error {
	return db.Transaction(func(tx *gorm.DB) error {
		return tx.Create(u).Error
	})
}

func (a *API) OkGormRequestInHandler(w http.ResponseWriter, r *http.Request) {
	db := a.db.WithContext(r.Context())
	var u User
	db.First(&u)
	go func() {
		a.db.WithContext(context.Background()).Model(&u).Update("seen", true)
	}()
}

func (s *Service) OkGoroutineWithoutHandles(ctx context.Context, tx pgx.Tx, ids []int64) {
	n := len(ids)
	go func() { _ = n }()
	_, _ = tx.Exec(ctx, "SELECT 1")
}
