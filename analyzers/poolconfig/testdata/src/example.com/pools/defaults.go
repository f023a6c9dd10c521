package pools

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// A default for MaxConns after ParseConfig never applies (pgx #1974).
func defaultAfterParse(ctx context.Context, dsn string) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return
	}
	if cfg.MaxConns <= 0 { // want `cfg.MaxConns <= 0 is never true after pgxpool.ParseConfig, which always sets MaxConns.*max\(4, runtime.NumCPU\(\)\).*look for pool_max_conns in the string`
		cfg.MaxConns = 20
	}
	pgxpool.NewWithConfig(ctx, cfg)

	other, _ := pgxpool.ParseConfig(dsn)
	if other.MaxConns == 0 || other.MinConns > 4 { // want `other.MaxConns == 0 is never true after pgxpool.ParseConfig`
		other.MaxConns = 20
	}
	pgxpool.NewWithConfig(ctx, other)

	third, _ := pgxpool.ParseConfig(dsn)
	if 1 > third.MaxConns { // want `1 > third.MaxConns is never true`
		third.MaxConns = 20
	}
	pgxpool.NewWithConfig(ctx, third)
}

// Look-alikes that do apply.
func defaultsThatApply(ctx context.Context, base string, maxConns int) {
	// A default before ParseConfig, formatted into the string.
	if maxConns <= 0 {
		maxConns = 20
	}
	cfg, _ := pgxpool.ParseConfig(fmt.Sprintf("%s?pool_max_conns=%d", base, maxConns))
	pgxpool.NewWithConfig(ctx, cfg)

	// A check on a value the code set itself after parsing.
	own, _ := pgxpool.ParseConfig(base)
	n, _ := strconv.Atoi(os.Getenv("DB_MAX_CONNS"))
	own.MaxConns = int32(n)
	if own.MaxConns <= 0 {
		own.MaxConns = 20
	}
	pgxpool.NewWithConfig(ctx, own)

	// A config the code built itself: MaxConns is zero until set.
	lit := &pgxpool.Config{}
	if lit.MaxConns == 0 {
		lit.MaxConns = 20
	}

	// Conditions ParseConfig's value can meet.
	big, _ := pgxpool.ParseConfig(base)
	if big.MaxConns < 8 {
		big.MaxConns = 8
	}
	if big.MaxConns > 0 && big.MinConns == 0 {
		big.MinConns = 1
	}
	pgxpool.NewWithConfig(ctx, big)
}

// A zero idle time closes idle connections at every health check.
func idleTimes(ctx context.Context, dsn string) {
	cfg, _ := pgxpool.ParseConfig(dsn)
	cfg.MaxConns = 10
	cfg.MaxConnIdleTime = 0 // want `MaxConnIdleTime = 0s does not mean never: pgxpool's health check closes every idle connection above MinConns.*checkConnsHealth`
	cfg.MaxConnLifetime = 0 // pgxpool: never expires (isExpired returns false), and it pings an idle connection before reuse
	pgxpool.NewWithConfig(ctx, cfg)

	ok, _ := pgxpool.ParseConfig(dsn)
	ok.MaxConns = 10
	ok.MaxConnIdleTime = 5 * time.Minute
	pgxpool.NewWithConfig(ctx, ok)

	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=10&pool_max_conn_idle_time=0s") // want `pool_max_conn_idle_time=0s does not mean never`
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=10&pool_max_conn_idle_time=10m")
}
