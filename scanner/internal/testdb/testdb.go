// Package testdb gives each scanner test a database of its own on the
// PostgreSQL named by DBAUDIT_TEST_DATABASE_URL, dropped when the test ends.
// Only tests use it.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// EnvVar names the administrative connection string tests use.
const EnvVar = "DBAUDIT_TEST_DATABASE_URL"

// AdminURL returns the test server's connection string. Without one the
// test is skipped, or fails under CI=true, where a missing database must not
// pass silently.
func AdminURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvVar)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; CI=true requires the database tests to run", EnvVar)
		}
		t.Skipf("%s is not set; skipping a test that needs PostgreSQL", EnvVar)
	}
	return dsn
}

// New creates an empty schema named scanner_test_<random> in the test
// database and returns a connection string whose search_path selects it, so
// migrations and queries land there. The schema is dropped with everything
// in it when the test ends. A schema costs milliseconds where a database
// costs a second or more.
func New(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	name := randomName(t)
	exec(t, admin, "CREATE SCHEMA "+name)
	t.Cleanup(func() {
		exec(t, admin, "DROP SCHEMA IF EXISTS "+name+" CASCADE")
	})
	return withParam(t, admin, "search_path", name)
}

// NewDatabase creates an empty database named scanner_test_<random> and
// returns a connection string for it. It is dropped, with its connections,
// when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	name := randomName(t)
	exec(t, admin, "CREATE DATABASE "+name)
	t.Cleanup(func() {
		exec(t, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	if isURL(admin) {
		u, err := url.Parse(admin)
		if err != nil {
			t.Fatalf("%s is not a valid URL", EnvVar)
		}
		u.Path = "/" + name
		return u.String()
	}
	return admin + " dbname=" + name
}

func randomName(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "scanner_test_" + hex.EncodeToString(b[:])
}

// isURL tells the URL form of a connection string from the key=value form.
func isURL(dsn string) bool {
	u, err := url.Parse(dsn)
	return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql")
}

// withParam adds a connection parameter to dsn, in URL or key=value form.
func withParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if isURL(dsn) {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s is not a valid URL", EnvVar)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A short-lived administrative connection for CREATE/DROP, outside the
	// pool under test.
	//dbaudit:ignore poolconstruct -- test-support package (only tests import it); creates and drops per-test schemas
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
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
