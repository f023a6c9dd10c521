// Package database holds the process's handles in package-level variables:
// the pattern the rule exists for.
package database

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

var (
	DB   *sql.DB
	Pool *pgxpool.Pool
	once sync.Once
)

// Open assigns the globals: assignment is not a finding.
func Open(ctx context.Context, dsn string) (err error) {
	Pool, err = pgxpool.New(ctx, dsn)
	return err
}

// Get is a singleton accessor (rules.yaml global_accessors names it for
// other packages; here it is recognised from its body).
func Get() *pgxpool.Pool { // want Get:"accessor"
	once.Do(func() {})
	return Pool
}

// Ping and Close touch the global but run no statement.
func Ping(ctx context.Context) error { return Pool.Ping(ctx) }
func Close()                         { Pool.Close() }

func Count(ctx context.Context) (n int64) {
	_ = Pool.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n) // want `pgxpool.Pool.QueryRow through global Pool: tests cannot swap it and a transaction cannot reach it`
	return n
}

func CountAgain(ctx context.Context) (n int64) {
	_ = Get().QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n) // want `through accessor Get\(\)`
	return n
}

// Handle is an injectable holder.
type Handle struct{ Pool *pgxpool.Pool }
