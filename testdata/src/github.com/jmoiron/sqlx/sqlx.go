// Package sqlx is a stub of github.com/jmoiron/sqlx for analyzer tests.
package sqlx

import (
	"context"
	"database/sql"
)

type DB struct {
	*sql.DB
	Mapper any
}

type Tx struct {
	*sql.Tx
	Mapper any
}

type Conn struct {
	*sql.Conn
}

type Rows struct {
	*sql.Rows
}

type Row struct{}

func (r *Row) Scan(dest ...any) error     { return nil }
func (r *Row) StructScan(dest any) error  { return nil }
func (r *Rows) StructScan(dest any) error { return nil }

type Stmt struct{ *sql.Stmt }
type NamedStmt struct{}

type Queryer interface {
	Query(query string, args ...any) (*sql.Rows, error)
	Queryx(query string, args ...any) (*Rows, error)
	QueryRowx(query string, args ...any) *Row
}

type Execer interface {
	Exec(query string, args ...any) (sql.Result, error)
}

type QueryerContext interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryxContext(ctx context.Context, query string, args ...any) (*Rows, error)
	QueryRowxContext(ctx context.Context, query string, args ...any) *Row
}

type ExecerContext interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type ExtContext interface {
	QueryerContext
	ExecerContext
}

func Open(driverName, dataSourceName string) (*DB, error)    { return nil, nil }
func MustOpen(driverName, dataSourceName string) *DB         { return nil }
func Connect(driverName, dataSourceName string) (*DB, error) { return nil, nil }
func MustConnect(driverName, dataSourceName string) *DB      { return nil }
func ConnectContext(ctx context.Context, driverName, dataSourceName string) (*DB, error) {
	return nil, nil
}
func NewDb(db *sql.DB, driverName string) *DB { return nil }

func Select(q Queryer, dest any, query string, args ...any) error { return nil }
func Get(q Queryer, dest any, query string, args ...any) error    { return nil }
func SelectContext(ctx context.Context, q QueryerContext, dest any, query string, args ...any) error {
	return nil
}
func GetContext(ctx context.Context, q QueryerContext, dest any, query string, args ...any) error {
	return nil
}

func (db *DB) Beginx() (*Tx, error)                                           { return nil, nil }
func (db *DB) MustBegin() *Tx                                                 { return nil }
func (db *DB) BeginTxx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) { return nil, nil }
func (db *DB) Connx(ctx context.Context) (*Conn, error)                       { return nil, nil }
func (db *DB) Queryx(query string, args ...any) (*Rows, error)                { return nil, nil }
func (db *DB) QueryRowx(query string, args ...any) *Row                       { return nil }
func (db *DB) QueryxContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	return nil, nil
}
func (db *DB) QueryRowxContext(ctx context.Context, query string, args ...any) *Row { return nil }
func (db *DB) Select(dest any, query string, args ...any) error                     { return nil }
func (db *DB) Get(dest any, query string, args ...any) error                        { return nil }
func (db *DB) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return nil
}
func (db *DB) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return nil
}
func (db *DB) NamedExec(query string, arg any) (sql.Result, error) { return nil, nil }
func (db *DB) NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error) {
	return nil, nil
}
func (db *DB) NamedQuery(query string, arg any) (*Rows, error) { return nil, nil }
func (db *DB) MustExec(query string, args ...any) sql.Result   { return nil }
func (db *DB) Preparex(query string) (*Stmt, error)            { return nil, nil }
func (db *DB) Rebind(query string) string                      { return query }

func (tx *Tx) Queryx(query string, args ...any) (*Rows, error) { return nil, nil }
func (tx *Tx) QueryRowx(query string, args ...any) *Row        { return nil }
func (tx *Tx) QueryxContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	return nil, nil
}
func (tx *Tx) QueryRowxContext(ctx context.Context, query string, args ...any) *Row { return nil }
func (tx *Tx) Select(dest any, query string, args ...any) error                     { return nil }
func (tx *Tx) Get(dest any, query string, args ...any) error                        { return nil }
func (tx *Tx) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	return nil
}
func (tx *Tx) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return nil
}
func (tx *Tx) NamedExec(query string, arg any) (sql.Result, error) { return nil, nil }
func (tx *Tx) MustExec(query string, args ...any) sql.Result       { return nil }
