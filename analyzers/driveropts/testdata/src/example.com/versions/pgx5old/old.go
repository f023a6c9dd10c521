// Package pgx5old requires pgx v5.5.3 (go.mod beside it): keys added later
// are forwarded to the server, and the simple protocol lacks the
// SQL-injection fixes.
package pgx5old

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

func flagged(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?sslnegotiation=direct")                   // want `sslnegotiation is a pgx v5.7.5\+ key; the module's pgx v5.5.3 sends it to the server.*unrecognized configuration parameter "sslnegotiation".*upgrade github.com/jackc/pgx/v5 to v5.7.5`
	pgxpool.New(ctx, "postgres://app@db/orders?pool_min_idle_conns=2")                   // want `pool_min_idle_conns is a pgx v5.7.3\+ key.*unrecognized configuration parameter "pool_min_idle_conns"`
	pgxpool.New(ctx, "host=db user=app require_auth=scram-sha-256")                      // want `require_auth is a pgx v5.10.0\+ key`
	pgx.Connect(ctx, "postgres://app@db/orders?default_query_exec_mode=simple_protocol") // want `default_query_exec_mode=simple_protocol: the simple protocol of pgx v5.5.3 is open to SQL injection \(3 advisories\).*GO-2024-2605.*fixed in v5.5.4.*GHSA-j88v-2chj-qfwx.*fixed in v5.9.2.*upgrade github.com/jackc/pgx/v5 to v5.12.0 or later, or write default_query_exec_mode=exec`
	sql.Open("pgx", "postgres://app@db/orders?default_query_exec_mode=simple_protocol")  // want `simple protocol of pgx v5.5.3 is open to SQL injection`
	// The pgx v4 key: renamed to exec, not to the unsafe simple protocol.
	pgx.Connect(ctx, "postgres://app@db/orders?prefer_simple_protocol=true") // want `prefer_simple_protocol is a pgx v4 option.*default_query_exec_mode=simple_protocol`
}

func silent(ctx context.Context) {
	pgx.Connect(ctx, "postgres://app@db/orders?default_query_exec_mode=exec&sslmode=require")
	pgxpool.New(ctx, "postgres://app@db/orders?pool_max_conns=8&pool_min_conns=2&default_query_exec_mode=cache_describe")
	pgx.Connect(ctx, "postgres://app@db/orders?target_session_attrs=read-write&application_name=x")
}
