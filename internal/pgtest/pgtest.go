// Package pgtest gives tests the test PostgreSQL (DBAUDIT_TEST_DATABASE_URL):
// its DSN (the test is skipped without one, and fails under CI=true),
// connections and pools closed when the test ends, and a schema or database
// of the test's own, dropped when it ends. Only tests import it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvVar names the connection string of the test server.
const EnvVar = "DBAUDIT_TEST_DATABASE_URL"

// DSN returns DBAUDIT_TEST_DATABASE_URL, skipping the test when it is unset
// (failing it under CI=true).
func DSN(t testing.TB) string {
	t.Helper()
	dsn, ok := LookupDSN(t)
	if !ok {
		t.Skip("DBAUDIT_TEST_DATABASE_URL is not set; skipping a test that needs PostgreSQL")
	}
	return dsn
}

// LookupDSN returns DBAUDIT_TEST_DATABASE_URL and whether it is set, for a
// test whose parts without PostgreSQL still run; it fails the test when it
// is unset under CI=true.
func LookupDSN(t testing.TB) (string, bool) {
	t.Helper()
	dsn := os.Getenv(EnvVar)
	if dsn == "" && os.Getenv("CI") == "true" {
		t.Fatal("DBAUDIT_TEST_DATABASE_URL is not set, and CI=true requires the PostgreSQL tests to run")
	}
	return dsn, dsn != ""
}

// Connect opens a connection for the test and closes it at cleanup.
func Connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Pool opens a pgxpool for the test and closes it at cleanup (before the
// cleanups registered earlier, such as dropping the schema it uses).
func Pool(t testing.TB, dsn string) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("opening a pool on the test database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Name returns a unique lower-case identifier with the prefix.
func Name(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// Schema creates a schema with a unique name, runs ddl in it, and drops it
// (CASCADE) when the test ends. It returns the schema name and a DSN whose
// search_path is that schema.
func Schema(t testing.TB, ddl string) (schema, dsn string) {
	t.Helper()
	return SchemaNamed(t, "dbaudit_t", ddl)
}

// SchemaNamed is Schema with the schema name's prefix.
func SchemaNamed(t testing.TB, prefix, ddl string) (schema, dsn string) {
	t.Helper()
	base := DSN(t)
	schema = Name(prefix)
	exec(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { exec(t, base, "DROP SCHEMA IF EXISTS "+schema+" CASCADE") })
	dsn = WithParam(t, base, "search_path", schema)
	if ddl != "" {
		c := Connect(t, dsn)
		if _, err := c.Exec(context.Background(), ddl); err != nil {
			t.Fatalf("creating the test schema: %v", err)
		}
	}
	return schema, dsn
}

// Database creates a database with a unique name (the prefix, then random
// hex) and drops it, with its connections, when the test ends. It returns
// the name and a DSN to it.
func Database(t testing.TB, prefix string) (name, dsn string) {
	t.Helper()
	base := DSN(t)
	name = Name(prefix)
	exec(t, base, "CREATE DATABASE "+name)
	t.Cleanup(func() { exec(t, base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return name, WithDatabase(t, base, name)
}

// exec runs one statement on a connection of its own.
func exec(t testing.TB, dsn, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to the test server for %s: %v", sql, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// isURL tells the URL form of a connection string from the key=value form.
func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func parseURL(t testing.TB, dsn string) *url.URL {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("DBAUDIT_TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	return u
}

// WithParam sets a connection parameter in a DSN (URL or key=value form).
func WithParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if !isURL(dsn) {
		return dsn + " " + key + "=" + value
	}
	u := parseURL(t, dsn)
	q := u.Query()
	q.Set(key, value)
	// A space as %20, not +: pgx takes + in a query value literally.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

// WithDatabase names another database in a DSN (URL or key=value form).
func WithDatabase(t testing.TB, dsn, name string) string {
	t.Helper()
	if !isURL(dsn) {
		return dsn + " dbname=" + name
	}
	u := parseURL(t, dsn)
	u.Path = "/" + name
	return u.String()
}

// WithUser replaces the user (and password) of a URL-form DSN.
func WithUser(t testing.TB, dsn, user, password string) string {
	t.Helper()
	u := parseURL(t, dsn)
	if password == "" {
		u.User = url.User(user)
	} else {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}
