package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/semver"
)

// golangciVersion is the golangci-lint release tools/custom-gcl builds.
const golangciVersion = "v2.15.0"

var customGolangci struct {
	once sync.Once
	path string
	out  string
	err  error
}

// buildCustomGolangci builds golangci-lint with the plugin the way
// tools/custom-gcl/build.sh documents: from the module proxy and cache,
// never from git (GOPROXY without its "direct" fallback, so no VCS is
// consulted). Once per test process.
func buildCustomGolangci(t *testing.T) string {
	t.Helper()
	c := &customGolangci
	c.once.Do(func() {
		c.path = filepath.Join(binDir, "golangci-lint")
		cmd := exec.Command("bash", filepath.Join(repoRoot, "tools", "custom-gcl", "build.sh"), c.path)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "GOPROXY="+proxyWithoutDirect(t), "GIT_TERMINAL_PROMPT=0", "GOTOOLCHAIN=local")
		out, err := cmd.CombinedOutput()
		c.out = string(out)
		if err != nil {
			c.err = fmt.Errorf("tools/custom-gcl/build.sh: %v\n%s", err, out)
		}
	})
	require.NoError(t, c.err)
	return c.path
}

// TestCustomGolangciTakesOnlyTheLightModule reads the module graph of the
// custom golangci-lint build: dbaudit adds nothing to it but x/tools,
// yaml.v3, the register module and what those require (issue 15 #7).
func TestCustomGolangciTakesOnlyTheLightModule(t *testing.T) {
	slow(t)
	bin := buildCustomGolangci(t)
	graph := strings.Split(string(mustRead(t, bin+".modgraph")), "\n")
	var own []string
	for _, line := range graph {
		if strings.HasPrefix(line, "github.com/dbaudit/dbaudit@") {
			own = append(own, line)
		}
	}
	t.Logf("what dbaudit adds to the build:\n%s", strings.Join(own, "\n"))
	checkLight(t, graph)

	// The modules the plugin compiles in come at versions golangci-lint
	// itself requires: dbaudit upgrades none of them in the user's build.
	highest := map[string]string{} // module -> highest version another module requires
	for _, line := range graph {
		from, to, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(from, "github.com/dbaudit/dbaudit@") {
			continue
		}
		if path, v, ok := strings.Cut(to, "@"); ok && semver.Compare(v, highest[path]) > 0 {
			highest[path] = v
		}
	}
	// The modules whose packages the plugin links, as the go command lists them.
	r := run(t, repoRoot, append(os.Environ(), "GOWORK=off"), "go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", "./plugin")
	require.Equal(t, 0, r.code, "%s", r.stderr)
	compiledIn := strings.Fields(r.stdout)
	require.Contains(t, compiledIn, "golang.org/x/tools")
	for _, edge := range own {
		_, to, _ := strings.Cut(edge, " ")
		path, v, _ := strings.Cut(to, "@")
		if slices.Contains(compiledIn, path) && semver.Compare(v, highest[path]) > 0 {
			t.Errorf("dbaudit raises %s to %s; golangci-lint's own graph requires at most %s", path, v, highest[path])
		}
	}
}

// proxyWithoutDirect is the environment's GOPROXY with the "direct" entry
// (fetching from version control) removed.
func proxyWithoutDirect(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOPROXY").Output()
	require.NoError(t, err)
	var kept []string
	for _, p := range strings.FieldsFunc(strings.TrimSpace(string(out)), func(r rune) bool { return r == ',' || r == '|' }) {
		if p != "direct" {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return "off"
	}
	return strings.Join(kept, ",")
}

// golangciIssues runs the custom golangci-lint in dir and returns its issues
// (JSON output) and the run's result.
func golangciIssues(t *testing.T, bin, dir, cache string, args ...string) ([]finding, result) {
	t.Helper()
	// Tests run golangci-lint in parallel, which it refuses by default.
	args = append([]string{"run", "--allow-parallel-runners", "--output.json.path=stdout", "--output.text.path=stderr"}, args...)
	r := run(t, dir, offlineEnv("GOLANGCI_LINT_CACHE="+cache), bin, append(args, "./...")...)
	if r.code != 0 && r.code != 1 {
		return nil, r
	}
	var out struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct {
				Filename     string
				Line, Column int
			}
		}
	}
	// The JSON report comes first; golangci-lint prints its summary after it.
	require.NoError(t, json.NewDecoder(strings.NewReader(r.stdout)).Decode(&out), "golangci-lint output:\n%s\n%s", r.stdout, r.stderr)
	var fs []finding
	for _, is := range out.Issues {
		require.Equal(t, "dbaudit", is.FromLinter)
		rule, _, ok := strings.Cut(is.Text, ": ")
		require.True(t, ok, "the message starts with the rule: %q", is.Text)
		fs = append(fs, finding{relSlash(t, dir, is.Pos.Filename), is.Pos.Line, is.Pos.Column, rule})
	}
	return sortFindings(fs), r
}

