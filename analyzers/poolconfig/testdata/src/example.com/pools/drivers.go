package pools

import (
	"database/sql"

	"github.com/jmoiron/sqlx"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// SQLite and MySQL pools are not PostgreSQL's: one connection is how SQLite
// is meant to be written to.
func otherDrivers() {
	lite, _ := sql.Open("sqlite3", "file:cache.db")
	lite.SetMaxOpenConns(1) // silent: SQLite

	my := sqlx.MustConnect("mysql", "root@tcp(db:3306)/app")
	my.SetMaxOpenConns(2) // silent: MySQL

	gdb, _ := gorm.Open(sqlite.Open("app.db"))
	raw, _ := gdb.DB()
	raw.SetMaxOpenConns(1) // silent: gorm over SQLite

	// A driver registered under the project's own name for SQLite.
	const sqliteDriver = "sqlite_temporal"
	plugin := sqlx.MustConnect(sqliteDriver, "file:temporal.db")
	plugin.SetMaxOpenConns(1) // silent: SQLite

	pg, _ := sql.Open("pgx", "postgres://app@db/app")
	pg.SetMaxOpenConns(2) // want `SetMaxOpenConns\(2\) is below the floor of 5`
}
