package cleanup

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Test code is skipped by default.
func TestLeak(t *testing.T) {
	var pool *pgxpool.Pool
	tx, _ := pool.Begin(context.Background())
	_, _ = tx.Exec(context.Background(), "SELECT 1")
}
