package difftest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dbaudit/dbaudit/analyzers/poolconfig"
	"github.com/dbaudit/dbaudit/internal/atest"
)

// TestHealthCheckPeriodZeroPanics proves what poolconfig quotes for a
// health-check period of zero: pgxpool accepts it, from the connection
// string or the config field, and its background goroutine then crashes
// the process. Each form runs in a child process, which must die with the
// panic poolconfig's message quotes.
func TestHealthCheckPeriodZeroPanics(t *testing.T) {
	switch os.Getenv("DBAUDIT_DIFFTEST_CHILD") {
	case "dsn":
		pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/x?pool_health_check_period=0s")
		if err != nil {
			os.Exit(3) // rejected: not what poolconfig says
		}
		defer pool.Close()
		time.Sleep(3 * time.Second) // the health check starts at once
		os.Exit(0)
	case "field":
		cfg, err := pgxpool.ParseConfig("postgres://postgres@127.0.0.1:1/x")
		if err != nil {
			os.Exit(3)
		}
		cfg.HealthCheckPeriod = 0
		pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			os.Exit(3)
		}
		defer pool.Close()
		time.Sleep(3 * time.Second)
		os.Exit(0)
	}
	t.Parallel()
	quoted := panicQuote(t)
	for _, form := range []string{"dsn", "field"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHealthCheckPeriodZeroPanics$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DBAUDIT_DIFFTEST_CHILD="+form)
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("%s: pgxpool ran with a zero health-check period without crashing", form)
		}
		if !regexp.MustCompile(regexp.QuoteMeta(quoted)).Match(out) {
			t.Fatalf("%s: the child failed without poolconfig's quoted panic %q:\n%s", form, quoted, out)
		}
	}
}

// panicQuote runs poolconfig over its fixtures and returns the panic its
// health-check finding quotes (in its help).
func panicQuote(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	gopath := t.TempDir()
	for _, tree := range []string{filepath.Join(root, "testdata", "src"), filepath.Join(root, "analyzers", "poolconfig", "testdata", "src")} {
		if err := os.CopyFS(filepath.Join(gopath, "src"), os.DirFS(tree)); err != nil {
			t.Fatal(err)
		}
	}
	quote := regexp.MustCompile("`(panic: [^`]+)`")
	for _, r := range analysistest.Run(t, gopath, atest.WithHelp(poolconfig.Analyzer, nil), "example.com/pools") {
		for _, d := range r.Diagnostics {
			if m := quote.FindStringSubmatch(d.Message); m != nil {
				return m[1]
			}
		}
	}
	t.Fatal("poolconfig's fixtures produced no health-check panic finding")
	return ""
}
