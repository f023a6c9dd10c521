// Package testutils is test support (see the test for which evidence): a pool
// built per request here is a test server's business, not a finding.
package testutils

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Serve(w http.ResponseWriter, r *http.Request) {
	pool, _ := pgxpool.New(r.Context(), "postgres://test@localhost/test")
	defer pool.Close()
}
