package report

import (
	"fmt"
	"testing"

	"github.com/dbaudit/dbaudit/rules"
)

// sampleRun has findings out of order, in two files, with and without fixes,
// a rule the run's metadata does not describe, and no load errors.
func sampleRun() *Run {
	return &Run{
		Packages:    3,
		Files:       7,
		ToolVersion: "v0.1.0",
		Rules: []RuleMeta{
			{ID: "rawdsn", Short: "DSNs written into code.", Full: "rawdsn flags DSNs written into non-test code.", HelpURI: "https://github.com/dbaudit/dbaudit/blob/main/analyzers/rawdsn/doc.go", Severity: rules.SeverityError},
			{ID: "poolconstruct", Short: "Pool construction outside approved packages.", Full: "poolconstruct flags pool construction.", HelpURI: "https://github.com/dbaudit/dbaudit/blob/main/analyzers/poolconstruct/doc.go", Severity: rules.SeverityWarning},
		},
		Findings: []Finding{
			{Rule: "rawdsn", Severity: rules.SeverityError, File: "internal/db/engine.go", Line: 12, Column: 9, EndLine: 12, EndColumn: 40,
				Message: "DSN literal with a password",
				Fixes: []Fix{{Message: "read the DSN from the environment", Edits: []Edit{
					{File: "internal/db/engine.go", Start: 100, End: 131, NewText: `os.Getenv("DATABASE_URL")`, StartLine: 12, StartColumn: 9, EndLine: 12, EndColumn: 40},
				}}}},
			{Rule: "poolconstruct", Severity: rules.SeverityWarning, File: "api/handler.go", Line: 30, Column: 2, Message: "pgxpool.New inside an HTTP handler builds a pool per request"},
			{Rule: "sqlpattern", Severity: rules.SeverityInfo, File: "api/handler.go", Line: 8, Column: 14, Message: "query filters on retired column tenant_id"},
		},
	}
}

func TestSortOrdersByFileLineColumnRuleMessage(t *testing.T) {
	t.Parallel()
	run := &Run{
		Findings: []Finding{
			{File: "b.go", Line: 1, Column: 1, Rule: "a", Message: "m"},
			{File: "a.go", Line: 10, Column: 1, Rule: "a", Message: "m"},
			{File: "a.go", Line: 2, Column: 5, Rule: "z", Message: "m"},
			{File: "a.go", Line: 2, Column: 5, Rule: "b", Message: "y"},
			{File: "a.go", Line: 2, Column: 5, Rule: "b", Message: "x"},
			{File: "a.go", Line: 2, Column: 1, Rule: "z", Message: "m"},
		},
		LoadErrors: []LoadError{{File: "b.go", Line: 1, Message: "x"}, {Message: "no file"}, {File: "a.go", Line: 3, Column: 2, Message: "y"}},
		Rules:      []RuleMeta{{ID: "zeta"}, {ID: "alpha"}},
	}
	run.Sort()
	var got []string
	for _, f := range run.Findings {
		got = append(got, fmt.Sprintf("%s:%d:%d:%s:%s", f.File, f.Line, f.Column, f.Rule, f.Message))
	}
	checkEqual(t, "findings", got, []string{
		"a.go:2:1:z:m",
		"a.go:2:5:b:x",
		"a.go:2:5:b:y",
		"a.go:2:5:z:m",
		"a.go:10:1:a:m", // numeric, not lexical, line order
		"b.go:1:1:a:m",
	})
	checkEqual(t, "load errors", run.LoadErrors, []LoadError{{Message: "no file"}, {File: "a.go", Line: 3, Column: 2, Message: "y"}, {File: "b.go", Line: 1, Message: "x"}})
	checkEqual(t, "rules", run.Rules, []RuleMeta{{ID: "alpha"}, {ID: "zeta"}})
}

func TestSummaryCountsByRule(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.Findings = append(run.Findings, run.Findings[1])
	checkEqual(t, "summary", run.Summary(), Summary{Packages: 3, Files: 7, Findings: 4, ByRule: map[string]int{"rawdsn": 1, "poolconstruct": 2, "sqlpattern": 1}})
	checkEqual(t, "summary of an empty run", (&Run{}).Summary(), Summary{ByRule: map[string]int{}})
}

// TestSummaryLine: the closing line says how many findings of each
// severity and what --fail-on decides, so a warnings-only run that exits 0
// says why (issue 14 #9), and a clean run says what it checked (#17).
func TestSummaryLine(t *testing.T) {
	t.Parallel()
	checkEqual(t, "12 packages", (&Run{Packages: 12}).SummaryLine(rules.SeverityError), "0 findings in 12 packages")
	checkEqual(t, "1 package", (&Run{Packages: 1}).SummaryLine(""), "0 findings in 1 package")
	checkEqual(t, "sample run", sampleRun().SummaryLine(""), "1 error, 1 warning, 1 info (fail-on: error)")
	warnings := &Run{Packages: 3, Findings: []Finding{{Severity: rules.SeverityWarning}, {Severity: rules.SeverityWarning}}}
	checkEqual(t, "warnings, fail-on error", warnings.SummaryLine(rules.SeverityError), "0 errors, 2 warnings (fail-on: error)")
	checkEqual(t, "warnings, fail-on warning", warnings.SummaryLine(rules.SeverityWarning), "0 errors, 2 warnings (fail-on: warning)")
	odd := &Run{Findings: []Finding{{Severity: "fatal"}}, Suppressed: 4}
	checkEqual(t, "unknown severity (counts as an error, as for the exit code)", odd.SummaryLine(rules.SeverityInfo),
		"1 error, 0 warnings (fail-on: info); 4 findings suppressed by the baseline")
}

func TestLoadErrorPos(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		e    LoadError
		want string
	}{
		{LoadError{Line: 3, Column: 4}, ""},
		{LoadError{File: "a.go"}, "a.go"},
		{LoadError{File: "a.go", Line: 3}, "a.go:3"},
		{LoadError{File: "a.go", Line: 3, Column: 4}, "a.go:3:4"},
	} {
		if got := tt.e.Pos(); got != tt.want {
			t.Errorf("%+v.Pos() = %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestExitCode(t *testing.T) {
	t.Parallel()
	with := func(sevs ...rules.Severity) []Finding {
		var fs []Finding
		for _, s := range sevs {
			fs = append(fs, Finding{Rule: "r", Severity: s})
		}
		return fs
	}
	tests := []struct {
		name     string
		findings []Finding
		failOn   rules.Severity
		want     int
	}{
		{"no findings", nil, rules.SeverityInfo, 0},
		{"error fails on error", with(rules.SeverityError), rules.SeverityError, 1},
		{"warning passes on error", with(rules.SeverityWarning, rules.SeverityInfo), rules.SeverityError, 0},
		{"warning fails on warning", with(rules.SeverityInfo, rules.SeverityWarning), rules.SeverityWarning, 1},
		{"info passes on warning", with(rules.SeverityInfo), rules.SeverityWarning, 0},
		{"info fails on info", with(rules.SeverityInfo), rules.SeverityInfo, 1},
		{"error fails on info", with(rules.SeverityError), rules.SeverityInfo, 1},
		{"empty failOn means error: warning passes", with(rules.SeverityWarning), "", 0},
		{"empty failOn means error: error fails", with(rules.SeverityError), "", 1},
		{"unknown severity counts as error", with("fatal"), rules.SeverityError, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ExitCode(tt.findings, tt.failOn); got != tt.want {
				t.Errorf("ExitCode = %d, want %d", got, tt.want)
			}
		})
	}
}
