// Package dsn_test compares dbmodel/dsn's parser with pgx's: both accept or
// both reject a connection string's syntax, and the settings pgconn
// forwards to the server are exactly the ones Parse finds.
package dsn_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/integration/drivers/internal/gosrc"
)

// seedsFile holds the seeds of dbmodel/dsn's own FuzzParse (its ranges and
// removal invariants), the connection strings as they appear in real
// services, docs and other ecosystems, plus the edge cases of libpq's
// grammar; this target starts from the same ones.
const seedsFile = "../../../dbmodel/dsn/fuzz_test.go"

// FuzzParse checks that dsn.Parse agrees with pgconn.ParseConfig: both
// accept or both reject the syntax, and the settings pgconn forwards to
// the server are exactly the ones Parse finds (and the user, database and
// password are those pgconn reads). testdata/fuzz/FuzzParse starts as a
// copy of the corpus of dbmodel/dsn's target of the same name.
func FuzzParse(f *testing.F) {
	seeds, err := gosrc.Strings(seedsFile, "seeds")
	if err != nil {
		f.Fatal(err)
	}
	if len(seeds) < 40 {
		f.Fatalf("%s: only %d seeds", seedsFile, len(seeds))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	// The environment must not add settings behind pgconn's back.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "PG") {
			os.Unsetenv(k)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := dsn.Parse(s)
		if strings.IndexByte(s, dsn.Hole) >= 0 || d.Form == dsn.ForeignURL || d.Form == dsn.NotDSN {
			return
		}
		compareWithPgconn(t, s, d)
	})
}

// notRuntimeParams are the keys pgconn consumes (pgconn/config.go).
var notRuntimeParams = map[string]bool{
	"host": true, "port": true, "database": true, "user": true, "password": true, "passfile": true,
	"connect_timeout": true, "sslmode": true, "sslkey": true, "sslcert": true, "sslcertmode": true,
	"sslrootcert": true, "sslnegotiation": true, "sslpassword": true, "sslsni": true, "krbspn": true,
	"krbsrvname": true, "target_session_attrs": true, "service": true, "servicefile": true,
	"min_protocol_version": true, "max_protocol_version": true, "channel_binding": true, "require_auth": true,
}

func compareWithPgconn(t *testing.T, s string, d *dsn.DSN) {
	if strings.Contains(s, "service") || strings.Contains(s, "sslrootcert") || strings.Contains(s, "passfile") {
		return // reads files named by the input
	}
	cfg, err := pgconn.ParseConfig(s)
	var pce *pgconn.ParseConfigError
	syntaxErr := err != nil && errors.As(err, &pce) &&
		(strings.Contains(err.Error(), "failed to parse as URL") || strings.Contains(err.Error(), "failed to parse as keyword/value"))
	if syntaxErr != (d.Err != nil) {
		t.Fatalf("%q: pgconn says %v, Parse says %v", s, err, d.Err)
	}
	if err != nil {
		return
	}
	// The forwarded settings: last occurrence wins, aliases folded, the URL
	// ssl=true alias turned into sslmode.
	want := map[string]string{}
	sslTrue := false
	for _, p := range d.Params {
		k := p.Canonical()
		if d.Form == dsn.URL && k == "ssl" {
			sslTrue = p.Value == "true"
		}
		if !notRuntimeParams[k] {
			want[k] = p.Value
		}
	}
	if sslTrue {
		delete(want, "ssl")
	}
	if len(want) != len(cfg.RuntimeParams) {
		t.Fatalf("%q: pgconn forwards %v, Parse finds %v", s, cfg.RuntimeParams, want)
	}
	for k, v := range want {
		if got, ok := cfg.RuntimeParams[k]; !ok || got != v {
			t.Fatalf("%q: pgconn forwards %v, Parse finds %v", s, cfg.RuntimeParams, want)
		}
	}
	if u, ok := d.Get("user"); ok && u.Value != cfg.User {
		t.Fatalf("%q: pgconn user %q, Parse user %q", s, cfg.User, u.Value)
	}
	if db, ok := d.Get("database"); ok && db.Value != cfg.Database {
		t.Fatalf("%q: pgconn database %q, Parse database %q", s, cfg.Database, db.Value)
	}
	if pw, ok := d.Get("password"); ok && pw.Value != "" && pw.Value != cfg.Password {
		t.Fatalf("%q: pgconn password %q, Parse password %q", s, cfg.Password, pw.Value)
	}
}
