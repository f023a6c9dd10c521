// Package pgx is a stub of github.com/jackc/pgx/v4 for analyzer tests.
package pgx

import (
	"context"

	"github.com/jackc/pgconn"
)

type ConnConfig struct {
	pgconn.Config
	PreferSimpleProtocol bool
}

type Conn struct{}

func Connect(ctx context.Context, connString string) (*Conn, error) { return nil, nil }
func ParseConfig(connString string) (*ConnConfig, error)            { return nil, nil }
