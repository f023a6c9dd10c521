// Package pgxpool is a stub of github.com/jackc/pgx/v5/pgxpool for analyzer tests.
package pgxpool

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

type Config struct {
	ConnConfig            *pgx.ConnConfig
	BeforeConnect         func(context.Context, *pgx.ConnConfig) error
	AfterConnect          func(context.Context, *pgx.Conn) error
	MaxConnLifetime       time.Duration
	MaxConnLifetimeJitter time.Duration
	MaxConnIdleTime       time.Duration
	MaxConns              int32
	MinConns              int32
	MinIdleConns          int32
	HealthCheckPeriod     time.Duration
}

func (c *Config) ConnString() string { return "" }
func (c *Config) Copy() *Config      { return c }

type Pool struct{}

type Conn struct{}

type Tx struct{}

type Stat struct{}

func New(ctx context.Context, connString string) (*Pool, error)        { return nil, nil }
func NewWithConfig(ctx context.Context, config *Config) (*Pool, error) { return nil, nil }
func ParseConfig(connString string) (*Config, error)                   { return nil, nil }

func (p *Pool) Close()                                                               {}
func (p *Pool) Ping(ctx context.Context) error                                       { return nil }
func (p *Pool) Config() *Config                                                      { return nil }
func (p *Pool) Stat() *Stat                                                          { return nil }
func (p *Pool) Reset()                                                               {}
func (p *Pool) Acquire(ctx context.Context) (*Conn, error)                           { return nil, nil }
func (p *Pool) AcquireFunc(ctx context.Context, f func(*Conn) error) error           { return nil }
func (p *Pool) AcquireAllIdle(ctx context.Context) []*Conn                           { return nil }
func (p *Pool) Begin(ctx context.Context) (pgx.Tx, error)                            { return nil, nil }
func (p *Pool) BeginTx(ctx context.Context, txOptions pgx.TxOptions) (pgx.Tx, error) { return nil, nil }
func (p *Pool) Exec(ctx context.Context, sql string, arguments ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, nil
}
func (p *Pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) { return nil, nil }
func (p *Pool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row        { return nil }
func (p *Pool) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults         { return nil }
func (p *Pool) CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error) {
	return 0, nil
}

func (c *Conn) Release()                                                             {}
func (c *Conn) Hijack() *pgx.Conn                                                    { return nil }
func (c *Conn) Conn() *pgx.Conn                                                      { return nil }
func (c *Conn) Ping(ctx context.Context) error                                       { return nil }
func (c *Conn) Begin(ctx context.Context) (pgx.Tx, error)                            { return nil, nil }
func (c *Conn) BeginTx(ctx context.Context, txOptions pgx.TxOptions) (pgx.Tx, error) { return nil, nil }
func (c *Conn) Exec(ctx context.Context, sql string, arguments ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, nil
}
func (c *Conn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) { return nil, nil }
func (c *Conn) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row        { return nil }
func (c *Conn) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults         { return nil }
func (c *Conn) CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error) {
	return 0, nil
}
