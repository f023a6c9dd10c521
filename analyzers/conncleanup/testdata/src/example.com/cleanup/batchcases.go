package cleanup

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/cleanup/common"
)

// --- pgx batch results on every path (issue 17 #2) ---

// The batch's connection stays busy: the next statement on conn fails
// with "conn busy".
func BadPgxConnBatchNotClosed(ctx context.Context, conn *pgx.Conn, ids []int64) error {
	b := &pgx.Batch{}
	for _, id := range ids {
		b.Queue("UPDATE users SET seen = now() WHERE id = $1", id)
	}
	br := conn.SendBatch(ctx, b) // want `batch results from pgx.Conn.SendBatch are not closed on a path that returns: the connection stays busy \("conn busy"\)$`
	for range ids {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	_, err := conn.Exec(ctx, "UPDATE stats SET n = n + 1")
	return err
}

// Closed on the happy path only: an Exec error returns with the batch open.
func BadPgxTxBatchErrorPath(ctx context.Context, tx pgx.Tx, ids []int64) error {
	b := &pgx.Batch{}
	for _, id := range ids {
		b.Queue("DELETE FROM sessions WHERE user_id = $1", id)
	}
	br := tx.SendBatch(ctx, b) // want `batch results from pgx.Tx.SendBatch are not closed on a path that returns`
	for range ids {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return br.Close()
}

func BadPgxAcquiredBatchNotClosed(ctx context.Context, c *pgxpool.Conn, b *pgx.Batch) (int64, error) {
	br := c.SendBatch(ctx, b) // want `batch results from pgxpool.Conn.SendBatch are not closed on a path that returns`
	var n int64
	err := br.QueryRow().Scan(&n)
	return n, err
}

// A helper that reads the results but never closes them does not take
// them over.
func readFirst(br pgx.BatchResults) (int64, error) {
	var n int64
	err := br.QueryRow().Scan(&n)
	return n, err
}

func BadPgxBatchHelperReadsOnly(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) (int64, error) {
	br := conn.SendBatch(ctx, b) // want `batch results from pgx.Conn.SendBatch are not closed on a path that returns`
	return readFirst(br)
}

func BadPgxBatchDiscarded(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) {
	_ = conn.SendBatch(ctx, b) // want `the batch results returned by pgx.Conn.SendBatch are discarded, so nothing can close them`
}

// Look-alikes that close on every path.

func OkPgxConnBatchDeferClose(ctx context.Context, conn *pgx.Conn, ids []int64) error {
	b := &pgx.Batch{}
	for _, id := range ids {
		b.Queue("UPDATE users SET seen = now() WHERE id = $1", id)
	}
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	for range ids {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	return nil
}

func OkPgxTxBatchCloseOnEveryPath(ctx context.Context, tx pgx.Tx, ids []int64) error {
	b := &pgx.Batch{}
	for _, id := range ids {
		b.Queue("DELETE FROM sessions WHERE user_id = $1", id)
	}
	br := tx.SendBatch(ctx, b)
	for range ids {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return err
		}
	}
	return br.Close()
}

// closeBatch closes what it is handed, on every path.
func closeBatch(br pgx.BatchResults) error {
	defer br.Close()
	_, err := br.Exec()
	return err
}

func OkPgxBatchHelperCloses(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) error {
	br := conn.SendBatch(ctx, b)
	return closeBatch(br)
}

// Returned: the caller reads and closes the results.
func OkPgxBatchReturned(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) pgx.BatchResults {
	br := pool.SendBatch(ctx, b)
	return br
}

type batchReader struct{ br pgx.BatchResults }

func OkPgxBatchWrapped(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) *batchReader {
	br := pool.SendBatch(ctx, b)
	return &batchReader{br: br}
}

// --- batch results read after their connection was given back ---

// Release destroys the busy connection: the results fail with "conn closed".
func BadPgxBatchReadAfterRelease(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	br := c.SendBatch(ctx, b) // want `batch results from pgxpool.Conn.SendBatch are open when c.Release runs: it closes the busy connection \("conn closed"\)$`
	c.Release()
	_, err = br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// The deferred Close runs after the explicit Release.
func BadPgxBatchDeferredCloseAfterRelease(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	br := c.SendBatch(ctx, b) // want `batch results from pgxpool.Conn.SendBatch are open when c.Release runs`
	defer br.Close()
	_, err = br.Exec()
	c.Release()
	return err
}

// Commit while the batch holds the connection fails with "conn busy".
func BadPgxBatchCommitBeforeClose(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	br := tx.SendBatch(ctx, b) // want `batch results from pgx.Tx.SendBatch are open when tx.Commit runs: it fails with "conn busy" and closes the connection`
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func OkPgxBatchClosedBeforeRelease(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	br := c.SendBatch(ctx, b)
	_, err = br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	c.Release()
	return err
}

// Defers run last-in first-out: the Close deferred after the Release runs
// first.
func OkPgxBatchDeferOrder(ctx context.Context, pool *pgxpool.Pool, b *pgx.Batch) error {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	br := c.SendBatch(ctx, b)
	defer br.Close()
	_, err = br.Exec()
	return err
}

func OkPgxBatchClosedBeforeCommit(ctx context.Context, tx pgx.Tx, b *pgx.Batch) error {
	br := tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return err
	}
	if err := br.Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// --- batch results handed to a helper of another package ---

func OkPgxBatchOtherPackageHelperCloses(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) error {
	br := conn.SendBatch(ctx, b)
	return common.ExecAll(br, b.Len())
}

func BadPgxBatchOtherPackageHelperLeaves(ctx context.Context, conn *pgx.Conn, b *pgx.Batch) error {
	br := conn.SendBatch(ctx, b) // want `batch results from pgx.Conn.SendBatch are not closed on a path that returns`
	return common.FirstResult(br)
}
