package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/internal/testmodules"
)

// secretShapes are connection strings in every shape the report and the
// drivers know, with {H}, {P}, {U}, {D} standing for host, port, user and
// database and {PW}, {PX} for two passwords. Each password is built of marker pieces
// (QzNNVx, WzNNVy) that no output may contain, whole or in part.
var secretShapes = []string{
	"postgres://{U}:{PW}@{H}:{P}/{D}?sslmode=disable",
	"postgresql://{U}:{PW}@{H}:{P}/{D}?sslmode=disable",
	"POSTGRES://{U}:{PW}@{H}:{P}/{D}",
	"PostgreSQL://{U}:{PW}@{H}:{P}/{D}?sslmode=disable",
	"postgres://{U}@{H}:{P}/{D}?password={PW}&sslmode=disable",
	"postgres://{U}:x@{H}:{P}/{D}?sslpassword={PW}&sslmode=disable",
	"postgres://{U}:{PW}@{H}:{P}/{D}?sslpassword={PX}&sslmode=disable",
	"postgres://{U}:{PW}%40{PX}@{H}:{P}/{D}?sslmode=disable",
	"postgres://{U}:{PW}@{PX}@{H}:{P}/{D}?sslmode=disable",
	"postgres://{U}:{PW}/{PX}@{H}:{P}/{D}?sslmode=disable",
	"postgres://{U}:{PW}?{PX}@{H}:{P}/{D}",
	"postgres://{U}:{PW}#{PX}@{H}:{P}/{D}",
	"postgres://{U}:{PW}:{PX}@{H}:{P}/{D}?sslmode=disable",
	"postgres://{U}:{PW}@{H}:{P},{H}:{P}/{D}?sslmode=disable",
	"postgres:///{D}?host={H}&port={P}&user={U}&password={PW}&sslmode=disable",
	"postgres://{U}@{H}:{P}/{D}?PASSWORD={PW}&sslmode=disable",
	"postgres://{U}@{H}:{P}/{D}?pass%77ord={PW}&sslmode=disable",
	"postgres://{U}:{PW}@{H}:{P}/{D}?sslmode=disable&application_name=a@b",
	"postgres://{U}:{PW}@{H}:badport/{D}",
	"postgres://{U}:{PW}%2F{PX}%3F@{H}:{P}/{D}?sslmode=disable",
	"jdbc:postgresql://{H}:{P}/{D}?user={U}&password={PW}",
	"host={H} port={P} user={U} password={PW} dbname={D} sslmode=disable",
	"host={H} port={P} user={U} password='{PW} with {PX}' dbname={D} sslmode=disable",
	`host={H} port={P} user={U} password='{PW}\'{PX}' dbname={D} sslmode=disable`,
	`host={H} port={P} user={U} password={PW}\ {PX} dbname={D} sslmode=disable`,
	"host={H} port={P} user={U} password=x sslpassword={PW} dbname={D} sslmode=disable",
	"host={H} port={P} user={U} PASSWORD={PW} dbname={D} sslmode=disable",
	"host={H} port={P} user={U} password = {PW} dbname={D} sslmode=disable",
	"host={H}\tport={P}\tuser={U}\tpassword={PW}\tdbname={D}\tsslmode=disable",
	"host={H} port={P} user={U} password='{PW} unterminated",
	"host={H} port={P} user={U} password={PW} {PX} dbname={D}",
	"host={H}\u00a0password={PW} port={P} user={U} dbname={D} sslmode=disable",
	"postgres//{U}:{PW}@{H}:{P}/{D}",
	"{U}:{PW}@{H}:{P}/{D}",
}

// secretMarker matches every piece of every password of secretShapes.
var secretMarker = regexp.MustCompile(`[QW]z\d\dV[xy]`)

// fillShape turns shape i into a DSN for the target.
func fillShape(i int, shape string, t target) string {
	return strings.NewReplacer(
		"{PW}", fmt.Sprintf("Qz%02dVx", i), "{PX}", fmt.Sprintf("Wz%02dVy", i),
		"{H}", t.host, "{P}", t.port, "{U}", t.user, "{D}", t.db,
	).Replace(shape)
}

type target struct{ name, host, port, user, db string }

// secretsRun is one dbaudit invocation of the matrix.
type secretsRun struct {
	name  string
	group string // target, route and command, for the summary
	shape int    // index in secretShapes, or -1 for the Go source runs
	args  []string
	env   []string // added to the base environment
	dir   string
	files []string // written files to scan, besides stdout and stderr
}

