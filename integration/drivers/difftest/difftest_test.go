package difftest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-migrate/migrate/v4/database"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers pgx5://
	_ "github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // sql.Open("pgx")
	_ "github.com/lib/pq"              // sql.Open("postgres")
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dbaudit/dbaudit/analyzers/driveropts"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/dsn/sites"
	"github.com/dbaudit/dbaudit/internal/atest"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// target is where every rewritten string points.
type target struct {
	host, port, user, password, dbname string
	tls                                bool   // the server accepts TLS
	timezone                           string // the server's default TimeZone
	base                               string // a URL for the test database
}

func TestDriverTablesAgainstServer(t *testing.T) {
	tg := newTarget(t)
	judged := fixtures(t)
	if len(judged) < 40 {
		t.Fatalf("only %d connection strings judged in the fixtures; the fixture set shrank", len(judged))
	}
	var flagged, silent int
	for _, j := range judged {
		if len(j.Problems) > 0 {
			flagged++
		} else {
			silent++
		}
	}
	t.Logf("%d connection strings from the driveropts fixtures: %d flagged, %d silent", len(judged), flagged, silent)
	for _, j := range judged {
		j := j
		name := fmt.Sprintf("%s:%d/%s", filepath.Base(j.Pos.Filename), j.Pos.Line, j.Sink)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			check(t, tg, j)
		})
	}
}

// fixtures runs driveropts over its fixture packages and returns every
// string it judged, once per sink and text.
func fixtures(t *testing.T) []driveropts.Judged {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	gopath := t.TempDir()
	for _, tree := range []string{filepath.Join(root, "testdata", "src"), filepath.Join(root, "analyzers", "driveropts", "testdata", "src")} {
		if err := os.CopyFS(filepath.Join(gopath, "src"), os.DirFS(tree)); err != nil {
			t.Fatal(err)
		}
	}
	results := analysistest.Run(t, gopath, atest.WithHelp(driveropts.Analyzer, nil), "example.com/opts", "example.com/fixes")
	var out []driveropts.Judged
	seen := map[string]bool{}
	for _, r := range results {
		res, ok := r.Result.(*driveropts.Result)
		if !ok {
			continue
		}
		for _, j := range res.Judged {
			k := j.Sink + "\x01" + j.DSN.Input
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, j)
		}
	}
	return out
}

// newTarget creates a database of the test's own and learns what the
// server supports.
func newTarget(t *testing.T) *target {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := pgtest.Connect(t, pgtest.DSN(t))
	name, _ := pgtest.Database(t, "dbaudit_difftest")
	cfg := conn.Config()
	tg := &target{host: cfg.Host, port: fmt.Sprint(cfg.Port), user: cfg.User, password: cfg.Password, dbname: name}
	if err := conn.QueryRow(ctx, "SHOW TimeZone").Scan(&tg.timezone); err != nil {
		t.Fatal(err)
	}
	u := &url.URL{Scheme: "postgres", Host: tg.host + ":" + tg.port, Path: "/" + name}
	if tg.password != "" {
		u.User = url.UserPassword(tg.user, tg.password)
	} else {
		u.User = url.User(tg.user)
	}
	tg.base = u.String()
	probe, err := pgx.Connect(ctx, tg.base+"?sslmode=require")
	if err == nil {
		tg.tls = true
		probe.Close(ctx)
	}
	return tg
}

// check runs the expectations of one judged string.
func check(t *testing.T, tg *target, j driveropts.Judged) {
	d := j.DSN
	if d.Err != nil && !d.Partial() {
		// A string that does not parse cannot be rewritten; its answer is
		// pgconn's own parser's, which the dsn fuzz test compares with.
		t.Skipf("unparsable fixture string; covered by the dsn fuzz test")
	}
	sink := drivers.Default().Sink(j.Sink)
	if len(j.Problems) == 0 {
		s, ok := rewrite(d, tg, j.Sink, nil)
		if !ok {
			t.Skip("nothing to connect with")
		}
		skipWithoutTLS(t, tg, j.Sink, s)
		if err := connect(j.Sink, s, tg); err != nil {
			t.Fatalf("driveropts is silent on %q, but connecting through %s failed: %v", show(d.Input), j.Sink, err)
		}
		return
	}
	for _, p := range j.Problems {
		keep := problemParams(d, p)
		s, ok := rewrite(d, tg, j.Sink, keep)
		if !ok {
			t.Fatalf("cannot rewrite %q", show(d.Input))
		}
		skipWithoutTLS(t, tg, j.Sink, s)
		err := connect(j.Sink, s, tg)
		switch {
		case p.Kind == drivers.Ignored:
			if err != nil {
				t.Fatalf("%q: lib/pq should ignore %s and connect, got %v", show(s), p.Key, err)
			}
			proveIgnored(t, tg, j.Sink, d, p)
		case err == nil:
			t.Fatalf("driveropts says %q fails through %s (%s), but it connected and ran a query", show(s), j.Sink, p.Message())
		case p.Answer == "":
			t.Logf("%q failed as expected: %v", show(s), err)
		case !matches(err.Error(), p.Answer):
			t.Fatalf("%q through %s:\n  error: %v\n  driveropts quotes: %s", show(s), j.Sink, err, p.Answer)
		}
		if p.Fix != nil {
			checkFix(t, tg, j, sink, p)
		}
	}
}

