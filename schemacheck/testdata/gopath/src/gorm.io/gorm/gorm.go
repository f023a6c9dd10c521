// Package gorm is a stub of gorm.io/gorm with the names schemacheck reads.
package gorm

import (
	"database/sql"
	"time"
)

// Model is gorm's base model.
type Model struct {
	ID        uint `gorm:"primarykey"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt DeletedAt `gorm:"index"`
}

// DeletedAt is a nullable time with a Scan method.
type DeletedAt sql.NullTime

// Scan implements sql.Scanner.
func (n *DeletedAt) Scan(value any) error { return (*sql.NullTime)(n).Scan(value) }

// DB is a gorm handle.
type DB struct{}

func (db *DB) Create(value any) *DB               { return db }
func (db *DB) Find(dest any, conds ...any) *DB    { return db }
func (db *DB) First(dest any, conds ...any) *DB   { return db }
func (db *DB) Raw(sql string, values ...any) *DB  { return db }
func (db *DB) Exec(sql string, values ...any) *DB { return db }
func (db *DB) Model(value any) *DB                { return db }
func (db *DB) Where(query any, args ...any) *DB   { return db }
