// Package api serves HTTP with an injected pool, except one handler.
package api

import (
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Server holds the pool main built.
type Server struct {
	pool *pgxpool.Pool
}

// New returns the handler.
func New(pool *pgxpool.Pool) http.Handler {
	s := &Server{pool: pool}
	mux := http.NewServeMux()
	mux.HandleFunc("/users", s.users)
	mux.HandleFunc("/health", s.health)
	return mux
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	pool, err := pgxpool.New(r.Context(), os.Getenv("DATABASE_URL"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer pool.Close()
	w.WriteHeader(http.StatusOK)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.pool.Ping(r.Context()); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	}
}
