package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// The committed schema is the OASIS one with its top-level definition moved
// to definitions/Root: compiled as a whole it constrains nothing (every
// document passes), so the tests validate against #/definitions/Root and
// prove with negative cases that this catches invalid logs. The tests live
// here rather than in package report, which depends on no schema library.
var sarifSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	id := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uri and uri-reference formats are checked too
	// Registered under its $id, so nothing is fetched; the draft-07
	// meta-schema named by $schema ships with the library.
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	return c.Compile(id + "#/definitions/Root")
})

func validateSARIF(t *testing.T, doc string) error {
	t.Helper()
	sch, err := sarifSchema()
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("the log is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func writeSARIF(t *testing.T, run *report.Run) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, "sarif", run); err != nil {
		t.Fatalf("writing SARIF: %v", err)
	}
	return buf.String()
}

// sarifSampleRun has findings out of order, in two files, with and without
// fixes, a rule the run's metadata does not describe, and no load errors
// (report's tests use the same one).
func sarifSampleRun() *report.Run {
	return &report.Run{
		Packages:    3,
		Files:       7,
		ToolVersion: "v0.1.0",
		Rules: []report.RuleMeta{
			{ID: "rawdsn", Short: "DSNs written into code.", Full: "rawdsn flags DSNs written into non-test code.", HelpURI: "https://github.com/dbaudit/dbaudit/blob/main/analyzers/rawdsn/doc.go", Severity: rules.SeverityError},
			{ID: "poolconstruct", Short: "Pool construction outside approved packages.", Full: "poolconstruct flags pool construction.", HelpURI: "https://github.com/dbaudit/dbaudit/blob/main/analyzers/poolconstruct/doc.go", Severity: rules.SeverityWarning},
		},
		Findings: []report.Finding{
			{Rule: "rawdsn", Severity: rules.SeverityError, File: "internal/db/engine.go", Line: 12, Column: 9, EndLine: 12, EndColumn: 40,
				Message: "DSN literal with a password",
				Fixes: []report.Fix{{Message: "read the DSN from the environment", Edits: []report.Edit{
					{File: "internal/db/engine.go", Start: 100, End: 131, NewText: `os.Getenv("DATABASE_URL")`, StartLine: 12, StartColumn: 9, EndLine: 12, EndColumn: 40},
				}}}},
			{Rule: "poolconstruct", Severity: rules.SeverityWarning, File: "api/handler.go", Line: 30, Column: 2, Message: "pgxpool.New inside an HTTP handler builds a pool per request"},
			{Rule: "sqlpattern", Severity: rules.SeverityInfo, File: "api/handler.go", Line: 8, Column: 14, Message: "query filters on retired column tenant_id"},
		},
	}
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	withLoadErrors := sarifSampleRun()
	withLoadErrors.LoadErrors = []report.LoadError{{File: "bad/x.go", Line: 3, Column: 2, Message: "undefined: foo"}, {Message: "no Go files"}}
	oddPaths := &report.Run{Findings: []report.Finding{
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "dir with space/100%.go", Line: 1, Column: 1, Message: "m"},
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "c:weird.go", Line: 1, Message: "m"},
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "ünï/q?#.go", Line: 2, Column: 3, EndLine: 2, EndColumn: 1, Message: "end before start is dropped"},
	}}
	insertion := &report.Run{Findings: []report.Finding{{Rule: "poolercompat", Severity: rules.SeverityWarning, File: "a.go", Line: 4, Column: 5, Message: "m", Help: "the measured error\nand the fix",
		Fixes: []report.Fix{{Edits: []report.Edit{
			{File: "a.go", Start: 10, End: 10, NewText: "x", StartLine: 2, StartColumn: 3, EndLine: 2, EndColumn: 3},
			{File: "b.go", Start: 0, End: 4}, // a deletion with no line info
		}}}}}}
	cases := map[string]*report.Run{
		"findings with and without fixes": sarifSampleRun(),
		"zero findings with rules":        {Rules: sarifSampleRun().Rules, Packages: 1},
		"zero findings, zero rules":       {},
		"load errors":                     withLoadErrors,
		"odd paths":                       oddPaths,
		"insertion and deletion fixes":    insertion,
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := validateSARIF(t, writeSARIF(t, run)); err != nil {
				t.Error(err)
			}
		})
	}
}

// The validation above would be worthless if the schema accepted anything.
func TestSARIFSchemaRejectsInvalidLogs(t *testing.T) {
	t.Parallel()
	valid := writeSARIF(t, sarifSampleRun())
	if err := validateSARIF(t, valid); err != nil {
		t.Fatalf("the valid log fails: %v", err)
	}
	breakages := map[string]func(log map[string]any){
		"wrong version":      func(log map[string]any) { log["version"] = "2.0.0" },
		"no runs":            func(log map[string]any) { delete(log, "runs") },
		"unknown top field":  func(log map[string]any) { log["extra"] = true },
		"result no message":  func(log map[string]any) { delete(result0(log), "message") },
		"negative ruleIndex": func(log map[string]any) { result0(log)["ruleIndex"] = -2 },
		"bad level":          func(log map[string]any) { result0(log)["level"] = "info" },
		"startLine zero": func(log map[string]any) {
			loc := result0(log)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		},
		"tool without name": func(log map[string]any) {
			delete(log["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any), "name")
		},
	}
	for name, breakIt := range breakages {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var log map[string]any
			if err := json.Unmarshal([]byte(valid), &log); err != nil {
				t.Fatal(err)
			}
			breakIt(log)
			broken, err := json.Marshal(log)
			if err != nil {
				t.Fatal(err)
			}
			if validateSARIF(t, string(broken)) == nil {
				t.Errorf("the schema accepts the broken log:\n%s", broken)
			}
		})
	}
}

func result0(log map[string]any) map[string]any {
	return log["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}
