package propose_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/rules/propose"
)

func TestApprovedPackages(t *testing.T) {
	dir := t.TempDir()
	open := "package %s\n\nimport \"database/sql\"\n\nfunc Open(dsn string) (*sql.DB, error) { return sql.Open(\"pgx\", dsn) }\n"
	files := map[string]string{
		"go.mod":                        "module example.com/m\n\ngo 1.22\n",
		"internal/db/db.go":             fmt.Sprintf(open, "db"),
		"internal/testutil/testutil.go": fmt.Sprintf(open, "testutil"),
		"api/api.go":                    "package api\n\nimport \"database/sql\"\n\nfunc Count(db *sql.DB) error { _, err := db.Exec(\"SELECT 1\"); return err }\n",
		"cmd/server/main.go":            "package main\n\nimport \"database/sql\"\n\nfunc main() { db, _ := sql.Open(\"pgx\", \"\"); _ = db }\n",
		"migrate/migrate.go":            fmt.Sprintf(open, "migrate"),
		"migrate/migrate_test.go":       "package migrate\n\nimport (\n\t\"database/sql\"\n\t\"testing\"\n)\n\nfunc TestX(t *testing.T) { sql.Open(\"pgx\", \"x\") }\n",
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
	got, err := propose.ApprovedPackages(dir)
	if err != nil {
		t.Fatalf("ApprovedPackages: %v", err)
	}
	// The main package's sql.Open only obtains the driver (empty DSN): still
	// a construction in the code, and main is where pools are built.
	if want := []string{"./cmd/server", "./internal/db", "./migrate"}; !slices.Equal(got, want) {
		t.Errorf("ApprovedPackages = %q, want %q", got, want)
	}

	starter := propose.Starter(got)
	cfg, err := rules.Parse("starter.yaml", starter)
	if err != nil {
		t.Fatalf("the proposed starter does not parse: %v\n%s", err, starter)
	}
	if !slices.Equal(cfg.ApprovedPackages, got) {
		t.Errorf("starter approved_packages = %q, want %q", cfg.ApprovedPackages, got)
	}
	if !strings.Contains(string(starter), "proposed by dbaudit init") {
		t.Errorf("starter does not say %q:\n%s", "proposed by dbaudit init", starter)
	}

	if plain := propose.Starter(nil); !bytes.Equal(plain, rules.Starter()) {
		t.Errorf("nothing to propose: want the plain starter, got\n%s", plain)
	}
}
