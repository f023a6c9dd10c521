package store_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// TestOpenRefusesHostWithAt is D15 of the reliability report: pgx reads
// postgres://app:Pw@Rest@db with the host Rest@db, and the scanner logged
// host=Rest@db. Open refuses such a URL without printing that host.
func TestOpenRefusesHostWithAt(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	_, err := store.Open(context.Background(), config.DB{URL: "postgres://app:Pw@Rest1234@127.0.0.1:1/db", MaxConns: 10}, log)
	if err == nil || !strings.Contains(err.Error(), "percent-encode the password") {
		t.Fatalf("want the percent-encode advice, got %v", err)
	}
	if out := err.Error() + logs.String(); strings.Contains(out, "Rest1234") {
		t.Errorf("part of the password printed:\n%s", out)
	}
}
