package cleanup

import (
	"context"
	"log"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/cleanup/common"
)

// --- cleanup handed to a helper of another package as a method value ---

func OkPgxTxDeferRollbackHelper(ctx context.Context, pool *pgxpool.Pool, logger *log.Logger) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer common.DeferRollback(ctx, logger, tx.Rollback) // the helper calls it
	if _, err := tx.Exec(ctx, "UPDATE users SET n = n + 1"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxAcquireReleaseValue(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer common.Run(conn.Release)
	_, err = conn.Exec(ctx, "SELECT 1")
	return err
}

// A registry of cleanups keeps conn.Release for its owner to run.
func OkPgxAcquireReleaseRegistered(ctx context.Context, pool *pgxpool.Pool, later *common.Later) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	later.Add(conn.Release)
	_, err = conn.Exec(ctx, "SELECT 1")
	return err
}

// The release goes back to the caller as a func value.
func OkPgxAcquireReleaseReturned(ctx context.Context, pool *pgxpool.Pool) (func(), error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "SET search_path TO app"); err != nil {
		conn.Release()
		return nil, err
	}
	return conn.Release, nil
}

// The value handed over is a different method: nothing gives the connection back.
func BadPgxAcquirePingValueDeferred(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx) // want `connection from pgxpool.Pool.Acquire is not released`
	if err != nil {
		return err
	}
	defer common.Run(func() { _ = conn.Ping(ctx) })
	_, err = conn.Exec(ctx, "SELECT 1")
	return err
}

// --- helpers of another package that finish, or do not finish, what they are handed ---

func OkPgxTxOtherPackageFinish(ctx context.Context, pool *pgxpool.Pool, u User) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	return common.Finish(ctx, tx, insertUser(ctx, tx, u))
}

func BadPgxTxOtherPackageHelperDoesNotFinish(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open`
	if err != nil {
		return err
	}
	return common.Touch(ctx, tx)
}

func OkPgxRowsOtherPackageHelperCloses(ctx context.Context, pool *pgxpool.Pool) ([]int64, error) {
	rows, err := pool.Query(ctx, "SELECT id FROM users")
	if err != nil {
		return nil, err
	}
	return common.ScanAll(rows)
}

// Read from its body, the helper leaves the rows open when Scan fails.
func BadPgxRowsOtherPackageHelperLeaves(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	rows, err := pool.Query(ctx, "SELECT name FROM users") // want `rows from pgxpool.Pool.Query are not closed`
	if err != nil {
		return nil, err
	}
	return common.ScanNames(rows)
}

// --- paths that end, judged by control flow rather than by name ---

// FatalLike is named like log.Fatal, but logs and returns.
func FatalLike(format string, args ...any) {
	log.Printf(format, args...)
}

// die never returns, whatever its name.
func die(format string, args ...any) {
	log.Fatalf(format, args...)
}

func BadPgxTxFatalLikeReturns(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open`
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		FatalLike("update: %v", err) // logs and returns: the path goes on
		return err
	}
	return tx.Commit(ctx)
}

func BadPgxTxOtherPackageFatalLikeReturns(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open`
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		common.FatalLike("update: %v", err)
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxTxDieWrapper(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		die("update: %v", err)
		return err // not reached
	}
	return tx.Commit(ctx)
}

func OkPgxTxOtherPackageDieWrapper(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		common.Die("update: %v", err)
		return err // not reached
	}
	return tx.Commit(ctx)
}

// --- ownership handed to the caller ---

// TxInterceptor wraps the transactions it begins (tracing, metrics).
type TxInterceptor struct {
	pool          *pgxpool.Pool
	txInterceptor func(pgx.Tx) pgx.Tx
	size          func(pgx.Tx) int
}

// The caller gets the transaction, wrapped: finishing it is the caller's.
func (i *TxInterceptor) OkPgxBeginWrapped(ctx context.Context) (pgx.Tx, error) {
	tx, err := i.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return i.txInterceptor(tx), nil
}

// An int cannot hold the transaction: the caller never sees it.
func (i *TxInterceptor) BadPgxBeginReturnsDerivedInt(ctx context.Context) (int, error) {
	tx, err := i.pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open`
	if err != nil {
		return 0, err
	}
	return i.size(tx), nil
}

// withLockTimeout hands back the transaction it is given.
func withLockTimeout(ctx context.Context, tx pgx.Tx) pgx.Tx {
	_, _ = tx.Exec(ctx, "SET LOCAL lock_timeout = '1s'")
	return tx
}

// The variable is given the same transaction back: still this function's.
func OkPgxTxRewrapped(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	tx = withLockTimeout(ctx, tx)
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func BadPgxTxRewrappedNeverFinished(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open`
	if err != nil {
		return err
	}
	tx = withLockTimeout(ctx, tx)
	_, err = tx.Exec(ctx, "UPDATE users SET n = 0")
	return err
}
