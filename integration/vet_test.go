package integration

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vetLine is one finding in go vet's text output, where dbaudit-vet starts
// each message with the rule id, or in dbaudit check's, which puts the
// severity before it.
var vetLine = regexp.MustCompile(`(?m)^(\S+\.go):(\d+):(\d+): (?:(?:error|warning|info): )?([a-z]+): `)

func parseVetText(t *testing.T, dir, stderr string) []finding {
	t.Helper()
	var out []finding
	for _, m := range vetLine.FindAllStringSubmatch(stderr, -1) {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		out = append(out, finding{relSlash(t, dir, m[1]), line, col, m[4]})
	}
	return sortFindings(out)
}

// parseVetJSON reads go vet -json's stream of objects:
// {"pkg": {"analyzer": [{"posn": "file:line:col", "message": ...}]}}.
func parseVetJSON(t *testing.T, dir, stdout string) []finding {
	t.Helper()
	return parseVetJSONTree(t, dir, stdout, true)
}

// parseVetJSONNames is parseVetJSON for drivers whose messages do not repeat
// the rule id (nogo's, like golangci-lint's, name the analyzer themselves).
func parseVetJSONNames(t *testing.T, dir, stdout string) []finding {
	t.Helper()
	return parseVetJSONTree(t, dir, stdout, false)
}

func parseVetJSONTree(t *testing.T, dir, stdout string, prefixed bool) []finding {
	t.Helper()
	var out []finding
	dec := json.NewDecoder(strings.NewReader(stdout))
	for {
		var tree map[string]map[string]json.RawMessage
		err := dec.Decode(&tree)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "go vet -json output:\n%s", stdout)
		for _, byAnalyzer := range tree {
			for analyzer, raw := range byAnalyzer {
				var diags []struct{ Posn, Message string }
				require.NoError(t, json.Unmarshal(raw, &diags), "%s: %s", analyzer, raw)
				for _, d := range diags {
					m := regexp.MustCompile(`^(.*):(\d+):(\d+)$`).FindStringSubmatch(d.Posn)
					require.NotNil(t, m, "posn %q", d.Posn)
					assert.Equal(t, prefixed, strings.HasPrefix(d.Message, analyzer+": "), "rule id before the message: %q", d.Message)
					line, _ := strconv.Atoi(m[2])
					col, _ := strconv.Atoi(m[3])
					out = append(out, finding{relSlash(t, dir, m[1]), line, col, analyzer})
				}
			}
		}
	}
	return sortFindings(out)
}

// TestGoVetVettool builds cmd/dbaudit-vet and runs it the way the README
// says, go vet -vettool=..., on the fixture module: the findings and their
// positions are dbaudit check's, rules.yaml is read, and editing rules.yaml
// reruns the analysis instead of replaying go's cache.
func TestGoVetVettool(t *testing.T) {
	notShort(t)
	t.Parallel()
	vet := goBuild(t, "cmd/dbaudit-vet")
	dir := fixture(t, "app")
	env := offlineEnv()
	reference := checkFindings(t, dir)
	require.Equal(t, appWant, ofRules(reference, "poolconstruct", "ignore"), "dbaudit check on the fixture")

	text := run(t, dir, env, "go", "vet", "-vettool="+vet, "./...")
	assert.Equal(t, 1, text.code, "go vet fails when there are findings:\n%s", text.stderr)
	assert.Equal(t, reference, parseVetText(t, dir, text.stderr), "go vet output:\n%s", text.stderr)
	assert.Contains(t, text.stderr, "internal/report/report.go:13:15: poolconstruct: pgx.Connect in package example.com/app/internal/report, which is not approved")

	js := run(t, dir, env, "go", "vet", "-vettool="+vet, "-json", "./...")
	assert.Equal(t, 0, js.code, "go vet -json reports without failing:\n%s", js.stderr)
	assert.Equal(t, reference, parseVetJSON(t, dir, js.stdout))

	// The legacy package is clean under rules.yaml, so go caches its result;
	// dropping the ignore glob must still bring its finding back.
	rulesYAML := filepath.Join(dir, "rules.yaml")
	data, err := os.ReadFile(rulesYAML)
	require.NoError(t, err)
	edited := strings.Replace(string(data), "ignore:\n  - \"legacy/**\"\n", "", 1)
	require.NotEqual(t, string(data), edited)
	require.NoError(t, os.WriteFile(rulesYAML, []byte(edited), 0o644))
	again := run(t, dir, env, "go", "vet", "-vettool="+vet, "./...")
	assert.Equal(t, appWantNoIgnoreGlob, ofRules(parseVetText(t, dir, again.stderr), "poolconstruct", "ignore"),
		"after editing rules.yaml:\n%s", again.stderr)
	assert.Equal(t, checkFindings(t, dir), parseVetText(t, dir, again.stderr))
}

// TestGoVetVettoolConfig covers the other ways to configure the vet tool:
// DBAUDIT_CONFIG, the embedded default, and a broken rules.yaml.
func TestGoVetVettoolConfig(t *testing.T) {
	notShort(t)
	t.Parallel()
	vet := goBuild(t, "cmd/dbaudit-vet")

	t.Run("DBAUDIT_CONFIG", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		other := filepath.Join(t.TempDir(), "strict.yaml")
		require.NoError(t, os.WriteFile(other, []byte("rules:\n  poolconstruct:\n    enabled: false\n"), 0o644))
		r := run(t, dir, offlineEnv("DBAUDIT_CONFIG="+other), "go", "vet", "-vettool="+vet, "./...")
		assert.Equal(t, []finding{{"internal/report/report.go", 32, 2, "ignore"}},
			ofRules(parseVetText(t, dir, r.stderr), "poolconstruct", "ignore"), "poolconstruct disabled:\n%s", r.stderr)

		r = run(t, dir, offlineEnv("DBAUDIT_CONFIG=strict.yaml"), "go", "vet", "-vettool="+vet, "./...")
		assert.NotEqual(t, 0, r.code)
		assert.Contains(t, r.stderr, "DBAUDIT_CONFIG=strict.yaml: give an absolute path")
	})

	t.Run("default config without rules.yaml", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		require.NoError(t, os.Remove(filepath.Join(dir, "rules.yaml")))
		r := run(t, dir, offlineEnv(), "go", "vet", "-vettool="+vet, "./internal/platform", "./legacy")
		// Without approved_packages there is no policy: only what is a bug
		// under any policy, the pool built per loop iteration (OpenShards);
		// the retry loop (OpenReplica, line 15) and legacy's pool built once
		// stay silent.
		assert.Equal(t, []finding{
			{"internal/platform/platform.go", 31, 14, "poolconstruct"},
		}, ofRules(parseVetText(t, dir, r.stderr), "poolconstruct", "ignore"), "%s", r.stderr)
	})

	t.Run("bad rules.yaml", func(t *testing.T) {
		t.Parallel()
		dir := fixture(t, "app")
		require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("approved_packages: [./cmd/...]\npool:\n  max_conns: 4\n"), 0o644))
		r := run(t, dir, offlineEnv(), "go", "vet", "-vettool="+vet, "./...")
		assert.NotEqual(t, 0, r.code)
		assert.Contains(t, r.stderr, `rules.yaml:3: unknown key "max_conns"`)
	})
}
