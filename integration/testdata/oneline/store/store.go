// Package store builds the service's pool, with several findings on one line.
package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open builds the pool.
func Open(ctx context.Context) (*pgxpool.Pool, error) {
	return pgxpool.New(ctx, "postgres://app:s3cret@db:5432/orders?command_timeout=10&statement_cache_size=0")
}

// Names reads every name; rows are closed, but the loop's error is never
// checked (conncleanup).
func Names(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, "select name from users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, nil
}
