// Package store builds the pool and runs the queries (service, by rules.yaml).
package store

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Store struct {
	pool *pgxpool.Pool // touch: inject service Store.pool api=github.com/jackc/pgx/v5/pgxpool.Pool
	name string
}

func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := pgxpool.New(ctx, dsn) // touch: construct service Open api=github.com/jackc/pgx/v5/pgxpool.New
	if err != nil {
		return nil, err
	}
	return &Store{pool: pool}, nil
}

func (s *Store) Get(ctx context.Context, id int64) (string, error) {
	var name string
	err := s.pool.QueryRow(ctx, "select name from jobs where id = $1", id).Scan(&name) // touch: query service (*Store).Get api=github.com/jackc/pgx/v5/pgxpool.Pool.QueryRow
	return name, err
}

func (s *Store) Touch(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, // touch: exec service (*Store).Touch api=github.com/jackc/pgx/v5/pgxpool.Pool.Exec
		"update jobs set touched = now() where id = $1",
		id)
	return err
}

func (s *Store) Move(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx) // touch: begin service (*Store).Move api=github.com/jackc/pgx/v5/pgxpool.Pool.Begin
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Prepare(ctx, "move", "update jobs set queue = $1"); err != nil { // touch: prepare service (*Store).Move api=github.com/jackc/pgx/v5.Tx.Prepare
		return err
	}
	return tx.Commit(ctx)
}

func (s *Store) Import(ctx context.Context, rows [][]any) error {
	conn, err := s.pool.Acquire(ctx) // touch: acquire service (*Store).Import api=github.com/jackc/pgx/v5/pgxpool.Pool.Acquire
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"jobs"}, []string{"name"}, pgx.CopyFromRows(rows)); err != nil { // touch: copy service (*Store).Import api=github.com/jackc/pgx/v5/pgxpool.Conn.CopyFrom
		return err
	}
	results := conn.SendBatch(ctx, &pgx.Batch{}) // touch: batch service (*Store).Import api=github.com/jackc/pgx/v5/pgxpool.Conn.SendBatch
	return results.Close()
}

// Stats has a value receiver.
type Stats struct {
	db *sql.DB // touch: inject service Stats.db api=database/sql.DB
}

func (st Stats) Count(ctx context.Context) (n int, err error) {
	err = st.db.QueryRowContext(ctx, "select count(*) from jobs").Scan(&n) // touch: query service Stats.Count api=database/sql.DB.QueryRowContext
	return n, err
}

func (st Stats) Prepared(ctx context.Context) error {
	stmt, err := st.db.PrepareContext(ctx, "select 1") // touch: prepare service Stats.Prepared api=database/sql.DB.PrepareContext
	if err != nil {
		return err
	}
	return stmt.Close()
}
