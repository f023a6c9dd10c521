// Package schema applies migrations with golang-migrate.
package schema

import (
	"context"
	"database/sql"

	"github.com/golang-migrate/migrate/v4"
)

func Up(ctx context.Context, db *sql.DB, dsn string) error { // touch: inject migration Up
	if _, err := db.ExecContext(ctx, "create schema if not exists app"); err != nil { // touch: exec migration Up
		return err
	}
	m, err := migrate.New("file://migrations", dsn)
	if err != nil {
		return err
	}
	return m.Up()
}

// Version reads without migrating.
func Version(ctx context.Context, db *sql.DB) (v int, err error) { // touch: inject other Version
	err = db.QueryRowContext(ctx, "select max(version) from schema_migrations").Scan(&v) // touch: query other Version
	return v, err
}
