// Package latest merely ends in "test": production code, judged.
package latest

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Serve(w http.ResponseWriter, r *http.Request) {
	pool, _ := pgxpool.New(r.Context(), "postgres://app@db/app") // want `pgxpool.New inside an HTTP handler`
	defer pool.Close()
}
