package doctor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck/doctor"
)

func check(r *doctor.Report, name string) doctor.Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return doctor.Check{Status: "absent"}
}

func TestDoctorDirect(t *testing.T) {
	t.Parallel()
	dsn := pgtest.WithParam(t, pgtest.DSN(t), "statement_timeout", "5000")
	for _, driver := range doctor.Drivers {
		r := doctor.Run(context.Background(), doctor.Options{DSN: dsn, Driver: driver})
		if r.Broken() || r.Unreachable {
			t.Errorf("%s: broken: %+v", driver, r.Checks)
		}
		for name, want := range map[string]doctor.Status{
			"dsn": doctor.OK, "connect": doctor.OK, "server": doctor.Info,
			"query": doctor.OK, "search_path": doctor.Info,
			"statement_timeout": doctor.OK, "pooler": doctor.Info, "role": doctor.OK,
		} {
			if c := check(r, name); c.Status != want {
				t.Errorf("%s: %s = %s (%s), want %s", driver, name, c.Status, c.Detail, want)
			}
		}
		// TLS is ok where the server has ssl = on (sslmode=prefer uses it), info otherwise.
		if c := check(r, "tls"); c.Status != doctor.OK && c.Status != doctor.Info {
			t.Errorf("%s: tls = %s (%s)", driver, c.Status, c.Detail)
		}
		if c := check(r, "latency"); c.Status == doctor.Fail || !strings.Contains(c.Detail, "over 5 pings") {
			t.Errorf("%s: latency: %+v", driver, c) // warn is allowed: a loaded machine may exceed 50ms
		}
		if c := check(r, "server"); !strings.HasPrefix(c.Detail, "PostgreSQL 1") {
			t.Errorf("server: %s", c.Detail)
		}
		if c := check(r, "pooler"); !strings.Contains(c.Detail, "exec mode cache_statement") {
			t.Errorf("pooler: %s", c.Detail)
		}
	}
}

func TestDoctorPooler(t *testing.T) {
	t.Parallel()
	base := pgtest.DSN(t)
	cfg := rules.Default("")
	cfg.Pooler.Ports = []int{5432} // treat the test server as a transaction pooler
	r := doctor.Run(context.Background(), doctor.Options{DSN: base, Config: cfg})
	if c := check(r, "pooler"); c.Status != doctor.Fail || !strings.Contains(c.Detail, "already exists (SQLSTATE 42P05)") {
		t.Errorf("cache_statement through a pooler: %+v", c)
	}
	if !r.Broken() || r.Unreachable {
		t.Error("a pooler with cache_statement must break the check (exit 1), not count as unreachable")
	}

	safe := pgtest.WithParam(t, base, "default_query_exec_mode", "cache_describe")
	r = doctor.Run(context.Background(), doctor.Options{DSN: safe, Config: cfg})
	if c := check(r, "pooler"); c.Status != doctor.OK || !strings.Contains(c.Detail, "cache_describe") {
		t.Errorf("cache_describe through a pooler: %+v", c)
	}

	params := pgtest.WithParam(t, safe, "search_path", "public")
	r = doctor.Run(context.Background(), doctor.Options{DSN: params, Config: cfg})
	if c := check(r, "pooler startup parameters"); c.Status != doctor.Fail || !strings.Contains(c.Detail, "unsupported startup parameter: search_path") {
		t.Errorf("search_path through a pooler: %+v", c)
	}
	if c := check(r, "startup parameters"); !strings.Contains(c.Detail, "search_path") {
		t.Errorf("startup parameters: %+v", c)
	}
}

