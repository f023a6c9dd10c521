// Package testdb gives each scanner test a database of its own on the
// PostgreSQL named by DBAUDIT_TEST_DATABASE_URL, dropped when the test ends.
// Only tests use it.
package testdb

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// AdminURL returns the test server's connection string. Without one the
// test is skipped, or fails under CI=true, where a missing database must not
// pass silently.
func AdminURL(t testing.TB) string {
	t.Helper()
	return pgtest.DSN(t)
}

// New creates an empty schema named scanner_test_<random> in the test
// database and returns a connection string whose search_path selects it, so
// migrations and queries land there. The schema is dropped with everything
// in it when the test ends. A schema costs milliseconds where a database
// costs a second or more.
func New(t testing.TB) string {
	t.Helper()
	_, dsn := pgtest.SchemaNamed(t, "scanner_test", "")
	return dsn
}

// NewDatabase creates an empty database named scanner_test_<random> and
// returns a connection string for it. It is dropped, with its connections,
// when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	_, dsn := pgtest.Database(t, "scanner_test")
	return dsn
}

// Store opens a store on a new migrated database with a pool of maxConns
// (0: the default), closed when the test ends.
func Store(t testing.TB, maxConns int32) (*store.Store, string) {
	t.Helper()
	dsn := New(t)
	cfg := config.Default().DB
	cfg.URL = dsn
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg, Logger(t))
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(st.Close)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	return st, dsn
}

// Logger returns a logger writing to the test log (or nowhere with
// SCANNER_TEST_QUIET=true).
func Logger(t testing.TB) *slog.Logger {
	if os.Getenv("SCANNER_TEST_QUIET") == "true" {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w := &testWriter{t: t}
	// Registered first, so it runs after every later cleanup: goroutines
	// logging while the test is torn down are fine, after it they are dropped.
	t.Cleanup(func() { w.done.Store(true) })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
