// Package latest merely ends in "test": production code, judged.
package latest

import "database/sql"

func Tune(db *sql.DB) {
	db.SetMaxOpenConns(1) // want `SetMaxOpenConns\(1\) is below the floor`
}
