// Package web calls another package's pool-building function per request.
package web

import (
	"net/http"

	"example.com/app/conn"
)

func Users(w http.ResponseWriter, r *http.Request) {
	pool, err := conn.Connect(r.Context()) // want `conn.Connect builds a new pool each time it is called, and the HTTP handler Users calls it`
	if err != nil {
		return
	}
	defer pool.Close()
}

// Silent: conn.Shared builds once.
func Orders(w http.ResponseWriter, r *http.Request) {
	_, _ = conn.Shared().Exec(r.Context(), "SELECT 1")
}
