// Package mixed talks to MySQL and PostgreSQL: the MySQL handle is told
// apart by the package that made its connector.
package mixed

import (
	"database/sql"
	"net/http"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgxpool"
)

func MySQL(w http.ResponseWriter, r *http.Request) {
	connector, err := mysql.NewConnector(mysql.NewConfig())
	if err != nil {
		return
	}
	db := sql.OpenDB(connector) // silent: MySQL
	defer db.Close()
}

func Postgres(w http.ResponseWriter, r *http.Request) {
	pool, _ := pgxpool.New(r.Context(), "postgres://app@db/app") // want `pgxpool.New inside an HTTP handler`
	defer pool.Close()
}
