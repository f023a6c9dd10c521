// Package poolercompat defines an analyzer that reports connections to a
// transaction-mode pooler that depend on the session: server-side prepared
// statements, session state set by SQL, startup parameters the pooler
// refuses, and migration tools that hold session locks.
//
// # Analyzer poolercompat
//
// poolercompat: connections through a transaction-mode pooler must not depend on the server session
//
// A transaction-mode pooler (PgBouncer with pool_mode=transaction,
// Supavisor and Supabase's pooler on port 6543) runs each transaction on
// whichever server connection is free. Whatever outlives a transaction
// stays on that server connection: the client's next transaction does not
// see it, and the next client to get that connection does. Every error
// below was measured with pgx v5 through PgBouncer 1.18.0
// (pool_mode=transaction, two server connections) after another client
// took the first server connection; the package's pooler tests measure it
// again on every run.
//
// A connection is to a pooler when its host or port matches rules.yaml
// pooler (default: port 6543, hosts *.pooler.supabase.com and *pgbouncer*).
// The rule follows what the package builds from such a connection string:
// configs parsed from it, pools and connections built from those,
// transactions and connections taken from them, struct fields, function
// parameters and results that hold them, and the connections pgx hands to
// AfterConnect. Hosts and ports only known at run time are not judged. Test
// code is exempt unless rules.yaml sets check_tests.
//
// Prepared statements. pgx prepares a named statement per query on the
// connection it thinks it has (default_query_exec_mode cache_statement), so
// the next transaction finds it missing or already there: ERROR: prepared
// statement "stmtcache_…" already exists (SQLSTATE 42P05) or … does not
// exist (SQLSTATE 26000). describe_exec is not safe either — it describes
// and executes in two round trips and the pooler may switch connections in
// between (ERROR: bind message has 2 result formats but query has 1 columns
// (SQLSTATE 08P01)) — and lib/pq's default has the same two-round-trip
// problem. Safe modes: cache_describe, exec, simple_protocol; for lib/pq,
// binary_parameters=yes. A connection is safe when its connection string
// sets a safe default_query_exec_mode, when the function that parses it
// assigns a safe mode to the config's DefaultQueryExecMode, or (gorm) when
// postgres.Config sets PreferSimpleProtocol. The suggested fix adds
// default_query_exec_mode=cache_describe to a literal connection string:
// exec and simple_protocol encode parameters from the Go type alone, so
// [16]byte UUIDs, maps and structs passed as arguments then fail with
// "unable to encode … into text format for unknown type (OID 0)", while
// cache_describe keeps pgx's server-typed encoding.
//
// Session state in literal SQL run on such a handle, by its methods or by
// sqlx's functions given it (sqlx.MustExec(db, …), sqlx.Preparex(tx, …)):
//
//   - SET (and SET SESSION, SET ROLE) and set_config(…, false): the next
//     transaction runs without the setting (SHOW statement_timeout: 0 after
//     SET statement_timeout = 1234), and the server connection that ran it
//     keeps 1234ms for other clients. RESET resets whichever server
//     connection runs it. Fine: SET LOCAL and set_config(…, true) inside a
//     transaction, SET TRANSACTION, SET CONSTRAINTS; or ALTER ROLE … SET.
//   - pg_advisory_lock, pg_try_advisory_lock (and the _shared forms): the
//     unlock runs on another server connection and answers false with
//     WARNING: you don't own a lock of type ExclusiveLock; the lock stays
//     held. Fine: pg_advisory_xact_lock, pg_try_advisory_xact_lock.
//   - LISTEN: the listening client receives nothing (WaitForNotification
//     timed out) while the server connection it used stays subscribed;
//     UNLISTEN unsubscribes whichever server connection runs it. Fine:
//     NOTIFY and pg_notify; LISTEN on a connection that bypasses the pooler.
//   - CREATE TEMP TABLE without ON COMMIT DROP: ERROR: relation "…" does
//     not exist (SQLSTATE 42P01) in the next transaction.
//   - DECLARE … CURSOR WITH HOLD: ERROR: cursor "…" does not exist
//     (SQLSTATE 34000) at the FETCH. Fine: cursors without HOLD.
//   - SQL PREPARE: ERROR: prepared statement "…" does not exist (SQLSTATE
//     26000) at the EXECUTE. Fine: PREPARE TRANSACTION.
//
// Startup parameters. PgBouncer 1.18 passes on only application_name,
// client_encoding, DateStyle, TimeZone and standard_conforming_strings;
// any other setting in the connection string or the config's RuntimeParams
// that the driver forwards (search_path, statement_timeout, lock_timeout,
// idle_in_transaction_session_timeout, work_mem, IntervalStyle,
// extra_float_digits, options, …) fails the connection with FATAL:
// unsupported startup parameter: search_path (SQLSTATE 08P01), although the
// server itself accepts it. Two ways out: set it per role or database
// (ALTER ROLE … SET) or per transaction (SET LOCAL); or configure the
// pooler — ignore_startup_parameters makes PgBouncer accept the connection
// but drop the value (search_path stayed "$user", public), and
// track_extra_parameters (PgBouncer 1.20 and later; 1.18 rejects it as
// unknown) forwards it.
//
// Migration tools that hold a session advisory lock for a run, pointed at a
// pooler: golang-migrate (migrate.New with a pooler URL, or a driver's
// WithInstance on a pooler handle) — its unlock ran on another server
// connection and the next run failed with "timeout: can't acquire database
// lock"; goose's Provider with WithSessionLocker — Up failed with "failed
// to unlock session"; atlasexec's MigrateApply/MigrateDown/SchemaApply
// parameters with a pooler URL. goose without a locker or with its table
// locker is not flagged. Run migrations over a connection that bypasses
// the pooler (the server's own port, or a session-mode pooler port such as
// Supabase's 5432).
//
// Bad:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@aws-0-eu-central-1.pooler.supabase.com:6543/postgres")
//	pool.Exec(ctx, "SET search_path = tenant_a")
//
// Good:
//
//	pool, err := pgxpool.New(ctx, "postgres://app@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?default_query_exec_mode=cache_describe")
//	tx, err := pool.Begin(ctx)
//	tx.Exec(ctx, "SET LOCAL search_path = tenant_a")
package poolercompat
