package synth_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dbaudit/dbaudit/internal/testmodules"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/bench/internal/synth"
	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

func TestPlanMakesUpTheExactCount(t *testing.T) {
	t.Parallel()
	for _, n := range []int{synth.MinPackages, 17, 100, 1000, 5000, 12345} {
		lay, err := synth.Plan(n)
		require.NoError(t, err, n)
		assert.Positive(t, lay.Domains, n)
		assert.Less(t, lay.Padding, 10+1+5, "padding stays small at %d", n)
	}
	_, err := synth.Plan(synth.MinPackages - 1)
	assert.ErrorContains(t, err, "at least")
}

func TestGenerateRefusesANonEmptyDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x"), nil, 0o644))
	_, err := synth.Generate(dir, 20, nil)
	assert.ErrorContains(t, err, "not empty")
}

// The generated module type-checks against the real pgx, and its legacy
// code gives every rule of the suite something to report.
func TestGeneratedModuleChecksCleanlyAndBreaksEveryRule(t *testing.T) {
	sum := testmodules.GoSum()
	dir := filepath.Join(t.TempDir(), "mod")
	st, err := synth.Generate(dir, 40, sum)
	require.NoError(t, err)
	assert.Equal(t, 40, st.Packages)
	assert.Equal(t, 1, st.ViolatingDomains)
	assert.Positive(t, st.TestFiles)

	require.NoError(t, testmodules.Prime())
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=readonly")
	cfg, err := rules.Resolve(dir, "")
	require.NoError(t, err)
	res, err := engine.Run(engine.Options{Dir: dir, Config: cfg})
	require.NoError(t, err)
	require.Empty(t, res.LoadErrors, "the generated code must compile")

	byRule := map[string]int{}
	for _, f := range res.Findings {
		byRule[f.Rule]++
		assert.Contains(t, f.File, "/orders0000/", "only the violating domain has findings: %s:%d %s", f.File, f.Line, f.Message)
	}
	for _, a := range suite.New(cfg).Enabled() {
		assert.Positive(t, byRule[a.Name], "no %s finding in the generated module", a.Name)
	}
}
