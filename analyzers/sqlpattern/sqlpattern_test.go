package sqlpattern_test

import (
	"strings"
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
	results := atest.Run(t, sqlpattern.New(cfg, dbindex.New(cfg)), "example.com/orders/...")
	// The help names the pattern, and where the text was written when that
	// is not the call's line.
	var spread int
	for _, f := range atest.Findings(t, results) {
		if !strings.Contains(f.Help, `sql.forbidden pattern (?i)\btenant_id\s*=`) {
			t.Errorf("%s: help %q does not name the pattern", f.Message, f.Help)
		}
		if strings.Contains(f.Help, "(the text is written on line 46)") {
			spread++
		}
	}
	if spread == 0 {
		t.Error("no finding says its text is written on line 46")
	}
}

// With the default configuration nothing is forbidden, so nothing is reported.
func TestSqlpatternDefaultForbidsNothing(t *testing.T) {
	t.Parallel()
	atest.Run(t, sqlpattern.Analyzer, "example.com/clean")
}
