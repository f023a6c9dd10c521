package pools

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jmoiron/sqlx"
)

// Locker holds a PostgreSQL advisory lock: its session must be the only one.
type Locker struct{ db *sql.DB }

func NewLocker(dsn string) (*Locker, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // silent: the handle takes pg_advisory_lock below
	return &Locker{db: db}, nil
}

func (l *Locker) Lock(ctx context.Context, id int64) error {
	_, err := l.db.ExecContext(ctx, "SELECT pg_advisory_lock($1)", id)
	return err
}

// A LISTEN connection taken from a pool of one.
func notifications(ctx context.Context, dsn string) error {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return err
	}
	cfg.MaxConns = 1 // silent: the pool's one connection LISTENs
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "LISTEN jobs")
	return err
}

// Named for what it is for: a leader-election lock.
func newElectionPool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 1 // silent: dedicated
	return pgxpool.NewWithConfig(ctx, cfg)
}

// An ordinary pool of one is still too small.
func reports(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 1 // want `MaxConns = 1 is below the floor of 5`
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	_, err = pool.Exec(ctx, "SELECT 1")
	return pool, err
}

// The same lock taken through sqlx's package-level helper (the names say
// nothing: the SQL alone tells the pool is dedicated).
type sqlxGate struct{ db *sqlx.DB }

func newSqlxGate(dsn string) (*sqlxGate, error) {
	db, err := sqlx.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // silent: the handle takes pg_try_advisory_lock below
	return &sqlxGate{db: db}, nil
}

func (l *sqlxGate) enter(ctx context.Context, id int64) (bool, error) {
	var ok bool
	err := sqlx.GetContext(ctx, l.db, &ok, "SELECT pg_try_advisory_lock($1)", id)
	return ok, err
}

// Its look-alike runs ordinary SQL through the helper: a pool of one is too small.
type sqlxCounter struct{ db *sqlx.DB }

func newSqlxCounter(dsn string) (*sqlxCounter, error) {
	db, err := sqlx.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // want `SetMaxOpenConns`
	return &sqlxCounter{db: db}, nil
}

func (c *sqlxCounter) count(ctx context.Context) (n int, err error) {
	err = sqlx.GetContext(ctx, c.db, &n, "SELECT count(*) FROM jobs")
	return n, err
}
