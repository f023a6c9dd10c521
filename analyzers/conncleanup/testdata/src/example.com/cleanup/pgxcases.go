// Package cleanup holds the conncleanup fixtures. Functions named Bad* must
// be reported, Ok* must not; compare/ runs sqlclosecheck and rowserrcheck
// over the same functions.
package cleanup

import (
	"context"
	"errors"
	"log"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type User struct {
	ID   int64
	Name string
}

var ErrNotFound = errors.New("not found")

// --- pgx rows ---

func BadPgxRowsNeverClosed(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users") // want `rows from pgxpool.Pool.Query are not closed on a path that returns: the connection stays busy \("conn busy"\)$`
	if err != nil {
		return 0, err
	}
	n := len(rows.FieldDescriptions())
	return n, nil
}

func BadPgxRowsReturnInLoop(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users") // want `rows from pgxpool.Pool.Query are not closed on a path that returns`
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func BadPgxRowsBreak(ctx context.Context, conn *pgx.Conn) (int64, error) {
	rows, err := conn.Query(ctx, "SELECT id FROM users") // want `rows from pgx.Conn.Query are not closed on a path that returns`
	if err != nil {
		return 0, err
	}
	var first int64
	for rows.Next() {
		if err := rows.Scan(&first); err != nil {
			break
		}
		break // only the first row: the rest stay unread and the conn busy
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return first, nil
}

func OkPgxRowsDeferClose(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Next returning false closes pgx rows; with no way out of the loop but
// its end, nothing is left open.
func OkPgxRowsExhausted(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func OkPgxRowsCollect(ctx context.Context, pool *pgxpool.Pool) ([]User, error) {
	rows, err := pool.Query(ctx, "SELECT id, name FROM users")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[User])
}

func OkPgxRowsCollectOne(ctx context.Context, pool *pgxpool.Pool, id int64) (User, error) {
	rows, _ := pool.Query(ctx, "SELECT id, name FROM users WHERE id = $1", id)
	return pgx.CollectOneRow(rows, pgx.RowToStructByPos[User])
}

func OkPgxRowsForEach(ctx context.Context, pool *pgxpool.Pool) (n int64, err error) {
	rows, _ := pool.Query(ctx, "SELECT id FROM users")
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error { n += id; return nil })
	return n, err
}

func OkPgxRowsReturned(ctx context.Context, pool *pgxpool.Pool) (pgx.Rows, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	return rows, nil
}

type UserIter struct{ rows pgx.Rows }

func OkPgxRowsWrapped(ctx context.Context, pool *pgxpool.Pool) (*UserIter, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	return &UserIter{rows: rows}, nil
}

// scanAll closes what it is given, on every path.
func scanAll(rows pgx.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func OkPgxRowsHelperCloses(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	return scanAll(rows)
}

// scanNames reads but leaves the rows open when Scan fails.
func scanNames(rows pgx.Rows) ([]string, error) {
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

func BadPgxRowsHelperLeaves(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, "SELECT name FROM users") // want `rows from pgxpool.Pool.Query are not closed on a path that returns`
	if err != nil {
		return nil, err
	}
	return scanNames(rows)
}

func OkPgxRowsHelperBorrowsButDeferred(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanNames(rows)
}

func BadPgxRowsNoErr(ctx context.Context, pool *pgxpool.Pool) ([]User, error) {
	rows, err := pool.Query(ctx, "SELECT id, name FROM users") // want `rows.Err\(\) is never checked after the Next loop`
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		u, err := pgx.RowToStructByName[User](rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

func OkPgxRowsToGoroutine(ctx context.Context, pool *pgxpool.Pool, out chan<- int64) error {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return err
	}
	go func() {
		defer rows.Close()
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			out <- id
		}
		if err := rows.Err(); err != nil {
			log.Print(err)
		}
	}()
	return nil
}

func BadPgxRowsDiscarded(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Query(ctx, "INSERT INTO users (name) VALUES ('x')") // want `the rows returned by pgxpool.Pool.Query are discarded, so nothing can close them`
	return err
}

func OkPgxQueryRow(ctx context.Context, pool *pgxpool.Pool) (n int64, err error) {
	err = pool.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

func BadPgxRowsInLoop(ctx context.Context, pool *pgxpool.Pool, ids []int64) ([]string, error) {
	var names []string
	for _, id := range ids {
		rows, err := pool.Query(ctx, "SELECT name FROM users WHERE id = $1", id) // want `rows from pgxpool.Pool.Query are not closed when the loop takes another`
		if err != nil {
			return nil, err
		}
		if rows.Next() {
			var n string
			if err := rows.Scan(&n); err == nil {
				names = append(names, n)
			}
		}
	}
	return names, nil
}

func OkPgxRowsInLoopClosed(ctx context.Context, pool *pgxpool.Pool, ids []int64) ([]string, error) {
	var names []string
	for _, id := range ids {
		rows, err := pool.Query(ctx, "SELECT name FROM users WHERE id = $1", id)
		if err != nil {
			return nil, err
		}
		if rows.Next() {
			var n string
			_ = rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return names, nil
}

func OkPgxErrorCheckCompound(ctx context.Context, pool *pgxpool.Pool) error {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if err != nil {
		return nil
	}
	defer rows.Close()
	return nil
}

// --- pgx batch results ---

func BadPgxBatchNotClosed(ctx context.Context, pool *pgxpool.Pool) error {
	b := &pgx.Batch{}
	b.Queue("UPDATE users SET seen = now()")
	br := pool.SendBatch(ctx, b) // want `batch results from pgxpool.Pool.SendBatch are not closed on a path that returns: the connection stays busy \("conn busy"\)$`
	_, err := br.Exec()
	return err
}

func OkPgxBatchClosed(ctx context.Context, pool *pgxpool.Pool) error {
	b := &pgx.Batch{}
	b.Queue("UPDATE users SET seen = now()")
	br := pool.SendBatch(ctx, b)
	defer br.Close()
	_, err := br.Exec()
	return err
}

func OkPgxBatchChainedClose(ctx context.Context, pool *pgxpool.Pool) error {
	b := &pgx.Batch{}
	return pool.SendBatch(ctx, b).Close()
}

// --- pgxpool.Conn ---

func BadPgxAcquireNoRelease(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx) // want `connection from pgxpool.Pool.Acquire is not released on a path that returns: the pool never gets it back$`
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "SET search_path TO app"); err != nil {
		return err
	}
	conn.Release()
	return nil
}

func OkPgxAcquireDeferRelease(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = conn.Exec(ctx, "LISTEN jobs")
	return err
}

func OkPgxAcquireFunc(ctx context.Context, pool *pgxpool.Pool) error {
	return pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
		_, err := c.Exec(ctx, "SELECT 1")
		return err
	})
}

func OkPgxAcquireHijack(ctx context.Context, pool *pgxpool.Pool) (*pgx.Conn, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return conn.Hijack(), nil // the caller owns the *pgx.Conn now
}

// --- pgx transactions ---

func BadPgxTxNoRollbackOnError(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns: its connection stays idle in transaction$`
	if err != nil {
		return err
	}
	if _, err = tx.Exec(ctx, "UPDATE users SET n = n + 1"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxTxDeferRollback(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err = tx.Exec(ctx, "UPDATE users SET n = n + 1"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxTxExplicit(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = n + 1"); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxTxDeferredClosure(ctx context.Context, pool *pgxpool.Pool) (err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback(ctx)
			return
		}
		err = tx.Commit(ctx)
	}()
	_, err = tx.Exec(ctx, "UPDATE users SET n = n + 1")
	return err
}

func insertUser(ctx context.Context, tx pgx.Tx, u User) error {
	_, err := tx.Exec(ctx, "INSERT INTO users (id, name) VALUES ($1, $2)", u.ID, u.Name)
	return err
}

// A tx handed to a helper called synchronously, finished here.
func OkPgxTxHelperSync(ctx context.Context, pool *pgxpool.Pool, users []User) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	for _, u := range users {
		if err := insertUser(ctx, tx, u); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

func finish(ctx context.Context, tx pgx.Tx, err error) error {
	if err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxTxFinishHelper(ctx context.Context, pool *pgxpool.Pool, u User) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	return finish(ctx, tx, insertUser(ctx, tx, u))
}

func BadPgxTxHelperDoesNotFinish(ctx context.Context, pool *pgxpool.Pool, u User) error {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns`
	if err != nil {
		return err
	}
	return insertUser(ctx, tx, u)
}

func OkPgxTxReturned(ctx context.Context, pool *pgxpool.Pool) (pgx.Tx, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '1s'"); err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return tx, nil
}

func OkPgxBeginFunc(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE users SET n = n + 1")
		return err
	})
}

func OkPgxTxFatalPath(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		panic(err) // not a path out: nothing to leak to
	}
	return tx.Commit(ctx)
}

