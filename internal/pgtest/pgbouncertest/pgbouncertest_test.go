package pgbouncertest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbaudit/dbaudit/internal/pgtest/pgbouncertest"
)

// TestStart: the pooler accepts connections, runs in transaction mode, and
// refuses a startup parameter it does not track.
func TestStart(t *testing.T) {
	t.Parallel()
	b := pgbouncertest.Start(t, pgbouncertest.Options{})
	if !strings.HasPrefix(b.Version, "PgBouncer ") {
		t.Errorf("Version = %q", b.Version)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, b.DSN)
	if err != nil {
		t.Fatalf("connecting through %s: %v\n%s", b.Version, err, b.Log())
	}
	defer c.Close(ctx)
	var one int
	if err := c.QueryRow(ctx, "select 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("select 1 through the pooler: %d, %v", one, err)
	}
	// Only a pooler answers this way: the server itself takes search_path.
	_, err = pgx.Connect(ctx, b.DSN+"&search_path=public")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Message != "unsupported startup parameter: search_path" {
		t.Fatalf("connecting with search_path through the pooler: %v, want FATAL: unsupported startup parameter", err)
	}
	if !strings.Contains(b.Log(), "listening on 127.0.0.1:") {
		t.Errorf("pooler log lacks its listen line:\n%s", b.Log())
	}
}