// withGolangciConfig copies a docs/examples file into dir as .golangci.yml.
func withGolangciConfig(t *testing.T, dir, example string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "docs", "examples", example))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".golangci.yml"), data, 0o644))
}

// TestGolangciLintPlugin builds golangci-lint v2 with the dbaudit module
// plugin, offline, and runs it on the fixture module with the README's
// .golangci.yml: the same findings as dbaudit check, at the same
// positions, under the linter dbaudit with the rule id leading each message.
func TestGolangciLintPlugin(t *testing.T) {
	slow(t)
	t.Parallel()
	bin := buildCustomGolangci(t)
	out := run(t, repoRoot, nil, bin, "version")
	require.Equal(t, 0, out.code)
	assert.Contains(t, out.stdout+out.stderr, golangciVersion+"-dbaudit-")

	t.Run("config file", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		withGolangciConfig(t, dir, "golangci.yml")
		cache := t.TempDir()
		got, r := golangciIssues(t, bin, dir, cache)
		require.Equal(t, 1, r.code, "golangci-lint fails on findings:\n%s", r.stderr)
		assert.Equal(t, appWant, ofRules(got, "poolconstruct", "ignore"))
		assert.Equal(t, checkFindings(t, dir), got, "the same findings as dbaudit check")

		// golangci-lint caches issues per package; editing rules.yaml (which
		// it knows nothing of) must not replay the old ones.
		rulesYAML := filepath.Join(dir, "rules.yaml")
		data, err := os.ReadFile(rulesYAML)
		require.NoError(t, err)
		edited := strings.Replace(string(data), "ignore:\n  - \"legacy/**\"\n", "", 1)
		require.NoError(t, os.WriteFile(rulesYAML, []byte(edited), 0o644))
		got, _ = golangciIssues(t, bin, dir, cache)
		assert.Equal(t, appWantNoIgnoreGlob, ofRules(got, "poolconstruct", "ignore"), "after editing rules.yaml")
	})

	// Three findings on one line (issue 14 #1): golangci-lint keeps one
	// issue per line unless issues.uniq-by-line is false, as the README's
	// configuration sets it. Without that line it hides two of them.
	t.Run("several findings on one line", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "oneline")
		want := checkFindings(t, dir)
		perLine := map[int]int{}
		for _, f := range want {
			perLine[f.Line]++
		}
		require.Equal(t, 3, perLine[12], "the fixture's DSN line carries rawdsn and two driveropts findings: %v", want)

		withGolangciConfig(t, dir, "golangci.yml")
		got, r := golangciIssues(t, bin, dir, t.TempDir())
		require.Equal(t, 1, r.code, "%s", r.stderr)
		assert.Equal(t, want, got, "as many issues as dbaudit check finds")
		assert.Len(t, got, len(want))

		cfg := filepath.Join(dir, ".golangci.yml")
		data, err := os.ReadFile(cfg)
		require.NoError(t, err)
		without := strings.Replace(string(data), "  uniq-by-line: false\n", "", 1)
		require.NotEqual(t, string(data), without, "docs/examples/golangci.yml sets issues.uniq-by-line: false")
		require.NoError(t, os.WriteFile(cfg, []byte(without), 0o644))
		got, _ = golangciIssues(t, bin, dir, t.TempDir())
		assert.Len(t, got, len(want)-2, "golangci-lint's default keeps one issue per line")
	})

	// Exit codes (issue 14 #11): golangci-lint fails on any issue, whatever
	// dbaudit's severity; dbaudit check fails only at --fail-on (default
	// error), so a warnings-only module needs --fail-on warning to match.
	t.Run("warnings only", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "oneline")
		appendFile(t, filepath.Join(dir, "rules.yaml"), warningsOnly)
		withGolangciConfig(t, dir, "golangci.yml")
		got, r := golangciIssues(t, bin, dir, t.TempDir())
		assert.Equal(t, 1, r.code, "golangci-lint fails on warnings too:\n%s", r.stderr)
		assert.Equal(t, checkFindings(t, dir), got)
	})

	t.Run("inline settings", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		want := checkFindings(t, dir) // with the fixture's rules.yaml...
		require.NoError(t, os.Remove(filepath.Join(dir, "rules.yaml")))
		withGolangciConfig(t, dir, "golangci-inline.yml") // ...which says what the inline keys say
		got, r := golangciIssues(t, bin, dir, t.TempDir())
		require.Equal(t, 1, r.code, "%s", r.stderr)
		assert.Equal(t, appWant, ofRules(got, "poolconstruct", "ignore"))
		assert.Equal(t, want, got)
	})

	t.Run("invalid settings", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		withGolangciConfig(t, dir, "golangci-inline.yml")
		cfg := filepath.Join(dir, ".golangci.yml")
		data, err := os.ReadFile(cfg)
		require.NoError(t, err)
		bad := strings.Replace(string(data), "severity: warning", "severity: urgent", 1)
		bad = strings.Replace(bad, "ignore:", "ignored:", 1)
		require.NotEqual(t, string(data), bad)
		require.NoError(t, os.WriteFile(cfg, []byte(bad), 0o644))
		_, r := golangciIssues(t, bin, dir, t.TempDir())
		assert.NotContains(t, []int{0, 1}, r.code, "a configuration error, not findings")
		assert.Contains(t, r.stderr, `linters.settings.custom.dbaudit.settings.ignored: unknown key "ignored"`)
		assert.Contains(t, r.stderr, `linters.settings.custom.dbaudit.settings.rules.poolconfig.severity: severity "urgent" is not one of error, warning, info`)
	})

	t.Run("golangci-lint custom with the README's local .custom-gcl.yml", func(t *testing.T) {
		t.Parallel()
		custom := golangciCustom(t, bin)
		dir := fixture(t, "app")
		withGolangciConfig(t, dir, "golangci.yml")
		got, r := golangciIssues(t, custom, dir, t.TempDir())
		require.Equal(t, 1, r.code, "%s", r.stderr)
		assert.Equal(t, checkFindings(t, dir), got)
	})
}

