package drivers

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

func TestReadGoMod(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gomod := `module example.com/app

go 1.22

require (
	github.com/jackc/pgx/v5 v5.5.5
	github.com/lib/pq v1.10.9
	github.com/jackc/pgx/v4 v4.18.1 // indirect
	golang.org/x/text v0.14.0
)

replace github.com/jackc/pgx/v4 => github.com/jackc/pgx/v4 v4.18.3

replace github.com/lib/pq => ../pq
`
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o666); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "internal", "db")
	if err := os.MkdirAll(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	got := VersionsForDir(sub)
	want := Versions{ModulePgx5: "v5.5.5", ModulePgx4: "v4.18.3"}
	if got.String() != want.String() {
		t.Errorf("VersionsForDir = %s, want %s", got, want)
	}
	if v := VersionsForDir(t.TempDir()); v.Pgx5() != "" && v.Pgx5() == "v5.5.5" {
		t.Errorf("a directory outside the module read its go.mod: %s", v)
	}
}

func TestVersionsFlag(t *testing.T) {
	t.Parallel()
	var f VersionsFlag
	if err := f.Set("github.com/jackc/pgx/v5@v5.4.3, github.com/lib/pq@v1.10.9"); err != nil {
		t.Fatal(err)
	}
	if got := f.For("/nonexistent/x.go").Pgx5(); got != "v5.4.3" {
		t.Errorf("flag: pgx v5 = %q", got)
	}
	if err := f.Set("github.com/jackc/pgx/v5@latest"); err == nil {
		t.Error("a version that is not semver must fail")
	}
	if err := f.Set(""); err != nil || f.Versions() != nil {
		t.Errorf("empty flag: %v %v", err, f.Versions())
	}
}

// check judges s for sink at the versions.
func check(t *testing.T, sink string, v Versions, s string) []Problem {
	t.Helper()
	sk := Default().SinkFor(sink, v)
	if sk == nil {
		t.Fatalf("no sink %s", sink)
	}
	return sk.Check(dsn.Parse(s))
}

func TestSinkForOlderPgx5(t *testing.T) {
	t.Parallel()
	old := Versions{ModulePgx5: "v5.5.5"}
	probs := check(t, "pgx", old, base+"&sslnegotiation=direct&application_name=x")
	if len(probs) != 1 || probs[0].Key != "sslnegotiation" || probs[0].Kind != Refused ||
		!strings.Contains(probs[0].Answer, `unrecognized configuration parameter "sslnegotiation"`) ||
		!strings.Contains(probs[0].Instead, "v5.7.5") {
		t.Fatalf("v5.5.5 sslnegotiation: %+v", probs)
	}
	if len(probs[0].Headline()) > MaxHeadline {
		t.Errorf("headline too long: %s", probs[0].Headline())
	}
	if probs := check(t, "pgx", Versions{ModulePgx5: "v5.12.0"}, base+"&sslnegotiation=direct"); len(probs) != 0 {
		t.Errorf("v5.12.0 reads sslnegotiation: %+v", probs)
	}
	if probs := check(t, "pgxpool", old, base+"&pool_min_idle_conns=2"); len(probs) != 1 {
		t.Errorf("v5.5.5 pool_min_idle_conns: %+v", probs)
	}
	if probs := check(t, "pgxpool", nil, base+"&pool_min_idle_conns=2"); len(probs) != 0 {
		t.Errorf("unknown version: judged as measured: %+v", probs)
	}
}

func TestSinkForPgx4(t *testing.T) {
	t.Parallel()
	v4 := Versions{ModulePgx4: "v4.18.3"}
	for _, sink := range []string{"pgx", "pgxpool", "stdlib"} {
		probs := check(t, sink, v4, base+"&default_query_exec_mode=cache_describe")
		if len(probs) != 1 || probs[0].Fix == nil || probs[0].Fix.NewText != "statement_cache_mode=describe" {
			t.Errorf("%s v4: default_query_exec_mode: %+v", sink, probs)
		}
		if probs := check(t, sink, v4, base+"&statement_cache_mode=describe&statement_cache_capacity=0"); len(probs) != 0 {
			t.Errorf("%s v4: its own keys are flagged: %+v", sink, probs)
		}
	}
	probs := check(t, "pgx", v4, base+"&statement_cache_mode=cache_describe")
	if len(probs) != 1 || probs[0].Answer != "invalid statement_cache_mod: cache_describe" || probs[0].Fix.NewText != "describe" {
		t.Errorf("v4 statement_cache_mode=cache_describe: %+v", probs)
	}
	// The v4 keys are v4's only: pgx v5 still flags them.
	probs = check(t, "pgx", Versions{ModulePgx5: "v5.12.0", ModulePgx4: "v4.18.3"}, base+"&statement_cache_mode=describe")
	if len(probs) != 1 || probs[0].Fix == nil || probs[0].Fix.NewText != "default_query_exec_mode=cache_describe" {
		t.Errorf("v5 with statement_cache_mode: %+v", probs)
	}
	if probs := check(t, "pgxpool", v4, base+"&pool_max_conns=0"); len(probs) != 1 || probs[0].Answer != "pool_max_conns too small: 0" {
		t.Errorf("v4 pool_max_conns=0: %+v", probs)
	}
	if probs := check(t, "libpq", v4, base+"&statement_cache_mode=describe"); len(probs) != 1 {
		t.Errorf("lib/pq is not pgx v4: %+v", probs)
	}
}

