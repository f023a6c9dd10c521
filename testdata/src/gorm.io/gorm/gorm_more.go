package gorm

import "database/sql"

// More of gorm's API (signatures as in gorm v1.25).

func (db *DB) ScanRows(rows *sql.Rows, dest interface{}) error { return nil }
func (db *DB) Or(query interface{}, args ...interface{}) *DB   { return db }
func (db *DB) Not(query interface{}, args ...interface{}) *DB  { return db }
func (db *DB) Joins(query string, args ...interface{}) *DB     { return db }
func (db *DB) Having(query interface{}, args ...interface{}) *DB {
	return db
}
func (db *DB) Order(value interface{}) *DB { return db }
func (db *DB) Limit(limit int) *DB         { return db }

func (db *DB) Update(column string, value interface{}) *DB { return db }
