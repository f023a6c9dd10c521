package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "rules: {}\naproved_packages: [x]\n", `x.yaml:2: unknown key "aproved_packages"`},
		{"unknown nested key", "pool:\n  min_max_conns: 5\n  max_conns: 3\n", `x.yaml:3: unknown key "max_conns"`},
		{"wrong type", "pool:\n  min_max_conns: lots\n", `x.yaml:2: pool.min_max_conns: want a whole number, got "lots"`},
		{"bad severity", "rules:\n  rawdsn:\n    severity: fatal\n", `x.yaml:3: severity "fatal" is not one of error, warning, info`},
		{"unknown rule", "rules:\n  rawdsnn: {}\n", `x.yaml:2: unknown rule "rawdsnn"`},
		{"bad regexp", "sql:\n  forbidden:\n    - pattern: '(['\n", `x.yaml:3: invalid pattern "(["`},
		{"bad duration", "pool:\n  max_health_check_period: 5 minutes\n", `x.yaml:2: pool.max_health_check_period: time: unknown unit`},
		{"bad handle kind", "handle_types:\n  - type: example.com/db.H\n    kind: cursor\n", `x.yaml:1: handle_types[0].kind "cursor" is not one of pool, conn, tx`},
		{"syntax error", "rules: [\n", "x.yaml:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestEmptyFileIsDefaultless(t *testing.T) {
	c, err := Parse("x.yaml", nil)
	require.NoError(t, err)
	assert.True(t, c.Enabled("rawdsn"))
	assert.Equal(t, SeverityError, c.SeverityOf("rawdsn", ""))
}

func TestStarterIsTheDefaultAndValid(t *testing.T) {
	c, err := Parse("starter", Starter())
	require.NoError(t, err)
	assert.Equal(t, []string{"public"}, c.Schema.Schemas)
	d := Default("")
	assert.Equal(t, c.Pool, d.Pool)
}

func TestSeverityOf(t *testing.T) {
	c, err := Parse("x.yaml", []byte("rules:\n  rawdsn:\n    severity: info\n"))
	require.NoError(t, err)
	assert.Equal(t, SeverityInfo, c.SeverityOf("rawdsn", SeverityWarning), "rules.yaml overrides a rule's own grade")
	assert.Equal(t, SeverityWarning, c.SeverityOf("dsnleak", SeverityWarning), "the rule's grade when rules.yaml is silent")
	assert.Equal(t, SeverityWarning, c.SeverityOf("poolconfig", ""), "built-in default")
	assert.Equal(t, SeverityError, c.SeverityOf("poolconstruct", ""))
}

func TestEnabled(t *testing.T) {
	c, err := Parse("x.yaml", []byte("rules:\n  txescape:\n    enabled: false\n"))
	require.NoError(t, err)
	assert.False(t, c.Enabled("txescape"))
	assert.True(t, c.Enabled("conncleanup"))
}

func TestFindAndResolve(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, FileName), []byte("approved_packages: [./internal/db/...]\n"), 0o644))
	deep := filepath.Join(root, "a", "b")
	require.NoError(t, os.MkdirAll(deep, 0o755))

	path, err := Find(deep)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, FileName), path)

	c, err := Resolve(deep, "")
	require.NoError(t, err)
	assert.Equal(t, "example.com/m", c.ModulePath)
	assert.True(t, c.Approved("example.com/m/internal/db", false))
	assert.True(t, c.Approved("example.com/m/internal/db/pg", false))
	assert.False(t, c.Approved("example.com/m/internal/dbx", false))
	assert.False(t, c.Approved("example.com/m/store", true), "explicit approved_packages replace the defaults, main included")

	// No rules.yaml anywhere: the embedded default.
	other := t.TempDir()
	c, err = Resolve(other, "")
	require.NoError(t, err)
	assert.Empty(t, c.Path)
	assert.True(t, c.Approved("example.com/x/store", false))
	assert.True(t, c.Approved("example.com/x/cmd/tool", true))
	assert.False(t, c.Approved("example.com/x/api", false))
}

func TestMatchPattern(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"example.com/x/store", "example.com/x/store", true},
		{"example.com/x/store", "example.com/x/store/pg", false},
		{"example.com/x/...", "example.com/x", true},
		{"example.com/x/...", "example.com/x/a/b", true},
		{"example.com/x/...", "example.com/xy", false},
		{"example.com/.../db", "example.com/a/b/db", true},
		{"example.com/.../db", "example.com/a/b/dbx", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, matchPattern(c.pattern, c.name), "%s ~ %s", c.pattern, c.name)
	}
}

func TestIsTestPackage(t *testing.T) {
	c := Default("")
	for _, p := range []string{"x/internal/dbtestutil", "x/testutil", "x/pgtesthelpers", "x/testing", "x/store_test"} {
		assert.True(t, c.IsTestPackage(p), p)
	}
	// A name that merely ends in test is not test code (issue 14 #13).
	for _, p := range []string{"x/store", "x/testdata2", "x/contest/api", "x/latest", "x/contest", "x/internal/dbtest"} {
		assert.False(t, c.IsTestPackage(p), p)
	}
}

