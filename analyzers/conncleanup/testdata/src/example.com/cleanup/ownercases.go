package cleanup

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/cleanup/roomdb"
)

// --- a transaction handed to a callee that owns it (dendrite's
// roomserver/storage/shared: GetRoomUpdater, MembershipUpdater) ---

// Writer runs f with txn (dendrite's sqlutil.Writer): an interface, whose
// body nobody can read.
type Writer interface {
	Do(db *sql.DB, txn *sql.Tx, f func(txn *sql.Tx) error) error
}

type RoomDB struct {
	DB     *sql.DB
	Writer Writer
}

type transaction struct {
	ctx context.Context
	txn *sql.Tx
}

func (t *transaction) Commit() error   { return t.txn.Commit() }
func (t *transaction) Rollback() error { return t.txn.Rollback() }

type RoomUpdater struct {
	transaction
	d      *RoomDB
	latest []int64
}

// NewRoomUpdater rolls back on each error path and keeps the transaction in
// the updater it returns: it owns the transaction.
func NewRoomUpdater(ctx context.Context, d *RoomDB, txn *sql.Tx, roomNID int64) (*RoomUpdater, error) { // want NewRoomUpdater:`owns\(2: tx\)`
	if roomNID == 0 {
		return &RoomUpdater{transaction{ctx, txn}, d, nil}, nil
	}
	var latest []int64
	rows, err := txn.QueryContext(ctx, "SELECT nid FROM events WHERE room = $1 FOR UPDATE", roomNID)
	if err != nil {
		txn.Rollback() // nolint: errcheck
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var nid int64
		if err := rows.Scan(&nid); err != nil {
			txn.Rollback() // nolint: errcheck
			return nil, err
		}
		latest = append(latest, nid)
	}
	if err := rows.Err(); err != nil {
		txn.Rollback() // nolint: errcheck
		return nil, err
	}
	return &RoomUpdater{transaction{ctx, txn}, d, latest}, nil
}

// dendrite storage.go:651 (GetRoomUpdater): the callback hands the
// transaction to NewRoomUpdater, and the updater it keeps it in is returned.
func (d *RoomDB) OkSQLTxRoomUpdaterThroughWriter(ctx context.Context, roomNID int64) (*RoomUpdater, error) {
	txn, err := d.DB.Begin()
	if err != nil {
		return nil, err
	}
	var updater *RoomUpdater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = NewRoomUpdater(ctx, d, txn, roomNID)
		return err
	})
	return updater, err
}

type MembershipUpdater struct {
	transaction
	d *RoomDB
}

// NewMembershipUpdater keeps the transaction in the updater it returns, but
// its error returns never roll it back.
func NewMembershipUpdater(ctx context.Context, d *RoomDB, txn *sql.Tx, roomNID int64) (*MembershipUpdater, error) {
	if _, err := txn.ExecContext(ctx, "INSERT INTO rooms (nid) VALUES ($1) ON CONFLICT DO NOTHING", roomNID); err != nil {
		return nil, err
	}
	if _, err := txn.ExecContext(ctx, "INSERT INTO memberships (room) VALUES ($1)", roomNID); err != nil {
		return nil, err
	}
	return &MembershipUpdater{transaction{ctx, txn}, d}, nil
}

// dendrite storage.go:633 (MembershipUpdater): the twin, whose callee
// leaves the transaction open on its error returns.
func (d *RoomDB) BadSQLTxMembershipUpdaterThroughWriter(ctx context.Context, roomNID int64) (*MembershipUpdater, error) {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return nil, err
	}
	var updater *MembershipUpdater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = NewMembershipUpdater(ctx, d, txn, roomNID)
		return err
	})
	return updater, err
}

// NewPartialRoomUpdater rolls back on its first error path, not its second.
func NewPartialRoomUpdater(ctx context.Context, d *RoomDB, txn *sql.Tx, roomNID int64) (*RoomUpdater, error) {
	var n int64
	if err := txn.QueryRowContext(ctx, "SELECT n FROM rooms WHERE nid = $1 FOR UPDATE", roomNID).Scan(&n); err != nil {
		txn.Rollback() // nolint: errcheck
		return nil, err
	}
	if _, err := txn.ExecContext(ctx, "UPDATE rooms SET n = n + 1 WHERE nid = $1", roomNID); err != nil {
		return nil, err
	}
	return &RoomUpdater{transaction{ctx, txn}, d, []int64{n}}, nil
}

func (d *RoomDB) BadSQLTxPartialRollbackUpdater(ctx context.Context, roomNID int64) (*RoomUpdater, error) {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return nil, err
	}
	var updater *RoomUpdater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = NewPartialRoomUpdater(ctx, d, txn, roomNID)
		return err
	})
	return updater, err
}

// The callback drops the updater that holds the transaction.
func (d *RoomDB) BadSQLTxUpdaterDroppedInCallback(ctx context.Context, roomNID int64) error {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return err
	}
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		_, err = NewRoomUpdater(ctx, d, txn, roomNID)
		return err
	})
	return err
}

// The updater is kept, but the enclosing function neither returns nor
// finishes it.
func (d *RoomDB) BadSQLTxUpdaterKeptNotFinished(ctx context.Context, roomNID int64) (int, error) {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return 0, err
	}
	var updater *RoomUpdater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = NewRoomUpdater(ctx, d, txn, roomNID)
		return err
	})
	if err != nil {
		return 0, err
	}
	return len(updater.latest), nil
}

