// Package helper is read by its types only when the driver carries no facts.
package helper

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

func FindByName(ctx context.Context, pool *pgxpool.Pool, name string) error {
	_, err := pool.Exec(ctx, fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", name)) // want `SQL for pgxpool.Pool.Exec built by fmt.Sprintf from parameter name of exported FindByName`
	return err
}

func Run(ctx context.Context, pool *pgxpool.Pool, sql string) error {
	_, err := pool.Exec(ctx, sql)
	return err
}

func Column(name string) string { return "lower(" + name + ")" }

func SortColumn(key string) string {
	if key == "name" {
		return key
	}
	return "id"
}
