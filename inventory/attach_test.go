package inventory

import (
	"slices"
	"testing"

	"github.com/dbaudit/dbaudit/report"
)

func TestAttachFindings(t *testing.T) {
	tps := []Touchpoint{
		{Kind: "exec", File: "a.go", Line: 10, EndLine: 14},  // a call spanning lines 10-14
		{Kind: "query", File: "a.go", Line: 12, EndLine: 12}, // nested in it, on line 12
		{Kind: "inject", File: "a.go", Line: 20, EndLine: 20},
		{Kind: "query", File: "a.go", Line: 20, EndLine: 21},
		{Kind: "exec", File: "b.go", Line: 10, EndLine: 10},
	}
	findings := []report.Finding{
		{Rule: "rawdsn", File: "a.go", Line: 11},       // inside the outer call only
		{Rule: "sqlpattern", File: "a.go", Line: 12},   // the nested call's line wins
		{Rule: "sqlpattern", File: "a.go", Line: 12},   // the same rule twice: listed once
		{Rule: "conncleanup", File: "a.go", Line: 20},  // both touchpoints on line 20
		{Rule: "poolconfig", File: "a.go", Line: 21},   // inside the query only
		{Rule: "dsnleak", File: "a.go", Line: 30},      // at no touchpoint
		{Rule: "txescape", File: "c.go", Line: 10},     // another file
		{Rule: "poolercompat", File: "a.go", Line: 10}, // the outer call's first line
	}
	attachFindings(tps, findings)
	want := [][]string{
		{"poolercompat", "rawdsn"},
		{"sqlpattern"},
		{"conncleanup"},
		{"conncleanup", "poolconfig"},
		nil,
	}
	for i, tp := range tps {
		if !slices.Equal(tp.Findings, want[i]) {
			t.Errorf("touchpoint %d (%s:%d): findings %v, want %v", i, tp.File, tp.Line, tp.Findings, want[i])
		}
	}
}

func TestShortAPI(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/jackc/pgx/v5/pgxpool.Pool.QueryRow": "pgxpool.Pool.QueryRow",
		"github.com/jackc/pgx/v5.Tx.Exec":               "pgx.Tx.Exec",
		"database/sql.DB.QueryContext":                  "sql.DB.QueryContext",
		"gorm.io/gorm.Open":                             "gorm.Open",
		"example.com/app/store.DBTX.Exec":               "store.DBTX.Exec",
		"interface{Exec()}":                             "interface{Exec()}",
	} {
		if got := ShortAPI(in); got != want {
			t.Errorf("ShortAPI(%q) = %q, want %q", in, got, want)
		}
	}
}
