package session

import (
	"context"

	"github.com/jmoiron/sqlx"

	"example.com/sqlxlike"
)

type account struct {
	ID     int64  `db:"id"`
	Tenant string `db:"tenant"`
}

// sqlxMethods: sqlx's methods on a handle that reaches a pooler.
func sqlxMethods(ctx context.Context) {
	db := sqlx.MustConnect("pgx", poolerURL)
	var n int
	var ns []int
	a := account{ID: 1, Tenant: "a"}
	db.MustExec("SET search_path = app")                                           // want `session SET search_path through a transaction-mode pooler`
	db.MustExecContext(ctx, "SET statement_timeout = 0")                           // want `session SET statement_timeout through`
	db.Get(&n, "select pg_advisory_lock(1)")                                       // want `session advisory lock pg_advisory_lock via`
	db.GetContext(ctx, &n, "select pg_try_advisory_lock(1)")                       // want `session advisory lock pg_try_advisory_lock via`
	db.Select(&ns, "select pg_advisory_lock_shared(1)")                            // want `session advisory lock pg_advisory_lock_shared via`
	db.SelectContext(ctx, &ns, "select pg_advisory_lock_shared(2)")                // want `session advisory lock pg_advisory_lock_shared via`
	db.NamedExec("select set_config('app.tenant', :tenant, false)", a)             // want `set_config\('app.tenant', …, false\) through`
	db.NamedExecContext(ctx, "select set_config('app.tenant', :tenant, false)", a) // want `set_config\('app.tenant', …, false\) through`
	db.NamedQuery("select pg_advisory_lock(:id)", a)                               // want `session advisory lock pg_advisory_lock via`
	db.NamedQueryContext(ctx, "select pg_advisory_lock(:id)", a)                   // want `session advisory lock pg_advisory_lock via`
	db.Preparex("select pg_advisory_lock($1)")                                     // want `session advisory lock pg_advisory_lock via`
	db.PreparexContext(ctx, "select pg_try_advisory_lock($1)")                     // want `session advisory lock pg_try_advisory_lock via`
	db.MustExec("SET LOCAL search_path = app")                                     // ends with the transaction
	db.Get(&n, "select pg_advisory_xact_lock(1)")                                  // ends with the transaction
	db.NamedExec("select set_config('app.tenant', :tenant, true)", a)              // ends with the transaction
	db.PreparexContext(ctx, "select id from accounts where tenant = $1")           // no session state

	tx := db.MustBegin()
	tx.MustExec("LISTEN jobs")                                                // want `LISTEN jobs through a transaction-mode pooler`
	tx.MustExecContext(ctx, "UNLISTEN jobs")                                  // want `UNLISTEN jobs through`
	tx.Get(&n, "select pg_advisory_lock(2)")                                  // want `session advisory lock pg_advisory_lock via`
	tx.GetContext(ctx, &n, "select pg_advisory_lock(2)")                      // want `session advisory lock pg_advisory_lock via`
	tx.Select(&ns, "select pg_advisory_lock(2)")                              // want `session advisory lock pg_advisory_lock via`
	tx.SelectContext(ctx, &ns, "select pg_advisory_lock(2)")                  // want `session advisory lock pg_advisory_lock via`
	tx.NamedExec("CREATE TEMP TABLE staging (id int)", a)                     // want `temporary table staging without ON COMMIT DROP through`
	tx.NamedExecContext(ctx, "CREATE TEMP TABLE staging (id int)", a)         // want `temporary table staging without ON COMMIT DROP through`
	tx.NamedQuery("DECLARE c CURSOR WITH HOLD FOR SELECT :id", a)             // want `cursor c WITH HOLD through`
	tx.NamedQueryContext(ctx, "DECLARE c CURSOR WITH HOLD FOR SELECT :id", a) // want `cursor c WITH HOLD through`
	tx.Preparex("PREPARE q(int) AS SELECT $1")                                // want `SQL PREPARE q through`
	tx.PreparexContext(ctx, "PREPARE q(int) AS SELECT $1")                    // want `SQL PREPARE q through`
	tx.MustExec("CREATE TEMP TABLE staging (id int) ON COMMIT DROP")          // ends with the transaction
	tx.Commit()
}

