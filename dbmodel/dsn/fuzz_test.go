package dsn

import (
	"strings"
	"testing"
)

// seeds are connection strings as they appear in real services, docs and
// other ecosystems, plus the edge cases of libpq's grammar.
// integration/drivers/dsn's FuzzParse reads them from this file too.
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
// decodes to the setting it names, and that dropping a setting leaves a
// string that parses to the other settings. The differential part — that
// Parse agrees with pgconn on the syntax and on the settings forwarded to
// the server — is integration/drivers/dsn's FuzzParse, beside pgx.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Parse(s)
		checkRanges(t, d)
		checkRemoval(t, d)
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
