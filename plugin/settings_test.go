package plugin

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/rules"
)

// mustNoErr stops the test on an unexpected error.
func mustNoErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantErrContaining stops the test if err is nil, and fails it for each of
// want that err does not contain.
func wantErrContaining(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// wantApproved checks cfg.Approved(pkg, false).
func wantApproved(t *testing.T, cfg *rules.Config, pkg string, want bool, why string) {
	t.Helper()
	if got := cfg.Approved(pkg, false); got != want {
		t.Errorf("Approved(%q) = %v, want %v %s", pkg, got, want, why)
	}
}

// wantIgnored checks cfg.Ignored(file).
func wantIgnored(t *testing.T, cfg *rules.Config, file string, want bool, why string) {
	t.Helper()
	if got := cfg.Ignored(file); got != want {
		t.Errorf("Ignored(%q) = %v, want %v %s", file, got, want, why)
	}
}

// project makes a module example.com/proj with a rules.yaml at its root and
// a subdirectory to run from.
func project(t *testing.T, rulesYAML string) (root, sub string) {
	t.Helper()
	root = t.TempDir()
	sub = filepath.Join(root, "internal", "api")
	mustNoErr(t, os.MkdirAll(sub, 0o755), "mkdir")
	write(t, filepath.Join(root, "go.mod"), "module example.com/proj\n\ngo 1.26\n")
	if rulesYAML != "" {
		write(t, filepath.Join(root, "rules.yaml"), rulesYAML)
	}
	return root, sub
}

func write(t *testing.T, name, content string) {
	t.Helper()
	mustNoErr(t, os.WriteFile(name, []byte(content), 0o644), "write")
}

func TestNoSettingsFindsRulesYAMLAboveTheWorkingDirectory(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "approved_packages: [./internal/db]\n")
	for _, settings := range []any{nil, map[string]any{}} {
		cfg, _, err := decodeSettings(settings, root, sub)
		mustNoErr(t, err, "decodeSettings")
		if want := filepath.Join(root, "rules.yaml"); cfg.Path != want {
			t.Errorf("settings %v: Path = %q, want %q", settings, cfg.Path, want)
		}
		wantApproved(t, cfg, "example.com/proj/internal/db", true, "")
		wantApproved(t, cfg, "example.com/proj/internal/api", false, "")
	}
}

func TestNoSettingsAndNoRulesYAMLIsTheDefault(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	cfg, _, err := decodeSettings(nil, root, sub)
	mustNoErr(t, err, "decodeSettings")
	if cfg.Path != "" {
		t.Errorf("Path = %q, want none", cfg.Path)
	}
	wantApproved(t, cfg, "example.com/proj/internal/store", true, "(default: packages named store are approved)")
}

func TestConfigPathIsRelativeToTheGolangciConfig(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	mustNoErr(t, os.MkdirAll(filepath.Join(root, "ci"), 0o755), "mkdir")
	write(t, filepath.Join(root, "ci", "dbaudit.yaml"), "ignore: [\"legacy/**\"]\n")

	cfg, _, err := decodeSettings(map[string]any{"config": "ci/dbaudit.yaml"}, root, sub)
	mustNoErr(t, err, "decodeSettings")
	if want := filepath.Join(root, "ci", "dbaudit.yaml"); cfg.Path != want {
		t.Errorf("Path = %q, want %q", cfg.Path, want)
	}
	wantIgnored(t, cfg, filepath.Join(root, "ci", "legacy", "x.go"), true, "(globs are relative to the rules file)")

	abs := filepath.Join(root, "ci", "dbaudit.yaml")
	cfg, _, err = decodeSettings(map[string]any{"config": abs}, "/nonexistent", sub)
	mustNoErr(t, err, "decodeSettings")
	if cfg.Path != abs {
		t.Errorf("Path = %q, want %q", cfg.Path, abs)
	}
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
			wantErrContaining(t, err, tc.want...)
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
	mustNoErr(t, err, "decodeSettings")
	if cfg.Path != "" {
		t.Errorf("Path = %q, want none: inline settings come from no file", cfg.Path)
	}
	if cfg.Dir != root {
		t.Errorf("Dir = %q, want %q: relative to the golangci-lint config's directory", cfg.Dir, root)
	}
	if cfg.ModulePath != "example.com/proj" {
		t.Errorf("ModulePath = %q, want example.com/proj", cfg.ModulePath)
	}
	wantApproved(t, cfg, "example.com/proj/internal/platform", true, "(inline keys win over rules.yaml on disk)")
	wantApproved(t, cfg, "example.com/proj/cmd/tool", true, "")
	wantApproved(t, cfg, "example.com/proj/somewhere/else", false, "")
	wantIgnored(t, cfg, filepath.Join(root, "legacy", "old.go"), true, "")
	wantIgnored(t, cfg, filepath.Join(root, "internal", "api", "api.go"), false, "")
	if got := cfg.PoolLimits().MinMaxConns; got != 8 {
		t.Errorf("PoolLimits().MinMaxConns = %d, want 8", got)
	}
	if got := cfg.SeverityOf("poolconstruct", ""); got != rules.SeverityWarning {
		t.Errorf("SeverityOf(poolconstruct) = %q, want %q", got, rules.SeverityWarning)
	}
	if cfg.Enabled("sqlpattern") {
		t.Errorf("sqlpattern enabled, want disabled")
	}
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
			wantErrContaining(t, err, tc.want)
			if regexp.MustCompile(`:\d+:`).MatchString(err.Error()) {
				t.Errorf("error %q has line numbers of YAML the user never wrote", err)
			}
		})
	}
}

