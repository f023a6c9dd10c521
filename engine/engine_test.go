package engine_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/internal/testmodules"
	"github.com/dbaudit/dbaudit/rules"
)

// mustNoErr stops the test on an unexpected error.
func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// sameElements says whether a and b hold the same elements, each as often,
// in any order.
// sameReport checks that got reports what want does: the same findings,
// the same load errors in any order, the same number of files.
func sameReport(t *testing.T, name string, got, want *engine.Result) {
	t.Helper()
	if !reflect.DeepEqual(want.Findings, got.Findings) {
		t.Errorf("%s findings:\n got %v\nwant %v", name, got.Findings, want.Findings)
	}
	if !sameElements(want.LoadErrors, got.LoadErrors) {
		t.Errorf("%s load errors:\n got %v\nwant %v (in any order)", name, got.LoadErrors, want.LoadErrors)
	}
	if got.Files != want.Files {
		t.Errorf("%s files: got %d, want %d", name, got.Files, want.Files)
	}
}

func sameElements[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	n := map[T]int{}
	for _, x := range a {
		n[x]++
	}
	for _, x := range b {
		if n[x] == 0 {
			return false
		}
		n[x]--
	}
	return true
}

// writeModule writes files into a temporary module that may require the real
// pgx from the module cache, offline.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.sum"] = string(testmodules.GoSum())
	for name, content := range files {
		p := filepath.Join(dir, name)
		mustNoErr(t, os.MkdirAll(filepath.Dir(p), 0o755))
		mustNoErr(t, os.WriteFile(p, []byte(content), 0o644))
	}
	mustNoErr(t, testmodules.Prime())
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOSUMDB", "off")
	t.Setenv(engine.CacheEnv, t.TempDir())
	return dir
}

const goMod = "module example.com/m\n\ngo 1.26\n\nrequire github.com/jackc/pgx/v5 v5.12.0\n"

const handler = `package api

import (
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

func Handle(w http.ResponseWriter, r *http.Request) {
	pool, _ := pgxpool.New(r.Context(), "")
	defer pool.Close()
}
`

func TestRunReportsEachFindingOnceWithTestsLoaded(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":          goMod,
		"api/api.go":      handler,
		"api/api_test.go": "package api\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
		"api/ext_test.go": "package api_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/api\"\n)\n\nfunc TestY(t *testing.T) { _ = api.Handle }\n",
	})
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)
	if len(res.LoadErrors) != 0 {
		t.Fatalf("load errors: %v", res.LoadErrors)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("the package and its test variant hold the same file: one finding; got %d: %v", len(res.Findings), res.Findings)
	}
	f := res.Findings[0]
	if f.Rule != "poolconstruct" {
		t.Errorf("rule: got %q, want %q", f.Rule, "poolconstruct")
	}
	if f.File != "api/api.go" {
		t.Errorf("file: got %q, want %q", f.File, "api/api.go")
	}
	if f.Line != 10 {
		t.Errorf("line: got %d, want 10", f.Line)
	}
	if f.Severity != rules.SeverityError {
		t.Errorf("severity: got %v, want %v", f.Severity, rules.SeverityError)
	}
	if res.Files != 3 {
		t.Errorf("files: got %d, want 3", res.Files)
	}
	if len(res.Packages) != 2 {
		t.Errorf("packages: got %d, want 2 (api [api.test] and api_test [api.test])", len(res.Packages))
	}
	if _, ok := res.Timings.Analyzer["poolconstruct"]; !ok {
		t.Errorf("no timing for poolconstruct: %v", res.Timings.Analyzer)
	}
}

