package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mustNoErr stops the test on an unexpected error.
func mustNoErr(t *testing.T, err error, context ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprint(context...), err)
	}
}

// wantErrContaining stops the test if err is nil, and fails it if err does
// not contain want.
func wantErrContaining(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

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
			wantErrContaining(t, err, c.want)
		})
	}
}

func TestEmptyFileIsDefaultless(t *testing.T) {
	c, err := Parse("x.yaml", nil)
	mustNoErr(t, err, "Parse")
	if !c.Enabled("rawdsn") {
		t.Errorf("rawdsn disabled in an empty file")
	}
	if got := c.SeverityOf("rawdsn", ""); got != SeverityError {
		t.Errorf("SeverityOf(rawdsn) = %q, want %q", got, SeverityError)
	}
}

func TestStarterIsTheDefaultAndValid(t *testing.T) {
	c, err := Parse("starter", Starter())
	mustNoErr(t, err, "Parse")
	if want := []string{"public"}; !reflect.DeepEqual(c.Schema.Schemas, want) {
		t.Errorf("Schema.Schemas = %q, want %q", c.Schema.Schemas, want)
	}
	d := Default("")
	if !reflect.DeepEqual(c.Pool, d.Pool) {
		t.Errorf("starter pool %+v, default pool %+v", c.Pool, d.Pool)
	}
}

func TestSeverityOf(t *testing.T) {
	c, err := Parse("x.yaml", []byte("rules:\n  rawdsn:\n    severity: info\n"))
	mustNoErr(t, err, "Parse")
	for _, tc := range []struct {
		rule       string
		hint, want Severity
		why        string
	}{
		{"rawdsn", SeverityWarning, SeverityInfo, "rules.yaml overrides a rule's own grade"},
		{"dsnleak", SeverityWarning, SeverityWarning, "the rule's grade when rules.yaml is silent"},
		{"poolconfig", "", SeverityWarning, "built-in default"},
		{"poolconstruct", "", SeverityError, "built-in default"},
	} {
		if got := c.SeverityOf(tc.rule, tc.hint); got != tc.want {
			t.Errorf("SeverityOf(%q, %q) = %q, want %q (%s)", tc.rule, tc.hint, got, tc.want, tc.why)
		}
	}
}

func TestEnabled(t *testing.T) {
	c, err := Parse("x.yaml", []byte("rules:\n  txescape:\n    enabled: false\n"))
	mustNoErr(t, err, "Parse")
	if c.Enabled("txescape") {
		t.Errorf("txescape enabled, want disabled")
	}
	if !c.Enabled("conncleanup") {
		t.Errorf("conncleanup disabled, want enabled")
	}
}

