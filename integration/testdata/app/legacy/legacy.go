// Package legacy is on its way out; rules.yaml ignores it.
package legacy

import (
	"context"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open builds a pool outside the approved packages.
func Open(ctx context.Context) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
}