func TestRunAppliesIgnoreGlobsAndDisabledRules(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":         goMod,
		"api/api.go":     handler,
		"gen/gen.go":     handler[:len("package ")] + "gen" + handler[len("package api"):],
		rules.FileName:   "ignore: [\"gen/**\"]\n",
		"other/rules.md": "not a config",
	})
	cfg, err := rules.Resolve(dir, "")
	mustNoErr(t, err)
	res, err := engine.Run(engine.Options{Dir: dir, Config: cfg})
	mustNoErr(t, err)
	if len(res.Findings) != 1 {
		t.Fatalf("findings: got %d, want 1: %v", len(res.Findings), res.Findings)
	}
	if got := res.Findings[0].File; got != "api/api.go" {
		t.Errorf("file: got %q, want %q", got, "api/api.go")
	}

	off, err := rules.Parse("x", []byte("rules:\n  poolconstruct:\n    enabled: false\n"))
	mustNoErr(t, err)
	res, err = engine.Run(engine.Options{Dir: dir, Config: off})
	mustNoErr(t, err)
	if len(res.Findings) != 0 {
		t.Errorf("findings with the rule disabled: %v", res.Findings)
	}
	for _, r := range res.Rules {
		if r.ID == "poolconstruct" {
			t.Errorf("a disabled rule is not described as run: %v", r)
		}
	}
}

func TestRunAnalysesPackagesWithTypeErrors(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":        goMod,
		"api/api.go":    handler,
		"api/broken.go": "package api\n\nvar x int = \"not an int\"\n",
		"bad/bad.go":    "package bad\n\nfunc f( {\n",
	})
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)
	if len(res.Findings) != 1 {
		t.Fatalf("the finding in the well-typed file survives: got %d findings: %v", len(res.Findings), res.Findings)
	}
	var files []string
	for _, e := range res.LoadErrors {
		files = append(files, e.File)
	}
	for _, want := range []string{"api/broken.go", "bad/bad.go"} {
		if !slices.Contains(files, want) {
			t.Errorf("no load error in %s: %v", want, res.LoadErrors)
		}
	}
}

func TestLoadRejectsPatternsMatchingNothing(t *testing.T) {
	dir := writeModule(t, map[string]string{"go.mod": goMod})
	_, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), Patterns: []string{"./..."}})
	if err == nil {
		t.Fatal("no error for patterns matching nothing")
	}
}

// Naming only part of a module: b is a dependency that imports the named a.
// a's types must have one identity, or c fails to type-check
// ("cannot use *a.Config as *a.Config").
func TestRunPartialPatternsKeepTypeIdentity(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": goMod,
		"a/a.go": "package a\n\ntype Config struct{ N int }\n",
		"b/b.go": "package b\n\nimport \"example.com/m/a\"\n\nfunc Use(c *a.Config) int { return c.N }\n",
		"c/c.go": "package c\n\nimport (\n\t\"example.com/m/a\"\n\t\"example.com/m/b\"\n)\n\nvar N = b.Use(&a.Config{N: 1})\n",
	})
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), Patterns: []string{"./a", "./c"}})
	mustNoErr(t, err)
	if len(res.LoadErrors) != 0 {
		t.Errorf("load errors: %v", res.LoadErrors)
	}
	if len(res.Packages) != 2 {
		t.Errorf("packages: got %d, want 2 (b is checked for identity's sake but not analysed)", len(res.Packages))
	}
}

// a's external test imports b, which imports a: go list recompiles b as
// "b [a.test]" without listing it. The test passes a's types through b, which
// type-checks only if b's variant is checked against a's test variant.
func TestRunChecksRecompiledTestVariants(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":        goMod,
		"a/a.go":        "package a\n\ntype Conn struct{}\n",
		"a/a_test.go":   "package a\n\nfunc helperOnlyInTests() {}\n",
		"a/ext_test.go": "package a_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/a\"\n\t\"example.com/m/b\"\n)\n\nfunc TestX(t *testing.T) { b.Use(&a.Conn{}) }\n",
		"b/b.go":        "package b\n\nimport \"example.com/m/a\"\n\nfunc Use(c *a.Conn) {}\n",
	})
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)
	if len(res.LoadErrors) != 0 {
		t.Errorf("load errors: %v", res.LoadErrors)
	}
}
