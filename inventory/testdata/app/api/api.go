// Package api serves HTTP: handlers by signature and by registration.
package api

import (
	"context"
	"encoding/json"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

type Server struct {
	pool *pgxpool.Pool // touch: inject other Server.pool
}

func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/jobs", s.listJobs)
	mux.Handle("/stats", jsonHandler(s.stats))
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		s.pool.Exec(r.Context(), "select 1") // touch: exec handler (*Server).Routes.func1
	})
	mux.HandleFunc("/nested", func(w http.ResponseWriter, r *http.Request) {
		do := func() {
			s.pool.Exec(r.Context(), "select 2") // touch: exec handler (*Server).Routes.func2.1
		}
		do()
	})
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	rows, err := s.pool.Query(r.Context(), "select id from jobs") // touch: query handler (*Server).listJobs
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rows.Close()
}

// stats has no handler signature; it is registered through an adapter.
func (s *Server) stats(ctx context.Context) (any, error) {
	var n int
	err := s.pool.QueryRow(ctx, "select count(*) from jobs").Scan(&n) // touch: query handler (*Server).stats
	return n, err
}

// helper is neither a handler nor registered.
func (s *Server) helper(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "select 3") // touch: exec other (*Server).helper
	return err
}

// background starts a goroutine from a handler: the goroutine is a worker.
func (s *Server) background(w http.ResponseWriter, r *http.Request) {
	go func() {
		s.pool.Exec(context.Background(), "refresh materialized view stats") // touch: exec worker (*Server).background.func1
	}()
}

// perRequest builds a pool for each request.
func perRequest(w http.ResponseWriter, r *http.Request) {
	pool, err := pgxpool.New(r.Context(), os.Getenv("DATABASE_URL")) // touch: construct handler perRequest findings=poolconstruct
	if err != nil {
		return
	}
	defer pool.Close()
}

func jsonHandler(f func(context.Context) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := f(r.Context())
		json.NewEncoder(w).Encode(v)
	})
}
