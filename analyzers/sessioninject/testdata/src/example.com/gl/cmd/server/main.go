package main

import (
	"context"
	"log"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/gl/app"
)

// A global that is only assigned in init/main and passed on: silent.
var pool *pgxpool.Pool

func init() {
	var err error
	pool, err = pgxpool.New(context.Background(), "")
	if err != nil {
		log.Fatal(err)
	}
}

func main() {
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "SELECT 1"); err != nil { // main is the composition root
		log.Fatal(err)
	}
	svc := app.NewService(pool)
	_ = svc
	http.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		var n int
		_ = pool.QueryRow(r.Context(), "SELECT count(*) FROM users").Scan(&n) // want `pgxpool.Pool.QueryRow through global pool`
	})
	migrate(ctx)
}

func migrate(ctx context.Context) {
	_, _ = pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS users (id bigint)") // want `pgxpool.Pool.Exec through global pool`
}
