// Package batch is a worker by rules.yaml.
package batch

import "github.com/jmoiron/sqlx"

func Nightly(db *sqlx.DB) { // touch: inject worker Nightly api=github.com/jmoiron/sqlx.DB
	db.MustExec("refresh materialized view daily") // touch: exec worker Nightly api=github.com/jmoiron/sqlx.DB.MustExec
}
