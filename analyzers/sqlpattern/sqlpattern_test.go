package sqlpattern_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/sqlpattern"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

const config = `
sql:
  forbidden:
    - pattern: '(?i)\btenant_id\s*='
      message: tenant_id filters were retired; row-level security scopes every query
    - pattern: '(?i)\bfrom\s+legacy_orders\b'
      message: legacy_orders moved to the archive schema
`

func TestSqlpattern(t *testing.T) {
	t.Parallel()
	cfg, err := rules.Parse("rules.yaml", []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	atest.Run(t, sqlpattern.New(cfg, dbindex.New(cfg)), "example.com/orders/...")
}

// With the default configuration nothing is forbidden, so nothing is reported.
func TestSqlpatternDefaultForbidsNothing(t *testing.T) {
	t.Parallel()
	atest.Run(t, sqlpattern.Analyzer, "example.com/clean")
}