func TestDoctorBreakage(t *testing.T) {
	t.Parallel()
	base := pgtest.DSN(t)
	ctx := context.Background()

	r := doctor.Run(ctx, doctor.Options{DSN: pgtest.WithParam(t, base, "statement_cache_capacity", "0"), Driver: "pgx"})
	if check(r, "exec mode").Status != doctor.Fail || check(r, "query").Status != doctor.Fail {
		t.Errorf("statement_cache_capacity=0: %+v", r.Checks)
	}

	r = doctor.Run(ctx, doctor.Options{DSN: pgtest.WithParam(t, base, "command_timeout", "30"), Driver: "pgx"})
	if c := check(r, "connect"); c.Status != doctor.Fail || !strings.Contains(c.Detail, `unrecognized configuration parameter "command_timeout"`) || r.Unreachable {
		t.Errorf("command_timeout: %+v unreachable=%v", c, r.Unreachable)
	}

	r = doctor.Run(ctx, doctor.Options{DSN: pgtest.WithParam(t, base, "sslmode", "bogus")})
	if c := check(r, "dsn"); c.Status != doctor.Fail || !strings.Contains(c.Detail, "sslmode is invalid") {
		t.Errorf("sslmode=bogus: %+v", c)
	}

	r = doctor.Run(ctx, doctor.Options{DSN: "postgres://me:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", Driver: "pgx"})
	if !r.Unreachable || !r.Broken() {
		t.Errorf("port 1: %+v", r.Checks)
	}
	var text, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), js.String()} {
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "me:xxxxx@") {
			t.Errorf("the report must mask the password:\n%s", out)
		}
	}
	var decoded struct {
		Version     int  `json:"version"`
		Broken      bool `json:"broken"`
		Unreachable bool `json:"unreachable"`
		Checks      []doctor.Check
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded.Version != 1 || !decoded.Broken || !decoded.Unreachable || len(decoded.Checks) == 0 {
		t.Errorf("JSON: %v %+v", err, decoded)
	}
}

func TestDoctorJudgesTheDSNWithTheDriverTables(t *testing.T) {
	t.Parallel()
	dsn := pgtest.DSN(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	r := doctor.Run(context.Background(), doctor.Options{DSN: dsn + sep + "statement_cache_size=0"})
	if c := check(r, "dsn statement_cache_size"); c.Status != doctor.Fail {
		t.Errorf("statement_cache_size (asyncpg's) must fail the dsn check: %+v", r.Checks)
	}
}

// TestDoctorPrintsNoPassword is D2 and D15 of the reliability report: the
// header, the JSON dsn field and every check's detail, for the shapes that
// leaked (an upper-case scheme, sslpassword in both forms, an unescaped
// '@' whose tail pgx reads as the host, a scheme pgx reads as a key).
func TestDoctorPrintsNoPassword(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"POSTGRES://app:hunter2secret@127.0.0.1:1/db",
		"host=127.0.0.1 port=1 user=app password=hunter2secret sslpassword=keypass123",
		"postgres://app:hunter2secret@127.0.0.1:1/db?sslpassword=keypass123",
		"postgres://app:hunter2@keypass123@127.0.0.1:1/db",
		"PostgreSQL://app:hunter2secret@127.0.0.1:1/db?sslpassword=keypass123",
	} {
		for _, driver := range doctor.Drivers {
			r := doctor.Run(context.Background(), doctor.Options{DSN: dsn, Driver: driver, Timeout: 5 * time.Second})
			var text, js bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			out := text.String() + js.String()
			if strings.Contains(out, "hunter2") || strings.Contains(out, "keypass123") {
				t.Errorf("%s, %s: the report shows a password:\n%s", dsn, driver, out)
			}
			if !strings.Contains(r.DSN, "xxxxx") {
				t.Errorf("%s: DSN %q is not masked", dsn, r.DSN)
			}
		}
	}
	r := doctor.Run(context.Background(), doctor.Options{DSN: "postgres://app:Pw@Rest1234@127.0.0.1:1/db"})
	if c := check(r, "dsn host"); c.Status != doctor.Fail || !strings.Contains(c.Detail, "percent-encode the password") {
		t.Errorf("an '@' in the host: %+v", r.Checks)
	}
}
