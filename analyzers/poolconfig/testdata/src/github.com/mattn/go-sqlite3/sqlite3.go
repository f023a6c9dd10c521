// Package sqlite3 is a stub of the SQLite database/sql driver.
package sqlite3
