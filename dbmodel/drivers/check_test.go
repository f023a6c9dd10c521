package drivers

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/rules"
)

const base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// answers runs Check and returns the answers, one per problem ("-" for a
// problem without an exact answer).
func answers(t *testing.T, tables *Tables, sink, s string) []string {
	t.Helper()
	sk := tables.Sink(sink)
	if sk == nil {
		t.Fatalf("no sink %s", sink)
	}
	var out []string
	for _, p := range sk.Check(dsn.Parse(s)) {
		a := p.Answer
		if a == "" {
			a = "-" + string(p.Kind)
		}
		out = append(out, a)
	}
	return out
}

// TestCheck follows the measured matrix of shared/reference/driver-options.yaml.
func TestCheck(t *testing.T) {
	t.Parallel()
	fatal := func(k string) string {
		return `FATAL: unrecognized configuration parameter "` + k + `" (SQLSTATE 42704)`
	}
	pq := func(k string) string { return `pq: unrecognized configuration parameter "` + k + `" (42704)` }
	tests := []struct {
		sink, dsn string
		want      []string
	}{
		{"pgx", base, nil},
		{"pgx", base + "&command_timeout=30", []string{fatal("command_timeout")}},
		{"libpq", base + "&command_timeout=30", []string{pq("command_timeout")}},
		{"stdlib", base + "&statement_cache_size=0", []string{fatal("statement_cache_size")}},
		{"pgx", base + "&pool_max_conns=10", []string{fatal("pool_max_conns")}},
		{"pgxpool", base + "&pool_max_conns=10", nil},
		{"pgxpool", base + "&pool_max_conns=0", []string{"pool_max_conns too small"}},
		{"pgxpool", base + "&pool_max_conns=abc", []string{`cannot parse pool_max_conns (strconv.ParseInt: parsing "abc": invalid syntax)`}},
		{"pgxpool", base + "&pool_max_conn_lifetime=3600", []string{`cannot parse pool_max_conn_lifetime (time: missing unit in duration "3600")`}},
		{"libpq", base + "&pool_max_conns=10", []string{pq("pool_max_conns")}},
		{"pgx", "postgres://h/db?sslmode=required", []string{"failed to configure TLS (sslmode is invalid)"}},
		{"pgx", "host=/var/run/postgresql sslmode=required", nil}, // no TLS on unix sockets
		{"libpq", "postgres://h/db?sslmode=required", []string{`pq: wrong value for "sslmode": "required" is not supported; supported values are disable, allow, prefer, require, verify-full, or verify-ca`}},
		{"pgx", base + "&ssl=require", []string{`FATAL: parameter "ssl" cannot be changed now (SQLSTATE 55P02)`}},
		{"pgx", "postgres://h/db?ssl=true", nil}, // pgconn's URL alias
		{"pgx", "host=h ssl=true", []string{`FATAL: parameter "ssl" cannot be changed now (SQLSTATE 55P02)`}},
		{"libpq", base + "&ssl=require", []string{`pq: parameter "ssl" cannot be changed now (55P02)`}},
		{"pgx", base + "&pgbouncer=true", []string{fatal("pgbouncer")}},
		{"pgx", base + "&application_name=x&statement_timeout=5000&search_path=public&timezone=UTC&TimeZone=UTC&Application_Name=x&myapp.tenant=42&options=-c%20search_path%3Dx&tcp_user_timeout=1000&geqo=off", nil},
		{"libpq", base + "&application_name=x&statement_timeout=5000&search_path=public&timezone=UTC&myapp.tenant=42&binary_parameters=yes&fallback_application_name=x&hostaddr=127.0.0.1", nil},
		{"pgx", base + "&default_query_exec_mode=exec", nil},
		{"libpq", base + "&default_query_exec_mode=exec", []string{pq("default_query_exec_mode")}},
		{"pgx", base + "&default_query_exec_mode=SIMPLE_PROTOCOL", []string{`invalid default_query_exec_mode (unknown value "SIMPLE_PROTOCOL")`}},
		{"pgx", base + "&x-migrations-table=foo", []string{fatal("x-migrations-table")}},
		{"migrate", base + "&x-migrations-table=foo", nil},
		{"migrate", base + "&x-statement-timeout=5s", []string{`strconv.Atoi: parsing "5s": invalid syntax`}},
		{"migrate", base + "&x-multi-statement=maybe", []string{`unable to parse option x-multi-statement: strconv.ParseBool: parsing "maybe": invalid syntax`}},
		{"migrate", base + "&command_timeout=1", []string{pq("command_timeout")}},
		{"migrate", "pgx5://postgres@h/db?default_query_exec_mode=exec&x-migrations-table=m", nil},
		{"migrate", "host=h dbname=d", []string{"no scheme"}},
		{"migrate", "postgresql+asyncpg://h/db", []string{"database driver: unknown driver postgresql+asyncpg (forgotten import?)"}},
		{"pgx", base + "&connect_timeout=10s", []string{`invalid connect_timeout (strconv.ParseInt: parsing "10s": invalid syntax)`}},
		{"libpq", base + "&connect_timeout=10s", []string{`pq: wrong value for "connect_timeout": strconv.ParseInt: parsing "10s": invalid syntax`}},
		{"pgx", base + "&target_session_attrs=READ-WRITE", []string{"unknown target_session_attrs value: READ-WRITE"}},
		{"libpq", base + "&target_session_attrs=bogus", []string{`pq: wrong value for "target_session_attrs": "bogus" is not supported; supported values are any, read-write, read-only, primary, standby, or prefer-standby`}},
		{"pgx", base + "&statement_cache_capacity=0", []string{"cannot use QueryExecModeCacheStatement with disabled statement cache"}},
		{"pgx", base + "&statement_cache_capacity=0&default_query_exec_mode=cache_describe", nil},
		{"pgx", base + "&description_cache_capacity=0&default_query_exec_mode=cache_describe", []string{"cannot use QueryExecModeCacheDescribe with disabled description cache"}},
		{"pgx", base + "&statement_cache_mode=describe", []string{fatal("statement_cache_mode")}},
		{"pgx", base + "&sslMode=disable", []string{fatal("sslMode")}},
		{"libpq", base + "&tz=UTC", []string{"-ignored"}},
		{"pgx", base + "&tz=UTC", []string{fatal("tz")}},
		{"libpq", base + "&client_encoding=LATIN1", []string{`pq: unsupported client_encoding "LATIN1": must be absent or "UTF8"`}},
		{"libpq", base + "&client_encoding=utf-8", nil},
		{"pgx", base + "&client_encoding=LATIN1", nil},
		{"libpq", base + "&datestyle=German", []string{`pq: unsupported datestyle "German": must be absent or "ISO, MDY"`}},
		{"pgx", base + "&options=reference%3Dmyref", []string{"FATAL: invalid command-line argument for server process: reference=myref (SQLSTATE 42601)"}},
		{"pgx", base + "&max_connections=5", []string{`FATAL: parameter "max_connections" cannot be changed without restarting the server (SQLSTATE 55P02)`}},
		{"pgx", base + "&server_version=1", []string{`FATAL: parameter "server_version" cannot be changed (SQLSTATE 55P02)`}},
		{"pgx", base + "&my-app.x=1", []string{`FATAL: invalid configuration parameter name "my-app.x" (SQLSTATE 42602)`}},
		{"pgx", base + "&transaction_isolation=serializable", []string{"FATAL: SET TRANSACTION ISOLATION LEVEL must be called before any query (SQLSTATE 25001)"}},
		{"pgx", base + "&require_auth=scram-sha-256,md5", nil},
		{"pgx", base + "&require_auth=bogus", []string{`invalid require_auth (invalid require_auth method: "bogus")`}},
		{"libpq", base + "&require_auth=md5", []string{pq("require_auth")}},
		{"pgx", base + "&port=99999", []string{"invalid port"}}, // a query port overrides the netloc's
		{"pgx", "postgres://h:99999/db", []string{"invalid port"}},
		{"libpq", "postgres://h:abc/db", []string{`invalid port ":abc" after host`}},
		{"libpq", "host=h port=abc", []string{`pq: wrong value for "port": strconv.ParseUint: parsing "abc": invalid syntax`}},
		{"pgx", "host=a,b,c port=1,2", []string{"could not match 2 port numbers to 3 hosts"}},
		{"pgx", "host=h sslcert=/c.pem", []string{`failed to configure TLS (both "sslcert" and "sslkey" are required)`}},
		{"pgx", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", []string{"failed to parse as keyword/value (invalid keyword/value)"}},
		{"libpq", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres", []string{`missing "=" after "…" in connection info string`}},
		{"pgx", "jdbc:postgresql://127.0.0.1:5432/postgres?sslmode=disable", []string{"-misread"}},
		{"pgx", "postgres://h/db?a=b=c", []string{`failed to parse as URL (extra key/value separator "=" in URI query parameter: "a")`}},
		{"pgx", "https://example.com/?x=1", nil},
		// Fragments: dynamic values are judged by key only.
		{"pgx", "\x00?sslmode=\x00&command_timeout=\x00", []string{fatal("command_timeout")}},
		{"pgx", "postgres://\x00:\x00@\x00/\x00?sslmode=\x00", nil},
	}
	for _, tt := range tests {
		got := answers(t, Default(), tt.sink, tt.dsn)
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s %q:\n got %q\nwant %q", tt.sink, tt.dsn, got, tt.want)
		}
	}
}

func TestFixes(t *testing.T) {
	t.Parallel()
	tests := []struct{ sink, in, want string }{
		{"pgx", "postgres://h/db?sslmode=required", "postgres://h/db?sslmode=require"},
		{"pgx", "postgres://h/db?sslmode=DISABLE", "postgres://h/db?sslmode=disable"},
		{"libpq", "host=h sslmode=Verify_Full", "host=h sslmode=verify-full"},
		{"pgx", "postgres://h/db?sslmode=disable&command_timeout=30", "postgres://h/db?sslmode=disable"},
		{"pgx", "host=h command_timeout=30 dbname=d", "host=h dbname=d"},
		{"pgx", "postgres://h/db?ssl=require", "postgres://h/db?sslmode=require"},
		{"pgx", "postgres://h/db?sslmode=disable&ssl=require", "postgres://h/db?sslmode=disable"},
		{"pgx", "postgres://h/db?currentSchema=app", "postgres://h/db?search_path=app"},
		{"pgx", "postgres://h/db?prefer_simple_protocol=true", "postgres://h/db?default_query_exec_mode=simple_protocol"},
		{"libpq", "postgres://h/db?prefer_simple_protocol=true", "postgres://h/db"},
		{"pgx", "postgres://h/db?sslMode=disable", "postgres://h/db?sslmode=disable"},
		{"pgx", "postgresql+asyncpg://u@h/db", "postgres://u@h/db"},
		{"pgx", "postgres://h/db?statement_cache_capacity=0", "postgres://h/db?default_query_exec_mode=cache_describe"},
		{"libpq", "postgres://h/db?tz=UTC", "postgres://h/db?timezone=UTC"},
	}
	for _, tt := range tests {
		d := dsn.Parse(tt.in)
		probs := Default().Sink(tt.sink).Check(d)
		if len(probs) != 1 || probs[0].Fix == nil {
			t.Errorf("%s %q: want one problem with a fix, got %+v", tt.sink, tt.in, probs)
			continue
		}
		f := probs[0].Fix
		if got := tt.in[:f.Range.Start] + f.NewText + tt.in[f.Range.End:]; got != tt.want {
			t.Errorf("%s %q: fix gives %q, want %q", tt.sink, tt.in, got, tt.want)
		}
	}
}

func TestMessage(t *testing.T) {
	t.Parallel()
	s := Default().Sink("pgx")
	probs := s.Check(dsn.Parse(base + "&command_timeout=30"))
	got := probs[0].Message()
	want := "command_timeout is an asyncpg option that pgx does not read, so it goes to the server as a setting; " +
		"pgx answers at connect time `FATAL: unrecognized configuration parameter \"command_timeout\" (SQLSTATE 42704)`; " +
		"use a context deadline per query (context.WithTimeout), or statement_timeout=<ms> as a server setting"
	if got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
}

func TestExtension(t *testing.T) {
	t.Parallel()
	cfg := &rules.Config{Drivers: map[string]rules.DriverExtension{
		"pgx": {Forwarded: []string{"command_timeout"}, Enums: map[string][]string{"sslmode": {"pqgo-custom"}}},
	}}
	tables, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, sink := range []string{"pgx", "pgxpool", "stdlib", "gorm"} {
		if got := answers(t, tables, sink, base+"&command_timeout=30&sslmode=pqgo-custom"); len(got) != 0 {
			t.Errorf("%s: extension not applied: %q", sink, got)
		}
	}
	if got := answers(t, tables, "libpq", base+"&command_timeout=30"); len(got) != 1 {
		t.Errorf("libpq must not inherit a pgx extension: %q", got)
	}
	if got := answers(t, Default(), "pgx", base+"&command_timeout=30"); len(got) != 1 {
		t.Errorf("the default tables changed: %q", got)
	}
	if _, err := New(&rules.Config{Drivers: map[string]rules.DriverExtension{"pgx6": {}}}); err == nil || !strings.Contains(err.Error(), `unknown sink "pgx6"`) {
		t.Errorf("unknown sink: err = %v", err)
	}
	if _, err := New(&rules.Config{Drivers: map[string]rules.DriverExtension{"pgx": {Enums: map[string][]string{"connect_timeout": {"x"}}}}}); err == nil {
		t.Error("an enum extension of a non-enum key must fail")
	}
}

func TestTablesCoverSource(t *testing.T) {
	t.Parallel()
	// pgconn's notRuntimeParams (pgx v5.12.0 pgconn/config.go) must all be consumed.
	for _, k := range []string{"host", "port", "database", "user", "password", "passfile", "connect_timeout", "sslmode", "sslkey",
		"sslcert", "sslcertmode", "sslrootcert", "sslnegotiation", "sslpassword", "sslsni", "krbspn", "krbsrvname",
		"target_session_attrs", "service", "servicefile", "min_protocol_version", "max_protocol_version", "channel_binding", "require_auth"} {
		for _, sink := range []string{"pgconn", "pgx", "pgxpool", "stdlib", "gorm"} {
			if _, ok := Default().Sink(sink).Key(k); !ok {
				t.Errorf("%s does not consume %s", sink, k)
			}
		}
	}
	if len(SinkNames()) != 12 {
		t.Errorf("sinks: %v", SinkNames())
	}
	if ctx, ok := Default().GUCContext("TimeZone"); !ok || ctx != "user" {
		t.Errorf("TimeZone: %q %v", ctx, ok)
	}
}
