// Package strict is judged with a rules.yaml that bounds pools from above
// and sets a minimum connection lifetime.
package strict

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

func pools(ctx context.Context, db *sql.DB, dsn string) {
	cfg, _ := pgxpool.ParseConfig(dsn)
	cfg.MaxConns = 50                      // want `MaxConns = 50 is above the ceiling of 20 connections`
	cfg.MaxConnLifetime = 30 * time.Second // want `MaxConnLifetime = 30s recycles connections faster than rules.yaml pool.min_conn_lifetime \(5m0s\)`
	pgxpool.NewWithConfig(ctx, cfg)

	ok, _ := pgxpool.ParseConfig(dsn)
	ok.MaxConns = 3 // the floor is 2 here
	ok.MaxConnLifetime = time.Hour
	ok.HealthCheckPeriod = 10 * time.Minute
	pgxpool.NewWithConfig(ctx, ok)

	db.SetMaxOpenConns(0)                   // want `SetMaxOpenConns\(0\) leaves the pool unbounded, above rules.yaml pool.max_max_conns \(20\)`
	db.SetConnMaxLifetime(10 * time.Second) // want `SetConnMaxLifetime\(10s\) recycles connections faster`
}
