// Package none reads nothing by name from a single table: no model.
package none

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Count(ctx context.Context, db *pgxpool.Pool) (n int64, err error) {
	err = db.QueryRow(ctx, "SELECT count(*) FROM customers").Scan(&n)
	return n, err
}
