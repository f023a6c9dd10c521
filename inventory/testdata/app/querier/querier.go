// Package querier reaches the database through its own interfaces, whose
// methods have the signatures of database/sql, sqlx and pgx methods, and
// through sqlx statements, gorm migrations and a lib/pq connector.
package querier

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"gorm.io/gorm"
)

// execer is satisfied by *sql.DB, *sql.Tx and *sql.Conn.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// finder reads rows the database/sql way.
type finder interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// rowFinder reads one row the database/sql way.
type rowFinder interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func Names(ctx context.Context, f finder, one rowFinder) (first string, err error) {
	rows, err := f.QueryContext(ctx, "select name from things") // touch: query other Names api=example.com/app/querier.finder.QueryContext
	if err != nil {
		return "", err
	}
	rows.Close()
	err = one.QueryRowContext(ctx, "select name from things limit 1").Scan(&first) // touch: query other Names api=example.com/app/querier.rowFinder.QueryRowContext
	return first, err
}

// reader is sqlx's, as a repository declares it.
type reader interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error)
}

// pgxQuerier is satisfied by *pgxpool.Pool, *pgx.Conn and pgx.Tx.
type pgxQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func Save(ctx context.Context, e execer, name string) error {
	_, err := e.ExecContext(ctx, "insert into things (name) values ($1)", name) // touch: exec other Save api=example.com/app/querier.execer.ExecContext
	return err
}

func Load(ctx context.Context, r reader) ([]string, error) {
	var n int
	if err := r.GetContext(ctx, &n, "select count(*) from things"); err != nil { // touch: query other Load api=example.com/app/querier.reader.GetContext
		return nil, err
	}
	var names []string
	err := r.SelectContext(ctx, &names, "select name from things") // touch: query other Load api=example.com/app/querier.reader.SelectContext
	if err != nil {
		return nil, err
	}
	_, err = r.NamedExecContext(ctx, "update things set seen = true where name = :name", map[string]any{"name": names[0]}) // touch: exec other Load api=example.com/app/querier.reader.NamedExecContext
	return names, err
}

func Touch(ctx context.Context, q pgxQuerier) (int, error) { // touch: inject other Touch api=example.com/app/querier.pgxQuerier
	if _, err := q.Exec(ctx, "update things set seen = true"); err != nil { // touch: exec other Touch api=example.com/app/querier.pgxQuerier.Exec
		return 0, err
	}
	var n int
	err := q.QueryRow(ctx, "select count(*) from things").Scan(&n) // touch: query other Touch api=example.com/app/querier.pgxQuerier.QueryRow
	return n, err
}

// Prepared reads through sqlx statements prepared elsewhere.
func Prepared(ctx context.Context, st *sqlx.Stmt, named *sqlx.NamedStmt) ([]int64, error) {
	var ids []int64
	if err := st.Select(&ids, 1); err != nil { // touch: query other Prepared api=github.com/jmoiron/sqlx.Stmt.Select
		return nil, err
	}
	var n int64
	if err := st.Get(&n); err != nil { // touch: query other Prepared api=github.com/jmoiron/sqlx.Stmt.Get
		return nil, err
	}
	err := named.GetContext(ctx, &n, map[string]any{"id": n}) // touch: query other Prepared api=github.com/jmoiron/sqlx.NamedStmt.GetContext
	return append(ids, n), err
}

type Thing struct{ ID int64 }

func Migrate(db *gorm.DB) error { // touch: inject migration Migrate api=gorm.io/gorm.DB
	return db.AutoMigrate(&Thing{}) // touch: exec migration Migrate api=gorm.io/gorm.DB.AutoMigrate
}

// Connector reads the DSN into a lib/pq connector for sql.OpenDB.
func Connector(dsn string) (*pq.Connector, error) {
	return pq.NewConnector(dsn) // touch: construct other Connector api=github.com/lib/pq.NewConnector
}

// shell has database method names with other signatures: it is not a
// database, and neither are the calls through it.
type shell interface {
	ExecContext(ctx context.Context, cmd string, args ...any) error
	QueryContext(ctx context.Context, q string, args ...any) ([]string, error)
	GetContext(ctx context.Context, key string) (string, error)
	Select(dest any, q string) error
}

func RunShell(ctx context.Context, s shell) error { // touch: none
	if err := s.ExecContext(ctx, "ls"); err != nil { // touch: none
		return err
	}
	if _, err := s.QueryContext(ctx, "select 1"); err != nil { // touch: none
		return err
	}
	var out []string
	if err := s.Select(&out, "select 1"); err != nil { // touch: none
		return err
	}
	_, err := s.GetContext(ctx, "key") // touch: none
	return err
}
