// Package gorm is a stub of gorm.io/gorm for analyzer tests.
package gorm

import (
	"context"
	"database/sql"
	"time"
)

type Dialector interface {
	Name() string
}

type Option interface{}

type Config struct{}

type Model struct {
	ID        uint `gorm:"primarykey"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

type DB struct {
	*Config
	Error        error
	RowsAffected int64
	Statement    *Statement
}

func Open(dialector Dialector, opts ...Option) (db *DB, err error) { return nil, nil }

func (db *DB) WithContext(ctx context.Context) *DB                                   { return db }
func (db *DB) Raw(sql string, values ...any) *DB                                     { return db }
func (db *DB) Exec(sql string, values ...any) *DB                                    { return db }
func (db *DB) Where(query any, args ...any) *DB                                      { return db }
func (db *DB) Model(value any) *DB                                                   { return db }
func (db *DB) Table(name string, args ...any) *DB                                    { return db }
func (db *DB) Find(dest any, conds ...any) *DB                                       { return db }
func (db *DB) First(dest any, conds ...any) *DB                                      { return db }
func (db *DB) Scan(dest any) *DB                                                     { return db }
func (db *DB) Create(value any) *DB                                                  { return db }
func (db *DB) Save(value any) *DB                                                    { return db }
func (db *DB) Delete(value any, conds ...any) *DB                                    { return db }
func (db *DB) Updates(values any) *DB                                                { return db }
func (db *DB) Begin(opts ...*sql.TxOptions) *DB                                      { return db }
func (db *DB) Commit() *DB                                                           { return db }
func (db *DB) Rollback() *DB                                                         { return db }
func (db *DB) Transaction(fc func(tx *DB) error, opts ...*sql.TxOptions) (err error) { return nil }
func (db *DB) DB() (*sql.DB, error)                                                  { return nil, nil }
func (db *DB) Rows() (*sql.Rows, error)                                              { return nil, nil }
