package web

import (
	"context"
	"database/sql"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"
)

type Server struct {
	pool *pgxpool.Pool
	db   *sql.DB
	dbx  *sqlx.DB
	ctx  context.Context // the server's own, canceled at shutdown
}

// --- a background context in request code ---

func (s *Server) BackgroundInHandler(w http.ResponseWriter, r *http.Request) {
	_ = s.pool.QueryRow(context.Background(), "SELECT 1") // want `pgxpool.Pool.QueryRow in an HTTP handler runs under context.Background\(\): it keeps running after the client has gone`
}

func (s *Server) TODOInHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = s.db.ExecContext(context.TODO(), "DELETE FROM sessions") // want `sql.DB.ExecContext in an HTTP handler runs under context.TODO\(\)`
}

func (s *Server) BackgroundVar(w http.ResponseWriter, r *http.Request) {
	ctx := context.Background()
	ctx = context.WithValue(ctx, key{}, "v")
	rows, err := s.pool.Query(ctx, "SELECT 1") // want `pgxpool.Pool.Query in an HTTP handler runs under ctx, a background context: it keeps running`
	if err == nil {
		rows.Close()
	}
}

type key struct{}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tx, err := s.pool.Begin(context.Background()) // want `pgxpool.Pool.Begin in an HTTP handler runs under context.Background\(\)`
	if err == nil {
		_ = tx.Rollback(r.Context())
	}
}

func Routes(mux *http.ServeMux, s *Server) {
	mux.HandleFunc("/lit", func(w http.ResponseWriter, r *http.Request) {
		_, _ = s.pool.Exec(context.Background(), "SELECT 1") // want `pgxpool.Pool.Exec in an HTTP handler runs under context.Background\(\)`
	})
}

func (s *Server) BackgroundInInlineClosure(w http.ResponseWriter, r *http.Request) {
	func() {
		_, _ = s.pool.Exec(context.Background(), "SELECT 1") // want `in an HTTP handler runs under context.Background\(\)`
	}()
}

func (s *Server) BackgroundInWaitedErrgroup(w http.ResponseWriter, r *http.Request) {
	var g errgroup.Group
	g.Go(func() error {
		_, err := s.pool.Exec(context.Background(), "SELECT 1") // want `in an HTTP handler runs under context.Background\(\)`
		return err
	})
	_ = g.Wait()
}

// --- database/sql without a context in request code ---

func (s *Server) NoContext(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.Query("SELECT 1") // want `sql.DB.Query in an HTTP handler takes no context: it keeps running after the client has gone`
	if err == nil {
		rows.Close()
	}
	_ = s.db.QueryRow("SELECT 1")          // want `sql.DB.QueryRow in an HTTP handler takes no context`
	_, _ = s.db.Exec("UPDATE t SET n = 1") // want `sql.DB.Exec in an HTTP handler takes no context`
	tx, err := s.db.Begin()                // want `sql.DB.Begin in an HTTP handler takes no context`
	if err == nil {
		_, _ = tx.Exec("SELECT 1") // want `sql.Tx.Exec in an HTTP handler takes no context`
		_ = tx.Rollback()
	}
	st, err := s.db.Prepare("SELECT 1") // want `sql.DB.Prepare in an HTTP handler takes no context`
	if err == nil {
		_ = st.Close()
	}
	var n int
	_ = s.dbx.Get(&n, "SELECT 1")                     // want `sqlx.DB.Get in an HTTP handler takes no context`
	_ = s.dbx.Select(&[]int{}, "SELECT 1")            // want `sqlx.DB.Select in an HTTP handler takes no context`
	_ = sqlx.Get(s.dbx, &n, "SELECT 1")               // want `sqlx.Get in an HTTP handler takes no context`
	_ = s.dbx.GetContext(r.Context(), &n, "SELECT 1") // the context form
}

// --- the request's context in work that outlives the request ---

func (s *Server) RequestCtxInGoroutine(w http.ResponseWriter, r *http.Request) {
	go func() {
		_, _ = s.pool.Exec(r.Context(), "INSERT INTO visits DEFAULT VALUES") // want `pgxpool.Pool.Exec in a goroutine uses the request's context: "context canceled" once the request ends`
	}()
	w.WriteHeader(http.StatusAccepted)
}

func (s *Server) DerivedCtxInGoroutine(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	ctx = context.WithValue(ctx, key{}, "v")
	go func() {
		_, _ = s.db.ExecContext(ctx, "INSERT INTO visits DEFAULT VALUES") // want `sql.DB.ExecContext in a goroutine uses the request's context`
	}()
}

func (s *Server) RequestCtxAsGoArg(w http.ResponseWriter, r *http.Request) {
	go func(ctx context.Context) {
		_, _ = s.pool.Exec(ctx, "INSERT INTO visits DEFAULT VALUES") // want `pgxpool.Pool.Exec in a goroutine uses the request's context`
	}(r.Context())
}

func (s *Server) record(ctx context.Context, path string) {
	ctx = context.WithValue(ctx, key{}, path)
	_, _ = s.pool.Exec(ctx, "INSERT INTO visits (path) VALUES ($1)", path)
}

func (s *Server) RequestCtxToGoFunc(w http.ResponseWriter, r *http.Request) {
	go s.record(r.Context(), r.URL.Path) // want `goroutine record runs pgxpool.Pool.Exec under the request's context: "context canceled" once the request ends`
}