// problemParams are the settings a problem's test string keeps.
func problemParams(d *dsn.DSN, p drivers.Problem) map[int]bool {
	if p.Param < 0 {
		return nil // the whole string
	}
	keep := map[int]bool{p.Param: true}
	if p.Kind == drivers.QueryFails {
		for i, q := range d.Params {
			if q.Key == "default_query_exec_mode" {
				keep[i] = true
			}
		}
	}
	return keep
}

// checkFix applies the suggested fix to the original text and connects
// again: the problem's error must be gone.
func checkFix(t *testing.T, tg *target, j driveropts.Judged, sink *drivers.Sink, p drivers.Problem) {
	t.Helper()
	in := j.DSN.Input
	fixed := in[:p.Fix.Range.Start] + p.Fix.NewText + in[p.Fix.Range.End:]
	fd := dsn.Parse(fixed)
	if j.Via == sites.ViaRuntimeParams {
		return // RuntimeParams fixes are not literal edits
	}
	remaining := sink.Check(fd)
	s, ok := rewrite(fd, tg, j.Sink, nil)
	if !ok {
		t.Fatalf("fix %q: cannot rewrite %q", p.Fix.Message, show(fixed))
	}
	err := connect(j.Sink, s, tg)
	for _, q := range remaining {
		if q.Kind == p.Kind && q.Key == p.Key && q.Answer == p.Answer {
			t.Fatalf("fix %q leaves the problem in %q", p.Fix.Message, show(fixed))
		}
	}
	if len(remaining) == 0 && err != nil {
		t.Fatalf("after the fix %q, %q should connect through %s: %v", p.Fix.Message, show(s), j.Sink, err)
	}
	if err != nil && p.Answer != "" && matches(err.Error(), p.Answer) {
		t.Fatalf("after the fix %q, %q still fails with the same error: %v", p.Fix.Message, show(s), err)
	}
}

// proveIgnored shows that lib/pq read the key and did nothing with it: the
// server setting it names keeps its default.
func proveIgnored(t *testing.T, tg *target, sinkName string, d *dsn.DSN, p drivers.Problem) {
	t.Helper()
	setting := map[string]string{"tz": "TimeZone", "geqo": "geqo"}[p.Key]
	if setting == "" {
		t.Fatalf("no probe for the ignored key %s", p.Key)
	}
	value := d.Params[p.Param].Value
	if strings.EqualFold(value, tg.timezone) || p.Key == "geqo" && value == "on" {
		value = map[string]string{"tz": "Pacific/Auckland", "geqo": "off"}[p.Key]
	}
	s, _ := rewrite(&dsn.DSN{Input: "x", Form: dsn.KeywordValue}, tg, sinkName, nil)
	s += " " + p.Key + "=" + dsn.QuoteKV(value)
	db, err := sql.Open("postgres", s)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.QueryRow("SHOW " + setting).Scan(&got); err != nil {
		t.Fatalf("%q: %v", show(s), err)
	}
	if got == value {
		t.Fatalf("lib/pq applied %s=%s (SHOW %s = %s): it is not ignored", p.Key, value, setting, got)
	}
}

// locationKeys are replaced by the test server's, or dropped.
var locationKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "user": true, "password": true, "dbname": true, "database": true,
	"passfile": true, "service": true, "servicefile": true, "sslrootcert": true, "sslcert": true, "sslkey": true, "sslpassword": true,
}