func TestGolangciConfigDir(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	check := func(args []string, want, why string) {
		t.Helper()
		if got := golangciConfigDir(args, sub); got != want {
			t.Errorf("golangciConfigDir(%q) = %q, want %q %s", args, got, want, why)
		}
	}
	check(nil, sub, "(no .golangci file: the working directory)")

	write(t, filepath.Join(root, ".golangci.yml"), "version: \"2\"\n")
	check([]string{"run", "./..."}, root, "(found upwards, as golangci-lint finds it)")

	for _, args := range [][]string{
		{"run", "-c", "/etc/lint/golangci.yml"},
		{"run", "--config", "/etc/lint/golangci.yml", "./..."},
		{"run", "--config=/etc/lint/golangci.yml"},
		{"-c=/etc/lint/golangci.yml", "run"},
	} {
		check(args, "/etc/lint", "")
	}
	check([]string{"run", "-c", "lint/g.yml"}, filepath.Join(sub, "lint"), "")
	check([]string{"run", "--", "-c", "x/y.yml"}, root, "(after -- it is not a flag)")
}

func TestRegisteredPlugin(t *testing.T) {
	t.Parallel()
	newPlugin, err := register.GetPlugin(Name)
	mustNoErr(t, err, "GetPlugin")
	p, err := newPlugin(map[string]any{"rules": map[string]any{"poolconstruct": map[string]any{"severity": "info"}}})
	mustNoErr(t, err, "newPlugin")
	if got := p.GetLoadMode(); got != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode = %q, want %q", got, register.LoadModeTypesInfo)
	}
	analyzers, err := p.BuildAnalyzers()
	mustNoErr(t, err, "BuildAnalyzers")
	mustNoErr(t, analysis.Validate(analyzers), "analysis.Validate")
	names := analyzerNames(analyzers)
	for _, want := range []string{"poolconstruct", "ignore"} {
		if !slices.Contains(names, want) {
			t.Errorf("analyzers %q lack %q", names, want)
		}
	}

	_, err = newPlugin(map[string]any{"rule": map[string]any{}})
	wantErrContaining(t, err, `settings.rule: unknown key "rule"`)
}

func TestAnalyzersHonourEnabled(t *testing.T) {
	t.Parallel()
	root, sub := project(t, "")
	cfg, _, err := decodeSettings(map[string]any{"rules": map[string]any{"poolconstruct": map[string]any{"enabled": false}}}, root, sub)
	mustNoErr(t, err, "decodeSettings")

	if names := analyzerNames(Analyzers(cfg, Options{})); slices.Contains(names, "poolconstruct") {
		t.Errorf("disabled poolconstruct among the analyzers %q", names)
	}

	all := Analyzers(cfg, Options{KeepDisabled: true})
	mustNoErr(t, analysis.Validate(all), "analysis.Validate")
	i := slices.Index(analyzerNames(all), "poolconstruct")
	if i < 0 {
		t.Fatalf("KeepDisabled: poolconstruct dropped from %q; it is kept so go vet's flags do not depend on rules.yaml", analyzerNames(all))
	}
	if len(all[i].Requires) != 0 {
		t.Errorf("disabled poolconstruct requires %v; a disabled rule does no work", all[i].Requires)
	}
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
		mustNoErr(t, err, "decodeSettings")
		return fp
	}
	byWalk, byPath := fingerprint(nil), fingerprint(map[string]any{"config": "rules.yaml"})
	if again := fingerprint(nil); !bytes.Equal(again, byWalk) {
		t.Errorf("fingerprint not stable: %x, then %x", byWalk, again)
	}
	if !bytes.Equal(byPath, byWalk) {
		t.Errorf("the same file either way: found %x, by path %x", byWalk, byPath)
	}

	write(t, filepath.Join(root, "rules.yaml"), "ignore: []\n")
	if bytes.Equal(fingerprint(nil), byWalk) {
		t.Errorf("editing rules.yaml does not change the fingerprint (found by walking up)")
	}
	if bytes.Equal(fingerprint(map[string]any{"config": "rules.yaml"}), byPath) {
		t.Errorf("editing rules.yaml does not change the fingerprint (named by settings.config)")
	}

	inline := fingerprint(map[string]any{"ignore": []any{"a/**"}})
	if bytes.Equal(fingerprint(map[string]any{"ignore": []any{"b/**"}}), inline) {
		t.Errorf("different inline settings, the same fingerprint %x", inline)
	}

	p := &Plugin{cfg: rules.Default(root), fingerprint: inline}
	analyzers, err := p.BuildAnalyzers()
	mustNoErr(t, err, "BuildAnalyzers")
	mustNoErr(t, analysis.Validate(analyzers), "analysis.Validate")
	if want, names := fmt.Sprintf("dbauditconfig_%x", inline[:8]), analyzerNames(analyzers); !slices.Contains(names, want) {
		t.Errorf("analyzers %q lack %q: golangci-lint keys its issue cache by analyzer names", names, want)
	}
}
