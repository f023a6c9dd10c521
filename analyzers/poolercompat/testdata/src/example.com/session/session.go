// Package session runs session-level SQL on handles that reach a
// transaction-mode pooler, beside look-alikes that stay silent: the
// transaction-scoped forms, and the same SQL on a direct connection.
package session

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	poolerURL = "postgres://app@pgbouncer.internal:6432/app?default_query_exec_mode=cache_describe"
	directURL = "postgres://app@db.internal:5432/app"
)

func settings(ctx context.Context) {
	pool, _ := pgxpool.New(ctx, poolerURL)
	pool.Exec(ctx, "SET search_path = app")                                 // want `session SET search_path through a transaction-mode pooler: later transactions miss it`
	pool.Exec(ctx, "SET SESSION statement_timeout = '5s'")                  // want `session SET statement_timeout through`
	pool.Exec(ctx, "select set_config('search_path', 'app', false)")        // want `set_config\('search_path', …, false\) through a transaction-mode pooler`
	pool.Exec(ctx, "RESET search_path")                                     // want `RESET search_path through a transaction-mode pooler resets whichever server connection`
	pool.Exec(ctx, "SET ROLE reporting")                                    // want `session SET ROLE through`
	pool.Exec(ctx, "select set_config('search_path', $1, $2)", "app", true) // the third argument is not known here
	pool.Exec(ctx, "select set_config('search_path', 'app', true)")         // ends with the transaction
	pool.Exec(ctx, "-- SET search_path = app\nselect 1")                    // a comment
	pool.Exec(ctx, "select 'SET search_path = app'")                        // a string

	tx, _ := pool.Begin(ctx)
	tx.Exec(ctx, "SET LOCAL search_path = app")
	tx.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")
	tx.Exec(ctx, "SET CONSTRAINTS ALL DEFERRED")
	tx.Exec(ctx, "SET lock_timeout = '1s'") // want `session SET lock_timeout through`
	tx.Commit(ctx)

	direct, _ := pgxpool.New(ctx, directURL)
	direct.Exec(ctx, "SET search_path = app") // not through a pooler
}

func locks(ctx context.Context, pool *pgxpool.Pool) {
	conn, _ := pool.Acquire(ctx)
	defer conn.Release()
	conn.Exec(ctx, "select pg_advisory_lock(42)")                      // want `session advisory lock pg_advisory_lock via a transaction-mode pooler: unlock runs elsewhere, lock stays held`
	conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", 42)          // want `session advisory lock pg_try_advisory_lock via`
	conn.QueryRow(ctx, "SELECT pg_catalog.pg_advisory_lock_shared(1)") // want `pg_advisory_lock_shared`
	conn.QueryRow(ctx, "SELECT pg_try_advisory_lock_shared(1)")        // want `session advisory lock pg_try_advisory_lock_shared via`
	conn.Exec(ctx, "select pg_advisory_xact_lock(42)")
	conn.QueryRow(ctx, "select pg_try_advisory_xact_lock($1)", 42)
}

func notifications(ctx context.Context, conn *pgx.Conn) {
	conn.Exec(ctx, "LISTEN jobs")   // want `LISTEN jobs through a transaction-mode pooler: notifications go to a server connection`
	conn.Exec(ctx, "UNLISTEN jobs") // want `UNLISTEN jobs through a transaction-mode pooler stops listening on whichever`
	conn.Exec(ctx, "NOTIFY jobs, 'x'")
	conn.Exec(ctx, "select pg_notify('jobs', 'x')")
}

func objects(ctx context.Context, conn *pgx.Conn) {
	conn.Exec(ctx, "CREATE TEMP TABLE staging (id int)")                                          // want `temporary table staging without ON COMMIT DROP through a transaction-mode pooler`
	conn.Exec(ctx, "create temporary table if not exists staging (id int) on commit delete rows") // want `temporary table staging without ON COMMIT DROP`
	conn.Exec(ctx, "CREATE TEMP TABLE staging (id int) ON COMMIT DROP")
	conn.Exec(ctx, "CREATE TABLE temp_results (id int)")
	conn.Exec(ctx, "DECLARE c CURSOR WITH HOLD FOR SELECT 1") // want `cursor c WITH HOLD through a transaction-mode pooler: a FETCH in a later transaction`
	conn.Exec(ctx, "DECLARE c NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1")
	conn.Exec(ctx, "DECLARE c CURSOR FOR SELECT 'WITH HOLD'")
	conn.Exec(ctx, "PREPARE q(int) AS SELECT $1") // want `SQL PREPARE q through a transaction-mode pooler: EXECUTE in a later transaction`
	conn.Exec(ctx, "PREPARE TRANSACTION 'tx1'")
	conn.Exec(ctx, "BEGIN; SET search_path = a; COMMIT") // want `session SET search_path`
}

func wiring(ctx context.Context) {
	cfg, _ := pgx.ParseConfig(poolerURL)
	conn, _ := pgx.ConnectConfig(ctx, cfg)
	notifications(ctx, conn)
	objects(ctx, conn)
	pool, _ := pgxpool.New(ctx, poolerURL)
	locks(ctx, pool)

	dcfg, _ := pgx.ParseConfig(directURL)
	dconn, _ := pgx.ConnectConfig(ctx, dcfg)
	dconn.Exec(ctx, "LISTEN jobs") // a direct connection: LISTEN works
}

// Store keeps a pool built from the pooler's DSN.
type Store struct {
	pool   *pgxpool.Pool
	direct *pgxpool.Pool
}

func NewStore(ctx context.Context) *Store {
	p, _ := pgxpool.New(ctx, poolerURL)
	d, _ := pgxpool.New(ctx, directURL)
	return &Store{pool: p, direct: d}
}

func (s *Store) Tenant(ctx context.Context) {
	s.pool.Exec(ctx, "SET app.tenant = 'a'") // want `session SET app.tenant through`
	s.direct.Exec(ctx, "SET app.tenant = 'a'")
}

func hooks(ctx context.Context) {
	cfg, _ := pgxpool.ParseConfig(poolerURL)
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "SET search_path = app") // want `session SET search_path through`
		return err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "app" // want `search_path is sent as a startup parameter, which PgBouncer refuses`
	cfg.ConnConfig.RuntimeParams["application_name"] = "api"
	pgxpool.NewWithConfig(ctx, cfg)

	dcfg, _ := pgxpool.ParseConfig(directURL)
	dcfg.ConnConfig.RuntimeParams["search_path"] = "app" // the server takes it
	pgxpool.NewWithConfig(ctx, dcfg)
}

func databaseSQL(ctx context.Context) {
	db, _ := sql.Open("pgx", "postgres://app@pgbouncer.internal:6432/app?default_query_exec_mode=exec")
	db.ExecContext(ctx, "SET search_path = app") // want `session SET search_path through`
	db.ExecContext(ctx, "select 1")
}
