// Package pools sizes pools; flagged settings stand beside fine ones.
package pools

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
)

type Settings struct {
	MaxConns int32
	Health   time.Duration
}

func sizes(ctx context.Context, dsn string, s Settings) {
	cfg, _ := pgxpool.ParseConfig(dsn)
	cfg.MaxConns = 2                       // want `MaxConns = 2 is below the floor of 5 connections \(rules.yaml pool.min_max_conns\).*at least 5 \(10 recommended\)`
	cfg.HealthCheckPeriod = 0              // want `HealthCheckPeriod = 0s is accepted by pgxpool.*panic: non-positive interval for NewTicker`
	cfg.MaxConnLifetime = 30 * time.Minute // no min_conn_lifetime in the default rules
	pgxpool.NewWithConfig(ctx, cfg)

	good, _ := pgxpool.ParseConfig(dsn)
	good.MaxConns = 10
	good.MinConns = 2
	good.HealthCheckPeriod = 30 * time.Second
	pgxpool.NewWithConfig(ctx, good)

	// Values from configuration are not judged.
	dyn, _ := pgxpool.ParseConfig(dsn)
	dyn.MaxConns = s.MaxConns
	dyn.HealthCheckPeriod = s.Health
	pgxpool.NewWithConfig(ctx, dyn)

	slow, _ := pgxpool.ParseConfig(dsn)
	slow.HealthCheckPeriod = 15 * time.Minute // want `HealthCheckPeriod = 15m0s stretches health checks past 5m0s`
	slow.MinConns = 20                        // want `MinConns = 20 is above MaxConns = 8: pgxpool silently caps the pool at 8 connections`
	slow.MaxConns = 8
	pgxpool.NewWithConfig(ctx, slow)

	lit := &pgxpool.Config{MaxConns: 1} // want `MaxConns = 1 is below the floor`
	pgxpool.NewWithConfig(ctx, lit)
}

func connectionStrings(ctx context.Context) {
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=3") // want `pool_max_conns=3 is below the floor of 5`
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=10")
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=20&pool_health_check_period=0s") // want `pool_health_check_period=0s is accepted by pgxpool.*panic: non-positive interval for NewTicker`
	pgxpool.New(ctx, "postgres://app@db/orders?pool_health_check_period=30s&pool_max_conn_lifetime=1h")
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=0")                  // rejected by pgxpool itself: a driveropts finding
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=4&pool_min_conns=6") // want `pool_max_conns=4 is below the floor` `pool_min_conns=6 is above pool_max_conns=4`
}

func databaseSQL(db *sql.DB, x *sqlx.DB, n int) {
	db.SetMaxOpenConns(2) // want `SetMaxOpenConns\(2\) is below the floor of 5`
	db.SetMaxOpenConns(25)
	db.SetMaxOpenConns(n)
	db.SetMaxOpenConns(0) // unlimited: no ceiling in the default rules
	db.SetConnMaxLifetime(time.Minute)
	x.SetMaxOpenConns(1) // want `SetMaxOpenConns\(1\) is below the floor`
}
