// Package pgx5new requires pgx v5.12.0, which has every simple-protocol
// fix and reads every key the tables list: the same strings as pgx5old are
// silent here.
package pgx5new

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func silent(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?sslnegotiation=direct")
	pgxpool.New(ctx, "postgres://app@db/orders?pool_min_idle_conns=2")
	pgxpool.New(ctx, "host=db user=app require_auth=scram-sha-256")
	pgx.Connect(ctx, "postgres://app@db/orders?default_query_exec_mode=simple_protocol")
	sql.Open("pgx", "postgres://app@db/orders?default_query_exec_mode=simple_protocol")
}

func flagged(ctx context.Context) {
	// Still pgx v4's key under v5.
	pgx.Connect(ctx, "postgres://app@db/orders?statement_cache_mode=describe") // want `statement_cache_mode is a pgx v4 option pgx does not read.*default_query_exec_mode=cache_statement\|cache_describe`
}
