// Package lite opens SQLite databases: PostgreSQL's pool rules do not apply.
package lite

import (
	"database/sql"
	"net/http"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3"
)

func Handler(w http.ResponseWriter, r *http.Request) {
	db, _ := sql.Open("sqlite3", "file:cache.db") // silent: SQLite
	defer db.Close()
}

func PerFile(files []string) {
	for _, f := range files {
		db := sqlx.MustConnect("sqlite3", f) // silent: SQLite
		db.Close()
	}
}

// The driver name is a runtime value, and the only driver this package
// (and so the program) imports is SQLite's: silent.
func Open(w http.ResponseWriter, r *http.Request, driver, dsn string) {
	db, _ := sql.Open(driver, dsn)
	defer db.Close()
}

// A PostgreSQL driver named outright is still judged.
func Postgres(w http.ResponseWriter, r *http.Request) {
	db, _ := sql.Open("pgx", "postgres://app@db/app") // want `sql.Open inside an HTTP handler`
	defer db.Close()
}
