// Package stdlib is a stub of github.com/jackc/pgx/v5/stdlib for analyzer tests.
package stdlib

import (
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type OptionOpenDB func(any)

func OpenDB(config pgx.ConnConfig, opts ...OptionOpenDB) *sql.DB      { return nil }
func OpenDBFromPool(pool *pgxpool.Pool, opts ...OptionOpenDB) *sql.DB { return nil }
func RegisterConnConfig(c *pgx.ConnConfig) string                     { return "" }
