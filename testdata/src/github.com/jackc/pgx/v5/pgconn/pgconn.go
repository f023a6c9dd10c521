// Package pgconn is a stub of github.com/jackc/pgx/v5/pgconn for analyzer tests.
package pgconn

import (
	"context"
	"crypto/tls"
	"time"
)

type Config struct {
	Host           string
	Port           uint16
	Database       string
	User           string
	Password       string
	TLSConfig      *tls.Config
	ConnectTimeout time.Duration
	RuntimeParams  map[string]string
}

type ParseConfigOptions struct{}

type CommandTag struct{ s string }

func (ct CommandTag) RowsAffected() int64 { return 0 }
func (ct CommandTag) String() string      { return ct.s }

type FieldDescription struct{ Name string }

type StatementDescription struct {
	Name      string
	SQL       string
	ParamOIDs []uint32
	Fields    []FieldDescription
}

type PgConn struct{}

// EscapeString escapes a string literal's contents for SQL text.
func (pgConn *PgConn) EscapeString(s string) (string, error) { return s, nil }

type MultiResultReader struct{}
type ResultReader struct{}

func (r *MultiResultReader) Close() error          { return nil }
func (r *ResultReader) Close() (CommandTag, error) { return CommandTag{}, nil }

func Connect(ctx context.Context, connString string) (*PgConn, error) { return nil, nil }
func ConnectWithOptions(ctx context.Context, connString string, parseConfigOptions ParseConfigOptions) (*PgConn, error) {
	return nil, nil
}
func ConnectConfig(ctx context.Context, config *Config) (*PgConn, error) { return nil, nil }
func ParseConfig(connString string) (*Config, error)                     { return nil, nil }
func ParseConfigWithOptions(connString string, options ParseConfigOptions) (*Config, error) {
	return nil, nil
}

func (pgConn *PgConn) Close(ctx context.Context) error                         { return nil }
func (pgConn *PgConn) Exec(ctx context.Context, sql string) *MultiResultReader { return nil }
func (pgConn *PgConn) ExecParams(ctx context.Context, sql string, paramValues [][]byte, paramOIDs []uint32, paramFormats []int16, resultFormats []int16) *ResultReader {
	return nil
}
func (pgConn *PgConn) Prepare(ctx context.Context, name, sql string, paramOIDs []uint32) (*StatementDescription, error) {
	return nil, nil
}
