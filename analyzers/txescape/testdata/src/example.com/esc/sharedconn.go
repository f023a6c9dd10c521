package esc

import (
	"context"
	"database/sql"
	"net/http"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
)

// --- one *pgx.Conn used from more than one goroutine (issue 17 #2) ---

func BadConnGoroutineAndLauncher(ctx context.Context, conn *pgx.Conn, id int64) error {
	go func() {
		_, _ = conn.Exec(ctx, "UPDATE stats SET hits = hits + 1") // want `conn \(\*pgx.Conn\) is used by this goroutine and by the function that starts it, at once: "conn busy"$`
	}()
	_, err := conn.Exec(ctx, "UPDATE users SET seen = now() WHERE id = $1", id)
	return err
}

func refresh(ctx context.Context, conn *pgx.Conn) {
	_, _ = conn.Exec(ctx, "REFRESH MATERIALIZED VIEW totals")
}

func BadConnPassedToGoroutine(ctx context.Context, conn *pgx.Conn) (int64, error) {
	go refresh(ctx, conn) // want `conn \(\*pgx.Conn\) is used by this goroutine and by the function that starts it, at once`
	var n int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// Waited for, but the launcher's own statement runs before the Wait.
func BadConnUsedBeforeWait(ctx context.Context, conn *pgx.Conn) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = conn.Exec(ctx, "DELETE FROM sessions WHERE expires < now()") // want `conn \(\*pgx.Conn\) is used by this goroutine and by the function that starts it`
	}()
	_, err := conn.Exec(ctx, "VACUUM sessions")
	wg.Wait()
	return err
}

func BadConnGoroutinesInLoop(ctx context.Context, conn *pgx.Conn, ids []int64) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = conn.Exec(ctx, "UPDATE users SET seen = now() WHERE id = $1", id) // want `conn \(\*pgx.Conn\) is used by every goroutine this loop starts, all at once: "conn busy"$`
		}()
	}
	wg.Wait()
}

func BadConnErrgroupTasks(ctx context.Context, conn *pgx.Conn, ids []int64) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		g.Go(func() error {
			_, err := conn.Exec(ctx, "DELETE FROM carts WHERE user_id = $1", id) // want `conn \(\*pgx.Conn\) is used by every goroutine this loop starts`
			return err
		})
	}
	return g.Wait()
}

type Syncer struct {
	conn *pgx.Conn
}

func (s *Syncer) BadFieldGoroutine(ctx context.Context) error {
	go func() {
		_, _ = s.conn.Exec(ctx, "NOTIFY sync") // want `s.conn \(\*pgx.Conn\) is used by this goroutine and by the function that starts it`
	}()
	_, err := s.conn.Exec(ctx, "UPDATE sync SET at = now()")
	return err
}

// --- through a handler: net/http serves each request on its own goroutine ---

type ConnServer struct {
	conn *pgx.Conn
}

func (s *ConnServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n int64
	if err := s.conn.QueryRow(r.Context(), "SELECT count(*) FROM users").Scan(&n); err != nil { // want `s.conn \(\*pgx.Conn\) is shared by every request this handler serves, each on its own goroutine: "conn busy"$`
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (s *ConnServer) users(w http.ResponseWriter, r *http.Request) {
	_, _ = s.conn.Exec(r.Context(), "UPDATE users SET seen = now()") // want `s.conn \(\*pgx.Conn\) is shared by every request this handler serves`
}

func (s *ConnServer) Routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/users", s.users)
	return mux
}

func BadConnCapturedByHandler(conn *pgx.Conn) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		_, _ = conn.Exec(r.Context(), "SELECT 1") // want `conn \(\*pgx.Conn\) is shared by every request this handler serves`
	})
	return mux
}

var globalConn *pgx.Conn

func BadGlobalConnHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = globalConn.Exec(r.Context(), "SELECT 1") // want `globalConn \(\*pgx.Conn\) is shared by every request this handler serves`
}

// --- look-alikes that stay silent ---

// A pool, or a *sql.DB, gives each request a connection of its own.
type PoolServer struct {
	pool *pgxpool.Pool
	db   *sql.DB
}

func (s *PoolServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = s.pool.Exec(r.Context(), "SELECT 1")
	_, _ = s.db.ExecContext(r.Context(), "SELECT 1")
}

func OkPoolGoroutinesInLoop(ctx context.Context, pool *pgxpool.Pool, ids []int64) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = pool.Exec(ctx, "UPDATE users SET seen = now() WHERE id = $1", id)
		}()
	}
	wg.Wait()
}

