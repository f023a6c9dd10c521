// Package dsnleak_test measures which driver calls' errors carry the DSN's
// password and compares the result with dbmodel/drivers' table
// (drivers.LookupErrorCall, drivers.SQLDriverErrorLeak, drivers.DSNShapeOf),
// which analyzers/dsnleak reports from.
package dsnleak_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" with database/sql
	"github.com/lib/pq"

	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// The fake password every measured DSN carries, in two pieces where a shape
// puts a delimiter inside it. It is not a real password: test logs may hold
// it, but they print the error text masked all the same.
const (
	fakeHead = "Hunter2"
	fakeTail = "Secret"
	fakePass = fakeHead + fakeTail
)

// leakShape is one way of writing a DSN with the fake password. server
// marks shapes that reach the test PostgreSQL (wrong database, refused
// parameter): they need DBAUDIT_TEST_DATABASE_URL.
type leakShape struct {
	name   string
	dsn    string
	server bool
}

// leakShapes: the password in the URL userinfo, in ?password=, in a
// keyword/value password=; each against a closed loopback port (unreachable
// server), with a malformed part, and refused by the real server.
var leakShapes = []leakShape{
	{name: "url-userinfo/refused", dsn: "postgres://app:" + fakePass + "@127.0.0.1:1/app?sslmode=disable&connect_timeout=5"},
	{name: "url-query/refused", dsn: "postgres://app@127.0.0.1:1/app?sslmode=disable&connect_timeout=5&password=" + fakePass},
	{name: "kv/refused", dsn: "host=127.0.0.1 port=1 user=app password=" + fakePass + " dbname=app sslmode=disable connect_timeout=5"},
	{name: "url-userinfo/bad-port", dsn: "postgres://app:" + fakePass + "@127.0.0.1:notaport/app?sslmode=disable"},
	{name: "url-query/bad-port", dsn: "postgres://app@127.0.0.1:notaport/app?sslmode=disable&password=" + fakePass},
	{name: "kv/bad-port", dsn: "host=127.0.0.1 port=notaport user=app password=" + fakePass + " dbname=app sslmode=disable"},
	{name: "url-userinfo/bad-escape", dsn: "postgres://app:" + fakePass + "@127.0.0.1:1/app?sslmode=disable&x=%zz"},
	{name: "url-query/bad-escape", dsn: "postgres://app@127.0.0.1:1/app?sslmode=disable&x=%zz&password=" + fakePass},
	{name: "url-userinfo/bad-sslmode", dsn: "postgres://app:" + fakePass + "@127.0.0.1:1/app?sslmode=bogus"},
	{name: "kv/bad-sslmode", dsn: "host=127.0.0.1 port=1 user=app password=" + fakePass + " sslmode=bogus"},
	{name: "kv/unterminated-quote", dsn: "host=127.0.0.1 port=1 user=app sslmode=disable password='" + fakePass},
	{name: "kv/missing-equals", dsn: "host=127.0.0.1 port=1 user=app password=" + fakePass + " sslmode"},
	// An unencoded '@' or '/' in a userinfo password: the URL's shape breaks.
	{name: "url-userinfo-at/unescaped", dsn: "postgres://app:" + fakeHead + "@" + fakeTail + "@127.0.0.1:1/app?sslmode=disable&connect_timeout=5"},
	{name: "url-userinfo-slash/unescaped", dsn: "postgres://app:" + fakeHead + "/" + fakeTail + "@127.0.0.1:1/app?sslmode=disable&connect_timeout=5"},
	// The real server refuses the connection after the startup message.
	// HOST, PORT, USER and DB are those of DBAUDIT_TEST_DATABASE_URL.
	{name: "url-userinfo/no-database", dsn: "postgres://USER:" + fakePass + "@HOST:PORT/dbaudit_no_such_db?sslmode=disable", server: true},
	{name: "url-query/bad-parameter", dsn: "postgres://USER@HOST:PORT/DB?sslmode=disable&dbaudit_bogus=1&password=" + fakePass, server: true},
	{name: "kv/no-database", dsn: "host=HOST port=PORT user=USER password=" + fakePass + " dbname=dbaudit_no_such_db sslmode=disable", server: true},
}

