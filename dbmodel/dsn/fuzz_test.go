package dsn

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// seeds are connection strings as they appear in real services, docs and
// other ecosystems, plus the edge cases of libpq's grammar.
var seeds = []string{
	"postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
	"postgres://app:s3cret@db.internal:5432/orders?sslmode=require&application_name=api",
	"postgresql://user:pass@localhost/mydb?connect_timeout=10&pool_max_conns=10&pool_max_conn_lifetime=1h30m",
	"postgres://jack:secret@pg.example.com:5432/mydb?sslmode=verify-full&pool_max_conns=10",
	"postgres://postgres.abcdefghijklmnop:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
	"postgresql://neondb_owner:npg_x@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require",
	"postgres://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write",
	"postgres://u@[2001:db8::1]:5432/db",
	"postgres://%2Fvar%2Frun%2Fpostgresql/db",
	"postgres://u:p%40ss@h/db",
	"postgres://u:p@ss@h/db",
	"postgres:///db?host=/tmp",
	"postgres://h/db?ssl=true",
	"postgres://h/db?ssl=true&sslmode=disable",
	"postgres://h/db?options=-c%20search_path%3Dapp",
	"postgres://h/db?sslmode=required",
	"postgres://h/db?command_timeout=30&statement_cache_size=0",
	"postgres://h/db?default_query_exec_mode=cache_describe",
	"postgres://h/db?a=b=c",
	"postgres://h/db?novalue",
	"postgres://h/db?k=%zz",
	"postgres://[::1",
	"host=localhost port=5432 user=postgres password=secret dbname=app sslmode=disable",
	"host=/var/run/postgresql dbname=app",
	`host=h password='it\'s a secret' dbname=d`,
	`password=a\ b host=h`,
	"host = h  sslmode =disable",
	"host=h port=5432,5433",
	"user= host=h",
	"user='' host=h",
	"host='unterminated",
	"ho st=h",
	"=x",
	"",
	"   ",
	"postgresql+asyncpg://u:p@h:5432/db?ssl=require",
	"jdbc:postgresql://h:5432/db?user=u&password=p",
	"mysql://root@localhost/db",
	"\x00?sslmode=require&command_timeout=30",
	"postgres://\x00:\x00@\x00:\x00/\x00?sslmode=disable",
	"host=\x00 dbname=\x00 sslmode=disable",
}

// FuzzParse checks that Parse never panics, that every range it reports
// decodes to the setting it names, that dropping a setting leaves a string
// that parses to the other settings, and — the differential part — that it
// agrees with pgconn: both accept or both reject the syntax, and the
// settings pgconn forwards to the server are exactly the ones Parse finds.
func FuzzParse(f *testing.F) {
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
		d := Parse(s)
		checkRanges(t, d)
		checkRemoval(t, d)
		if strings.IndexByte(s, Hole) >= 0 || d.Form == ForeignURL || d.Form == NotDSN {
			return
		}
		compareWithPgconn(t, s, d)
	})
}

// checkRemoval drops each removable setting and reparses.
func checkRemoval(t *testing.T, d *DSN) {
	if d.Err != nil || d.Opaque || d.Form != URL && d.Form != KeywordValue {
		return
	}
	for i := range d.Params {
		r, ok := d.RemovalRange(i)
		if !ok {
			continue
		}
		rest := d.Input[:r.Start] + d.Input[r.End:]
		after := Parse(rest)
		if d.Form == KeywordValue {
			after = ParseKeywordValue(rest) // as the driver reads it, even if it now looks like a URL
		}
		if after.Err != nil {
			t.Fatalf("%q: removing %q gives %q, which does not parse: %v", d.Input, d.Params[i].Key, rest, after.Err)
		}
		var want []string
		for j, p := range d.Params {
			if j != i {
				want = append(want, p.Key+"="+p.Value)
			}
		}
		var got []string
		for _, p := range after.Params {
			got = append(got, p.Key+"="+p.Value)
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%q: removing %q gives %q with settings %q, want %q", d.Input, d.Params[i].Key, rest, got, want)
		}
	}
}

// notRuntimeParams are the keys pgconn consumes (pgconn/config.go).
var notRuntimeParams = map[string]bool{
	"host": true, "port": true, "database": true, "user": true, "password": true, "passfile": true,
	"connect_timeout": true, "sslmode": true, "sslkey": true, "sslcert": true, "sslcertmode": true,
	"sslrootcert": true, "sslnegotiation": true, "sslpassword": true, "sslsni": true, "krbspn": true,
	"krbsrvname": true, "target_session_attrs": true, "service": true, "servicefile": true,
	"min_protocol_version": true, "max_protocol_version": true, "channel_binding": true, "require_auth": true,
}

func compareWithPgconn(t *testing.T, s string, d *DSN) {
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
		if d.Form == URL && k == "ssl" {
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
