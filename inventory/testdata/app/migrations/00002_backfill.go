// Package migrations holds goose Go migrations: a migration package by name.
package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() { goose.AddMigrationContext(upBackfill, downBackfill) }

func upBackfill(ctx context.Context, tx *sql.Tx) error { // touch: inject migration upBackfill api=database/sql.Tx
	_, err := tx.ExecContext(ctx, "update jobs set queue = 'default'") // touch: exec migration upBackfill
	return err
}

func downBackfill(ctx context.Context, tx *sql.Tx) error { return nil } // touch: inject migration downBackfill
