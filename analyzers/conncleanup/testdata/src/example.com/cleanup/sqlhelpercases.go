package cleanup

import (
	"context"
	"database/sql"

	"example.com/cleanup/common"
)

// --- rows.Close handed to a helper of another package ---

func OkSQLRowsLogOnErrorClose(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	defer common.LogOnError(ctx, rows.Close) // the helper calls it and logs its error
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Closed through the helper, but the iteration error is still lost.
func BadSQLRowsLogOnErrorCloseNoErr(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // want `rows.Err\(\) is never checked after the Next loop`
	if err != nil {
		return nil, err
	}
	defer common.LogOnError(ctx, rows.Close)
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, nil
}

// The helper takes rows.Close and never calls it.
func BadSQLRowsDeferredHelperIgnoresClose(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // want `rows from sql.DB.QueryContext are not closed`
	if err != nil {
		return nil, err
	}
	defer common.Ignore(ctx, rows.Close)
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// --- a connection taken in a retry closure, owned by the enclosing function ---

func retry(attempts int, f func() error) (err error) {
	for i := 0; i < attempts; i++ {
		if err = f(); err == nil {
			return nil
		}
	}
	return err
}

func OkSQLConnRetryClosure(ctx context.Context, db *sql.DB) error {
	var conn *sql.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	err := retry(3, func() error {
		var err error
		conn, err = db.Conn(ctx)
		return err
	})
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "SELECT pg_advisory_lock(1)")
	return err
}

func BadSQLConnRetryClosureNeverClosed(ctx context.Context, db *sql.DB) error {
	var conn *sql.Conn
	err := retry(3, func() error {
		var err error
		conn, err = db.Conn(ctx) // want `connection from sql.DB.Conn is assigned to conn, a variable of the enclosing function, which never gives it back`
		return err
	})
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "SELECT pg_advisory_lock(1)")
	return err
}

// --- a batching loop: a transaction begun when the counter is 0, committed before it goes back to 0 ---

func OkSQLTxBatchCommitEveryN(ctx context.Context, db *sql.DB, names []string) error {
	var tx *sql.Tx
	var err error
	cur := 0
	for _, n := range names {
		if cur == 0 {
			tx, err = db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO users (name) VALUES ($1)", n); err != nil {
			_ = tx.Rollback()
			return err
		}
		cur++
		if cur == 100 {
			if err := tx.Commit(); err != nil {
				return err
			}
			cur = 0
		}
	}
	if cur > 0 {
		return tx.Commit()
	}
	return nil
}

// The counter goes back to 0 without a Commit: the next name begins another.
func BadSQLTxBatchResetWithoutCommit(ctx context.Context, db *sql.DB, names []string) error {
	var tx *sql.Tx
	var err error
	cur := 0
	for _, n := range names {
		if cur == 0 {
			tx, err = db.BeginTx(ctx, nil) // want `transaction from sql.DB.BeginTx is left open when the loop takes another`
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO users (name) VALUES ($1)", n); err != nil {
			_ = tx.Rollback()
			return err
		}
		cur++
		if cur == 100 {
			cur = 0
		}
	}
	if cur > 0 {
		return tx.Commit()
	}
	return nil
}

// --- statements of a transaction: database/sql closes them with it ---

func OkSQLTxStmt(ctx context.Context, db *sql.DB, insert *sql.Stmt, names []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt := tx.StmtContext(ctx, insert)
	for _, n := range names {
		if _, err := stmt.ExecContext(ctx, n); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func OkSQLTxPrepare(ctx context.Context, db *sql.DB, names []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO users (name) VALUES ($1)")
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := stmt.ExecContext(ctx, n); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Prepared on the pool, not the transaction: it outlives the transaction.
func BadSQLStmtOnDBBesideTx(ctx context.Context, db *sql.DB, names []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := db.PrepareContext(ctx, "INSERT INTO users (name) VALUES ($1)") // want `prepared statement from sql.DB.PrepareContext is not closed`
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, n); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// --- rows whose Err is not nil: the driver closed them ---

// An error already in the rows means database/sql closed them; the rows
// go to a callback that reads and closes them.
func OkSQLRowsErrBeforeHandOff(ctx context.Context, db *sql.DB, f func(context.Context, *sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return f(ctx, rows)
}

// Another error returned on the way: the rows stay open.
func BadSQLRowsOtherErrorBeforeHandOff(ctx context.Context, db *sql.DB, f func(context.Context, *sql.Rows) error, check func() error) error {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // want `rows from sql.DB.QueryContext are not closed`
	if err != nil {
		return err
	}
	err = rows.Err()
	if err == nil {
		err = check()
	}
	if err != nil {
		return err
	}
	return f(ctx, rows)
}

// openfga's shape: the transaction begun in a busy-retry closure, rolled
// back by the enclosing function's deferred func after the error check.
func OkSQLTxRetryClosureDeferredRollback(ctx context.Context, db *sql.DB) error {
	var txn *sql.Tx
	err := retry(3, func() error {
		var err error
		txn, err = db.BeginTx(ctx, nil)
		return err
	})
	if err != nil {
		return err
	}
	defer func() { _ = txn.Rollback() }()
	if _, err := txn.ExecContext(ctx, "DELETE FROM tuple WHERE store = $1", "s"); err != nil {
		return err
	}
	return txn.Commit()
}

// --- an error equal to a sentinel is not nil: no rows were handed out ---

func OkSQLRowsErrNoRowsBranch(ctx context.Context, stmt *sql.Stmt) ([]string, error) {
	rows, err := stmt.QueryContext(ctx, "x")
	if err == sql.ErrNoRows {
		return []string{}, nil
	} else if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Not equal to the sentinel says nothing: the rows are left open there.
func BadSQLRowsNotErrNoRowsBranch(ctx context.Context, stmt *sql.Stmt) (int, error) {
	rows, err := stmt.QueryContext(ctx, "x") // want `rows from sql.Stmt.QueryContext are not closed`
	if err != sql.ErrNoRows {
		return 0, err
	}
	defer rows.Close()
	return 0, nil
}

// The closure keeps its rows in the enclosing function's variable, but
// closes them itself.
func OkSQLRowsRetryClosureClosesItself(ctx context.Context, db *sql.DB) (n int, err error) {
	var rows *sql.Rows
	err = retry(3, func() error {
		var err error
		rows, err = db.QueryContext(ctx, "SELECT 1")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			n++
		}
		return rows.Err()
	})
	return n, err
}