// sqlxFuncs: the package-level forms of the same calls, on the same
// handles, are judged the same.
func sqlxFuncs(ctx context.Context) {
	db := sqlx.MustConnect("pgx", poolerURL)
	var n int
	var ns []int
	a := account{ID: 1, Tenant: "a"}
	sqlx.MustExec(db, "SET search_path = app")                                           // want `session SET search_path through a transaction-mode pooler`
	sqlx.MustExecContext(ctx, db, "SET statement_timeout = 0")                           // want `session SET statement_timeout through`
	sqlx.Get(db, &n, "select pg_advisory_lock(1)")                                       // want `session advisory lock pg_advisory_lock via`
	sqlx.GetContext(ctx, db, &n, "select pg_try_advisory_lock(1)")                       // want `session advisory lock pg_try_advisory_lock via`
	sqlx.Select(db, &ns, "select pg_advisory_lock_shared(1)")                            // want `session advisory lock pg_advisory_lock_shared via`
	sqlx.SelectContext(ctx, db, &ns, "select pg_advisory_lock_shared(2)")                // want `session advisory lock pg_advisory_lock_shared via`
	sqlx.NamedExec(db, "select set_config('app.tenant', :tenant, false)", a)             // want `set_config\('app.tenant', …, false\) through`
	sqlx.NamedExecContext(ctx, db, "select set_config('app.tenant', :tenant, false)", a) // want `set_config\('app.tenant', …, false\) through`
	sqlx.NamedQuery(db, "select pg_advisory_lock(:id)", a)                               // want `session advisory lock pg_advisory_lock via`
	sqlx.NamedQueryContext(ctx, db, "select pg_advisory_lock(:id)", a)                   // want `session advisory lock pg_advisory_lock via`
	sqlx.Preparex(db, "select pg_advisory_lock($1)")                                     // want `session advisory lock pg_advisory_lock via`
	sqlx.PreparexContext(ctx, db, "select pg_try_advisory_lock($1)")                     // want `session advisory lock pg_try_advisory_lock via`
	sqlx.MustExec(db, "SET LOCAL search_path = app")                                     // ends with the transaction
	sqlx.Get(db, &n, "select pg_advisory_xact_lock(1)")                                  // ends with the transaction
	sqlx.NamedExec(db, "select set_config('app.tenant', :tenant, true)", a)              // ends with the transaction
	sqlx.PreparexContext(ctx, db, "select id from accounts where tenant = $1")           // no session state

	tx := db.MustBegin()
	sqlx.MustExec(tx, "LISTEN jobs")                                                // want `LISTEN jobs through a transaction-mode pooler`
	sqlx.MustExecContext(ctx, tx, "UNLISTEN jobs")                                  // want `UNLISTEN jobs through`
	sqlx.Get(tx, &n, "select pg_advisory_lock(2)")                                  // want `session advisory lock pg_advisory_lock via`
	sqlx.GetContext(ctx, tx, &n, "select pg_advisory_lock(2)")                      // want `session advisory lock pg_advisory_lock via`
	sqlx.Select(tx, &ns, "select pg_advisory_lock(2)")                              // want `session advisory lock pg_advisory_lock via`
	sqlx.SelectContext(ctx, tx, &ns, "select pg_advisory_lock(2)")                  // want `session advisory lock pg_advisory_lock via`
	sqlx.NamedExec(tx, "CREATE TEMP TABLE staging (id int)", a)                     // want `temporary table staging without ON COMMIT DROP through`
	sqlx.NamedExecContext(ctx, tx, "CREATE TEMP TABLE staging (id int)", a)         // want `temporary table staging without ON COMMIT DROP through`
	sqlx.NamedQuery(tx, "DECLARE c CURSOR WITH HOLD FOR SELECT :id", a)             // want `cursor c WITH HOLD through`
	sqlx.NamedQueryContext(ctx, tx, "DECLARE c CURSOR WITH HOLD FOR SELECT :id", a) // want `cursor c WITH HOLD through`
	sqlx.Preparex(tx, "PREPARE q(int) AS SELECT $1")                                // want `SQL PREPARE q through`
	sqlx.PreparexContext(ctx, tx, "PREPARE q(int) AS SELECT $1")                    // want `SQL PREPARE q through`
	sqlx.MustExec(tx, "CREATE TEMP TABLE staging (id int) ON COMMIT DROP")          // ends with the transaction
	tx.Commit()

	// A handle held in a struct field and passed on is followed too.
	s := &sqlxStore{db: db}
	s.lock(ctx)
}