func TestPoolerAndDSNEnv(t *testing.T) {
	c := Default("")
	assert.True(t, c.IsPooler("db.example.com", 6543))
	assert.True(t, c.IsPooler("aws-0-eu.pooler.supabase.com", 5432))
	assert.True(t, c.IsPooler("pgbouncer.internal", 5432))
	assert.False(t, c.IsPooler("db.example.com", 5432))
	for _, n := range []string{"DATABASE_URL", "ORDERS_DSN", "REPLICA_DATABASE_URL", "PGPASSWORD", "PGADMINPASSWORD"} {
		assert.True(t, c.IsDSNEnv(n), n)
	}
	assert.False(t, c.IsDSNEnv("DATABASE_HOST"))
}

func TestIgnoreAndComponents(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), []byte(
		"ignore: [\"gen/**\"]\ncomponents:\n  handler: [\"internal/api/**\"]\n  worker: [\"internal/jobs/*.go\"]\n"), 0o644))
	c, err := Load(filepath.Join(dir, FileName))
	require.NoError(t, err)
	assert.True(t, c.Ignored(filepath.Join(dir, "gen", "q", "x.go")))
	assert.False(t, c.Ignored(filepath.Join(dir, "internal", "x.go")))
	assert.Equal(t, "handler", c.ComponentOf(filepath.Join(dir, "internal", "api", "v1", "users.go")))
	assert.Equal(t, "worker", c.ComponentOf("internal/jobs/run.go"))
	assert.Equal(t, "", c.ComponentOf("internal/jobs/sub/run.go"))
}

// D9: patterns that can never match, a second document and NUL bytes were
// accepted silently, so a misconfiguration passed CI.
func TestParseRejectsWhatCanNeverMatch(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"bad ignore glob", "ignore: [\"[\"]\n", `x.yaml:1: ignore[0]: "[" is not a valid glob`},
		{"bad component glob", "components:\n  x: [\"ok/**\", \"[a-\"]\n", `x.yaml:2: components.x[1]: "[a-" is not a valid glob`},
		{"bad package pattern", "approved_packages: [\"./[bad\"]\n", `x.yaml:1: approved_packages[0]: "./[bad" is not a go list package pattern`},
		{"bad test package pattern", "test_packages:\n  - example.com/x/*test\n", `x.yaml:2: test_packages[0]: "example.com/x/*test" is not a go list package pattern`},
		{"bad schema package pattern", "schema:\n  packages: [\"a b\"]\n", `x.yaml:2: schema.packages[0]: "a b" is not a go list package pattern`},
		{"bad pooler host glob", "pooler:\n  hosts: [\"[pgb\"]\n", `x.yaml:2: pooler.hosts[0]: "[pgb" is not a valid glob`},
		{"bad dsn_env glob", "dsn_env: [\"DB_[\"]\n", `x.yaml:1: dsn_env[0]: "DB_[" is not a valid glob`},
		{"second document", "rules: {}\n---\nanything: at all\n", `x.yaml:2: a second YAML document starts here`},
		{"empty second document", "ignore: []\n---\n", `x.yaml:2: a second YAML document starts here`},
		{"broken second document", "ignore: []\n---\ngarbage: [\n", `x.yaml:2: a second YAML document starts here`},
		{"escaped NUL in a glob", "ignore: [\"gen/\\0**\"]\n", `x.yaml:1: ignore[0]: contains a NUL byte`},
		{"escaped NUL in a package", "approved_packages:\n  - \"./db\\0\"\n", `x.yaml:2: approved_packages[0]: contains a NUL byte`},
		{"raw NUL byte", "rules: {}\nignore: [\"gen\x00\"]\n", `x.yaml:2: control character`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// The valid forms of each stay accepted.
	_, err := Parse("x.yaml", []byte("---\nignore: [\"gen/**\", \"**/*_gen.go\", \"x/{a,b}/[a-z]*\"]\n"+
		"components: {handler: [\"internal/api/**\"]}\napproved_packages: [./internal/db/..., example.com/.../store, .]\n"+
		"pooler: {hosts: [\"*pgbouncer*\"]}\ndsn_env: [\"*_DSN\"]\n...\n"))
	require.NoError(t, err)
}

