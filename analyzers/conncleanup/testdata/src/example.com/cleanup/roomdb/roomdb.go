// Package roomdb holds constructors of another package than the code that
// calls them, handed a transaction (dendrite's NewRoomUpdater and
// NewMembershipUpdater): conncleanup judges them by the facts it exports
// for them. One that owns the transaction ends it or keeps it in the value
// it returns, on every path.
package roomdb

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
)

// Updater holds the transaction it was made with.
type Updater struct {
	txn *sql.Tx
	N   int
}

func (u *Updater) Commit() error   { return u.txn.Commit() }
func (u *Updater) Rollback() error { return u.txn.Rollback() }

// NewRoomUpdater rolls back on each error path and keeps the transaction
// in the updater it returns.
func NewRoomUpdater(ctx context.Context, txn *sql.Tx, roomNID int64) (*Updater, error) { // want NewRoomUpdater:`owns\(1: tx\)`
	if roomNID == 0 {
		return &Updater{txn: txn}, nil
	}
	var n int
	if err := txn.QueryRowContext(ctx, "SELECT n FROM rooms WHERE nid = $1 FOR UPDATE", roomNID).Scan(&n); err != nil {
		txn.Rollback() // nolint: errcheck
		return nil, err
	}
	if _, err := txn.ExecContext(ctx, "UPDATE rooms SET seen = now() WHERE nid = $1", roomNID); err != nil {
		txn.Rollback() // nolint: errcheck
		return nil, err
	}
	return &Updater{txn: txn, N: n}, nil
}

// NewMembershipUpdater keeps the transaction in the updater it returns, but
// its error return leaves it open.
func NewMembershipUpdater(ctx context.Context, txn *sql.Tx, roomNID int64) (*Updater, error) {
	if _, err := txn.ExecContext(ctx, "INSERT INTO memberships (room) VALUES ($1)", roomNID); err != nil {
		return nil, err
	}
	return &Updater{txn: txn}, nil
}

// NewPartialUpdater rolls back on its first error path only.
func NewPartialUpdater(ctx context.Context, txn *sql.Tx, roomNID int64) (*Updater, error) {
	var n int
	if err := txn.QueryRowContext(ctx, "SELECT n FROM rooms WHERE nid = $1 FOR UPDATE", roomNID).Scan(&n); err != nil {
		txn.Rollback() // nolint: errcheck
		return nil, err
	}
	if _, err := txn.ExecContext(ctx, "UPDATE rooms SET seen = now() WHERE nid = $1", roomNID); err != nil {
		return nil, err
	}
	return &Updater{txn: txn, N: n}, nil
}

// PgxUpdater holds the pgx transaction it was made with.
type PgxUpdater struct {
	tx pgx.Tx
}

func (u *PgxUpdater) Commit(ctx context.Context) error { return u.tx.Commit(ctx) }

// NewPgxRoomUpdater rolls back on its error path and keeps the
// transaction in the updater it returns.
func NewPgxRoomUpdater(ctx context.Context, tx pgx.Tx, roomNID int64) (*PgxUpdater, error) { // want NewPgxRoomUpdater:`owns\(1: tx\)`
	if _, err := tx.Exec(ctx, "UPDATE rooms SET seen = now() WHERE nid = $1", roomNID); err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return &PgxUpdater{tx: tx}, nil
}

// NewPgxMembershipUpdater's error return leaves the transaction open.
func NewPgxMembershipUpdater(ctx context.Context, tx pgx.Tx, roomNID int64) (*PgxUpdater, error) {
	if _, err := tx.Exec(ctx, "INSERT INTO memberships (room) VALUES ($1)", roomNID); err != nil {
		return nil, err
	}
	return &PgxUpdater{tx: tx}, nil
}
