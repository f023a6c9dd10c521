package conncleanup_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// The tests below prove, with the real pgx v5 driver and PostgreSQL, the
// failures conncleanup's messages and help quote for batches and for a
// transaction left open on the ErrNoRows path.

// newSchema creates a schema of the test's own with a users table of three
// rows, dropped when the test ends, and returns it with a DSN to it.
func newSchema(t *testing.T) (schema, dsn string) {
	t.Helper()
	return pgtest.SchemaNamed(t, "dbaudit_conncleanup", "CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, seen int NOT NULL DEFAULT 0); "+
		"INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')")
}

func newBatch(schema string) *pgx.Batch {
	b := &pgx.Batch{}
	for id := 1; id <= 3; id++ {
		b.Queue("UPDATE "+schema+".users SET seen = seen + 1 WHERE id = $1", id)
	}
	return b
}

// TestUnclosedBatchConnBusy: batch results not closed keep the connection
// busy, and the next statement on it fails with "conn busy"; after Close it
// runs.
func TestUnclosedBatchConnBusy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema, url := newSchema(t)
	conn := pgtest.Connect(t, url)

	br := conn.SendBatch(ctx, newBatch(schema))
	if _, err := br.Exec(); err != nil { // the first result read, the rest left
		t.Fatal(err)
	}
	_, err := conn.Exec(ctx, "SELECT 1")
	if err == nil || err.Error() != "conn busy" {
		t.Fatalf("a statement after unclosed batch results: err = %v, want \"conn busy\"", err)
	}
	t.Logf("next statement with the batch open: %v", err)

	if err := br.Close(); err != nil { // the fix
		t.Fatalf("closing the batch: %v", err)
	}
	if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatalf("a statement after br.Close(): %v", err)
	}
}

// TestBatchAfterRelease: a pool connection released while its batch
// results are open is destroyed, and the results then fail with "conn
// closed"; closed before Release, the connection goes back to the pool.
func TestBatchAfterRelease(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema, url := newSchema(t)
	pool := pgtest.Pool(t, url)

	c, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	br := c.SendBatch(ctx, newBatch(schema))
	c.Release() // what conncleanup flags: the batch is still open
	for deadline := time.Now().Add(10 * time.Second); pool.Stat().TotalConns() != 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the busy connection was not destroyed: %d connections", pool.Stat().TotalConns())
		}
	}
	_, err = br.Exec()
	if err == nil || !strings.Contains(err.Error(), "conn closed") {
		t.Fatalf("reading batch results after Release: err = %v, want \"conn closed\"", err)
	}
	t.Logf("batch results read after Release: %v", err)
	_ = br.Close()

	c, err = pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	br = c.SendBatch(ctx, newBatch(schema))
	if _, err := br.Exec(); err != nil {
		t.Fatal(err)
	}
	if err := br.Close(); err != nil { // the fix: Close before Release
		t.Fatal(err)
	}
	c.Release()
	if st := pool.Stat(); st.AcquiredConns() != 0 || st.IdleConns() != 1 {
		t.Fatalf("after Close then Release: %d acquired, %d idle; want 0 and 1", st.AcquiredConns(), st.IdleConns())
	}
}

// TestCommitUnderOpenBatch: Commit while the transaction's batch results
// are open fails with "conn busy", and nothing is committed.
func TestCommitUnderOpenBatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema, url := newSchema(t)
	conn := pgtest.Connect(t, url)

	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	br := tx.SendBatch(ctx, newBatch(schema))
	if _, err := br.Exec(); err != nil {
		t.Fatal(err)
	}
	err = tx.Commit(ctx)
	if err == nil || err.Error() != "conn busy" {
		t.Fatalf("Commit with the batch open: err = %v, want \"conn busy\"", err)
	}
	t.Logf("Commit with the batch open: %v; then Close: %v; Rollback: %v", err, br.Close(), tx.Rollback(ctx))
	if !conn.IsClosed() {
		t.Error("pgx did not close the connection after the failed Commit")
	}

	other := pgtest.Connect(t, url)
	var seen int
	if err := other.QueryRow(ctx, "SELECT sum(seen) FROM "+schema+".users").Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seen != 0 {
		t.Errorf("the failed Commit committed %d updates", seen)
	}
}

