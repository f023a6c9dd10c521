package dbindex_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// TestTestSupportPackages lists a small module with the go command, as
// dbaudit's engine does, and checks which packages only tests import.
func TestTestSupportPackages(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                                    "module example.com/m\n\ngo 1.22\n",
		"cmd/server/main.go":                        "package main\n\nimport (\n\t_ \"example.com/m/latest\"\n\t_ \"example.com/m/store\"\n)\n\nfunc main() {}\n",
		"store/store.go":                            "package store\n",
		"latest/latest.go":                          "package latest\n",
		"api/api.go":                                "package api\n",
		"api/api_test.go":                           "package api\n\nimport (\n\t\"testing\"\n\n\t_ \"example.com/m/internal/testserver/datastore\"\n\t_ \"example.com/m/store\"\n\t_ \"example.com/m/fixtures\"\n)\n\nfunc TestX(t *testing.T) {}\n",
		"internal/testserver/datastore/ds.go":       "package datastore\n\nimport _ \"example.com/m/internal/helper\"\n",
		"internal/helper/helper.go":                 "package helper\n",
		"lib/lib.go":                                "package lib\n",
		"lib/lib_test.go":                           "package lib_test\n\nimport (\n\t\"testing\"\n\n\t_ \"example.com/m/lib\"\n)\n\nfunc TestL(t *testing.T) {}\n",
		"fixtures/fixtures.go":                      "package fixtures\n\nimport (\n\t\"testing\"\n\n\t_ \"example.com/m/fixtures/sub\"\n)\n\nvar _ testing.TB\n",
		"fixtures/sub/sub.go":                       "package sub\n",
		"orphan/orphan.go":                          "package orphan\n",
		"common/persistence/persistence-tests/p.go": "package persistencetests\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode:  packages.NeedName | packages.NeedImports | packages.NeedForTest,
		Dir:   dir,
		Tests: true,
		Env:   append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"),
	}, "./...")
	if err != nil {
		t.Fatalf("packages.Load: %v", err)
	}
	got := dbindex.TestSupportPackages(rules.Default(""), pkgs)
	want := []string{
		"example.com/m/internal/testserver/datastore", // only api's test imports it
		"example.com/m/internal/helper",               // only that test support imports it
		"example.com/m/fixtures",                      // imports testing
		"example.com/m/fixtures/sub",                  // only fixtures imports it
		"example.com/m/common/persistence/persistence-tests",
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("TestSupportPackages = %q, want %q in any order (store has a production importer, lib only its own tests, orphan none, latest is no test code)", got, want)
	}
}

func TestDrivers(t *testing.T) {
	for _, c := range []struct {
		name string
		want dbindex.Driver
		why  string
	}{
		{"sqlite3", dbindex.DriverOther, ""},
		{"mysql", dbindex.DriverOther, ""},
		{"pgx", dbindex.DriverPostgres, ""},
		{"otel-postgres-wrapper", dbindex.DriverPostgres, ""},
		{"sqlite_temporal", dbindex.DriverOther, "a driver registered under the project's own name"},
		{"custom", dbindex.DriverUnknown, ""},
	} {
		if got := dbindex.DriverOfName(c.name); got != c.want {
			t.Errorf("DriverOfName(%q) = %v, want %v %s", c.name, got, c.want, c.why)
		}
	}
	for _, c := range []struct {
		path string
		want dbindex.Driver
	}{
		{"modernc.org/sqlite", dbindex.DriverOther},
		{"github.com/ClickHouse/clickhouse-go/v2", dbindex.DriverOther},
		{"github.com/jackc/pgx/v5/stdlib", dbindex.DriverPostgres},
		{"example.com/app/mysqlish", dbindex.DriverUnknown},
	} {
		if got := dbindex.DriverOfPackage(c.path); got != c.want {
			t.Errorf("DriverOfPackage(%q) = %v, want %v", c.path, got, c.want)
		}
	}
}

// A module named like a test directory does not make its code test support;
// a test directory inside it does.
func TestTestSupportPackagesModuleName(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.com/acme/e2e\n\ngo 1.22\n",
		"store/store.go":     "package store\n",
		"cmd/app/main.go":    "package main\n\nimport _ \"example.com/acme/e2e/store\"\n\nfunc main() {}\n",
		"tests/seed/seed.go": "package seed\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode:  packages.NeedName | packages.NeedImports | packages.NeedForTest | packages.NeedModule,
		Dir:   dir,
		Tests: true,
		Env:   append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"),
	}, "./...")
	if err != nil {
		t.Fatalf("packages.Load: %v", err)
	}
	if got, want := dbindex.TestSupportPackages(rules.Default(""), pkgs), []string{"example.com/acme/e2e/tests/seed"}; !slices.Equal(got, want) {
		t.Errorf("TestSupportPackages = %q, want %q", got, want)
	}
}
