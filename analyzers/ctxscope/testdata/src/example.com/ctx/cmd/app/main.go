package main

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "")
	if err != nil {
		return
	}
	_, _ = pool.Exec(context.Background(), "SELECT 1")
	go worker(ctx, pool)
	var db *sql.DB
	_, _ = db.Exec("SELECT 1")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = pool.QueryRow(r.Context(), "SELECT 1")
	})
}

func worker(ctx context.Context, pool *pgxpool.Pool) {
	for range time.Tick(time.Minute) {
		_, _ = pool.Exec(ctx, "DELETE FROM sessions WHERE expires < now()")
	}
}
