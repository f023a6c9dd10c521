package integration

import (
	"bytes"
	"context"
	"fmt"
	"github.com/dbaudit/dbaudit/internal/testmodules"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// repoRoot is the dbaudit repository (this package sits one level below).
var repoRoot = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Dir(wd)
}()

// slow skips a test that builds real tools for minutes unless DBAUDIT_SLOW=1
// (as .ci/run sets); -short skips it always.
func slow(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow integration test: skipped with -short")
	}
	if os.Getenv("DBAUDIT_SLOW") != "1" {
		t.Skip("slow integration test: set DBAUDIT_SLOW=1 to run it (.ci/run does)")
	}
}

// notShort skips an integration test that runs real tools for tens of
// seconds when -short is given.
func notShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: skipped with -short")
	}
}

// need skips when a tool is missing, except under CI=true, where it fails:
// CI installs every tool these tests run, and a skip there would pass
// silently (go test prints skips only with -v).
func need(t *testing.T, tool, install string) string {
	t.Helper()
	p, ok := lookTool(t, tool, install)
	if !ok {
		t.Skipf("%s is not installed: %s (the test is skipped; under CI=true it fails)", tool, install)
	}
	return p
}

// useIfInstalled is need for a tool that makes a test stricter but is not
// required for it (shellcheck, which actionlint runs on workflow scripts):
// missing, the test goes on without it and says so, except under CI=true,
// where it fails.
func useIfInstalled(t *testing.T, tool, install string) bool {
	t.Helper()
	_, ok := lookTool(t, tool, install)
	if !ok {
		t.Logf("%s is not installed: %s (the test runs without it; under CI=true it fails)", tool, install)
	}
	return ok
}

func lookTool(t *testing.T, tool, install string) (string, bool) {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil && os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI=true): %s", tool, install)
	}
	return p, err == nil
}

// finding is what every integration must agree on: where, and which rule.
type finding struct {
	File string // slash-separated, relative to the module root
	Line int
	Col  int
	Rule string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Col, f.Rule) }

// appWant are the poolconstruct and ignore findings in testdata/app under
// its rules.yaml. Beside each stands a silent look-alike: the pool built in
// main (cmd/app), the connect-retry loop in the package rules.yaml approves
// (internal/platform), the construction in a test (internal/api), the one
// suppressed with a reason (internal/report), the legacy tree rules.yaml
// ignores.
var appWant = []finding{
	{"internal/api/api.go", 26, 15, "poolconstruct"},           // in an HTTP handler
	{"internal/platform/platform.go", 31, 14, "poolconstruct"}, // in a loop that never ends by itself
	{"internal/report/report.go", 13, 15, "poolconstruct"},     // package not approved
	{"internal/report/report.go", 32, 2, "ignore"},             // directive without a reason...
	{"internal/report/report.go", 33, 15, "poolconstruct"},     // ...suppresses nothing
}

// appWantNoIgnoreGlob adds what rules.yaml's ignore glob hides.
var appWantNoIgnoreGlob = sortFindings(append(slices.Clone(appWant), finding{"legacy/legacy.go", 13, 9, "poolconstruct"}))

// ofRules keeps the findings of the given rules, so the assertions about
// the fixture do not break when rules added later find more in it (parity
// with dbaudit check covers those).
func ofRules(fs []finding, rules ...string) []finding {
	var out []finding
	for _, f := range fs {
		if slices.Contains(rules, f.Rule) {
			out = append(out, f)
		}
	}
	return sortFindings(out)
}

func sortFindings(fs []finding) []finding {
	slices.SortFunc(fs, func(a, b finding) int { return strings.Compare(a.key(), b.key()) })
	return slices.Compact(fs)
}

func (f finding) key() string {
	return fmt.Sprintf("%s\x00%08d\x00%08d\x00%s", f.File, f.Line, f.Col, f.Rule)
}

// fixture copies testdata/NAME to a fresh directory. The copy matters: the
// analyzers treat files under a testdata directory as test code.
func fixture(t *testing.T, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	copyTree(t, filepath.Join(repoRoot, "integration", "testdata", name), dst)
	return dst
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm()|0o200)
	})
	require.NoError(t, err)
}

// offlineEnv is the environment for go commands on fixtures: the populated
// module cache and no network at all.
func offlineEnv(extra ...string) []string {
	env := append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOSUMDB=off")
	return append(env, extra...)
}

// result is a finished command.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run runs name in dir with env (nil: the test's environment) and returns
// its output and exit status; failing to start is fatal.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// mustRun is run that expects exit status 0.
func mustRun(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	r := run(t, dir, env, name, args...)
	if r.code != 0 {
		t.Fatalf("%s %s: exit %d\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

var (
	binOnce sync.Map // package path -> *builtBinary
	binDir  string
)

type builtBinary struct {
	once sync.Once
	path string
	err  error
}

// goBuild builds one of the repository's commands once per test process.
func goBuild(t *testing.T, pkg string) string {
	t.Helper()
	v, _ := binOnce.LoadOrStore(pkg, &builtBinary{})
	b := v.(*builtBinary)
	b.once.Do(func() {
		b.path = filepath.Join(binDir, filepath.Base(pkg))
		// Built from its own directory: cmd/dbaudit is a module of its own.
		cmd := exec.Command("go", "build", "-o", b.path, ".")
		cmd.Dir = filepath.Join(repoRoot, pkg)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build in %s: %v\n%s", pkg, err, out)
		}
	})
	require.NoError(t, b.err)
	return b.path
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dbaudit-integration-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if err := testmodules.Prime(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// checkFindings runs dbaudit's own engine on dir, the reference every
// integration must agree with.
func checkFindings(t *testing.T, dir string) []finding {
	t.Helper()
	cfg, err := rules.Resolve(dir, "")
	require.NoError(t, err)
	res, err := engine.Run(engine.Options{Dir: dir, Config: cfg})
	require.NoError(t, err)
	require.Empty(t, res.LoadErrors, "the fixture loads cleanly")
	var out []finding
	for _, f := range res.Findings {
		out = append(out, finding{f.File, f.Line, f.Column, f.Rule})
	}
	return sortFindings(out)
}

// relSlash makes an absolute file name relative to dir, slash-separated.
func relSlash(t *testing.T, dir, name string) string {
	t.Helper()
	if !filepath.IsAbs(name) {
		return filepath.ToSlash(name)
	}
	rel, err := filepath.Rel(dir, name)
	require.NoError(t, err)
	return filepath.ToSlash(rel)
}
