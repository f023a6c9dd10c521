package propose_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	got, err := propose.ApprovedPackages(dir)
	require.NoError(t, err)
	// The main package's sql.Open only obtains the driver (empty DSN): still
	// a construction in the code, and main is where pools are built.
	assert.Equal(t, []string{"./cmd/server", "./internal/db", "./migrate"}, got)

	starter := propose.Starter(got)
	cfg, err := rules.Parse("starter.yaml", starter)
	require.NoError(t, err, string(starter))
	assert.Equal(t, got, cfg.ApprovedPackages)
	assert.Contains(t, string(starter), "proposed by dbaudit init")

	assert.Equal(t, rules.Starter(), propose.Starter(nil), "nothing to propose: the plain starter")
}
