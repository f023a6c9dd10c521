// Package perreq builds pools in helpers that handlers call: per request,
// although no constructor is written inside a handler.
package perreq

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

type Server struct {
	mu    sync.Mutex
	db    *sql.DB
	once  sync.Once
	pool  *pgxpool.Pool
	pools map[string]*pgxpool.Pool
}

// createConnection is called by every handler's data function.
func createConnection() (*sql.DB, error) {
	return sql.Open("pgx", os.Getenv("DATABASE_URL")) // want `sql.Open in createConnection, which the HTTP handler \(\*Server\).listUsers calls, builds a new pool for every request`
}

func loadUsers(ctx context.Context) error {
	db, err := createConnection()
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "SELECT 1")
	return err
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	_ = loadUsers(r.Context())
}

// Registered through the mux: a handler by role, not by signature.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/users", s.listUsers)
	mux.Handle("/orders", http.HandlerFunc(s.orders))
}

func (s *Server) orders(w http.ResponseWriter, r *http.Request) {
	_ = s.sharedDB()
	_ = s.lazyDB()
	_ = s.tenantPool(r.Context(), r.Header.Get("X-Tenant"))
}

// Silent: built once under sync.Once, however many requests ask.
func (s *Server) sharedDB() *pgxpool.Pool {
	s.once.Do(func() {
		s.pool, _ = pgxpool.New(context.Background(), os.Getenv("DATABASE_URL"))
	})
	return s.pool
}

// Silent: the lazy singleton keeps what it builds in a field.
func (s *Server) lazyDB() *sql.DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
		if err != nil {
			return nil
		}
		s.db = db
	}
	return s.db
}

// Silent: a pool per tenant, cached.
func (s *Server) tenantPool(ctx context.Context, tenant string) *pgxpool.Pool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pools[tenant]; ok {
		return p
	}
	p, _ := pgxpool.New(ctx, os.Getenv("DATABASE_URL")+"&application_name="+tenant)
	s.pools[tenant] = p
	return p
}

// Silent: called once, from start-up code, not from a handler.
func openAtStartup(ctx context.Context) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
}

func Start(ctx context.Context) error { // want Start:"constructs\\(pgxpool.New\\)"
	pool, err := openAtStartup(ctx)
	if err != nil {
		return err
	}
	srv := &Server{pool: pool}
	return http.ListenAndServe(":8080", http.HandlerFunc(srv.orders))
}
