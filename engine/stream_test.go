package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// A module with something for every part of the report: a finding in a
// package with a test variant, an external test package, a bad directive, a
// type error and a parse error.
func reportModule(t *testing.T) string {
	return writeModule(t, map[string]string{
		"go.mod":          goMod,
		"api/api.go":      handler,
		"api/api_test.go": "package api\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
		"api/ext_test.go": "package api_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/api\"\n)\n\nfunc TestY(t *testing.T) { _ = api.Handle }\n",
		"api/ignored.go":  "package api\n\n//dbaudit:ignore poolconstruct\nvar _ = 1\n",
		"svc/svc.go":      "package svc\n\nimport \"example.com/m/api\"\n\nvar H = api.Handle\n\nvar x int = \"not an int\"\n",
		"bad/bad.go":      "package bad\n\nfunc f( {\n",
	})
}

// A run analyses each package as soon as it is type-checked and drops its
// syntax and type information right after; a run served by the result
// cache reports the same.
func TestRunDropsSyntaxAndTheCacheReportsTheSame(t *testing.T) {
	dir := reportModule(t)
	fresh, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	require.NoError(t, err)
	cold, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	require.NoError(t, err)
	warm, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	require.NoError(t, err)

	require.NotEmpty(t, fresh.Findings)
	for _, run := range []*engine.Result{cold, warm} {
		assert.Equal(t, fresh.Findings, run.Findings)
		assert.ElementsMatch(t, fresh.LoadErrors, run.LoadErrors)
		assert.Equal(t, fresh.Files, run.Files)
		assert.Equal(t, fresh.Rules, run.Rules)
		assert.Len(t, run.Packages, len(fresh.Packages))
		assert.Equal(t, len(fresh.Timings.Analyzer), len(run.Timings.Analyzer))
	}
	assert.Positive(t, warm.Cached, "the second run is served by the cache")
	for _, p := range fresh.Packages {
		assert.Nil(t, p.Syntax, "%s keeps its syntax", p.ID)
		assert.Nil(t, p.TypesInfo, "%s keeps its type information", p.ID)
	}
}

// With an empty build cache the dependencies are checked from source
// (declarations only) instead of compiled for export data; the report must
// not change.
func TestColdCacheChecksDependenciesFromSource(t *testing.T) {
	dir := reportModule(t)
	warm, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	require.NoError(t, err)

	t.Setenv("GOCACHE", t.TempDir())
	cold, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	require.NoError(t, err)
	assert.Equal(t, warm.Findings, cold.Findings)
	assert.ElementsMatch(t, warm.LoadErrors, cold.LoadErrors)
	assert.Equal(t, warm.Files, cold.Files)
}
