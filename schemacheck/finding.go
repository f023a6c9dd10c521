package schemacheck

import (
	"cmp"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// The finding kinds of schemacheck.
const (
	RuleMissingTable   = "missing-table"
	RuleMissingColumn  = "missing-column"
	RuleTypeMismatch   = "type-mismatch"
	RuleNullability    = "nullability"
	RuleUnmappedColumn = "unmapped-column"
	RuleQueryError     = "query-error"
	RuleParamType      = "param-type"
)

// Rules are schemacheck's finding kinds, with what each catches.
var Rules = []report.RuleMeta{
	{ID: RuleMissingTable, Severity: rules.SeverityError, Short: "A model's table or view does not exist in the configured schemas."},
	{ID: RuleMissingColumn, Severity: rules.SeverityError, Short: "A model field reads a column its table does not have."},
	{ID: RuleTypeMismatch, Severity: rules.SeverityError, Short: "A Go type cannot hold (error) or only converts (warning) the column's PostgreSQL type."},
	{ID: RuleNullability, Severity: rules.SeverityError, Short: "A nullable column is read into a Go type that cannot hold NULL."},
	{ID: RuleUnmappedColumn, Severity: rules.SeverityWarning, Short: "A column has no model field: a warning when it is NOT NULL without a default, since inserts through the model fail."},
	{ID: RuleQueryError, Severity: rules.SeverityError, Short: "Literal SQL that the server refuses to prepare."},
	{ID: RuleParamType, Severity: rules.SeverityError, Short: "A Go argument that pgx cannot encode for the parameter type the server expects, or the wrong number of arguments."},
}

// Finding is one schemacheck finding, in DESIGN.md's JSON shape.
type Finding struct {
	Rule     string         `json:"rule"`
	Severity rules.Severity `json:"severity"`
	Struct   string         `json:"struct"`
	Field    string         `json:"field"`
	Table    string         `json:"table"`
	Column   string         `json:"column"`
	GoType   string         `json:"go_type"`
	DBType   string         `json:"db_type"`
	File     string         `json:"file"`
	Line     int            `json:"line"`
	Message  string         `json:"message"`

	// Col is the position's column, for text and SARIF output.
	Col int `json:"-"`
}

// QueryStats says what happened to the literal SQL found.
type QueryStats struct {
	Found    int `json:"found"`
	Prepared int `json:"prepared"`
	Skipped  int `json:"skipped"`
	// SkippedReason is set when no statement was prepared at all (no
	// database: --schema-file).
	SkippedReason string `json:"skipped_reason,omitempty"`
}

// Result is a schemacheck run's outcome.
type Result struct {
	Models   []*Model
	Findings []Finding
	Queries  QueryStats
	// Statements are the literal SQL found, with Skip set on those not
	// prepared.
	Statements []*Statement
}

func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message))
}

// jsonReport is DESIGN.md's schemacheck shape; "queries" tells whether the
// literal SQL was checked.
type jsonReport struct {
	Version  int        `json:"version"`
	Models   []*Model   `json:"models"`
	Findings []Finding  `json:"findings"`
	Queries  QueryStats `json:"queries"`
}

// WriteJSON writes the result as {"version":1,"models":[...],"findings":[...]}.
func (r *Result) WriteJSON(w io.Writer) error {
	rep := jsonReport{Version: 1, Models: r.Models, Findings: r.Findings, Queries: r.Queries}
	if rep.Models == nil {
		rep.Models = []*Model{}
	}
	for _, m := range rep.Models {
		if m.Fields == nil {
			m.Fields = []*Field{}
		}
	}
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// ReportFindings converts the findings for report.Write (text, SARIF,
// GitHub annotations).
func (r *Result) ReportFindings() []report.Finding {
	out := make([]report.Finding, 0, len(r.Findings))
	for _, f := range r.Findings {
		out = append(out, report.Finding{
			Rule: f.Rule, Severity: f.Severity, File: f.File, Line: f.Line, Column: f.Col,
			Message: f.Message, Fixes: []report.Fix{},
		})
	}
	return out
}

// relPath makes a file name relative to dir, slash-separated, as findings
// carry them.
func relPath(dir, name string) string {
	if name == "" {
		return ""
	}
	if dir != "" && filepath.IsAbs(name) {
		if r, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(r, "..") {
			name = r
		}
	}
	return filepath.ToSlash(name)
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, compareFindings)
}
