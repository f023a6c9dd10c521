// Package redact_test checks dbmodel/redact against the passwords pgx and
// lib/pq read: for every connection string they accept, the password they
// would use must be gone from redact.DSN's output.
package redact_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/integration/drivers/internal/gosrc"
)

// casesFile holds dbmodel/redact's dsnCases, the connection strings its
// TestDSN checks redact.DSN's output for.
const casesFile = "../../../dbmodel/redact/redact_test.go"

// TestDSNDriverPasswords checks, for every case of dsnCases pgx accepts,
// that the password pgx reads (and the sslpassword it would use) is gone.
func TestDSNDriverPasswords(t *testing.T) {
	t.Parallel()
	cases, err := gosrc.Strings(casesFile, "dsnCases")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("%s: only %d shapes", casesFile, len(cases))
	}
	accepted := 0
	for _, in := range cases {
		cfg, err := pgconn.ParseConfig(in)
		if err != nil {
			continue
		}
		accepted++
		got := redact.DSN(in)
		for _, pw := range []string{cfg.Password, cfg.RuntimeParams["sslpassword"]} {
			if len(pw) >= 3 && strings.Contains(got, pw) {
				t.Errorf("DSN(%q) = %q keeps pgx's password %q", in, got, pw)
			}
		}
	}
	if accepted < 15 {
		t.Errorf("pgx accepts only %d of the shapes", accepted)
	}
}
