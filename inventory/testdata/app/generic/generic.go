// Package generic has a method on a generic type.
package generic

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

type Table[T any] struct {
	pool *pgxpool.Pool // touch: inject other Table.pool
	name string
}

func (t *Table[T]) Count(ctx context.Context) (n int, err error) {
	err = t.pool.QueryRow(ctx, "select count(*) from "+t.name).Scan(&n) // touch: query other (*Table[...]).Count
	return n, err
}
