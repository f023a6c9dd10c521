// Package db is approved to build pools by rules.yaml.
package db

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) { // want Open:"constructs\\(pgxpool.New\\)"
	return pgxpool.New(ctx, dsn)
}