func (s *Server) RequestCtxInAfterFunc(w http.ResponseWriter, r *http.Request) {
	time.AfterFunc(time.Second, func() {
		_, _ = s.pool.Exec(r.Context(), "DELETE FROM cache") // want `pgxpool.Pool.Exec in an AfterFunc callback uses the request's context`
	})
}

func (s *Server) RequestCtxInUnwaitedErrgroup(w http.ResponseWriter, r *http.Request) {
	var g errgroup.Group
	g.Go(func() error {
		_, err := s.pool.Exec(r.Context(), "DELETE FROM cache") // want `pgxpool.Pool.Exec in an errgroup task uses the request's context`
		return err
	})
}

// --- silent ---

func (s *Server) RequestCtx(w http.ResponseWriter, r *http.Request) {
	_ = s.pool.QueryRow(r.Context(), "SELECT 1")
	ctx := r.Context()
	_, _ = s.db.ExecContext(ctx, "SELECT 1")
	_ = r.URL.Query().Get("q") // url.Values.Get: not a database call
}

func (s *Server) WithoutCancelGoroutine(w http.ResponseWriter, r *http.Request) {
	go func(ctx context.Context) {
		_, _ = s.pool.Exec(ctx, "INSERT INTO visits DEFAULT VALUES")
	}(context.WithoutCancel(r.Context()))
	ctx := context.WithoutCancel(r.Context())
	go func() {
		_, _ = s.pool.Exec(ctx, "INSERT INTO visits DEFAULT VALUES")
	}()
	go s.record(context.WithoutCancel(r.Context()), r.URL.Path)
}

func (s *Server) BackgroundGoroutine(w http.ResponseWriter, r *http.Request) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = s.pool.Exec(ctx, "INSERT INTO visits DEFAULT VALUES")
		_, _ = s.pool.Exec(context.Background(), "INSERT INTO visits DEFAULT VALUES")
		_, _ = s.db.Exec("INSERT INTO visits DEFAULT VALUES") // background work: no request to cancel it
	}()
	go func() {
		_, _ = s.pool.Exec(s.ctx, "INSERT INTO visits DEFAULT VALUES") // the server's own context
	}()
}

func (s *Server) WaitedGoroutine(w http.ResponseWriter, r *http.Request) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = s.pool.Exec(r.Context(), "SELECT 1")
	}()
	wg.Wait()
	g, gctx := errgroup.WithContext(r.Context())
	g.Go(func() error {
		_, err := s.pool.Exec(gctx, "SELECT 1")
		return err
	})
	g.Go(func() error {
		_, err := s.pool.Exec(r.Context(), "SELECT 1")
		return err
	})
	_ = g.Wait()
}

func (s *Server) OwnDeadline(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // a bound chosen on purpose
	defer cancel()
	_, _ = s.pool.Exec(ctx, "SELECT 1")
}

func (s *Server) DetachedInHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = s.pool.Exec(context.WithoutCancel(r.Context()), "INSERT INTO audit DEFAULT VALUES")
}

func (s *Server) UnknownRunner(w http.ResponseWriter, r *http.Request) {
	submit(func() {
		_, _ = s.pool.Exec(context.Background(), "SELECT 1") // runs whenever submit runs it
	})
}

func submit(f func()) { go f() }

// Not request code: a helper, a worker, main-like start-up.
func (s *Server) Refresh() error {
	_, err := s.pool.Exec(context.Background(), "REFRESH MATERIALIZED VIEW stats")
	_, _ = s.db.Exec("SELECT 1")
	return err
}

func (s *Server) Start(ctx context.Context) {
	go func() {
		for range time.Tick(time.Minute) {
			_, _ = s.pool.Exec(ctx, "DELETE FROM sessions WHERE expires < now()")
		}
	}()
	go s.record(ctx, "/")
}

func (s *Server) Ignored(w http.ResponseWriter, r *http.Request) {
	//dbaudit:ignore ctxscope -- the audit write must finish even if the client goes
	_, _ = s.pool.Exec(context.Background(), "INSERT INTO audit DEFAULT VALUES")
}

// Search has database-like method names but is not a database handle.
type Search struct{}

func (Search) Query(ctx context.Context, q string, args ...any) ([]string, error) { return nil, nil }
func (Search) Exec(q string) error                                                { return nil }

func (s *Server) LookAlikes(w http.ResponseWriter, r *http.Request) {
	var search Search
	_, _ = search.Query(context.Background(), "golang")
	_ = search.Exec("reindex")
	_ = r.URL.Query()
}

// --- the package's own helpers, called from a handler ---

func (s *Server) save(ctx context.Context, v string) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO t (v) VALUES ($1)", v)
	return err
}

func (s *Server) cached(ctx context.Context, v string) string { return v } // no database call

func (s *Server) Helpers(w http.ResponseWriter, r *http.Request) {
	_ = s.save(context.Background(), "x") // want `save in an HTTP handler runs pgxpool.Pool.Exec under context.Background\(\): it keeps running`
	_ = s.save(r.Context(), "x")
	_ = s.cached(context.Background(), "x")
	go func() {
		_ = s.save(r.Context(), "x") // want `save in a goroutine runs pgxpool.Pool.Exec under the request's context: "context canceled"`
	}()
	go func() {
		_ = s.save(context.Background(), "x")
	}()
}
