// Command migrate applies the migrations: a migration before it is a main.
package main

import (
	"context"
	"database/sql"
	"os"

	"github.com/pressly/goose/v3"
)

func main() {
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL")) // touch: construct migration main
	if err != nil {
		os.Exit(1)
	}
	if err := goose.UpContext(context.Background(), db, "migrations"); err != nil {
		os.Exit(1)
	}
	version(db)
}

// version does not use goose: main.
func version(db *sql.DB) { // touch: inject main version
	db.QueryRow("select max(version_id) from goose_db_version") // touch: query main version
}
