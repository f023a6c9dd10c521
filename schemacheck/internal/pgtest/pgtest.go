// Package pgtest gives schemacheck's tests a PostgreSQL schema or database
// of their own, dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DSN returns DBAUDIT_TEST_DATABASE_URL, skipping the test when it is unset
// (failing it under CI=true).
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("DBAUDIT_TEST_DATABASE_URL")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DBAUDIT_TEST_DATABASE_URL is not set, and CI=true requires the PostgreSQL tests to run")
		}
		t.Skip("DBAUDIT_TEST_DATABASE_URL is not set; skipping a test that needs PostgreSQL")
	}
	return dsn
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
	base := DSN(t)
	admin := Connect(t, base)
	schema = Name("dbaudit_t")
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	dsn = WithParam(t, base, "search_path", schema)
	if ddl != "" {
		c := Connect(t, dsn)
		if _, err := c.Exec(ctx, ddl); err != nil {
			t.Fatalf("creating the test schema: %v", err)
		}
	}
	return schema, dsn
}

// WithParam sets a connection parameter in a URL-form DSN.
func WithParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("DBAUDIT_TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// WithUser replaces the user (and password) of a URL-form DSN.
func WithUser(t testing.TB, dsn, user, password string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("DBAUDIT_TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	if password == "" {
		u.User = url.User(user)
	} else {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}
