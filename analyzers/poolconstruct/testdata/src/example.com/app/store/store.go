package store

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open builds the one pool: the approved way.
func Open(ctx context.Context, dsn string) (*pgxpool.Pool, error) { // want Open:"constructs\\(pgxpool.NewWithConfig\\)"
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// OpenRetry retries at start-up: the loop ends once the pool is built.
func OpenRetry(ctx context.Context, dsn string) (*pgxpool.Pool, error) { // want OpenRetry:"constructs\\(pgxpool.New\\)"
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		pool, err := pgxpool.New(ctx, dsn)
		if err == nil {
			return pool, nil
		}
		lastErr = err
		time.Sleep(time.Second)
	}
	return nil, lastErr
}

// OpenFirst tries replicas in order and stops at the first that works.
func OpenFirst(dsns []string) *sql.DB { // want OpenFirst:"constructs\\(sql.Open\\)"
	var db *sql.DB
	for _, dsn := range dsns {
		d, err := sql.Open("pgx", dsn)
		if err != nil {
			continue
		}
		db = d
		break
	}
	return db
}

// PerTenant builds a pool per tenant on every call: flagged even here.
func PerTenant(ctx context.Context, dsns []string) { // want PerTenant:"constructs\\(pgxpool.New\\)"
	for _, dsn := range dsns {
		pool, _ := pgxpool.New(ctx, dsn) // want `pgxpool.New inside a loop builds a new pool on every iteration`
		pool.Close()
	}
}

// A break that leaves an inner switch does not end the loop.
func SwitchBreak(ctx context.Context, dsns []string) { // want SwitchBreak:"constructs\\(pgxpool.New\\)"
	for _, dsn := range dsns {
		pool, _ := pgxpool.New(ctx, dsn) // want `inside a loop`
		switch dsn {
		case "":
			break
		}
		pool.Close()
	}
}

func Handler(w http.ResponseWriter, r *http.Request) {
	db, _ := sql.Open("pgx", "postgres://app@db/app") // want `sql.Open inside an HTTP handler`
	_ = db
}
