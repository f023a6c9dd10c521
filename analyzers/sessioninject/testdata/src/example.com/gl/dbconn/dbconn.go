// Package dbconn hands out its package-level handle through GetDB, and is
// not named in rules.yaml global_accessors: the fact tells its importers.
package dbconn

import "database/sql"

var instance *sql.DB

func Init(dsn string) (err error) {
	instance, err = sql.Open("pgx", dsn)
	return err
}

func GetDB() *sql.DB { return instance } // want GetDB:"accessor"

// Fresh returns a new handle, not the global: no accessor.
func Fresh(dsn string) *sql.DB {
	db, _ := sql.Open("pgx", dsn)
	return db
}