// serverShapes fills in the test server's address in the server shapes;
// without DBAUDIT_TEST_DATABASE_URL it drops them.
func serverShapes(t *testing.T) []leakShape {
	t.Helper()
	env, _ := pgtest.LookupDSN(t)
	var out []leakShape
	for _, s := range leakShapes {
		if !s.server {
			out = append(out, s)
			continue
		}
		if env == "" {
			continue
		}
		cfg, err := pgx.ParseConfig(env)
		if err != nil {
			t.Fatalf("DBAUDIT_TEST_DATABASE_URL: %v", err)
		}
		s.dsn = strings.NewReplacer("HOST", cfg.Host, "PORT", fmt.Sprint(cfg.Port), "USER", cfg.User, "DB", cfg.Database).Replace(s.dsn)
		out = append(out, s)
	}
	return out
}

// measuredCall produces the error one driver entry point returns for dsn.
// leak is what dbmodel/drivers says the error shows: Family LeakNone, the
// error text is clean; ParseConfigError, the error is pgx's
// ParseConfigError, whose %#v shows the DSN.
type measuredCall struct {
	name string
	leak drivers.ErrorLeak
	run  func(ctx context.Context, dsn string) error
}

// tableCall is the table's entry for the call dbapi.FullName names fullName.
func tableCall(fullName string) drivers.ErrorLeak {
	c, ok := drivers.LookupErrorCall(fullName)
	if !ok {
		panic("drivers.LookupErrorCall: no " + fullName)
	}
	return c.ErrorLeak
}

// tableSQLDriver is the table's entry for a database/sql driver name.
func tableSQLDriver(name string) drivers.ErrorLeak {
	l, ok := drivers.SQLDriverErrorLeak(name)
	if !ok {
		panic("drivers.SQLDriverErrorLeak: no " + name)
	}
	return l
}

var measuredCalls = []measuredCall{
	{"pgx.ParseConfig", tableCall("github.com/jackc/pgx/v5.ParseConfig"), func(_ context.Context, dsn string) error { _, err := pgx.ParseConfig(dsn); return err }},
	{"pgxpool.ParseConfig", tableCall("github.com/jackc/pgx/v5/pgxpool.ParseConfig"), func(_ context.Context, dsn string) error { _, err := pgxpool.ParseConfig(dsn); return err }},
	{"pgx.Connect", tableCall("github.com/jackc/pgx/v5.Connect"), func(ctx context.Context, dsn string) error {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			c.Close(ctx)
		}
		return err
	}},
	{"pgxpool.New", tableCall("github.com/jackc/pgx/v5/pgxpool.New"), func(ctx context.Context, dsn string) error {
		p, err := pgxpool.New(ctx, dsn)
		if err == nil {
			p.Close()
		}
		return err
	}},
	{"(*pgxpool.Pool).Ping", tableCall("github.com/jackc/pgx/v5/pgxpool.Pool.Ping"), func(ctx context.Context, dsn string) error {
		p, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return nil // measured as pgxpool.New
		}
		defer p.Close()
		return p.Ping(ctx)
	}},
	{"(*pgxpool.Pool).Acquire", tableCall("github.com/jackc/pgx/v5/pgxpool.Pool.Acquire"), func(ctx context.Context, dsn string) error {
		p, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return nil // measured as pgxpool.New
		}
		defer p.Close()
		c, err := p.Acquire(ctx)
		if err == nil {
			c.Release()
		}
		return err
	}},
	{"(*sql.DB).Ping/pgx", tableSQLDriver("pgx"), func(ctx context.Context, dsn string) error { return openPing(ctx, "pgx", dsn) }},
	{"pq.NewConnector", tableCall("github.com/lib/pq.NewConnector"), func(_ context.Context, dsn string) error { _, err := pq.NewConnector(dsn); return err }},
	{"(*sql.DB).Ping/postgres", tableSQLDriver("postgres"), func(ctx context.Context, dsn string) error { return openPing(ctx, "postgres", dsn) }},
	{"url.Parse", tableCall("net/url.Parse"), func(_ context.Context, dsn string) error { _, err := url.Parse(dsn); return err }},
}

func openPing(ctx context.Context, driver, dsn string) error {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return fmt.Errorf("sql.Open: %w", err)
	}
	defer db.Close()
	return db.PingContext(ctx)
}

// carriesPassword reports whether text holds the fake password or a piece
// of it a broken URL split off.
func carriesPassword(text string) bool {
	return strings.Contains(text, fakeHead) || strings.Contains(text, fakeTail)
}

func maskFake(text string) string {
	return strings.NewReplacer(fakePass, "****", fakeHead, "****", fakeTail, "****").Replace(text)
}

