package engine_test

import (
	"github.com/dbaudit/dbaudit/internal/testmodules"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// writeModule writes files into a temporary module that may require the real
// pgx from the module cache, offline.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	sum, err := os.ReadFile("../go.sum")
	require.NoError(t, err)
	files["go.sum"] = string(sum)
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	require.NoError(t, testmodules.Prime())
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
	require.NoError(t, err)
	require.Empty(t, res.LoadErrors)
	require.Len(t, res.Findings, 1, "the package and its test variant hold the same file: one finding")
	f := res.Findings[0]
	assert.Equal(t, "poolconstruct", f.Rule)
	assert.Equal(t, "api/api.go", f.File)
	assert.Equal(t, 10, f.Line)
	assert.Equal(t, rules.SeverityError, f.Severity)
	assert.Equal(t, 3, res.Files)
	assert.Len(t, res.Packages, 2, "api [api.test] and api_test [api.test]")
	assert.Contains(t, res.Timings.Analyzer, "poolconstruct")
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
	require.NoError(t, err)
	res, err := engine.Run(engine.Options{Dir: dir, Config: cfg})
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	assert.Equal(t, "api/api.go", res.Findings[0].File)

	off, err := rules.Parse("x", []byte("rules:\n  poolconstruct:\n    enabled: false\n"))
	require.NoError(t, err)
	res, err = engine.Run(engine.Options{Dir: dir, Config: off})
	require.NoError(t, err)
	assert.Empty(t, res.Findings)
	for _, r := range res.Rules {
		assert.NotEqual(t, "poolconstruct", r.ID, "a disabled rule is not described as run")
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
	require.NoError(t, err)
	require.Len(t, res.Findings, 1, "the finding in the well-typed file survives")
	var files []string
	for _, e := range res.LoadErrors {
		files = append(files, e.File)
	}
	assert.Contains(t, files, "api/broken.go")
	assert.Contains(t, files, "bad/bad.go")
}

func TestLoadRejectsPatternsMatchingNothing(t *testing.T) {
	dir := writeModule(t, map[string]string{"go.mod": goMod})
	_, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), Patterns: []string{"./..."}})
	require.Error(t, err)
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
	require.NoError(t, err)
	assert.Empty(t, res.LoadErrors)
	assert.Len(t, res.Packages, 2, "b is checked for identity's sake but not analysed")
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
	require.NoError(t, err)
	assert.Empty(t, res.LoadErrors)
}