type sqlxStore struct{ db *sqlx.DB }

func (s *sqlxStore) lock(ctx context.Context) {
	var ok bool
	sqlx.GetContext(ctx, s.db, &ok, "select pg_try_advisory_lock(7)") // want `session advisory lock pg_try_advisory_lock via`
	unlockWith(ctx, s.db)
}

func unlockWith(ctx context.Context, db *sqlx.DB) {
	sqlx.MustExecContext(ctx, db, "RESET search_path") // want `RESET search_path through`
}

// sqlxDirect: the same package-level calls on a connection that bypasses
// the pooler, and on a pooler handle through functions that are not sqlx's.
func sqlxDirect(ctx context.Context) {
	direct := sqlx.MustConnect("pgx", directURL)
	var n int
	var ns []int
	a := account{ID: 1, Tenant: "a"}
	sqlx.MustExec(direct, "SET search_path = app")
	sqlx.MustExecContext(ctx, direct, "SET statement_timeout = 0")
	sqlx.Get(direct, &n, "select pg_advisory_lock(1)")
	sqlx.GetContext(ctx, direct, &n, "select pg_try_advisory_lock(1)")
	sqlx.Select(direct, &ns, "select pg_advisory_lock_shared(1)")
	sqlx.SelectContext(ctx, direct, &ns, "select pg_advisory_lock_shared(2)")
	sqlx.NamedExec(direct, "select set_config('app.tenant', :tenant, false)", a)
	sqlx.NamedExecContext(ctx, direct, "select set_config('app.tenant', :tenant, false)", a)
	sqlx.NamedQuery(direct, "select pg_advisory_lock(:id)", a)
	sqlx.NamedQueryContext(ctx, direct, "select pg_advisory_lock(:id)", a)
	sqlx.Preparex(direct, "select pg_advisory_lock($1)")
	sqlx.PreparexContext(ctx, direct, "LISTEN jobs")
	dtx := direct.MustBegin()
	sqlx.MustExec(dtx, "LISTEN jobs")
	sqlx.Preparex(dtx, "PREPARE q(int) AS SELECT $1")
	dtx.Commit()

	pooled := sqlx.MustConnect("pgx", poolerURL)
	sqlxlike.Preparex(pooled, "select pg_advisory_lock($1)")
	sqlxlike.PreparexContext(ctx, pooled, "select pg_advisory_lock($1)")
	sqlxlike.Get(pooled, &n, "select pg_advisory_lock(1)")
	sqlxlike.GetContext(ctx, pooled, &n, "select pg_advisory_lock(1)")
	sqlxlike.Select(pooled, &ns, "select pg_advisory_lock(1)")
	sqlxlike.MustExec(pooled, "SET search_path = app")
	sqlxlike.NamedExec(pooled, "SET search_path = app", a)
	// sqlx.In takes no handle; LoadFile runs SQL read from a file at run time.
	sqlx.In("SET search_path = app", 1)
	sqlx.LoadFile(pooled, "schema.sql")
}