// Issue 14 #14: errors in plain words, not YAML tags or Go type names.
func TestParseTypeErrorsInPlainWords(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"string for a number", "pool:\n  min_max_conns: lots\n", `x.yaml:2: pool.min_max_conns: want a whole number, got "lots"`},
		{"string for a list", "ignore: gen/**\n", `x.yaml:1: ignore: want a list of strings, got "gen/**"`},
		{"list for a mapping", "components: [a]\n", `x.yaml:1: components: want a mapping, got a list`},
		{"string for a rule's settings", "rules:\n  rawdsn: off\n", `x.yaml:2: rules.rawdsn: want a mapping, got "off"`},
		{"mapping for a string", "redactors:\n  - {a: b}\n", `x.yaml:2: redactors[0]: want a string, got a mapping`},
		{"string for a bool", "check_tests: sometimes\n", `x.yaml:1: check_tests: want true or false, got "sometimes"`},
		{"list for a section", "pool: [1]\n", `x.yaml:1: pool: want a mapping, got a list`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			for _, jargon := range []string{"!!", "unmarshal", "rules.", "[]string", "map["} {
				assert.NotContains(t, strings.ReplaceAll(err.Error(), "rules.rawdsn", ""), jargon)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	c, err := Parse("x.yaml", []byte("version: 1\n"))
	require.NoError(t, err)
	assert.Equal(t, 1, c.Version)
	c, err = Parse("x.yaml", []byte("rules: {}\n"))
	require.NoError(t, err)
	assert.Equal(t, 0, c.Version, "absent: the current format, 1")
	_, err = Parse("x.yaml", []byte("rules: {}\nversion: 2\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `x.yaml:2: version 2 is not supported: this dbaudit reads version 1`)
	_, err = Parse("x.yaml", []byte("version: one\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `x.yaml:1: version: want a whole number, got "one"`)
}

// Issue 14 #8: discovery stops at the module root, prefers .dbaudit.yaml,
// and reads rules.yaml only inside the module.
func TestFindStopsAtTheModuleRoot(t *testing.T) {
	mono := t.TempDir()
	// A Prometheus rules file at the monorepo root, above the module.
	write(t, filepath.Join(mono, FileName), "groups:\n  - name: x\n")
	mod := filepath.Join(mono, "services", "orders")
	write(t, filepath.Join(mod, "go.mod"), "module example.com/orders\n")
	deep := filepath.Join(mod, "internal", "db")
	require.NoError(t, os.MkdirAll(deep, 0o755))

	path, err := Find(deep)
	require.NoError(t, err)
	assert.Empty(t, path, "a rules.yaml above go.mod is not the module's")
	c, err := Resolve(deep, "")
	require.NoError(t, err, "the foreign rules.yaml is not read")
	assert.Empty(t, c.Path)

	// rules.yaml inside the module is read.
	write(t, filepath.Join(mod, FileName), "approved_packages: [./internal/db]\n")
	path, err = Find(deep)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(mod, FileName), path)

	// .dbaudit.yaml wins over a rules.yaml in the same directory, and a
	// nearer file wins over a farther one.
	write(t, filepath.Join(mod, DotFileName), "version: 1\n")
	path, err = Find(deep)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(mod, DotFileName), path)
	write(t, filepath.Join(deep, FileName), "rules: {}\n")
	path, err = Find(deep)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(deep, FileName), path)

	// A foreign rules.yaml inside the module: the error says how to keep both.
	require.NoError(t, os.Remove(filepath.Join(deep, FileName)))
	require.NoError(t, os.Remove(filepath.Join(mod, DotFileName)))
	write(t, filepath.Join(mod, FileName), "groups:\n  - name: x\n")
	_, err = Resolve(deep, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(mod, FileName)+`:1: unknown key "groups" (if this rules.yaml belongs to another tool, put dbaudit's settings in .dbaudit.yaml`)

	// Outside any module only the directory itself is searched.
	loose := filepath.Join(mono, "scripts")
	require.NoError(t, os.MkdirAll(loose, 0o755))
	path, err = Find(loose)
	require.NoError(t, err)
	assert.Empty(t, path)
}

// In a go.work workspace the search goes on up to the workspace root, where
// one .dbaudit.yaml serves every module of it.
func TestFindStopsAtTheWorkspaceRoot(t *testing.T) {
	above := t.TempDir()
	write(t, filepath.Join(above, DotFileName), "version: 1\n") // above the workspace: never read
	ws := filepath.Join(above, "ws")
	write(t, filepath.Join(ws, "go.work"), "go 1.26\n\nuse ./a\n")
	write(t, filepath.Join(ws, "a", "go.mod"), "module example.com/a\n")
	t.Setenv("GOWORK", "")

	path, err := Find(filepath.Join(ws, "a"))
	require.NoError(t, err)
	assert.Empty(t, path)

	write(t, filepath.Join(ws, DotFileName), "version: 1\n")
	path, err = Find(filepath.Join(ws, "a"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(ws, DotFileName), path)

	t.Setenv("GOWORK", "off")
	path, err = Find(filepath.Join(ws, "a"))
	require.NoError(t, err)
	assert.Empty(t, path, "GOWORK=off: the module is its own root")
}

func write(t *testing.T, name, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
	require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
}

func TestStarterNamesEverySetting(t *testing.T) {
	starter := string(Starter())
	for _, key := range []string{"version: 1", "check_tests: false"} {
		assert.Contains(t, starter, "\n"+key+"\n")
	}
	c, err := Parse("starter", Starter())
	require.NoError(t, err)
	assert.Equal(t, 1, c.Version)
}
