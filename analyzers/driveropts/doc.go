// Package driveropts defines an analyzer that reports connection-string keys
// and values the receiving driver does not support.
//
// # Analyzer driveropts
//
// driveropts: connection strings may only carry keys and values the driver they reach accepts
//
// Each Go driver reads a different set of keys, and none of them rejects an
// unknown key: pgx, pgxpool, pgx's database/sql driver and lib/pq send every
// key they do not consume to the server as a run-time setting, and the
// server ends the connection with
// FATAL: unrecognized configuration parameter "command_timeout" (SQLSTATE 42704).
// The string is judged against the sink it reaches — pgconn, pgx.Connect
// and ParseConfig, pgxpool.New and ParseConfig, sql.Open / sqlx with the
// driver names pgx, pgx/v5 (pgx's stdlib) and postgres (lib/pq), gorm's
// postgres.Open and postgres.Config{DSN: …}, and golang-migrate's
// migrate.New (which reads its own x- keys) — and also writes to a pgx
// config's RuntimeParams, which go to the server as they are. It reports:
//
//   - options of other drivers and languages (asyncpg's command_timeout and
//     statement_cache_size, JDBC's prepareThreshold, Prisma's pgbouncer=true
//     and connection_limit, ssl=require), naming the Go way to get what they
//     meant;
//   - keys of one Go driver handed to another (pool_max_conns through
//     pgx.Connect or database/sql, default_query_exec_mode through lib/pq,
//     golang-migrate's x- keys outside migrate.New);
//   - keys that are neither the driver's nor server settings, keys written
//     in the wrong case (sslMode), and server settings no session may change
//     (ssl, max_connections);
//   - values the driver rejects (sslmode=required, connect_timeout=10s,
//     pool_max_conn_lifetime=3600, default_query_exec_mode=SIMPLE_PROTOCOL);
//   - statement_cache_capacity=0 without another default_query_exec_mode,
//     which makes every query fail with "cannot use
//     QueryExecModeCacheStatement with disabled statement cache" while Ping
//     still works;
//   - keys lib/pq reads and silently ignores (tz, geqo);
//   - URL schemes of other ecosystems (postgresql+asyncpg://,
//     jdbc:postgresql://), which the drivers read as keyword/value.
//
// Options are judged by the driver version the module requires (its
// go.mod, or the versions go list selected when dbaudit runs the program):
// under pgx v4 (pgx.Connect, pgxpool.Connect, pgconn v1, sql.Open("pgx"))
// v4's keys statement_cache_mode and prefer_simple_protocol are the driver's
// and v5's default_query_exec_mode goes to the server; an older pgx v5
// forwards keys it does not read yet (sslnegotiation before v5.7.5,
// require_auth before v5.10.0, …). default_query_exec_mode=simple_protocol
// and prefer_simple_protocol=true are reported where the required pgx lacks
// the fixes of the simple protocol's SQL-injection advisories
// (GHSA-m7wr-2xf7-cm9p, GHSA-j88v-2chj-qfwx, GHSA-j38q-h3ph-jjpq: pgx v5
// before v5.12.0 and every pgx v4).
//
// Each message says what is wrong in one line; its help quotes what the
// driver or server answers and the fix. Real server
// settings (application_name, search_path, statement_timeout, timezone,
// dotted custom settings such as myapp.tenant) are fine and stay silent.
// Values only known at run time are not judged; their keys are. Suggested
// fixes rewrite the literal where the fix is mechanical (sslmode=required →
// require, postgresql+asyncpg:// → postgres://, dropping a foreign key).
// rules.yaml `drivers` adds keys a sink accepts. Test code is exempt unless
// rules.yaml sets check_tests.
//
// Bad:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@db/orders?sslmode=required&command_timeout=30")
//
// Good:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@db/orders?sslmode=require&statement_timeout=30000")
//	ctx, cancel := context.WithTimeout(ctx, 30*time.Second) // per query
package driveropts
