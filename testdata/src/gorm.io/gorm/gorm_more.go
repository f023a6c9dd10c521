package gorm

import (
	"context"
	"database/sql"
)

// More of gorm's API (signatures as in gorm v1.25).

func (db *DB) ScanRows(rows *sql.Rows, dest interface{}) error { return nil }
func (db *DB) Or(query interface{}, args ...interface{}) *DB   { return db }
func (db *DB) Not(query interface{}, args ...interface{}) *DB  { return db }
func (db *DB) Joins(query string, args ...interface{}) *DB     { return db }
func (db *DB) Having(query interface{}, args ...interface{}) *DB {
	return db
}
func (db *DB) Order(value interface{}) *DB { return db }
func (db *DB) Group(name string) *DB       { return db }
func (db *DB) Limit(limit int) *DB         { return db }

func (db *DB) Update(column string, value interface{}) *DB { return db }

// Statement and ConnPool as in gorm v1.31 (fields trimmed).
type Statement struct {
	ConnPool ConnPool
	SQL      interface{ String() string }
	Vars     []interface{}
}

type ConnPool interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	ExecContext(ctx context.Context, query string, args ...interface{}) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...interface{}) *sql.Row
}

func (db *DB) AddError(err error) error { return err }
