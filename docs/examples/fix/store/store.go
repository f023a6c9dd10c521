// Package store opens the service's pool, with a connection string carried
// over from a Python service: two asyncpg options pgx would send to the
// server, which refuses them.
package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open builds the pool.
func Open(ctx context.Context) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, "postgres://app@db:5432/orders?command_timeout=10&statement_cache_size=0")
}
