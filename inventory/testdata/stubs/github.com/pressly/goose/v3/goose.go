// Package goose is a stub of github.com/pressly/goose/v3 (v3.29.0
// signatures) for the inventory's fixture module.
package goose

import (
	"context"
	"database/sql"
)

type GoMigrationContext func(ctx context.Context, tx *sql.Tx) error

type GoMigrationNoTxContext func(ctx context.Context, db *sql.DB) error

type OptionsFunc func(any)

func AddMigrationContext(up, down GoMigrationContext)                                  {}
func AddMigrationNoTxContext(up, down GoMigrationNoTxContext)                          {}
func SetDialect(s string) error                                                        { return nil }
func UpContext(ctx context.Context, db *sql.DB, dir string, opts ...OptionsFunc) error { return nil }
