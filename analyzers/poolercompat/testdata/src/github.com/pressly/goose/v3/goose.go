// Package goose is a stub of github.com/pressly/goose/v3 for poolercompat's tests.
package goose

import (
	"context"
	"database/sql"
	"io/fs"

	"github.com/pressly/goose/v3/lock"
)

type Dialect string

const DialectPostgres Dialect = "postgres"

type Provider struct{}

type ProviderOption interface{ apply() }

func NewProvider(dialect Dialect, db *sql.DB, fsys fs.FS, opts ...ProviderOption) (*Provider, error) {
	return nil, nil
}
func WithSessionLocker(locker lock.SessionLocker) ProviderOption { return nil }
func WithVerbose(b bool) ProviderOption                          { return nil }
func (p *Provider) Up(ctx context.Context) ([]any, error)        { return nil, nil }

func Up(db *sql.DB, dir string) error { return nil }
