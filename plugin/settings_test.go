package plugin

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/rules"
)

// project makes a module example.com/proj with a rules.yaml at its root and
// a subdirectory to run from.
func project(t *testing.T, rulesYAML string) (root, sub string) {
	t.Helper()
	root = t.TempDir()
	sub = filepath.Join(root, "internal", "api")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	write(t, filepath.Join(root, "go.mod"), "module example.com/proj\n\ngo 1.26\n")
	if rulesYAML != "" {
		write(t, filepath.Join(root, "rules.yaml"), rulesYAML)
	}
	return root, sub
}

func write(t *testing.T, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
}

func TestNoSettingsFindsRulesYAMLAboveTheWorkingDirectory(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "approved_packages: [./internal/db]\n")
	for _, settings := range []any{nil, map[string]any{}} {
		cfg, _, err := decodeSettings(settings, root, sub)
		require.NoError(t, err)
		assert.Equal(t, filepath.Join(root, "rules.yaml"), cfg.Path)
		assert.True(t, cfg.Approved("example.com/proj/internal/db", false))
		assert.False(t, cfg.Approved("example.com/proj/internal/api", false))
	}
}

func TestNoSettingsAndNoRulesYAMLIsTheDefault(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	cfg, _, err := decodeSettings(nil, root, sub)
	require.NoError(t, err)
	assert.Empty(t, cfg.Path)
	assert.True(t, cfg.Approved("example.com/proj/internal/store", false), "default: packages named store are approved")
}

func TestConfigPathIsRelativeToTheGolangciConfig(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "ci"), 0o755))
	write(t, filepath.Join(root, "ci", "dbaudit.yaml"), "ignore: [\"legacy/**\"]\n")

	cfg, _, err := decodeSettings(map[string]any{"config": "ci/dbaudit.yaml"}, root, sub)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "ci", "dbaudit.yaml"), cfg.Path)
	assert.True(t, cfg.Ignored(filepath.Join(root, "ci", "legacy", "x.go")), "globs are relative to the rules file")

	abs := filepath.Join(root, "ci", "dbaudit.yaml")
	cfg, _, err = decodeSettings(map[string]any{"config": abs}, "/nonexistent", sub)
	require.NoError(t, err)
	assert.Equal(t, abs, cfg.Path)
}

