// Package dbsetup is a migration package by rules.yaml.
package dbsetup

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Reset(ctx context.Context, pool *pgxpool.Pool) error { // touch: inject migration Reset
	_, err := pool.Exec(ctx, "truncate jobs") // touch: exec migration Reset
	return err
}
