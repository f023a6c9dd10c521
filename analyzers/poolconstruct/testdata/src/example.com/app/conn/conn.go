// Package conn exports a function that builds a pool on every call, and one
// that builds it once.
package conn

import (
	"context"
	"os"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Connect builds a pool each time: the fact says so to its importers.
func Connect(ctx context.Context) (*pgxpool.Pool, error) { // want Connect:"constructs\\(pgxpool.New\\)"
	return open(ctx)
}

func open(ctx context.Context) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
}

var (
	once   sync.Once
	shared *pgxpool.Pool
)

// Shared builds the pool once: no fact.
func Shared() *pgxpool.Pool {
	once.Do(func() { shared, _ = open(context.Background()) })
	return shared
}
