package store

import (
	"context"
	"net/url"

	"github.com/jmoiron/sqlx"
)

// countRows takes sqlx's querier: the calls through it count.
func countRows(ctx context.Context, q sqlx.ExtContext, table string) (int, error) { // touch: inject service countRows api=github.com/jmoiron/sqlx.ExtContext
	var n int
	if err := sqlx.GetContext(ctx, q, &n, "select count(*) from "+table); err != nil { // touch: query service countRows api=github.com/jmoiron/sqlx.GetContext
		return 0, err
	}
	rows, err := q.QueryxContext(ctx, "select 1") // touch: query service countRows api=github.com/jmoiron/sqlx.QueryerContext.QueryxContext
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	return n, nil
}

// Cache has methods named like a database's: it is not one.
type Cache struct{}

func (c *Cache) Query(ctx context.Context, key string) (string, error)       { return "", nil }
func (c *Cache) Exec(ctx context.Context, sql string, args ...any) error     { return nil }
func (c *Cache) QueryRow(ctx context.Context, sql string, args ...any) error { return nil }

// Lookup has a single Query method: not a querier interface.
type Lookup interface {
	Query(ctx context.Context, sql string) (string, error)
}

func useLookalikes(ctx context.Context, c *Cache, l Lookup, u *url.URL) { // touch: none
	c.Query(ctx, "k")         // touch: none
	c.Exec(ctx, "select 1")   // touch: none
	l.Query(ctx, "select 1")  // touch: none
	_ = u.Query().Get("page") // touch: none
}
