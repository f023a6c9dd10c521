package main

import (
	"context"

	"example.com/policy/db"
	"example.com/policy/jobs"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	pool, _ := db.Open(context.Background(), "")
	defer pool.Close()
	jobs.Every(func(ctx context.Context) {
		p, _ := pgxpool.New(ctx, "") // want `pgxpool.New in a func literal, which runs for every job`
		p.Close()
	})
}
