// Package sqlx is a stub of github.com/jmoiron/sqlx.
package sqlx

// DB is an sqlx handle.
type DB struct{}

func (db *DB) Get(dest any, query string, args ...any) error    { return nil }
func (db *DB) Select(dest any, query string, args ...any) error { return nil }
func (db *DB) NamedExec(query string, arg any) (any, error)     { return nil, nil }
