// Package shop is the inventory analyzer's own fixture: each touchpoint is
// listed in analyzer_test.go.
package shop

import (
	"context"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

var pool *pgxpool.Pool

type Store struct {
	db *pgxpool.Pool
}

func Open(ctx context.Context, dsn string) (*Store, error) {
	p, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &Store{db: p}, nil
}

func (s *Store) Items(w http.ResponseWriter, r *http.Request) {
	rows, err := s.db.Query(r.Context(), "select id from items")
	if err == nil {
		rows.Close()
	}
}

func (s *Store) Start(ctx context.Context) {
	go func() {
		s.db.Exec(ctx, "delete from carts")
	}()
}

func Legacy(ctx context.Context) {
	pool.Exec(ctx, "select 1")
}
