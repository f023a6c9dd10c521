// Command app builds its pool in main, which rules.yaml approves.
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/app/internal/api"
	"example.com/app/internal/platform"
	"example.com/app/internal/report"
)

func main() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	replica, err := platform.OpenReplica(ctx, os.Getenv("REPLICA_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer replica.Close()
	go report.Nightly(ctx)
	log.Fatal(http.ListenAndServe(":8080", api.New(pool)))
}
