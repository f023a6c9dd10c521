package pooled

import (
	"context"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const poolerURL = "postgres://app@pgbouncer.internal:6432/app"

// The mode set in code makes the connection safe.
func configured(ctx context.Context) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(poolerURL)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	return pgxpool.NewWithConfig(ctx, cfg)
}

func describeExec(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(poolerURL)
	if err != nil {
		return nil, err
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec // want `describe_exec exec mode through a transaction-mode pooler: describe and execute may hit two`
	return pgx.ConnectConfig(ctx, cfg)
}

func fromEnvironment(ctx context.Context) {
	pgxpool.New(ctx, os.Getenv("DATABASE_URL")) // where it points is decided at run time
}

func startupParams(ctx context.Context) {
	pgxpool.New(ctx, "postgres://app@pgbouncer.internal:6432/app?default_query_exec_mode=exec&search_path=app&application_name=api&timezone=UTC") // want `search_path is sent as a startup parameter, which PgBouncer refuses`
}
