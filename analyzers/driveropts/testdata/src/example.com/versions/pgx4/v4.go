// Package pgx4 requires pgx v4.18.3 (go.mod beside it): pgx v4's keys are
// its own, pgx v5's are forwarded to the server, and the simple protocol
// has no release with the dollar-quote fix.
package pgx4

import (
	"context"
	"database/sql"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgx/v4"
	"github.com/jackc/pgx/v4/pgxpool"
)

func flagged(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?default_query_exec_mode=cache_describe") // want `default_query_exec_mode is a pgx v5 option pgx does not read; the server refuses it.*unrecognized configuration parameter "default_query_exec_mode".*statement_cache_mode=describe`
	pgxpool.Connect(ctx, "postgres://app@db/orders?description_cache_capacity=0")       // want `description_cache_capacity is a pgx v5 option pgxpool does not read`
	sql.Open("pgx", "postgres://app@db/orders?default_query_exec_mode=exec")            // want `default_query_exec_mode is a pgx v5 option pgx's database/sql driver does not read.*at the first Ping or query`
	pgx.Connect(ctx, "postgres://app@db/orders?statement_cache_mode=cache_describe")    // want `statement_cache_mode=cache_describe is not a value pgx accepts.*invalid statement_cache_mod: cache_describe.*write statement_cache_mode=describe`
	pgx.Connect(ctx, "postgres://app@db/orders?prefer_simple_protocol=true")            // want `prefer_simple_protocol=true: the simple protocol of pgx v4.18.3 is open to SQL injection \(1 advisory\).*GHSA-j88v-2chj-qfwx.*no fix in this major version`
	pgxpool.Connect(ctx, "postgres://app@db/orders?pool_min_idle_conns=2")              // want `pool_min_idle_conns is a pgxpool v5.7.3\+ option pgxpool does not read.*pool_min_conns`
	pgxpool.Connect(ctx, "postgres://app@db/orders?pool_max_conns=0")                   // want `pool_max_conns=0 is not a value pgxpool accepts.*pool_max_conns too small: 0`
	pgconn.Connect(ctx, "host=db user=app channel_binding=require")                     // want `channel_binding is a pgx v5.9.0\+ option pgconn does not read`
}

func silent(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?statement_cache_mode=describe&statement_cache_capacity=0")
	pgx.Connect(ctx, "postgres://app@db/orders?prefer_simple_protocol=false&min_read_buffer_size=8192")
	pgxpool.Connect(ctx, "postgres://app@db/orders?pool_max_conns=8&pool_max_conn_lifetime_jitter=1m")
	pgxpool.ParseConfig("host=db user=app sslmode=verify-full target_session_attrs=primary")
	pgconn.ParseConfig("host=db user=app application_name=worker")
}
