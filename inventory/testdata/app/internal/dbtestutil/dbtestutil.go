// Package dbtestutil is test support by its name.
package dbtestutil

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Pool(ctx context.Context) *pgxpool.Pool {
	pool, _ := pgxpool.New(ctx, "postgres://localhost/test") // touch: construct test Pool
	return pool
}
