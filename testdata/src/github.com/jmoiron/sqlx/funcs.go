package sqlx

import (
	"context"
	"database/sql"
)

// sqlx v1.4.0's package-level functions that run on the handle they are
// given (signatures as in the real package), and the interfaces they take.
// v1.4.0 has no exported package-level PrepareNamed: prepareNamed and
// prepareNamedContext are unexported.

// Preparer is what Preparex prepares on (*DB, *Tx, *sql.DB, …).
type Preparer interface {
	Prepare(query string) (*sql.Stmt, error)
}

// PreparerContext is what PreparexContext prepares on.
type PreparerContext interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

type binder interface {
	DriverName() string
	Rebind(string) string
	BindNamed(string, any) (string, []any, error)
}

// Ext is what NamedQuery and NamedExec run on.
type Ext interface {
	binder
	Queryer
	Execer
}

func Preparex(p Preparer, query string) (*Stmt, error) { return nil, nil }
func PreparexContext(ctx context.Context, p PreparerContext, query string) (*Stmt, error) {
	return nil, nil
}
func MustExec(e Execer, query string, args ...any) sql.Result { return nil }
func MustExecContext(ctx context.Context, e ExecerContext, query string, args ...any) sql.Result {
	return nil
}
func LoadFile(e Execer, path string) (*sql.Result, error) { return nil, nil }
func LoadFileContext(ctx context.Context, e ExecerContext, path string) (*sql.Result, error) {
	return nil, nil
}
func NamedQuery(e Ext, query string, arg any) (*Rows, error)     { return nil, nil }
func NamedExec(e Ext, query string, arg any) (sql.Result, error) { return nil, nil }
func NamedQueryContext(ctx context.Context, e ExtContext, query string, arg any) (*Rows, error) {
	return nil, nil
}
func NamedExecContext(ctx context.Context, e ExtContext, query string, arg any) (sql.Result, error) {
	return nil, nil
}

func (db *DB) DriverName() string                                     { return "" }
func (db *DB) BindNamed(query string, arg any) (string, []any, error) { return query, nil, nil }
func (db *DB) MustExecContext(ctx context.Context, query string, args ...any) sql.Result {
	return nil
}
func (db *DB) NamedQueryContext(ctx context.Context, query string, arg any) (*Rows, error) {
	return nil, nil
}
func (tx *Tx) DriverName() string                                     { return "" }
func (tx *Tx) Rebind(query string) string                             { return query }
func (tx *Tx) BindNamed(query string, arg any) (string, []any, error) { return query, nil, nil }
func (tx *Tx) MustExecContext(ctx context.Context, query string, args ...any) sql.Result {
	return nil
}
func (tx *Tx) NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error) {
	return nil, nil
}
func (tx *Tx) NamedQuery(query string, arg any) (*Rows, error) { return nil, nil }
func (tx *Tx) NamedQueryContext(ctx context.Context, query string, arg any) (*Rows, error) {
	return nil, nil
}
func (tx *Tx) PreparexContext(ctx context.Context, query string) (*Stmt, error) { return nil, nil }