// golangciCustom runs `golangci-lint custom` as a user would, with the
// README's .custom-gcl.yml for a local checkout (path:), pointed at this
// one; the published example differs only in naming a version. The one step
// that needs GitHub, `git clone` of golangci-lint at the release tag, is
// answered by a stand-in git that copies the same release's source from the
// module cache.
func golangciCustom(t *testing.T, bin string) string {
	t.Helper()
	work := t.TempDir()
	published := string(mustRead(t, filepath.Join(repoRoot, "docs", "examples", "custom-gcl.yml")))
	cfg := string(mustRead(t, filepath.Join(repoRoot, "docs", "examples", "custom-gcl-local.yml")))
	for _, c := range []string{published, cfg} {
		require.Contains(t, c, "\nversion: "+golangciVersion+"\n")
		require.Contains(t, c, "    import: github.com/dbaudit/dbaudit/plugin\n")
	}
	require.Contains(t, published, "    version: v1.0.0\n")
	pathLine := "    path: /home/you/src/dbaudit\n"
	require.Contains(t, cfg, pathLine)
	cfg = strings.Replace(cfg, pathLine, "    path: "+repoRoot+"\n", 1)
	require.NoError(t, os.WriteFile(filepath.Join(work, ".custom-gcl.yml"), []byte(cfg), 0o644))

	src := strings.TrimSpace(mustRun(t, repoRoot, nil, "go", "mod", "download", "-json", "github.com/golangci/golangci-lint/v2@"+golangciVersion).stdout)
	var mod struct{ Dir string }
	require.NoError(t, json.Unmarshal([]byte(src), &mod))
	fakeGit := filepath.Join(t.TempDir(), "git")
	script := fmt.Sprintf(`#!/bin/sh
# Stands in for "git clone --branch %[1]s ... https://github.com/golangci/golangci-lint.git".
case "$*" in
  "clone --branch %[1]s --single-branch --depth 1 -c advice.detachedHead=false -q https://github.com/golangci/golangci-lint.git")
    cp -R %[2]q golangci-lint && chmod -R u+w golangci-lint ;;
  *) echo "unexpected git $*" >&2; exit 1 ;;
esac
`, golangciVersion, mod.Dir)
	require.NoError(t, os.WriteFile(fakeGit, []byte(script), 0o755))

	env := append(os.Environ(), "PATH="+filepath.Dir(fakeGit)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GOPROXY="+proxyWithoutDirect(t), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
	mustRun(t, work, env, bin, "custom", "-v")
	custom := filepath.Join(work, "custom-gcl")
	require.FileExists(t, custom)
	return custom
}
