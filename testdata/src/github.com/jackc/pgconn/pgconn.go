// Package pgconn is a stub of github.com/jackc/pgconn (v1, under pgx v4) for analyzer tests.
package pgconn

import "context"

type Config struct{ RuntimeParams map[string]string }

type PgConn struct{}

func Connect(ctx context.Context, connString string) (*PgConn, error) { return nil, nil }
func ParseConfig(connString string) (*Config, error)                  { return nil, nil }