func OkPgxTxNestedSavepoint(ctx context.Context, tx pgx.Tx) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	defer sp.Rollback(ctx)
	if _, err := sp.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		return err
	}
	return sp.Commit(ctx)
}

func OkPgxTxEarlyDefer(ctx context.Context, pool *pgxpool.Pool) error {
	var tx pgx.Tx
	defer func() {
		if tx != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	var err error
	tx, err = pool.Begin(ctx)
	if err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Handlers run in closures; the closure is the function judged.
func BadPgxTxInClosure(pool *pgxpool.Pool) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open on a path that returns`
		if err != nil {
			return err
		}
		_, _ = tx.Exec(ctx, "UPDATE users SET n = 0")
		return nil
	}
}

func Suppressed(ctx context.Context, pool *pgxpool.Pool) {
	//dbaudit:ignore conncleanup -- the process exits right after this call
	conn, _ := pool.Acquire(ctx)
	_ = conn
}

func BadPgxRowsBlankAssigned(ctx context.Context, pool *pgxpool.Pool) {
	rows, err := pool.Query(ctx, "SELECT 1") // want `rows from pgxpool.Pool.Query are not closed on the path that reaches the end of the function`
	if err != nil {
		log.Fatal(err)
	}
	_ = rows
}

// An adapter around the transaction, handed to a helper of another package
// that commits or rolls back (cockroach-go's crdb.ExecuteInTx shape).
type txAdapter struct{ tx pgx.Tx }

func OkPgxTxAdapterHandedOn(ctx context.Context, pool *pgxpool.Pool, run func(context.Context, any) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	return run(ctx, txAdapter{tx})
}
