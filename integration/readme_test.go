package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMissingToolFailsUnderCI runs the helpers in a child test process with
// a tool that does not exist: a skip (need) or a note (useIfInstalled)
// locally, a failure under CI=true, where a skip would pass unseen
// (issue 14 #15).
func TestMissingToolFailsUnderCI(t *testing.T) {
	if tool := os.Getenv("DBAUDIT_MISSING_TOOL_HELPER"); tool != "" {
		if useIfInstalled(t, tool, "apt-get install "+tool) {
			t.Fatal("a tool that does not exist was found")
		}
		need(t, tool, "apt-get install "+tool)
		t.Fatal("need returned for a missing tool")
	}
	t.Parallel()
	child := func(ci string) result {
		exe, err := os.Executable()
		require.NoError(t, err)
		env := append(os.Environ(), "DBAUDIT_MISSING_TOOL_HELPER=dbaudit-no-such-tool", "CI="+ci)
		return run(t, repoRoot, env, exe, "-test.run=^TestMissingToolFailsUnderCI$", "-test.v")
	}
	local := child("")
	assert.Equal(t, 0, local.code, "%s", local.stdout)
	assert.Contains(t, local.stdout, "dbaudit-no-such-tool is not installed: apt-get install dbaudit-no-such-tool (the test runs without it; under CI=true it fails)")
	assert.Contains(t, local.stdout, "--- SKIP: TestMissingToolFailsUnderCI")

	ci := child("true")
	assert.Equal(t, 1, ci.code, "%s", ci.stdout)
	assert.Contains(t, ci.stdout, "dbaudit-no-such-tool is not installed (CI=true): apt-get install dbaudit-no-such-tool")
	assert.Contains(t, ci.stdout, "--- FAIL: TestMissingToolFailsUnderCI")
}

// warningsOnly makes every finding of the oneline fixture a warning.
const warningsOnly = `rules:
  rawdsn:
    severity: warning
  driveropts:
    severity: warning
  conncleanup:
    severity: warning
`

// TestWarningsOnlyExitCodes pins the README's exit-code table for a module
// whose findings are all warnings (issue 14 #11): dbaudit check exits 0 and
// says why, --fail-on warning makes it exit 1, and go vet -vettool exits 1
// as it does for any diagnostic. (golangci-lint's side, also 1, is in
// TestGolangciLintPlugin.)
func TestWarningsOnlyExitCodes(t *testing.T) {
	notShort(t)
	t.Parallel()
	dbaudit := goBuild(t, "cmd/dbaudit")
	vet := goBuild(t, "cmd/dbaudit-vet")
	dir := fixture(t, "oneline")
	appendFile(t, filepath.Join(dir, "rules.yaml"), warningsOnly)
	want := checkFindings(t, dir)
	require.Len(t, want, 4)

	r := run(t, dir, offlineEnv(), dbaudit, "check", "./...")
	assert.Equal(t, 0, r.code, "%s", r.stderr)
	assert.Equal(t, 4, strings.Count(r.stdout, ": warning: "), r.stdout)
	assert.Equal(t, "0 errors, 4 warnings (fail-on: error)\n", r.stderr)

	r = run(t, dir, offlineEnv(), dbaudit, "check", "--fail-on", "warning", "./...")
	assert.Equal(t, 1, r.code, "%s", r.stderr)
	assert.Equal(t, "0 errors, 4 warnings (fail-on: warning)\n", r.stderr)

	r = run(t, dir, offlineEnv(), "go", "vet", "-vettool="+vet, "./...")
	assert.Equal(t, 1, r.code, "go vet fails on any finding:\n%s", r.stderr)
	assert.Equal(t, want, parseVetText(t, dir, r.stderr))
}

// TestGoInstallFromCheckout is the README's local route for another
// repository before a release: go install from a checkout, then run the
// installed commands there (issue 14 #16).
func TestGoInstallFromCheckout(t *testing.T) {
	notShort(t)
	t.Parallel()
	const install = "go install ./cmd/dbaudit ./cmd/dbaudit-vet"
	readme := string(mustRead(t, filepath.Join(repoRoot, "README.md")))
	require.Contains(t, readme, "\n"+install+"\n", "the README shows the command this test runs")

	gobin := t.TempDir()
	args := strings.Fields(install)
	mustRun(t, repoRoot, append(os.Environ(), "GOBIN="+gobin, "GOTOOLCHAIN=local"), args[0], args[1:]...)
	dir := fixture(t, "app")
	r := run(t, dir, offlineEnv(), filepath.Join(gobin, "dbaudit"), "check", "./...")
	assert.Equal(t, 1, r.code, "%s", r.stderr)
	assert.Equal(t, checkFindings(t, dir), parseVetText(t, dir, r.stdout))
	r = run(t, dir, offlineEnv(), "go", "vet", "-vettool="+filepath.Join(gobin, "dbaudit-vet"), "./...")
	assert.Equal(t, checkFindings(t, dir), parseVetText(t, dir, r.stderr))
	_, err := exec.LookPath(filepath.Join(gobin, "dbaudit"))
	assert.NoError(t, err)
}

// TestReadmeFixExample runs --diff and --fix on the README's example
// (docs/examples/fix): two keys of one connection string, each dropped with
// the '&' they share. The fixes compose, the diff is the one the README
// shows, and --fix leaves a clean module (issue 14 #3).
func TestReadmeFixExample(t *testing.T) {
	notShort(t)
	t.Parallel()
	dbaudit := goBuild(t, "cmd/dbaudit")
	dir := filepath.Join(t.TempDir(), "fix")
	copyTree(t, filepath.Join(repoRoot, "docs", "examples", "fix"), dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), mustRead(t, filepath.Join(repoRoot, "integration", "testdata", "app", "go.sum")), 0o644))
	readme := string(mustRead(t, filepath.Join(repoRoot, "README.md")))

	r := run(t, dir, offlineEnv(), dbaudit, "check", "--diff", "./...")
	assert.Equal(t, 1, r.code, "the findings remain until the diff is applied:\n%s", r.stderr)
	assert.Contains(t, r.stdout, "+\treturn pgxpool.New(ctx, \"postgres://app@db:5432/orders?\")\n")
	assert.Contains(t, readme, "```diff\n$ dbaudit check --diff ./...\n"+r.stdout+"```", "the README shows this diff")
	assert.Contains(t, r.stderr, "the diff fixes 2 of 2 finding(s)")
	assert.NotContains(t, r.stderr, "not applied")

	r = run(t, dir, offlineEnv(), dbaudit, "check", "--fix", "./...")
	assert.Equal(t, 0, r.code, "%s", r.stderr)
	assert.Contains(t, r.stderr, "fixed store/store.go\n")
	r = run(t, dir, offlineEnv(), dbaudit, "check", "./...")
	assert.Equal(t, 0, r.code, "%s", r.stderr)
	assert.Empty(t, r.stdout)
	assert.Equal(t, "0 findings in 1 package\n", r.stderr)
}
