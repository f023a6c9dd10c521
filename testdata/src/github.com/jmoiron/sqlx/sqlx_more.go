package sqlx

import (
	"context"
	"database/sql"
)

// More of sqlx v1.4.0's API (signatures as in the real package).

// ColScanner is what MapScan and SliceScan read from.
type ColScanner interface {
	Columns() ([]string, error)
	Scan(dest ...any) error
	Err() error
}

type rowsi interface {
	Close() error
	Columns() ([]string, error)
	Err() error
	Next() bool
	Scan(...any) error
}

func StructScan(rows rowsi, dest any) error                  { return nil }
func MapScan(r ColScanner, dest map[string]any) error        { return nil }
func SliceScan(r ColScanner) ([]any, error)                  { return nil, nil }
func (r *Rows) MapScan(dest map[string]any) error            { return nil }
func (r *Rows) SliceScan() ([]any, error)                    { return nil, nil }
func (n *NamedStmt) Close() error                            { return nil }
func (n *NamedStmt) Exec(arg any) (sql.Result, error)        { return nil, nil }
func (n *NamedStmt) Queryx(arg any) (*Rows, error)           { return nil, nil }
func (db *DB) PrepareNamed(query string) (*NamedStmt, error) { return nil, nil }
func (db *DB) PreparexContext(ctx context.Context, query string) (*Stmt, error) {
	return nil, nil
}
func (tx *Tx) Preparex(query string) (*Stmt, error) { return nil, nil }

// In expands slice arguments into the query's IN (?) lists.
func In(query string, args ...any) (string, []any, error) { return query, args, nil }
