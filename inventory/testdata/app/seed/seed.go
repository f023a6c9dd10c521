// Package seed registers a goose migration but is not named like a
// migration package: only the functions goose runs are migrations.
package seed

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() { goose.AddMigrationNoTxContext(upSeed, nil) }

func upSeed(ctx context.Context, db *sql.DB) error { // touch: inject migration upSeed
	_, err := db.ExecContext(ctx, "insert into queues values ('default')") // touch: exec migration upSeed
	return err
}

func Count(ctx context.Context, db *sql.DB) (n int, err error) { // touch: inject other Count
	err = db.QueryRowContext(ctx, "select count(*) from queues").Scan(&n) // touch: query other Count
	return n, err
}
