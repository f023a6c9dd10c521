// Package poolercompat defines an analyzer that reports connections to a
// transaction-mode pooler that still use server-side prepared statements.
//
// # Analyzer poolercompat
//
// poolercompat: connections through a transaction-mode pooler must not depend on server-side prepared statements
//
// A transaction-mode pooler (PgBouncer with pool_mode=transaction,
// Supavisor and Supabase's pooler on port 6543) runs each transaction on
// whichever server connection is free. pgx prepares a named statement per
// query on the connection it thinks it has (default_query_exec_mode
// cache_statement), so the next transaction finds it missing or already
// there: ERROR: prepared statement "stmtcache_…" already exists (SQLSTATE
// 42P05) or … does not exist (SQLSTATE 26000). describe_exec is not safe
// either — it describes and executes in two round trips and the pooler may
// switch connections in between (measured through PgBouncer: ERROR: bind
// message has 2 result formats but query has 1 columns (SQLSTATE 08P01)) —
// and lib/pq's default has the same two-round-trip problem. Safe modes:
// cache_describe, exec, simple_protocol; for lib/pq, binary_parameters=yes.
//
// A connection is to a pooler when its host or port matches rules.yaml
// pooler (default: port 6543, hosts *.pooler.supabase.com and *pgbouncer*).
// It is safe when its connection string sets a safe default_query_exec_mode,
// when the function that parses it assigns a safe mode to the config's
// DefaultQueryExecMode, or (gorm) when postgres.Config sets
// PreferSimpleProtocol. The suggested fix adds
// default_query_exec_mode=cache_describe to a literal connection string:
// exec and simple_protocol encode parameters from the Go type alone, so
// [16]byte UUIDs, maps and structs passed as arguments then fail with
// "unable to encode … into text format for unknown type (OID 0)", while
// cache_describe keeps pgx's server-typed encoding. A warning also names
// startup settings PgBouncer refuses unless configured to track or ignore
// them (FATAL: unsupported startup parameter: search_path, SQLSTATE 08P01);
// only application_name, client_encoding, datestyle, timezone and
// standard_conforming_strings pass by default. Hosts and ports only known at
// run time are not judged. Test code is exempt unless rules.yaml sets
// check_tests.
//
// Bad:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@aws-0-eu-central-1.pooler.supabase.com:6543/postgres")
//
// Good:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?default_query_exec_mode=cache_describe")
package poolercompat
