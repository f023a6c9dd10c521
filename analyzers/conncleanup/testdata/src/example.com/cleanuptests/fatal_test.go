package cleanuptests

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

var pool *pgxpool.Pool

func TestTxFatal(t *testing.T) {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		t.Fatalf("update: %v", err) // the test goroutine ends here (runtime.Goexit)
	} else if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestTxSkip(t *testing.T) {
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Skip("no database")
	}
	if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
		t.FailNow()
	} else {
		conn.Release()
	}
}

// Through testing.TB, an interface: the method's name is all there is to read.
func begin(tb testing.TB) {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		tb.Fatal(err)
	} else if err := tx.Commit(ctx); err != nil {
		tb.Fatal(err)
	}
}

func TestTxErrorf(t *testing.T) {
	begin(t)
	ctx := context.Background()
	tx, err := pool.Begin(ctx) // want `transaction from pgxpool.Pool.Begin is left open`
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET n = 0"); err != nil {
		t.Errorf("update: %v", err) // reports and goes on
		return
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
