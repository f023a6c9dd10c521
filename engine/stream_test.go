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

func TestFindingsOnlyReportsWhatAFullRunReports(t *testing.T) {
	dir := reportModule(t)
	full, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	require.NoError(t, err)
	lean, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), FindingsOnly: true})
	require.NoError(t, err)

	require.NotEmpty(t, full.Findings)
	assert.Equal(t, full.Findings, lean.Findings)
	assert.ElementsMatch(t, full.LoadErrors, lean.LoadErrors)
	assert.Equal(t, full.Files, lean.Files)
	assert.Equal(t, full.Rules, lean.Rules)
	assert.Len(t, lean.Packages, len(full.Packages))
	assert.Equal(t, len(full.Timings.Analyzer), len(lean.Timings.Analyzer))

	assert.NotNil(t, full.Results[full.Suite.Index], "a full run keeps the index for the inventory")
	assert.Nil(t, lean.Results, "FindingsOnly keeps no analysis results")
	for _, p := range lean.Packages {
		assert.Nil(t, p.Syntax, "%s keeps its syntax", p.ID)
		assert.Nil(t, p.TypesInfo, "%s keeps its type information", p.ID)
		assert.NotNil(t, p.Types, p.ID)
	}
}

// With an empty build cache the dependencies are checked from source
// (declarations only) instead of compiled for export data; the report must
// not change.
func TestColdCacheChecksDependenciesFromSource(t *testing.T) {
	dir := reportModule(t)
	warm, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), FindingsOnly: true})
	require.NoError(t, err)

	t.Setenv("GOCACHE", t.TempDir())
	cold, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), FindingsOnly: true})
	require.NoError(t, err)
	assert.Equal(t, warm.Findings, cold.Findings)
	assert.ElementsMatch(t, warm.LoadErrors, cold.LoadErrors)
	assert.Equal(t, warm.Files, cold.Files)
}