func TestFindAndResolve(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/m\n")
	write(t, filepath.Join(root, FileName), "approved_packages: [./internal/db/...]\n")
	deep := filepath.Join(root, "a", "b")
	mustNoErr(t, os.MkdirAll(deep, 0o755))

	path, err := Find(deep)
	mustNoErr(t, err, "Find")
	if want := filepath.Join(root, FileName); path != want {
		t.Errorf("Find = %q, want %q", path, want)
	}

	c, err := Resolve(deep, "")
	mustNoErr(t, err, "Resolve")
	if c.ModulePath != "example.com/m" {
		t.Errorf("ModulePath = %q, want example.com/m", c.ModulePath)
	}
	approved := func(c *Config, pkg string, isMain, want bool, why string) {
		t.Helper()
		if got := c.Approved(pkg, isMain); got != want {
			t.Errorf("Approved(%q, main=%v) = %v, want %v %s", pkg, isMain, got, want, why)
		}
	}
	approved(c, "example.com/m/internal/db", false, true, "")
	approved(c, "example.com/m/internal/db/pg", false, true, "")
	approved(c, "example.com/m/internal/dbx", false, false, "")
	approved(c, "example.com/m/store", true, false, "(explicit approved_packages replace the defaults, main included)")

	// No rules.yaml anywhere: the embedded default.
	other := t.TempDir()
	c, err = Resolve(other, "")
	mustNoErr(t, err, "Resolve")
	if c.Path != "" {
		t.Errorf("Path = %q, want none", c.Path)
	}
	approved(c, "example.com/x/store", false, true, "")
	approved(c, "example.com/x/cmd/tool", true, true, "")
	approved(c, "example.com/x/api", false, false, "")
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
		if got := matchPattern(c.pattern, c.name); got != c.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

func TestIsTestPackage(t *testing.T) {
	c := Default("")
	for _, p := range []string{"x/internal/dbtestutil", "x/testutil", "x/pgtesthelpers", "x/testing", "x/store_test"} {
		if !c.IsTestPackage(p) {
			t.Errorf("IsTestPackage(%q) = false, want true", p)
		}
	}
	// A name that merely ends in test is not test code (issue 14 #13).
	for _, p := range []string{"x/store", "x/testdata2", "x/contest/api", "x/latest", "x/contest", "x/internal/dbtest"} {
		if c.IsTestPackage(p) {
			t.Errorf("IsTestPackage(%q) = true, want false", p)
		}
	}
}

func TestPoolerAndDSNEnv(t *testing.T) {
	c := Default("")
	for _, tc := range []struct {
		host string
		port int
		want bool
	}{
		{"db.example.com", 6543, true},
		{"aws-0-eu.pooler.supabase.com", 5432, true},
		{"pgbouncer.internal", 5432, true},
		{"db.example.com", 5432, false},
	} {
		if got := c.IsPooler(tc.host, tc.port); got != tc.want {
			t.Errorf("IsPooler(%q, %d) = %v, want %v", tc.host, tc.port, got, tc.want)
		}
	}
	for _, n := range []string{"DATABASE_URL", "ORDERS_DSN", "REPLICA_DATABASE_URL", "PGPASSWORD", "PGADMINPASSWORD"} {
		if !c.IsDSNEnv(n) {
			t.Errorf("IsDSNEnv(%q) = false, want true", n)
		}
	}
	if c.IsDSNEnv("DATABASE_HOST") {
		t.Errorf("IsDSNEnv(DATABASE_HOST) = true, want false")
	}
}

func TestIgnoreAndComponents(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, FileName),
		"ignore: [\"gen/**\"]\ncomponents:\n  handler: [\"internal/api/**\"]\n  worker: [\"internal/jobs/*.go\"]\n")
	c, err := Load(filepath.Join(dir, FileName))
	mustNoErr(t, err, "Load")
	if f := filepath.Join(dir, "gen", "q", "x.go"); !c.Ignored(f) {
		t.Errorf("Ignored(%q) = false, want true", f)
	}
	if f := filepath.Join(dir, "internal", "x.go"); c.Ignored(f) {
		t.Errorf("Ignored(%q) = true, want false", f)
	}
	for _, tc := range []struct{ file, want string }{
		{filepath.Join(dir, "internal", "api", "v1", "users.go"), "handler"},
		{"internal/jobs/run.go", "worker"},
		{"internal/jobs/sub/run.go", ""},
	} {
		if got := c.ComponentOf(tc.file); got != tc.want {
			t.Errorf("ComponentOf(%q) = %q, want %q", tc.file, got, tc.want)
		}
	}
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
			wantErrContaining(t, err, c.want)
		})
	}
	// The valid forms of each stay accepted.
	_, err := Parse("x.yaml", []byte("---\nignore: [\"gen/**\", \"**/*_gen.go\", \"x/{a,b}/[a-z]*\"]\n"+
		"components: {handler: [\"internal/api/**\"]}\napproved_packages: [./internal/db/..., example.com/.../store, .]\n"+
		"pooler: {hosts: [\"*pgbouncer*\"]}\ndsn_env: [\"*_DSN\"]\n...\n"))
	mustNoErr(t, err, "the valid forms")
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
			wantErrContaining(t, err, c.want)
			for _, jargon := range []string{"!!", "unmarshal", "rules.", "[]string", "map["} {
				if msg := strings.ReplaceAll(err.Error(), "rules.rawdsn", ""); strings.Contains(msg, jargon) {
					t.Errorf("error %q contains %q", msg, jargon)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	c, err := Parse("x.yaml", []byte("version: 1\n"))
	mustNoErr(t, err, "version: 1")
	if c.Version != 1 {
		t.Errorf("Version = %d, want 1", c.Version)
	}
	c, err = Parse("x.yaml", []byte("rules: {}\n"))
	mustNoErr(t, err, "no version")
	if c.Version != 0 {
		t.Errorf("Version = %d, want 0 (absent: the current format, 1)", c.Version)
	}
	_, err = Parse("x.yaml", []byte("rules: {}\nversion: 2\n"))
	wantErrContaining(t, err, `x.yaml:2: version 2 is not supported: this dbaudit reads version 1`)
	_, err = Parse("x.yaml", []byte("version: one\n"))
	wantErrContaining(t, err, `x.yaml:1: version: want a whole number, got "one"`)
}

// wantFind checks that Find(dir) returns want ("" for none).
func wantFind(t *testing.T, dir, want, why string) {
	t.Helper()
	got, err := Find(dir)
	mustNoErr(t, err, "Find(", dir, ")")
	if got != want {
		t.Errorf("Find(%q) = %q, want %q %s", dir, got, want, why)
	}
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
	mustNoErr(t, os.MkdirAll(deep, 0o755))

	wantFind(t, deep, "", "(a rules.yaml above go.mod is not the module's)")
	c, err := Resolve(deep, "")
	mustNoErr(t, err, "the foreign rules.yaml is not read")
	if c.Path != "" {
		t.Errorf("Resolve: Path = %q, want none", c.Path)
	}

	// rules.yaml inside the module is read.
	write(t, filepath.Join(mod, FileName), "approved_packages: [./internal/db]\n")
	wantFind(t, deep, filepath.Join(mod, FileName), "")

	// .dbaudit.yaml wins over a rules.yaml in the same directory, and a
	// nearer file wins over a farther one.
	write(t, filepath.Join(mod, DotFileName), "version: 1\n")
	wantFind(t, deep, filepath.Join(mod, DotFileName), "")
	write(t, filepath.Join(deep, FileName), "rules: {}\n")
	wantFind(t, deep, filepath.Join(deep, FileName), "")

	// A foreign rules.yaml inside the module: the error says how to keep both.
	mustNoErr(t, os.Remove(filepath.Join(deep, FileName)))
	mustNoErr(t, os.Remove(filepath.Join(mod, DotFileName)))
	write(t, filepath.Join(mod, FileName), "groups:\n  - name: x\n")
	_, err = Resolve(deep, "")
	wantErrContaining(t, err, filepath.Join(mod, FileName)+`:1: unknown key "groups" (if this rules.yaml belongs to another tool, put dbaudit's settings in .dbaudit.yaml`)

	// Outside any module only the directory itself is searched.
	loose := filepath.Join(mono, "scripts")
	mustNoErr(t, os.MkdirAll(loose, 0o755))
	wantFind(t, loose, "", "")
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

	wantFind(t, filepath.Join(ws, "a"), "", "")

	write(t, filepath.Join(ws, DotFileName), "version: 1\n")
	wantFind(t, filepath.Join(ws, "a"), filepath.Join(ws, DotFileName), "")

	t.Setenv("GOWORK", "off")
	wantFind(t, filepath.Join(ws, "a"), "", "(GOWORK=off: the module is its own root)")
}

func write(t *testing.T, name, content string) {
	t.Helper()
	mustNoErr(t, os.MkdirAll(filepath.Dir(name), 0o755))
	mustNoErr(t, os.WriteFile(name, []byte(content), 0o644))
}

func TestStarterNamesEverySetting(t *testing.T) {
	starter := string(Starter())
	for _, key := range []string{"version: 1", "check_tests: false"} {
		if !strings.Contains(starter, "\n"+key+"\n") {
			t.Errorf("the starter has no line %q", key)
		}
	}
	c, err := Parse("starter", Starter())
	mustNoErr(t, err, "Parse")
	if c.Version != 1 {
		t.Errorf("starter Version = %d, want 1", c.Version)
	}
}