// A mutex serializes the requests' use of the one connection.
type LockedServer struct {
	mu   sync.Mutex
	conn *pgx.Conn
}

func (s *LockedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = s.conn.Exec(r.Context(), "SELECT 1")
}

// Each request opens its own connection.
func OkOwnConnHandler(w http.ResponseWriter, r *http.Request) {
	conn, err := pgx.Connect(r.Context(), "")
	if err != nil {
		return
	}
	defer conn.Close(r.Context())
	_, _ = conn.Exec(r.Context(), "SELECT 1")
}

// Only the goroutine uses the connection once it starts.
func OkConnHandedToOneGoroutine(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "LISTEN jobs"); err != nil {
		return err
	}
	go refresh(ctx, conn)
	return nil
}

// The launcher waits for the goroutine before using the connection again.
func OkConnWaitedBeforeReuse(ctx context.Context, conn *pgx.Conn) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = conn.Exec(ctx, "DELETE FROM sessions WHERE expires < now()")
	}()
	wg.Wait()
	_, err := conn.Exec(ctx, "VACUUM sessions")
	return err
}

// Each goroutine of the loop connects on its own.
func OkConnPerGoroutine(ctx context.Context, dsn string, ids []int64) {
	for _, id := range ids {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			continue
		}
		go func() {
			defer conn.Close(ctx)
			_, _ = conn.Exec(ctx, "UPDATE users SET seen = now() WHERE id = $1", id)
		}()
	}
}

// Goroutines that lock a mutex around their use.
func OkConnLockedGoroutines(ctx context.Context, conn *pgx.Conn, ids []int64) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			_, _ = conn.Exec(ctx, "UPDATE users SET seen = now() WHERE id = $1", id)
		}()
	}
	wg.Wait()
}

// A goroutine that only closes the connection when the context ends: Close
// interrupts the statement in progress rather than waiting for it.
func OkConnClosedOnCancel(ctx context.Context, conn *pgx.Conn) error {
	go func() {
		<-ctx.Done()
		_ = conn.Close(context.Background())
	}()
	_, err := conn.Exec(ctx, "SELECT pg_sleep(10)")
	return err
}

// --- a transaction or acquired connection shared by goroutines the function waits for ---
//
// Waited for, they do not outlive the transaction, but they still run its
// statements at once on its one connection.

func BadTxErrgroupTasks(ctx context.Context, pool *pgxpool.Pool, ids []int64) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	g, gctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		g.Go(func() error {
			_, err := tx.Exec(gctx, "DELETE FROM carts WHERE user_id = $1", id) // want `tx \(pgx.Tx\) is used by every goroutine this loop starts, all at once: "conn busy"$`
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func BadAcquiredConnBeforeWait(ctx context.Context, pool *pgxpool.Pool) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = c.Exec(ctx, "ANALYZE users") // want `c \(\*pgxpool.Conn\) is used by this goroutine and by the function that starts it`
	}()
	_, err = c.Exec(ctx, "ANALYZE orders")
	wg.Wait()
	return err
}

// One waited-for goroutine at a time on the transaction: fine.
func OkTxGoroutineWaitedBeforeCommit(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
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

// Each task runs on the pool: a connection of its own.
func OkPoolErrgroupTasks(ctx context.Context, pool *pgxpool.Pool, ids []int64) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		g.Go(func() error {
			_, err := pool.Exec(gctx, "DELETE FROM carts WHERE user_id = $1", id)
			return err
		})
	}
	return g.Wait()
}

// --- through a method the handler calls ---

type UserStore struct {
	conn *pgx.Conn
}

func (s *UserStore) count(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n) // want `s.conn \(\*pgx.Conn\) is shared by the requests handler handleCount serves, each on its own goroutine`
	return n, err
}

func (s *UserStore) handleCount(w http.ResponseWriter, r *http.Request) {
	if _, err := s.count(r.Context()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// The same helper called from a command-line tool, not a handler: silent.
type Report struct {
	conn *pgx.Conn
}

func (rp *Report) total(ctx context.Context) (int64, error) {
	var n int64
	err := rp.conn.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

func (rp *Report) Print(ctx context.Context) error {
	n, err := rp.total(ctx)
	_ = n
	return err
}

// A handler that locks before calling the helper.
type LockedStore struct {
	mu   sync.Mutex
	conn *pgx.Conn
}

func (s *LockedStore) count(ctx context.Context) error {
	_, err := s.conn.Exec(ctx, "SELECT 1")
	return err
}

func (s *LockedStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.count(r.Context())
}