// findUser is the fixture BadPgxTxErrNoRowsReturn: a transaction begun,
// and "not found" returned without ending it. keep receives the
// transaction, only so that the test can end it afterwards.
func findUser(ctx context.Context, pool *pgxpool.Pool, schema string, id int64, keep *pgx.Tx) (*string, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	*keep = tx
	var name string
	err = tx.QueryRow(ctx, "SELECT name FROM "+schema+".users WHERE id = $1 FOR UPDATE", id).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		_ = tx.Rollback(ctx)
		return nil, err
	}
	return &name, tx.Commit(ctx)
}

// findUserNamed is the fixture BadPgxTxErrNoRowsNamedResult: the deferred
// Rollback runs only when err != nil, and return nil, nil sets err to nil.
func findUserNamed(ctx context.Context, pool *pgxpool.Pool, schema string, id int64, keep *pgx.Tx) (name *string, err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	*keep = tx
	defer func() {
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	var n string
	err = tx.QueryRow(ctx, "SELECT name FROM "+schema+".users WHERE id = $1", id).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &n, tx.Commit(ctx)
}

// findUserFixed is the look-alike OkPgxTxErrNoRowsDeferRollback.
func findUserFixed(ctx context.Context, pool *pgxpool.Pool, schema string, id int64) (*string, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	var name string
	err = tx.QueryRow(ctx, "SELECT name FROM "+schema+".users WHERE id = $1 FOR UPDATE", id).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &name, tx.Commit(ctx)
}

// TestTxLeftOpenOnErrNoRows: after the ErrNoRows early return the pool's
// connection stays acquired and the server shows the session idle in
// transaction; with a deferred Rollback it goes back to the pool.
func TestTxLeftOpenOnErrNoRows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema, url := newSchema(t)
	app := "dbaudit_norows_" + strings.TrimPrefix(schema, "dbaudit_conncleanup_")
	// Closed at cleanup, after the leaked transactions are rolled back below.
	pool := pgtest.Pool(t, pgtest.WithParam(t, pgtest.WithParam(t, url, "application_name", app), "pool_max_conns", "2"))
	idleInTx := func() int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'", app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	for _, bad := range []struct {
		name string
		find func(context.Context, *pgxpool.Pool, string, int64, *pgx.Tx) (*string, error)
	}{{"errors.Is return", findUser}, {"named result, deferred Rollback on err != nil", findUserNamed}} {
		var leaked pgx.Tx
		u, err := bad.find(ctx, pool, schema, 42, &leaked)
		if u != nil || err != nil {
			t.Fatalf("%s: got %v, %v; want nil, nil (not found)", bad.name, u, err)
		}
		acquired, idle := pool.Stat().AcquiredConns(), idleInTx()
		t.Logf("%s: after the ErrNoRows return: %d connection(s) acquired, %d session(s) idle in transaction", bad.name, acquired, idle)
		if acquired != 1 || idle != 1 {
			t.Errorf("%s: after the ErrNoRows return: %d acquired, %d idle in transaction; want 1 and 1", bad.name, acquired, idle)
		}
		if err := leaked.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
	}

	u, err := findUserFixed(ctx, pool, schema, 42)
	if u != nil || err != nil {
		t.Fatalf("fixed: got %v, %v; want nil, nil", u, err)
	}
	if acquired, idle := pool.Stat().AcquiredConns(), idleInTx(); acquired != 0 || idle != 0 {
		t.Errorf("with a deferred Rollback: %d acquired, %d idle in transaction; want 0 and 0", acquired, idle)
	}
}