func TestConfigPathErrors(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	write(t, filepath.Join(root, "bad.yaml"), "pool:\n  max_conns: 4\n")
	for _, tc := range []struct {
		name     string
		settings any
		want     []string
	}{
		{"missing file", map[string]any{"config": "nope.yaml"}, []string{filepath.Join(root, "nope.yaml")}},
		{"bad file", map[string]any{"config": "bad.yaml"}, []string{filepath.Join(root, "bad.yaml") + ":2:", `unknown key "max_conns"`}},
		{"not a string", map[string]any{"config": []any{"a.yaml"}}, []string{"settings.config: want the path of a rules.yaml file"}},
		{"empty", map[string]any{"config": ""}, []string{"settings.config: want the path"}},
		{"beside inline keys", map[string]any{"config": "rules.yaml", "ignore": []any{"x/**"}}, []string{"not both", "found ignore beside config"}},
		{"not a mapping", []any{"config", "rules.yaml"}, []string{"want a mapping", "got seq"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeSettings(tc.settings, root, sub)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestInlineSettings(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "approved_packages: [./somewhere/else]\n")
	// The shape golangci-lint hands over: viper's maps and slices, keys
	// lower-cased.
	settings := map[string]any{
		"approved_packages": []any{"./internal/platform", "./cmd/..."},
		"ignore":            []any{"legacy/**"},
		"pool":              map[string]any{"min_max_conns": 8, "max_health_check_period": "1m"},
		"rules": map[string]any{
			"poolconstruct": map[string]any{"severity": "warning"},
			"sqlpattern":    map[string]any{"enabled": false},
		},
	}
	cfg, _, err := decodeSettings(settings, root, sub)
	require.NoError(t, err)
	assert.Empty(t, cfg.Path, "inline settings come from no file")
	assert.Equal(t, root, cfg.Dir, "relative to the golangci-lint config's directory")
	assert.Equal(t, "example.com/proj", cfg.ModulePath)
	assert.True(t, cfg.Approved("example.com/proj/internal/platform", false), "inline keys win over rules.yaml on disk")
	assert.True(t, cfg.Approved("example.com/proj/cmd/tool", false))
	assert.False(t, cfg.Approved("example.com/proj/somewhere/else", false))
	assert.True(t, cfg.Ignored(filepath.Join(root, "legacy", "old.go")))
	assert.False(t, cfg.Ignored(filepath.Join(root, "internal", "api", "api.go")))
	assert.Equal(t, 8, cfg.PoolLimits().MinMaxConns)
	assert.Equal(t, rules.SeverityWarning, cfg.SeverityOf("poolconstruct", ""))
	assert.False(t, cfg.Enabled("sqlpattern"))
}

func TestInlineSettingsErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	const prefix = "linters.settings.custom.dbaudit.settings."
	for _, tc := range []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"unknown top-level key", map[string]any{"aproved_packages": []any{"./db"}},
			prefix + `aproved_packages: unknown key "aproved_packages"`},
		{"unknown nested key", map[string]any{"pool": map[string]any{"min_max_conns": 5, "max_conns": 4}},
			prefix + `pool.max_conns: unknown key "max_conns"`},
		{"wrong type", map[string]any{"pool": map[string]any{"min_max_conns": "many"}},
			prefix + `pool.min_max_conns: want a whole number, got "many"`},
		{"bad duration", map[string]any{"pool": map[string]any{"max_health_check_period": "soon"}},
			prefix + `pool.max_health_check_period: time: invalid duration "soon"`},
		{"bad severity", map[string]any{"rules": map[string]any{"poolconstruct": map[string]any{"severity": "fatal"}}},
			prefix + `rules.poolconstruct.severity: severity "fatal" is not one of error, warning, info`},
		{"unknown rule", map[string]any{"rules": map[string]any{"poolconstrukt": map[string]any{"enabled": false}}},
			prefix + `rules.poolconstrukt: unknown rule "poolconstrukt"`},
		{"bad pattern", map[string]any{"sql": map[string]any{"forbidden": []any{map[string]any{"pattern": "(unclosed"}}}},
			prefix + `sql.forbidden[0].pattern: invalid pattern "(unclosed"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeSettings(tc.settings, root, sub)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotRegexp(t, `:\d+:`, err.Error(), "line numbers of YAML the user never wrote")
		})
	}
}

func TestGolangciConfigDir(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	assert.Equal(t, sub, golangciConfigDir(nil, sub), "no .golangci file: the working directory")

	write(t, filepath.Join(root, ".golangci.yml"), "version: \"2\"\n")
	assert.Equal(t, root, golangciConfigDir([]string{"run", "./..."}, sub), "found upwards, as golangci-lint finds it")

	for _, args := range [][]string{
		{"run", "-c", "/etc/lint/golangci.yml"},
		{"run", "--config", "/etc/lint/golangci.yml", "./..."},
		{"run", "--config=/etc/lint/golangci.yml"},
		{"-c=/etc/lint/golangci.yml", "run"},
	} {
		assert.Equal(t, "/etc/lint", golangciConfigDir(args, sub), "%q", args)
	}
	assert.Equal(t, filepath.Join(sub, "lint"), golangciConfigDir([]string{"run", "-c", "lint/g.yml"}, sub))
	assert.Equal(t, root, golangciConfigDir([]string{"run", "--", "-c", "x/y.yml"}, sub), "after -- it is not a flag")
}

func TestRegisteredPlugin(t *testing.T) {
	t.Parallel()
	newPlugin, err := register.GetPlugin(Name)
	require.NoError(t, err)
	p, err := newPlugin(map[string]any{"rules": map[string]any{"poolconstruct": map[string]any{"severity": "info"}}})
	require.NoError(t, err)
	assert.Equal(t, register.LoadModeTypesInfo, p.GetLoadMode())
	analyzers, err := p.BuildAnalyzers()
	require.NoError(t, err)
	require.NoError(t, analysis.Validate(analyzers))
	names := analyzerNames(analyzers)
	assert.Contains(t, names, "poolconstruct")
	assert.Contains(t, names, "ignore")

	_, err = newPlugin(map[string]any{"rule": map[string]any{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `settings.rule: unknown key "rule"`)
}

func TestAnalyzersHonourEnabled(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	cfg, _, err := decodeSettings(map[string]any{"rules": map[string]any{"poolconstruct": map[string]any{"enabled": false}}}, root, sub)
	require.NoError(t, err)

	assert.NotContains(t, analyzerNames(Analyzers(cfg, Options{})), "poolconstruct")

	all := Analyzers(cfg, Options{KeepDisabled: true})
	require.NoError(t, analysis.Validate(all))
	i := slices.Index(analyzerNames(all), "poolconstruct")
	require.GreaterOrEqual(t, i, 0, "kept, so go vet's flags do not depend on rules.yaml")
	assert.Empty(t, all[i].Requires, "a disabled rule does no work")
}

func analyzerNames(as []*analysis.Analyzer) []string {
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	return names
}

func TestFingerprintFollowsTheRulesFile(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "ignore: [\"legacy/**\"]\n")
	fingerprint := func(settings any) []byte {
		t.Helper()
		_, fp, err := decodeSettings(settings, root, sub)
		require.NoError(t, err)
		return fp
	}
	byWalk, byPath := fingerprint(nil), fingerprint(map[string]any{"config": "rules.yaml"})
	assert.Equal(t, byWalk, fingerprint(nil), "stable")
	assert.Equal(t, byWalk, byPath, "the same file either way")

	write(t, filepath.Join(root, "rules.yaml"), "ignore: []\n")
	assert.NotEqual(t, byWalk, fingerprint(nil), "editing rules.yaml changes it")
	assert.NotEqual(t, byPath, fingerprint(map[string]any{"config": "rules.yaml"}))

	inline := fingerprint(map[string]any{"ignore": []any{"a/**"}})
	assert.NotEqual(t, inline, fingerprint(map[string]any{"ignore": []any{"b/**"}}))

	p := &Plugin{cfg: rules.Default(root), fingerprint: inline}
	analyzers, err := p.BuildAnalyzers()
	require.NoError(t, err)
	require.NoError(t, analysis.Validate(analyzers))
	assert.Contains(t, analyzerNames(analyzers), fmt.Sprintf("dbauditconfig_%x", inline[:8]),
		"golangci-lint keys its issue cache by analyzer names")
}