// TestDriverErrorsCarryPassword produces each measured call's error for
// each DSN shape with the real pgx v5 and lib/pq, looks for the password in
// the error text, and compares the result with dbmodel/drivers' table —
// the one analyzers/dsnleak reports from. A driver that starts or stops leaking fails
// it.
func TestDriverErrorsCarryPassword(t *testing.T) {
	shapes := serverShapes(t)
	for _, k := range []string{"PGPASSWORD", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE", "PGSSLMODE"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
	// The errors the findings' help quotes (LeakFamily.Measured), masked.
	quoted := map[string]string{
		"pgx.Connect url-userinfo-at/unescaped": drivers.LeakPgxDial.Measured(),
		"pq.NewConnector url-userinfo/bad-port": drivers.LeakNetURL.Measured(),
	}
	got := map[string]map[string]bool{}
	gotGoSyntax := map[string]bool{}
	for _, call := range measuredCalls {
		got[call.name] = map[string]bool{}
		for _, shape := range shapes {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := call.run(ctx, shape.dsn)
			cancel()
			text := ""
			if err != nil {
				text = err.Error()
			}
			leaks := carriesPassword(text)
			if want, ok := quoted[call.name+" "+shape.name]; ok && (text == "" || !strings.HasPrefix(want, maskFake(text))) {
				t.Errorf("%s with a %s DSN: the help quotes\n\t%s\nthe driver says\n\t%s", call.name, shape.name, want, maskFake(text))
			}
			if leaks {
				got[call.name][shape.name] = true
			}
			goSyntax := err != nil && carriesPassword(fmt.Sprintf("%#v", err))
			if goSyntax && !leaks {
				gotGoSyntax[call.name] = true
				if !call.leak.ParseConfigError {
					t.Errorf("%s with a %s DSN: %%#v of the error carries the password, its text does not; the analyzer does not know", call.name, shape.name)
				}
			}
			t.Logf("%-24s %-30s leaks=%-5v %%#v=%-5v %s", call.name, shape.name, leaks, goSyntax, maskFake(text))
		}
	}
	// The table reads each DSN's text (DSNShapeOf) and predicts, by the
	// call's family, whether the error carries the password.
	for _, call := range measuredCalls {
		for _, shape := range shapes {
			if predicted := call.leak.Family.Leaks(drivers.DSNShapeOf(shape.dsn)); predicted != got[call.name][shape.name] {
				t.Errorf("%s with a %s DSN: the error carries the password: %v; drivers' %v predicts %v",
					call.name, shape.name, got[call.name][shape.name], call.leak.Family, predicted)
			}
		}
	}
	for _, call := range measuredCalls {
		if call.leak.ParseConfigError && !gotGoSyntax[call.name] {
			t.Errorf("%s: the analyzer reports %%#v of its error, but no measured error showed the password that way", call.name)
		}
	}
	// The sql.Open drivers have a family (drivers.SQLDriverErrorLeak).
	for _, c := range measuredCalls {
		if strings.HasPrefix(c.name, "(*sql.DB).Ping/") && c.leak.Family == drivers.LeakNone {
			t.Errorf("%s has no family", c.name)
		}
	}
}

// TestRedactedKeepsPassword: (*url.URL).Redacted masks the userinfo
// password only. For each well-formed shape, the table's reading
// (drivers.DSNShapeOf: a ?password= or keyword/value password) must say
// exactly when Redacted's result still holds the password.
func TestRedactedKeepsPassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://app:" + fakePass + "@db.internal:5432/app?sslmode=require",
		"postgres://app@db.internal:5432/app?sslmode=require&password=" + fakePass,
		"postgres://app:other@db.internal:5432/app?password=" + fakePass,
		"postgresql://db.internal/app?user=app&password=" + fakePass,
		"host=db.internal user=app password=" + fakePass + " dbname=app",
		"user=app password='" + fakePass + "' host=db.internal",
	} {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Errorf("url.Parse(%q): %v", maskFake(dsn), err)
			continue
		}
		kept := carriesPassword(u.Redacted())
		sh := drivers.DSNShapeOf(dsn)
		if predicted := sh.QueryPassword || sh.KVPassword; predicted != kept {
			t.Errorf("url.Parse(%q).Redacted() keeps the password: %v; the analyzer predicts %v", maskFake(dsn), kept, predicted)
		}
		t.Logf("%-70s Redacted keeps the password: %v", maskFake(dsn), kept)
	}
}
