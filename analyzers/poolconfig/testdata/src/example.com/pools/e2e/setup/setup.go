// Package setup lies under e2e/: test support.
package setup

import "database/sql"

func Tune(db *sql.DB) { db.SetMaxOpenConns(1) }