// TestNoPasswordInOutput runs every command that can print a DSN, in every
// output format, over every DSN shape, through every input route (--dsn,
// $DATABASE_URL, rules.yaml schema.dsn_env, a literal in analysed Go code),
// against an unreachable port and, when DBAUDIT_TEST_DATABASE_URL is set,
// the test server (trust authentication, so any password connects), and
// greps stdout, stderr and every written file for any piece of any password.
//
// Without DBAUDIT_SLOW=1 the test server is reached through --dsn only (the
// other routes give the same DSN to the same code); with it, through every
// route.
func TestNoPasswordInOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs dbaudit about 1,000 times")
	}
	bin, err := exec.LookPath("dbaudit") // the test binary, set up by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	targets := []target{{"unreachable", "127.0.0.1", "1", "app", "db"}}
	if dbURL := os.Getenv("DBAUDIT_TEST_DATABASE_URL"); dbURL != "" {
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, target{"server", u.Hostname(), u.Port(), u.User.Username(), strings.TrimPrefix(u.Path, "/")})
	} else if os.Getenv("CI") == "true" {
		t.Fatal("DBAUDIT_TEST_DATABASE_URL is not set, and CI=true requires the database runs")
	} else {
		t.Log("DBAUDIT_TEST_DATABASE_URL is not set: the unreachable target only")
	}

	tmp := t.TempDir()
	// A module with one model for schemacheck, with and without a
	// rules.yaml naming the DSN variable.
	plain := filepath.Join(tmp, "plain")
	withRules := filepath.Join(tmp, "rules")
	for _, dir := range []string{plain, withRules} {
		writeFiles(t, dir, map[string]string{
			"go.mod":   "module example.com/secrets\n\ngo 1.22\n",
			"model.go": "package secrets\n\n//dbaudit:table secrets_probe\ntype Probe struct {\n\tID int `db:\"id\"`\n}\n",
		})
	}
	writeFiles(t, withRules, map[string]string{"rules.yaml": "schema:\n  dsn_env: SECRETS_TEST_DSN\n"})

	slow := os.Getenv("DBAUDIT_SLOW") == "1"
	var runs []secretsRun
	out := func(name string) string { return filepath.Join(tmp, "out", strconv.Itoa(len(runs))+"-"+name) }
	for _, tg := range targets {
		for i, shape := range secretShapes {
			dsn := fillShape(i, shape, tg)
			routes := []struct {
				name string
				args []string
				env  []string
				dir  string
			}{
				{"--dsn", []string{"--dsn", dsn}, nil, plain},
				{"$DATABASE_URL", nil, []string{"DATABASE_URL=" + dsn}, plain},
				{"schema.dsn_env", nil, []string{"SECRETS_TEST_DSN=" + dsn}, withRules},
			}
			if tg.name == "server" && !slow {
				routes = routes[:1]
			}
			for _, rt := range routes {
				add := func(cmd string, extra []string, files ...string) {
					args := append([]string{cmd}, rt.args...)
					args = append(args, extra...)
					runs = append(runs, secretsRun{
						name:  fmt.Sprintf("%s/shape%02d/%s/%s", tg.name, i, rt.name, strings.Join(append([]string{cmd}, extra...), " ")),
						group: fmt.Sprintf("%-11s %-14s %s", tg.name, rt.name, cmd),
						shape: i,
						args:  args, env: rt.env, dir: rt.dir, files: files,
					})
				}
				for _, f := range []string{"text", "json"} {
					add("doctor", []string{"-f", f})
					o := out("doctor." + f)
					add("doctor", []string{"-f", f, "-o", o}, o)
				}
				for _, f := range []string{"text", "json", "sarif", "github"} {
					add("schemacheck", []string{"-f", f, "./..."})
				}
				o := out("schemacheck.sarif")
				add("schemacheck", []string{"-f", "sarif", "-o", o, "./..."}, o)
				d := out("schema.json")
				add("schemacheck", []string{"--dump-schema", d}, d)
			}
		}
	}

	// The Go-source route: every shape as a literal the analysers read.
	src := filepath.Join(tmp, "source")
	var lits strings.Builder
	for i, shape := range secretShapes {
		fmt.Fprintf(&lits, "\tc%d, _ := pgx.Connect(ctx, %s)\n\tdefer c%d.Close(ctx)\n", i, strconv.Quote(fillShape(i, shape, targets[0])), i)
	}
	goSum := testmodules.GoSum()
	writeFiles(t, src, map[string]string{
		"go.mod": "module example.com/source\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.12.0\n",
		"go.sum": string(goSum),
		"main.go": "package main\n\nimport (\n\t\"context\"\n\n\t\"github.com/jackc/pgx/v5\"\n)\n\nfunc main() {\n\tctx := context.Background()\n" +
			lits.String() + "}\n",
	})
	for _, f := range []string{"text", "json", "sarif", "github"} {
		runs = append(runs, secretsRun{name: "source/check " + f, group: "source      Go literal     check", shape: -1, args: []string{"check", "-f", f, "./..."}, dir: src})
		o := out("check." + f)
		runs = append(runs, secretsRun{name: "source/check -o " + f, group: "source      Go literal     check", shape: -1, args: []string{"check", "-f", f, "-o", o, "./..."}, dir: src, files: []string{o}})
	}
	for _, f := range []string{"markdown", "json", "csv", "html"} {
		runs = append(runs, secretsRun{name: "source/inventory " + f, group: "source      Go literal     inventory", shape: -1, args: []string{"inventory", "-f", f, "./..."}, dir: src})
		o := out("inventory." + f)
		runs = append(runs, secretsRun{name: "source/inventory -o " + f, group: "source      Go literal     inventory", shape: -1, args: []string{"inventory", "-f", f, "-o", o, "./..."}, dir: src, files: []string{o}})
	}
	if err := os.MkdirAll(filepath.Join(tmp, "out"), 0o755); err != nil {
		t.Fatal(err)
	}

	base := secretsEnv()
	var (
		leaks, scanned, crashed atomic.Int64
		mu                      sync.Mutex
		reported                int
		byGroup                 = map[string][2]int{} // runs, leaking runs
		leakingShapes           = map[string]bool{}
		wg                      sync.WaitGroup
		sem                     = make(chan struct{}, 6)
	)
	start := time.Now()
	for _, r := range runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, r.args...)
			cmd.Dir = r.dir
			cmd.Env = append(append([]string{}, base...), r.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if err != nil && (!errors.As(err, &exit) || exit.ExitCode() > 2) || strings.Contains(stderr.String(), "panic:") {
				crashed.Add(1)
				t.Errorf("%s: %v\n%s", r.name, err, stderr.String())
			}
			outputs := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
			for _, f := range r.files {
				if b, err := os.ReadFile(f); err == nil {
					outputs[filepath.Base(f)] = string(b)
				}
			}
			leaked := false
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				g := byGroup[r.group]
				g[0]++
				if leaked {
					g[1]++
				}
				byGroup[r.group] = g
			}()
			for where, text := range outputs {
				scanned.Add(1)
				found := secretMarker.FindAllString(text, -1)
				if len(found) == 0 {
					continue
				}
				leaked = true
				leaks.Add(int64(len(found)))
				mu.Lock()
				for _, f := range found {
					leakingShapes[f[2:4]] = true
				}
				if reported < 40 {
					reported++
					t.Errorf("%s: %s holds %v:\n%s", r.name, where, found, excerpt(text, found[0]))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var summary strings.Builder
	for _, g := range slices.Sorted(maps.Keys(byGroup)) {
		fmt.Fprintf(&summary, "\n\t%-40s %4d runs, %4d with a password", g, byGroup[g][0], byGroup[g][1])
	}
	t.Logf("runs by target, route and command:%s", summary.String())
	if len(leakingShapes) > 0 {
		t.Logf("shapes whose password was found: %v", slices.Sorted(maps.Keys(leakingShapes)))
	}
	t.Logf("%d shapes, %d target(s), %d runs (doctor, schemacheck × routes × formats, check and inventory over the Go source), %d outputs scanned in %s: %d password piece(s) found, %d crash(es)",
		len(secretShapes), len(targets), len(runs), scanned.Load(), time.Since(start).Round(time.Second), leaks.Load(), crashed.Load())
}

// secretsEnv is the environment of the runs: no DSN or PG* variable from
// the caller, the module cache offline.
func secretsEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "DATABASE_URL" || strings.HasPrefix(k, "PG") || k == "GOFLAGS" || k == "GOPROXY" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local")
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// excerpt is the line of text around the first leak.
func excerpt(text, leak string) string {
	i := strings.Index(text, leak)
	from := max(strings.LastIndexByte(text[:i], '\n')+1, i-200)
	to := len(text)
	if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
		to = i + j
	}
	to = min(to, i+200)
	return "\t" + text[from:to]
}
