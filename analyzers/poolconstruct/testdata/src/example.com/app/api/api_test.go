package api

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestSomething(t *testing.T) {
	// Test files build their own pools.
	pool, _ := pgxpool.New(context.Background(), "postgres://localhost/test")
	defer pool.Close()
}
