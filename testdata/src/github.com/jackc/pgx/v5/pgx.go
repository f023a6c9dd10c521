// Package pgx is a stub of github.com/jackc/pgx/v5 for analyzer tests.
package pgx

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

type QueryExecMode int32

const (
	QueryExecModeCacheStatement QueryExecMode = iota
	QueryExecModeCacheDescribe
	QueryExecModeDescribeExec
	QueryExecModeExec
	QueryExecModeSimpleProtocol
)

type ConnConfig struct {
	pgconn.Config
	StatementCacheCapacity   int
	DescriptionCacheCapacity int
	DefaultQueryExecMode     QueryExecMode
}

func (cc *ConnConfig) ConnString() string { return "" }

type ParseConfigOptions struct{}

type Conn struct{}

type TxOptions struct{}

type Identifier []string

// Sanitize returns the identifier quoted and escaped for SQL text.
func (ident Identifier) Sanitize() string { return "" }

type CopyFromSource interface {
	Next() bool
	Values() ([]any, error)
	Err() error
}

func CopyFromRows(rows [][]any) CopyFromSource { return nil }

type NamedArgs map[string]any

type Rows interface {
	Close()
	Err() error
	CommandTag() pgconn.CommandTag
	FieldDescriptions() []pgconn.FieldDescription
	Next() bool
	Scan(dest ...any) error
	Values() ([]any, error)
	RawValues() [][]byte
	Conn() *Conn
}

type Row interface {
	Scan(dest ...any) error
}

type CollectableRow interface {
	FieldDescriptions() []pgconn.FieldDescription
	Scan(dest ...any) error
	Values() ([]any, error)
	RawValues() [][]byte
}

type RowToFunc[T any] func(row CollectableRow) (T, error)

type Batch struct{}

func (b *Batch) Queue(query string, arguments ...any) *QueuedQuery { return nil }
func (b *Batch) Len() int                                          { return 0 }

type QueuedQuery struct{}

type BatchResults interface {
	Exec() (pgconn.CommandTag, error)
	Query() (Rows, error)
	QueryRow() Row
	Close() error
}

type Tx interface {
	Begin(ctx context.Context) (Tx, error)
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	CopyFrom(ctx context.Context, tableName Identifier, columnNames []string, rowSrc CopyFromSource) (int64, error)
	SendBatch(ctx context.Context, b *Batch) BatchResults
	Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error)
	Exec(ctx context.Context, sql string, arguments ...any) (commandTag pgconn.CommandTag, err error)
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) Row
	Conn() *Conn
}

var ErrNoRows error

func Connect(ctx context.Context, connString string) (*Conn, error) { return nil, nil }
func ConnectWithOptions(ctx context.Context, connString string, options ParseConfigOptions) (*Conn, error) {
	return nil, nil
}
func ConnectConfig(ctx context.Context, connConfig *ConnConfig) (*Conn, error) { return nil, nil }
func ParseConfig(connString string) (*ConnConfig, error)                       { return nil, nil }
func ParseConfigWithOptions(connString string, options ParseConfigOptions) (*ConnConfig, error) {
	return nil, nil
}

func (c *Conn) Close(ctx context.Context) error                              { return nil }
func (c *Conn) Ping(ctx context.Context) error                               { return nil }
func (c *Conn) Begin(ctx context.Context) (Tx, error)                        { return nil, nil }
func (c *Conn) BeginTx(ctx context.Context, txOptions TxOptions) (Tx, error) { return nil, nil }
func (c *Conn) Exec(ctx context.Context, sql string, arguments ...any) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, nil
}
func (c *Conn) Query(ctx context.Context, sql string, args ...any) (Rows, error) { return nil, nil }
func (c *Conn) QueryRow(ctx context.Context, sql string, args ...any) Row        { return nil }
func (c *Conn) SendBatch(ctx context.Context, b *Batch) BatchResults             { return nil }
func (c *Conn) CopyFrom(ctx context.Context, tableName Identifier, columnNames []string, rowSrc CopyFromSource) (int64, error) {
	return 0, nil
}
func (c *Conn) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return nil, nil
}
func (c *Conn) Deallocate(ctx context.Context, name string) error { return nil }
func (c *Conn) PgConn() *pgconn.PgConn                            { return nil }
func (c *Conn) Config() *ConnConfig                               { return nil }
func (c *Conn) IsClosed() bool                                    { return false }

func CollectRows[T any](rows Rows, fn RowToFunc[T]) ([]T, error)        { return nil, nil }
func CollectOneRow[T any](rows Rows, fn RowToFunc[T]) (T, error)        { var z T; return z, nil }
func CollectExactlyOneRow[T any](rows Rows, fn RowToFunc[T]) (T, error) { var z T; return z, nil }
func ForEachRow(rows Rows, scans []any, fn func() error) (pgconn.CommandTag, error) {
	return pgconn.CommandTag{}, nil
}
func RowToStructByName[T any](row CollectableRow) (T, error) { var z T; return z, nil }
func RowToStructByPos[T any](row CollectableRow) (T, error)  { var z T; return z, nil }
func RowTo[T any](row CollectableRow) (T, error)             { var z T; return z, nil }

func BeginFunc(ctx context.Context, db interface {
	Begin(ctx context.Context) (Tx, error)
}, fn func(Tx) error) (err error) {
	return nil
}

var _ = time.Second
