package idx

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
)

var global *pgxpool.Pool // want `global pool global`

var notAHandle = url.Values{}

// DBTX is sqlc's interface: a querier.
type DBTX interface {
	Exec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)
	Query(context.Context, string, ...interface{}) (pgx.Rows, error)
	QueryRow(context.Context, string, ...interface{}) pgx.Row
}

type Queries struct {
	db DBTX // want `field querier Queries.db`
}

func (q *Queries) GetUser(ctx context.Context, id int64) pgx.Row {
	return q.db.QueryRow(ctx, "select name from users where id = $1", id) // want `query example.com/idx.DBTX.QueryRow on querier sql=1`
}

type Repo struct {
	*pgxpool.Pool // want `field pool Repo.Pool`
}

func (r *Repo) Touch(ctx context.Context) error {
	_, err := r.Exec(ctx, "update t set x = 1") // want `exec github.com/jackc/pgx/v5/pgxpool.Pool.Exec on pool sql=1`
	return err
}

func Run(ctx context.Context, pool *pgxpool.Pool, db *sql.DB) error { // want `param pool pool` `param pool db`
	tx, err := pool.Begin(ctx) // want `begin github.com/jackc/pgx/v5/pgxpool.Pool.Begin on pool sql=-1`
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) // want `rollback github.com/jackc/pgx/v5.Tx.Rollback on tx sql=-1`
	for i := 0; i < 3; i++ {
		rows, _ := db.QueryContext(ctx, "select 1") // want `query database/sql.DB.QueryContext on pool sql=1 loop`
		rows.Close()                                // want `close database/sql.Rows.Close on rows sql=-1 loop`
	}
	go worker(ctx)
	return tx.Commit(ctx) // want `commit github.com/jackc/pgx/v5.Tx.Commit on tx sql=-1`
}

func worker(ctx context.Context) {} // want `started with go: worker`

func Handler(w http.ResponseWriter, r *http.Request) {
	_ = global.Ping(r.Context()) // want `ping github.com/jackc/pgx/v5/pgxpool.Pool.Ping on pool sql=-1 handler`
	func() {
		_, _ = global.Exec(r.Context(), "select 1") // want `exec github.com/jackc/pgx/v5/pgxpool.Pool.Exec on pool sql=1 handler`
	}()
	// Look-alikes: url.Values.Get and (*url.URL).Query are not database calls.
	_ = r.URL.Query().Get("q")
	_ = notAHandle.Get("x")
}

//dbaudit:ignore poolconstruct // want `bad directive: //dbaudit:ignore poolconstruct has no reason`
//dbaudit:ignore -- no rule named // want `bad directive: //dbaudit:ignore names no rule`
//dbaudit:ignore nosuch -- reason // want `bad directive: //dbaudit:ignore names unknown rule "nosuch"`
//dbaudit:ignorepoolconstruct -- glued // want `bad directive: malformed directive`
//dbaudit:ignore poolconstruct,rawdsn -- both, with a reason
func Build(ctx context.Context) {
	p, _ := pgxpool.New(ctx, "") // want `construct github.com/jackc/pgx/v5/pgxpool.New sql=-1`
	global = p
}

// Package-level functions that run on the handle they are given: the index
// names it as it names a method's receiver.
func Helpers(ctx context.Context, db *sqlx.DB, pool *pgxpool.Pool, q sqlx.QueryerContext) error { // want `param pool db` `param pool pool` `param querier q`
	var n int
	_ = sqlx.Get(db, &n, "select 1")                     // want `query github.com/jmoiron/sqlx.Get given db pool sql=2`
	_ = sqlx.GetContext(ctx, q, &n, "select 1")          // want `query github.com/jmoiron/sqlx.GetContext given q querier sql=3`
	stmt, _ := sqlx.PreparexContext(ctx, db, "select 1") // want `prepare github.com/jmoiron/sqlx.PreparexContext given db pool sql=2`
	_ = stmt
	tx := db.MustBegin()                                               // want `begin github.com/jmoiron/sqlx.DB.MustBegin on pool sql=-1`
	sqlx.MustExec(tx, "select 1")                                      // want `exec github.com/jmoiron/sqlx.MustExec given tx tx sql=1`
	_, _ = sqlx.Preparex(tx, "select 1")                               // want `prepare github.com/jmoiron/sqlx.Preparex given tx tx sql=1`
	_, _, _ = sqlx.In("select 1 where x in (?)", []int{1})             // not a database call
	return pgx.BeginFunc(ctx, pool, func(pgx.Tx) error { return nil }) // want `begin github.com/jackc/pgx/v5.BeginFunc given pool pool sql=-1`
}
