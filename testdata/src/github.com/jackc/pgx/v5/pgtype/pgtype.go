// Package pgtype is a stub of github.com/jackc/pgx/v5/pgtype for analyzer tests.
package pgtype

type Text struct {
	String string
	Valid  bool
}

type UUID struct {
	Bytes [16]byte
	Valid bool
}
