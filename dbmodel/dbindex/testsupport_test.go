package dbindex_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode:  packages.NeedName | packages.NeedImports | packages.NeedForTest,
		Dir:   dir,
		Tests: true,
		Env:   append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"),
	}, "./...")
	require.NoError(t, err)
	got := dbindex.TestSupportPackages(rules.Default(""), pkgs)
	assert.ElementsMatch(t, []string{
		"example.com/m/internal/testserver/datastore", // only api's test imports it
		"example.com/m/internal/helper",               // only that test support imports it
		"example.com/m/fixtures",                      // imports testing
		"example.com/m/fixtures/sub",                  // only fixtures imports it
		"example.com/m/common/persistence/persistence-tests",
	}, got, "store has a production importer, lib only its own tests, orphan none, latest is no test code")
}

func TestDrivers(t *testing.T) {
	assert.Equal(t, dbindex.DriverOther, dbindex.DriverOfName("sqlite3"))
	assert.Equal(t, dbindex.DriverOther, dbindex.DriverOfName("mysql"))
	assert.Equal(t, dbindex.DriverPostgres, dbindex.DriverOfName("pgx"))
	assert.Equal(t, dbindex.DriverPostgres, dbindex.DriverOfName("otel-postgres-wrapper"))
	assert.Equal(t, dbindex.DriverOther, dbindex.DriverOfName("sqlite_temporal"), "a driver registered under the project's own name")
	assert.Equal(t, dbindex.DriverUnknown, dbindex.DriverOfName("custom"))
	assert.Equal(t, dbindex.DriverOther, dbindex.DriverOfPackage("modernc.org/sqlite"))
	assert.Equal(t, dbindex.DriverOther, dbindex.DriverOfPackage("github.com/ClickHouse/clickhouse-go/v2"))
	assert.Equal(t, dbindex.DriverPostgres, dbindex.DriverOfPackage("github.com/jackc/pgx/v5/stdlib"))
	assert.Equal(t, dbindex.DriverUnknown, dbindex.DriverOfPackage("example.com/app/mysqlish"))
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
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode:  packages.NeedName | packages.NeedImports | packages.NeedForTest | packages.NeedModule,
		Dir:   dir,
		Tests: true,
		Env:   append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"),
	}, "./...")
	require.NoError(t, err)
	assert.Equal(t, []string{"example.com/acme/e2e/tests/seed"}, dbindex.TestSupportPackages(rules.Default(""), pkgs))
}