// rewrite points d at the test server. keep selects the settings to carry
// over (nil: all). Holes in a kept setting's value become "1"; settings
// whose value is dynamic and that no problem is about are dropped, and so
// are settings with a dynamic key.
func rewrite(d *dsn.DSN, tg *target, sinkName string, keep map[int]bool) (string, bool) {
	type kv struct{ k, v string }
	var params []kv
	for i, p := range d.Params {
		if keep != nil && !keep[i] || p.KeyDynamic() || p.Part != dsn.PartQuery && p.Part != dsn.PartKV {
			continue
		}
		// Location keys are the test server's, unless the problem is about
		// the key itself (port=99999, hostaddr through pgx).
		if locationKeys[dsn.Canonical(p.Key)] && keep == nil {
			continue
		}
		v := p.Value
		if p.ValueDynamic() {
			if keep == nil {
				continue
			}
			v = strings.ReplaceAll(v, string(dsn.Hole), "1")
		}
		if p.Key == "sslmode" && strings.HasPrefix(v, "verify-") {
			v = "require" // the test server's certificate is not trusted here
		}
		params = append(params, kv{p.Key, v})
	}
	if sinkName == "runtime" {
		var b strings.Builder
		for _, p := range params {
			fmt.Fprintf(&b, "%s=%s\x00", p.k, p.v)
		}
		return b.String(), len(params) > 0
	}
	if d.Form == dsn.KeywordValue {
		var b strings.Builder
		fmt.Fprintf(&b, "host=%s port=%s user=%s dbname=%s", tg.host, tg.port, dsn.QuoteKV(tg.user), tg.dbname)
		if tg.password != "" {
			fmt.Fprintf(&b, " password=%s", dsn.QuoteKV(tg.password))
		}
		for _, p := range params {
			fmt.Fprintf(&b, " %s=%s", p.k, dsn.QuoteKV(p.v))
		}
		return b.String(), true
	}
	scheme := d.Scheme
	if scheme == "" {
		scheme = "postgres" // a fragment: the dynamic base is a postgres:// URL
	}
	s := scheme + strings.TrimPrefix(tg.base, "postgres")
	for i, p := range d.Params {
		if keep[i] && p.Part == dsn.PartPort && !p.ValueDynamic() {
			s = strings.Replace(s, ":"+tg.port+"/", ":"+p.Value+"/", 1) // the port the problem is about
		}
	}
	for i, p := range params {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		s += sep + escape(p.k) + "=" + escape(p.v)
	}
	return s, true
}

func escape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "=", "%3D", " ", "%20", "#", "%23", "?", "%3F").Replace(s)
}

// migrateMu serialises golang-migrate, which creates its version table.
var migrateMu sync.Mutex

// connect connects through the sink and runs a query the default way.
func connect(sinkName, s string, tg *target) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	query := func(db *sql.DB) error {
		defer db.Close()
		if err := db.PingContext(ctx); err != nil {
			return err
		}
		var one int
		return db.QueryRowContext(ctx, "select $1::int", 1).Scan(&one)
	}
	switch sinkName {
	case "pgx":
		c, err := pgx.Connect(ctx, s)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		var one int
		return c.QueryRow(ctx, "select $1::int", 1).Scan(&one)
	case "pgconn":
		c, err := pgconn.Connect(ctx, s)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, "select 1").ReadAll()
		return err
	case "pgxpool":
		p, err := pgxpool.New(ctx, s)
		if err != nil {
			return err
		}
		defer p.Close()
		if err := p.Ping(ctx); err != nil {
			return err
		}
		var one int
		return p.QueryRow(ctx, "select $1::int", 1).Scan(&one)
	case "stdlib", "gorm": // gorm.io/driver/postgres: pgx.ParseConfig + stdlib.OpenDB
		db, err := sql.Open("pgx", s)
		if err != nil {
			return err
		}
		return query(db)
	case "libpq":
		db, err := sql.Open("postgres", s)
		if err != nil {
			return err
		}
		return query(db)
	case "migrate":
		migrateMu.Lock()
		defer migrateMu.Unlock()
		drv, err := database.Open(s)
		if err != nil {
			return err
		}
		return drv.Close()
	case "runtime":
		cfg, err := pgx.ParseConfig(tg.base + "?sslmode=disable")
		if err != nil {
			return err
		}
		for _, kv := range strings.Split(strings.TrimSuffix(s, "\x00"), "\x00") {
			k, v, _ := strings.Cut(kv, "=")
			cfg.RuntimeParams[k] = v
		}
		c, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		var one int
		return c.QueryRow(ctx, "select $1::int", 1).Scan(&one)
	}
	return fmt.Errorf("no connector for sink %s", sinkName)
}

// skipWithoutTLS skips strings that need TLS when the server has none.
func skipWithoutTLS(t *testing.T, tg *target, sinkName, s string) {
	t.Helper()
	if tg.tls {
		return
	}
	d := dsn.Parse(s)
	mode, ok := d.Get("sslmode")
	libpqDefault := !ok && (sinkName == "libpq" || sinkName == "migrate" && d.Scheme != "pgx5")
	if libpqDefault || ok && mode.Value == "require" || d.Form == dsn.URL && slices.ContainsFunc(d.Params, func(p dsn.Param) bool { return p.Key == "ssl" && p.Value == "true" }) {
		t.Skipf("the test server has no TLS, and %q needs it", show(s))
	}
}

// matches reports whether err contains want, where "…" in want stands for
// any text.
func matches(err, want string) bool {
	for _, piece := range strings.Split(want, "…") {
		i := strings.Index(err, piece)
		if i < 0 {
			return false
		}
		err = err[i+len(piece):]
	}
	return true
}

// show makes holes visible.
func show(s string) string { return strings.ReplaceAll(s, string(dsn.Hole), "<?>") }
