// Package lite opens a database whose driver is a runtime value; the only
// driver the program imports is SQLite's, so PostgreSQL's floor does not apply.
package lite

import (
	"database/sql"

	_ "github.com/mattn/go-sqlite3"
)

func Open(driver, dsn string) (*sql.DB, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // silent: only SQLite is linked
	return db, nil
}

func Tune(db *sql.DB) {
	db.SetMaxOpenConns(1) // silent: a handle of this program is SQLite's
}
