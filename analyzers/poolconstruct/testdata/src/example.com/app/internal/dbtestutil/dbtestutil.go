// Package dbtestutil is test-support code: treated as test code.
package dbtestutil

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

func NewPool(ctx context.Context, dsn string) *pgxpool.Pool {
	pool, _ := pgxpool.New(ctx, dsn)
	return pool
}
