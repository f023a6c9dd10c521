package cleanup

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// --- a transaction left open on the ErrNoRows early return (issue 17 #2) ---
//
// "Not found" is not an error, so the early return skips the Rollback the
// error path has: the connection stays checked out, idle in transaction.

func BadPgxTxErrNoRowsReturn(ctx context.Context, pool *pgxpool.Pool, id int64) (*User, error) {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns: its connection stays idle in transaction$`
	if err != nil {
		return nil, err
	}
	u := &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1 FOR UPDATE", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET seen = now() WHERE id = $1", id); err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return u, tx.Commit(ctx)
}

func BadSQLTxErrNoRowsReturn(ctx context.Context, db *sql.DB, id int64) (string, error) {
	tx, err := db.BeginTx(ctx, nil) // want `transaction from sql.DB.BeginTx is left open on a path that returns`
	if err != nil {
		return "", err
	}
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&name); err != nil {
		if err == sql.ErrNoRows {
			return "", nil
		}
		_ = tx.Rollback()
		return "", err
	}
	return name, tx.Commit()
}

// The deferred Rollback runs only when err is non-nil, and return nil, nil
// sets the named result err to nil.
func BadPgxTxErrNoRowsNamedResult(ctx context.Context, pool *pgxpool.Pool, id int64) (u *User, err error) {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a return of a nil err: the deferred Rollback needs err != nil$`
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	u = &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return u, tx.Commit(ctx)
}

func BadPgxTxErrNoRowsSwitch(ctx context.Context, pool *pgxpool.Pool, id int64) (*User, error) {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns`
	if err != nil {
		return nil, err
	}
	u := &User{ID: id}
	switch err := tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name); {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return u, tx.Commit(ctx)
}

// Look-alikes: the transaction ends on the ErrNoRows path too.

func OkPgxTxErrNoRowsDeferRollback(ctx context.Context, pool *pgxpool.Pool, id int64) (*User, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	u := &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return u, tx.Commit(ctx)
}

func OkPgxTxErrNoRowsRollbackFirst(ctx context.Context, pool *pgxpool.Pool, id int64) (*User, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	u := &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		_ = tx.Rollback(ctx)
		return nil, nil
	}
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return u, tx.Commit(ctx)
}

func OkSQLTxErrNoRowsDeferRollback(ctx context.Context, db *sql.DB, id int64) (string, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&name); err != nil {
		if err == sql.ErrNoRows {
			return "", nil
		}
		return "", err
	}
	return name, tx.Commit()
}

// The ErrNoRows path keeps err (unnamed results): the deferred Rollback
// sees it non-nil and runs.
func OkPgxTxErrNoRowsDeferredOnError(ctx context.Context, pool *pgxpool.Pool, id int64) (*User, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	u := &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	err = tx.Commit(ctx)
	return u, err
}

// The deferred closure commits on success and rolls back on error: every
// return ends the transaction.
func OkPgxTxErrNoRowsDeferredFinish(ctx context.Context, pool *pgxpool.Pool, id int64) (u *User, err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(ctx)
			return
		}
		err = tx.Commit(ctx)
	}()
	u = &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return u, err
}

// Named result, conditional deferred Rollback, but the ErrNoRows path
// returns an error: the Rollback runs.
func OkPgxTxErrNoRowsNamedReturnsError(ctx context.Context, pool *pgxpool.Pool, id int64) (u *User, err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	u = &User{ID: id}
	err = tx.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return u, tx.Commit(ctx)
}
