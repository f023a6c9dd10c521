// Package loops tells a loop that builds one pool (retry) from one that
// builds one per iteration.
package loops

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LockConns opens one connection per lock: N connections, although an error
// returns from the loop.
func LockConns(ctx context.Context, dsn string, n int) ([]*pgx.Conn, error) { // want LockConns:"constructs\\(pgx.Connect\\)"
	var conns []*pgx.Conn
	for i := 0; i < n; i++ {
		c, err := pgx.Connect(ctx, dsn) // want `pgx.Connect inside a loop builds a new pool on every iteration`
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// Silent: retries until one pool is built (the return is on success).
func Retry(ctx context.Context, dsn string) (*pgxpool.Pool, error) { // want Retry:"constructs\\(pgxpool.New\\)"
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		var pool *pgxpool.Pool
		pool, err = pgxpool.New(ctx, dsn)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		if err = pool.Ping(ctx); err != nil {
			pool.Close()
			continue
		}
		return pool, nil
	}
	return nil, err
}

// Silent: breaks out once connected.
func RetryBreak(ctx context.Context, dsn string) (*pgx.Conn, error) { // want RetryBreak:"constructs\\(pgx.Connect\\)"
	var c *pgx.Conn
	var err error
	for i := 0; i < 3; i++ {
		c, err = pgx.Connect(ctx, dsn)
		if err == nil {
			break
		}
	}
	return c, err
}

// Silent: the loop's condition waits for success.
func RetryCond(ctx context.Context, dsn string) *pgxpool.Pool { // want RetryCond:"constructs\\(pgxpool.New\\)"
	pool, err := pgxpool.New(ctx, dsn)
	for err != nil {
		time.Sleep(time.Second)
		pool, err = pgxpool.New(ctx, dsn)
	}
	return pool
}

// An error break is no success either: one pool per iteration.
func Each(ctx context.Context, dsns []string) { // want Each:"constructs\\(pgxpool.New\\)"
	for _, dsn := range dsns {
		pool, err := pgxpool.New(ctx, dsn) // want `pgxpool.New inside a loop`
		if err != nil {
			break
		}
		defer pool.Close()
	}
}
