// Package v4 uses pgx v4's pgxpool, whose ParseConfig sets MaxConns the same way.
package v4

import (
	"context"

	"github.com/jackc/pgx/v4/pgxpool"
)

func open(ctx context.Context, dsn string) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return
	}
	if cfg.MaxConns == 0 { // want `cfg.MaxConns == 0 is never true after pgxpool.ParseConfig`
		cfg.MaxConns = 16
	}
	pgxpool.ConnectConfig(ctx, cfg)

	var built pgxpool.Config
	if built.MaxConns == 0 {
		built.MaxConns = 16
	}
}