// The updater is kept and committed by the enclosing function.
func (d *RoomDB) OkSQLTxUpdaterKeptCommitted(ctx context.Context, roomNID int64) (int, error) {
	txn, err := d.DB.Begin()
	if err != nil {
		return 0, err
	}
	var updater *RoomUpdater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = NewRoomUpdater(ctx, d, txn, roomNID)
		return err
	})
	if err != nil {
		return 0, err
	}
	defer updater.Rollback() // nolint: errcheck
	return len(updater.latest), updater.Commit()
}

// Without the callback: the updater holding the transaction is returned.
func (d *RoomDB) OkSQLTxUpdaterReturnedDirect(ctx context.Context, roomNID int64) (*RoomUpdater, error) {
	txn, err := d.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	u, err := NewRoomUpdater(ctx, d, txn, roomNID)
	if err != nil {
		return nil, err // NewRoomUpdater rolled back
	}
	return u, nil
}

// Without the callback, the updater is dropped.
func (d *RoomDB) BadSQLTxUpdaterDroppedDirect(ctx context.Context, roomNID int64) (int, error) {
	txn, err := d.DB.BeginTx(ctx, nil) // want `transaction from sql.DB.BeginTx is left open on a path that returns`
	if err != nil {
		return 0, err
	}
	u, err := NewRoomUpdater(ctx, d, txn, roomNID)
	if err != nil {
		return 0, err
	}
	return len(u.latest), nil
}

// The callback finishes the transaction it is handed on every path.
func (d *RoomDB) OkSQLTxCallbackCommits(ctx context.Context, roomNID int64) error {
	txn, err := d.DB.Begin()
	if err != nil {
		return err
	}
	return d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		if _, err := txn.ExecContext(ctx, "UPDATE rooms SET seen = now() WHERE nid = $1", roomNID); err != nil {
			_ = txn.Rollback()
			return err
		}
		return txn.Commit()
	})
}

// The callback only runs a statement on it.
func (d *RoomDB) BadSQLTxCallbackOnlyExecs(ctx context.Context, roomNID int64) error {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return err
	}
	return d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		_, err := txn.ExecContext(ctx, "UPDATE rooms SET seen = now() WHERE nid = $1", roomNID)
		return err
	})
}

// --- the same through another package's constructors, judged by their facts ---

func (d *RoomDB) OkSQLTxOtherPackageRoomUpdater(ctx context.Context, roomNID int64) (*roomdb.Updater, error) {
	txn, err := d.DB.Begin()
	if err != nil {
		return nil, err
	}
	var updater *roomdb.Updater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = roomdb.NewRoomUpdater(ctx, txn, roomNID)
		return err
	})
	return updater, err
}

func (d *RoomDB) BadSQLTxOtherPackageMembershipUpdater(ctx context.Context, roomNID int64) (*roomdb.Updater, error) {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return nil, err
	}
	var updater *roomdb.Updater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = roomdb.NewMembershipUpdater(ctx, txn, roomNID)
		return err
	})
	return updater, err
}

func (d *RoomDB) BadSQLTxOtherPackagePartialRollback(ctx context.Context, roomNID int64) (*roomdb.Updater, error) {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return nil, err
	}
	var updater *roomdb.Updater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = roomdb.NewPartialUpdater(ctx, txn, roomNID)
		return err
	})
	return updater, err
}

func (d *RoomDB) BadSQLTxOtherPackageUpdaterNotFinished(ctx context.Context, roomNID int64) (int, error) {
	txn, err := d.DB.Begin() // want `transaction from sql.DB.Begin is left open on a path that returns`
	if err != nil {
		return 0, err
	}
	var updater *roomdb.Updater
	_ = d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error {
		updater, err = roomdb.NewRoomUpdater(ctx, txn, roomNID)
		return err
	})
	if err != nil {
		return 0, err
	}
	return updater.N, nil
}

// --- pgx: the same with pgx.Tx ---

// PgxWriter runs f with tx.
type PgxWriter interface {
	Do(ctx context.Context, tx pgx.Tx, f func(tx pgx.Tx) error) error
}

type PgxRoomDB struct {
	Pool   *pgxpool.Pool
	Writer PgxWriter
}

func (d *PgxRoomDB) OkPgxTxRoomUpdaterThroughWriter(ctx context.Context, roomNID int64) (*roomdb.PgxUpdater, error) {
	tx, err := d.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	var updater *roomdb.PgxUpdater
	_ = d.Writer.Do(ctx, tx, func(tx pgx.Tx) error {
		updater, err = roomdb.NewPgxRoomUpdater(ctx, tx, roomNID)
		return err
	})
	return updater, err
}

func (d *PgxRoomDB) BadPgxTxMembershipUpdaterThroughWriter(ctx context.Context, roomNID int64) (*roomdb.PgxUpdater, error) {
	tx, err := d.Pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns`
	if err != nil {
		return nil, err
	}
	var updater *roomdb.PgxUpdater
	_ = d.Writer.Do(ctx, tx, func(tx pgx.Tx) error {
		updater, err = roomdb.NewPgxMembershipUpdater(ctx, tx, roomNID)
		return err
	})
	return updater, err
}
