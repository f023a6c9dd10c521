package rules

import (
	"os"
	"path/filepath"
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
		{"wrong type", "pool:\n  min_max_conns: lots\n", "x.yaml:2: cannot unmarshal !!str `lots` into int"},
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
	for _, p := range []string{"x/internal/dbtest", "x/testutil", "x/pgtesthelpers", "x/testing"} {
		assert.True(t, c.IsTestPackage(p), p)
	}
	for _, p := range []string{"x/store", "x/testdata2", "x/contest/api"} {
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