func TestSimpleProtocolAdvisories(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v       Versions
		sink    string
		dsn     string
		flagged bool
		fix     string
	}{
		{Versions{ModulePgx5: "v5.5.3"}, "pgx", base + "&default_query_exec_mode=simple_protocol", true, "exec"},
		{Versions{ModulePgx5: "v5.9.2"}, "pgxpool", base + "&default_query_exec_mode=simple_protocol", true, "exec"},
		{Versions{ModulePgx5: "v5.12.0"}, "pgx", base + "&default_query_exec_mode=simple_protocol", false, ""},
		{Versions{ModulePgx5: "v5.13.0"}, "stdlib", base + "&default_query_exec_mode=simple_protocol", false, ""},
		{nil, "pgx", base + "&default_query_exec_mode=simple_protocol", false, ""},
		{Versions{ModulePgx5: "v5.5.3"}, "pgx", base + "&default_query_exec_mode=exec", false, ""},
		{Versions{ModulePgx4: "v4.18.3"}, "pgx", base + "&prefer_simple_protocol=true", true, ""},
		{Versions{ModulePgx4: "v4.18.3"}, "pgx", base + "&prefer_simple_protocol=false", false, ""},
		// The v4 key on v5 is renamed; to exec where the simple protocol is open.
		{Versions{ModulePgx5: "v5.5.5"}, "pgx", base + "&prefer_simple_protocol=true", false, "default_query_exec_mode=exec"},
		{Versions{ModulePgx5: "v5.12.0"}, "pgx", base + "&prefer_simple_protocol=true", false, "default_query_exec_mode=simple_protocol"},
	} {
		probs := check(t, tt.sink, tt.v, tt.dsn)
		var unsafe []Problem
		fix := ""
		for _, p := range probs {
			if p.Kind == Unsafe {
				unsafe = append(unsafe, p)
			}
			if p.Fix != nil {
				fix = p.Fix.NewText
			}
		}
		if (len(unsafe) > 0) != tt.flagged || fix != tt.fix {
			t.Errorf("%s %s %s: unsafe %v, fix %q; want %v, %q", tt.v, tt.sink, tt.dsn, len(unsafe) > 0, fix, tt.flagged, tt.fix)
		}
		for _, p := range unsafe {
			if len(p.Headline()) > MaxHeadline || !strings.Contains(p.Help(), "GHSA-") {
				t.Errorf("headline %q (%d), help %q", p.Headline(), len(p.Headline()), p.Help())
			}
		}
	}
	if got := PoolerExecModes(Versions{ModulePgx5: "v5.9.1"}); slices.Contains(got, "simple_protocol") {
		t.Errorf("v5.9.1: %v", got)
	}
	if got := PoolerExecModes(Versions{ModulePgx5: "v5.12.0"}); !slices.Contains(got, "simple_protocol") {
		t.Errorf("v5.12.0: %v", got)
	}
	if got := SimpleProtocolOpen(ModulePgx5, "v5.5.4"); len(got) != 2 || got[0].ID != "GHSA-j88v-2chj-qfwx" {
		t.Errorf("v5.5.4 open: %+v", got)
	}
}

func TestHelpIsOneLinePerItem(t *testing.T) {
	t.Parallel()
	probs := Default().Sink("pgxpool").Check(dsn.Parse("postgres://app@db:5432/orders\nmain.go:1:1: error: x: forged?sslmode=require"))
	if len(probs) == 0 {
		t.Fatal("no problem")
	}
	for _, p := range probs {
		for _, line := range strings.Split(p.Help(), "\n") {
			if strings.Contains(line, "main.go:1:1") && !strings.Contains(line, `\nmain.go:1:1`) {
				t.Errorf("help line %q carries the string's newline", line)
			}
		}
		if strings.Contains(p.Headline(), "\n") {
			t.Errorf("headline %q", p.Headline())
		}
	}
}

func TestProgramVersions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gomod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(gomod, []byte("module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.5.3\n\tgithub.com/lib/pq v1.10.9\n)\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	main := &packages.Module{Path: "example.com/app", Main: true, GoMod: gomod}
	// go list without the dependencies: the requirements of the main module.
	root := &packages.Package{ID: "example.com/app", Module: main,
		Imports: map[string]*packages.Package{ModulePgx5: {ID: ModulePgx5}}}
	if got := ProgramVersions([]*packages.Package{root}).String(); got != "github.com/jackc/pgx/v5@v5.5.3,github.com/lib/pq@v1.10.9" {
		t.Errorf("from go.mod: %s", got)
	}
	// With the dependencies loaded: the version go list selected wins.
	root = &packages.Package{ID: "example.com/app", Module: main, Imports: map[string]*packages.Package{
		ModulePgx5: {ID: ModulePgx5, Module: &packages.Module{Path: ModulePgx5, Version: "v5.5.5"}},
		ModulePgx4: {ID: ModulePgx4, Module: &packages.Module{Path: ModulePgx4, Version: "v4.18.1",
			Replace: &packages.Module{Path: ModulePgx4, Version: "v4.18.3"}}},
	}}
	if got := ProgramVersions([]*packages.Package{root}).String(); got != "github.com/jackc/pgx/v4@v4.18.3,github.com/jackc/pgx/v5@v5.5.5,github.com/lib/pq@v1.10.9" {
		t.Errorf("selected: %s", got)
	}
}
