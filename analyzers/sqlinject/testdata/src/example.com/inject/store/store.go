// Package store is a data-access package other packages import: the
// parameters of its exported functions are input.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gobuffalo/pop/v6"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Store struct {
	pool  *pgxpool.Pool
	table string
}

// StoreConfig is configuration, read at start-up.
type StoreConfig struct {
	Schema string
}

func BadStoreFindByName(ctx context.Context, db *sql.DB, name string) (*sql.Rows, error) { // want BadStoreFindByName:`sql\(name built\)`
	return db.QueryContext(ctx, fmt.Sprintf("SELECT id FROM users WHERE name = '%s'", name)) // want `SQL for sql.DB.QueryContext built by fmt.Sprintf from parameter name of exported BadStoreFindByName`
}

func (s *Store) BadStoreDeleteWhere(ctx context.Context, cond string) error { // want BadStoreDeleteWhere:`sql\(cond built\)`
	_, err := s.pool.Exec(ctx, "DELETE FROM "+s.table+" WHERE "+cond) // want `SQL for pgxpool.Pool.Exec built by concatenation from parameter cond of exported BadStoreDeleteWhere`
	return err
}

func (s *Store) BadStoreCountPgx(ctx context.Context, column, value string) (int, error) { // want BadStoreCountPgx:`sql\(column built, value built\)`
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM users WHERE "+column+" = '"+value+"'").Scan(&n) // want `SQL for pgxpool.Pool.QueryRow built by concatenation from parameter column of exported BadStoreCountPgx`
	return n, err
}

// Count wraps the SQL it is given: judged where it is called, not here.
func (s *Store) Count(ctx context.Context, query string, args ...any) (int, error) { // want Count:`sql\(query built\)`
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM ("+query+") AS sub", args...).Scan(&n)
	return n, err
}

// Run runs the SQL it is given: judged where it is called, not here.
func (s *Store) Run(ctx context.Context, sql string, args ...any) error { // want Run:`sql\(sql\)`
	_, err := s.pool.Exec(ctx, sql, args...)
	return err
}

// Column returns its parameter built into an expression.
func Column(name string) string { // want Column:`returns\(name built\)`
	return "lower(" + name + ")"
}

// Trimmed returns its parameter as it is.
func Trimmed(s string) string { // want Trimmed:`returns\(s\)`
	return strings.TrimSpace(s)
}

// SortColumn picks from constants: it sanitizes (no fact).
func SortColumn(key string) string {
	switch key {
	case "name", "email":
		return key
	}
	return "id"
}

// Quote quotes an identifier (no fact).
func Quote(name string) string {
	return pgx.Identifier{name}.Sanitize()
}

// Where writes a condition into the builder.
func Where(b *strings.Builder, col, val string) { // want Where:`into\(col->b built\) into\(val->b built\)`
	b.WriteString(col + " = '" + val + "'")
}

func OkStoreConfig(ctx context.Context, pool *pgxpool.Pool, cfg StoreConfig) error {
	_, err := pool.Exec(ctx, "SET search_path TO "+cfg.Schema)
	return err
}

func OkStorePage(ctx context.Context, db *sql.DB, limit, offset int) (*sql.Rows, error) {
	return db.QueryContext(ctx, fmt.Sprintf("SELECT id FROM users LIMIT %d OFFSET %d", limit, offset))
}

func OkStorePlaceholder(ctx context.Context, db *sql.DB, name string) (*sql.Rows, error) {
	return db.QueryContext(ctx, "SELECT id FROM users WHERE name = $1", name)
}

func OkStoreIdentifier(ctx context.Context, pool *pgxpool.Pool, schema, table string) error {
	_, err := pool.Exec(ctx, "TRUNCATE "+pgx.Identifier{schema, table}.Sanitize())
	return err
}

func (s *Store) OkStoreReceiverField(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "VACUUM "+s.table)
	return err
}

// selectFrom is unexported: its parameter is not input by itself.
func selectFrom(table string) string { return "SELECT * FROM " + table }

func (s *Store) OkStoreUnexportedHelper(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, selectFrom("users"))
	return err
}

// OkStoreApplySchemaDir runs the schema file in dir: the SQL is the file's
// content, not the directory name's text (bench/realworld: sqlc's vet).
func OkStoreApplySchemaDir(ctx context.Context, db *sql.DB, dir string) error {
	contents, err := os.ReadFile(filepath.Join(dir, "schema.sql"))
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, string(contents))
	return err
}

func BadStoreCopyFromDir(ctx context.Context, db *sql.DB, dir string) error { // want BadStoreCopyFromDir:`sql\(dir built\)`
	_, err := db.ExecContext(ctx, "COPY users FROM '"+filepath.Join(dir, "users.csv")+"'") // want `SQL for sql.DB.ExecContext built by concatenation from parameter dir of exported BadStoreCopyFromDir`
	return err
}

// Revision is a datastore revision: a value of the program's own, formatted
// by its String method (spicedb's crdb Watch).
type Revision interface{ String() string }

// The fact still records that rev reaches the SQL, for callers; no caller's
// text can be a Revision.
func OkStoreAsOfRevision(ctx context.Context, db *sql.DB, rev Revision) (*sql.Rows, error) { // want OkStoreAsOfRevision:`sql\(rev built\)`
	return db.QueryContext(ctx, fmt.Sprintf("SELECT id FROM users AS OF SYSTEM TIME %s", rev))
}

// OkStorePopUpdate: the connection is another library's (kratos'
// update.Generic), and the column goes through the dialect's Quote.
func OkStorePopUpdate(ctx context.Context, db *sql.DB, c *pop.Connection, column string) error { // want OkStorePopUpdate:`sql\(c built\)`
	_, err := db.ExecContext(ctx, "UPDATE "+c.TableName+" SET "+c.Dialect.Quote(column)+" = now()")
	return err
}

// Filter is this module's own request type: its text fields are what the
// caller supplies.
type Filter struct{ Name string }

func BadStoreByFilter(ctx context.Context, db *sql.DB, f *Filter) (*sql.Rows, error) { // want BadStoreByFilter:`sql\(f built\)`
	return db.QueryContext(ctx, "SELECT id FROM users WHERE name = '"+f.Name+"'") // want `SQL for sql.DB.QueryContext built by concatenation from parameter f of exported BadStoreByFilter`
}
