package integration

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nogoMain is what rules_go generates for a nogo target (see
// go/tools/builders/generate_nogo_main.go in rules_go): a list of each
// dependency's Analyzer variable. Here it feeds unitchecker, so go vet can
// stand in for Bazel.
const nogoMain = `package main

import (
	analyzer1 "example.com/monorepo/tools/dbaudit/ignore"
	analyzer2 "example.com/monorepo/tools/dbaudit/poolconstruct"
	analyzer3 "example.com/monorepo/tools/dbaudit/rawdsn"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/unitchecker"
)

var analyzers = []*analysis.Analyzer{
	analyzer1.Analyzer,
	analyzer2.Analyzer,
	analyzer3.Analyzer,
}

func main() { unitchecker.Main(analyzers...) }
`

// TestNogoExample compiles the README's nogo packages (docs/examples/nogo)
// against this tree with the main rules_go would generate, and runs the
// result on the fixture: the per-rule Analyzer variables work, configured by
// the embedded rules.yaml, with one shared index. The BUILD.bazel files
// beside them are not exercised: there is no Bazel here.
func TestNogoExample(t *testing.T) {
	slow(t)
	t.Parallel()
	mod := filepath.Join(t.TempDir(), "monorepo")
	copyTree(t, filepath.Join(repoRoot, "docs", "examples", "nogo"), mod)
	require.NoError(t, os.MkdirAll(filepath.Join(mod, "cmd", "nogo"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "cmd", "nogo", "main.go"), []byte(nogoMain), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.sum"), mustRead(t, filepath.Join(repoRoot, "go.sum")), 0o644))
	env := offlineEnv()
	mustRun(t, mod, env, "go", "mod", "edit", "-replace", "github.com/dbaudit/dbaudit="+repoRoot)
	nogo := filepath.Join(t.TempDir(), "nogo")
	mustRun(t, mod, env, "go", "build", "-o", nogo, "./cmd/nogo")

	dir := fixture(t, "app")
	want := checkFindings(t, dir) // the fixture's rules.yaml says what the embedded one says
	// The embedded rules.yaml applies, wherever the fixture's own is.
	require.NoError(t, os.Remove(filepath.Join(dir, "rules.yaml")))
	r := run(t, dir, env, "go", "vet", "-vettool="+nogo, "-json", "./...")
	require.Equal(t, 0, r.code, "%s", r.stderr)
	got := parseVetJSONNames(t, dir, r.stdout)
	assert.Equal(t, appWant, ofRules(got, "poolconstruct", "ignore"))
	assert.Equal(t, ofRules(want, "poolconstruct", "ignore", "rawdsn"), got)
}
