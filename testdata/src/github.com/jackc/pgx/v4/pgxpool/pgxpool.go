// Package pgxpool is a stub of github.com/jackc/pgx/v4/pgxpool for analyzer tests.
package pgxpool

import (
	"context"

	"github.com/jackc/pgx/v4"
)

type Config struct {
	ConnConfig *pgx.ConnConfig
	MaxConns   int32
}

type Pool struct{}

func Connect(ctx context.Context, connString string) (*Pool, error) { return nil, nil }
func ParseConfig(connString string) (*Config, error)                { return nil, nil }

func ConnectConfig(ctx context.Context, config *Config) (*Pool, error) { return nil, nil }
