// Package sqlxlike has functions named like sqlx's package-level helpers,
// taking a handle first: they are not sqlx's, and what they run is not known.
package sqlxlike

import (
	"context"
	"database/sql"
)

func Preparex(db any, query string) (*sql.Stmt, error)                                  { return nil, nil }
func PreparexContext(ctx context.Context, db any, query string) (*sql.Stmt, error)      { return nil, nil }
func Get(db any, dest any, query string, args ...any) error                             { return nil }
func GetContext(ctx context.Context, db any, dest any, query string, args ...any) error { return nil }
func Select(db any, dest any, query string, args ...any) error                          { return nil }
func MustExec(db any, query string, args ...any) sql.Result                             { return nil }
func NamedExec(db any, query string, arg any) (sql.Result, error)                       { return nil, nil }
