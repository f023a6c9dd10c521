package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/rules"
)

func write(t *testing.T, format string, run *Run) string {
	t.Helper()
	var buf bytes.Buffer
	mustNoErr(t, Write(&buf, format, run))
	return buf.String()
}

func TestTextIsOneSortedLinePerFinding(t *testing.T) {
	t.Parallel()
	want := "api/handler.go:8:14: info: sqlpattern: query filters on retired column tenant_id\n" +
		"api/handler.go:30:2: warning: poolconstruct: pgxpool.New inside an HTTP handler builds a pool per request\n" +
		"internal/db/engine.go:12:9: error: rawdsn: DSN literal with a password\n"
	checkEqual(t, "text", write(t, "text", sampleRun()), want)
	checkEqual(t, "default format (text)", write(t, "", sampleRun()), want)
}

func TestTextCleanRunPrintsNothing(t *testing.T) {
	t.Parallel()
	checkEqual(t, "text of a clean run", write(t, "text", &Run{Packages: 4, Files: 9}), "")
}

func TestTextShowsLoadErrorsFirst(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.Findings = run.Findings[:1]
	run.LoadErrors = []LoadError{
		{File: "bad/x.go", Line: 3, Column: 2, Message: "undefined: foo"},
		{Message: "pattern ./nope/...: directory not found"},
	}
	checkEqual(t, "text", write(t, "text", run),
		"load error: pattern ./nope/...: directory not found\n"+
			"bad/x.go:3:2: load error: undefined: foo\n"+
			"internal/db/engine.go:12:9: error: rawdsn: DSN literal with a password\n")
}

// TestTextEscapesControlCharacters: messages quote analysed code, and a
// raw-string DSN may hold a newline (reliability report D10). Each finding
// stays one line, and a hostile repository cannot print lines that look
// like findings, or reorder a line with bidirectional controls.
func TestTextEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	run := &Run{
		Findings: []Finding{{Rule: "rawdsn", Severity: rules.SeverityError, File: "db/db.go", Line: 3, Column: 7,
			Message: "password in connection string for database orders\nmain.go:1:1: error: poolconstruct: forged\r\x1b[2K\u202egnp.exe\ttab"}},
		LoadErrors: []LoadError{{File: "bad\nname.go", Line: 1, Column: 1, Message: "x\ny"}},
	}
	got := write(t, "text", run)
	checkEqual(t, "text", got, "bad\\nname.go:1:1: load error: x\\ny\n"+
		`db/db.go:3:7: error: rawdsn: password in connection string for database orders\nmain.go:1:1: error: poolconstruct: forged\r\x1b[2K\u202egnp.exe\ttab`+"\n")
	checkEqual(t, "lines", strings.Count(got, "\n"), 2)
	checkEqual(t, "printable text (left alone)", EscapeControl("plain é ü 中文"), "plain é ü 中文")
}

func TestWriteLeavesTheRunAlone(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	before := sampleRun()
	for _, format := range Formats {
		write(t, format, run)
	}
	checkEqual(t, "run after writing", run, before)
}

func TestUnknownFormatListsValidOnes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := Write(&buf, "xml", sampleRun())
	if err == nil {
		t.Fatal("no error for format xml")
	}
	checkEqual(t, "error", err.Error(), `unknown format "xml": valid formats are text, json, sarif, github`)
	checkEqual(t, "output", buf.String(), "")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportsWriterErrors(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		if err := Write(failingWriter{}, format, sampleRun()); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error %v, want the writer's disk full", format, err)
		}
	}
}

func TestJSONMatchesTheContract(t *testing.T) {
	t.Parallel()
	run := &Run{Packages: 12, Files: 40, Findings: []Finding{
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "internal/db/engine.go", Line: 12, Column: 9, EndLine: 12, EndColumn: 30,
			Message: `password in "postgres://u:p@h/db" & <more>`},
	}}
	checkJSONEq(t, write(t, "json", run), `{"version": 1,
		"findings": [{"rule": "rawdsn", "severity": "error", "file": "internal/db/engine.go",
		              "line": 12, "column": 9, "message": "password in \"postgres://u:p@h/db\" & <more>", "fixes": []}],
		"summary": {"packages": 12, "files": 40, "findings": 1, "by_rule": {"rawdsn": 1}}}`)
	if got := write(t, "json", run); strings.Contains(got, `\u003c`) {
		t.Errorf("HTML escaping in %s", got)
	}
}

func TestJSONEmptyRunHasArraysNotNulls(t *testing.T) {
	t.Parallel()
	checkEqual(t, "json", write(t, "json", &Run{Packages: 2, Files: 5}), `{
  "version": 1,
  "findings": [],
  "summary": {
    "packages": 2,
    "files": 5,
    "findings": 0,
    "by_rule": {}
  }
}
`)
}

func TestJSONFixesAndEdits(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.Findings = append(run.Findings, Finding{Rule: "poolercompat", Severity: rules.SeverityWarning, File: "a.go", Line: 1, Column: 1,
		Message: "m", Fixes: []Fix{{Message: "no edits yet"}}})
	var got struct {
		Findings []map[string]any `json:"findings"`
	}
	mustNoErr(t, json.Unmarshal([]byte(write(t, "json", run)), &got))
	if len(got.Findings) != 4 {
		t.Fatalf("%d findings, want 4", len(got.Findings))
	}
	for _, f := range got.Findings {
		checkEqual(t, "finding's fields", sortedKeys(f), []string{"column", "file", "fixes", "line", "message", "rule", "severity"})
		if f["fixes"] == nil {
			t.Errorf("fixes is null, want []: %v", f)
		}
	}
	// Sorted: a.go first, internal/db/engine.go last.
	checkEqual(t, "a.go's fixes", got.Findings[0]["fixes"], any([]any{map[string]any{"message": "no edits yet", "edits": []any{}}}))
	checkEqual(t, "engine.go's fixes", got.Findings[3]["fixes"], any([]any{map[string]any{"message": "read the DSN from the environment", "edits": []any{
		map[string]any{"file": "internal/db/engine.go", "start": 100.0, "end": 131.0, "new_text": `os.Getenv("DATABASE_URL")`},
	}}}))
}

func TestJSONLoadErrorsOnlyWhenPresent(t *testing.T) {
	t.Parallel()
	var clean map[string]any
	mustNoErr(t, json.Unmarshal([]byte(write(t, "json", sampleRun())), &clean))
	checkEqual(t, "fields of a clean report", sortedKeys(clean), []string{"findings", "summary", "version"})

	run := sampleRun()
	run.LoadErrors = []LoadError{{File: "x.go", Line: 3, Column: 2, Message: "undefined: foo"}, {Message: "no packages"}}
	var broken struct {
		LoadErrors []map[string]any `json:"load_errors"`
		Summary    Summary          `json:"summary"`
	}
	mustNoErr(t, json.Unmarshal([]byte(write(t, "json", run)), &broken))
	checkEqual(t, "load_errors", broken.LoadErrors, []map[string]any{
		{"message": "no packages"},
		{"file": "x.go", "line": 3.0, "column": 2.0, "message": "undefined: foo"},
	})
	checkEqual(t, "summary findings (load errors are not findings)", broken.Summary.Findings, 3)
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// checkJSONEq reports got and want as different unless they decode to the
// same value.
func checkJSONEq(t *testing.T, got, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs:\ngot  %s\nwant %s", got, want)
	}
}

// TestHelpGoesUnderTheMessage: the message stays one line in every format;
// the help is indented under it in text, a field of its own in JSON and
// SARIF, and the annotation's body on GitHub.
func TestHelpGoesUnderTheMessage(t *testing.T) {
	t.Parallel()
	run := &Run{Findings: []Finding{{Rule: "poolercompat", Severity: rules.SeverityError, File: "db/db.go", Line: 3, Column: 7,
		Message: "prepared statements through a transaction pooler",
		Help:    "PgBouncer answers `prepared statement \"stmtcache_1\" already exists`.\n\nFix: default_query_exec_mode=cache_describe\x1b[2K"}}}
	checkEqual(t, "text", write(t, "text", run), "db/db.go:3:7: error: poolercompat: prepared statements through a transaction pooler\n"+
		"    PgBouncer answers `prepared statement \"stmtcache_1\" already exists`.\n"+
		"    Fix: default_query_exec_mode=cache_describe\\x1b[2K\n")

	var js struct{ Findings []map[string]any }
	mustNoErr(t, json.Unmarshal([]byte(write(t, "json", run)), &js))
	checkEqual(t, "json message", js.Findings[0]["message"], any(run.Findings[0].Message))
	checkEqual(t, "json help", js.Findings[0]["help"], any(run.Findings[0].Help))

	sarif := write(t, "sarif", run)
	for _, want := range []string{`"text": "prepared statements through a transaction pooler"`, `"help": "PgBouncer answers`} {
		if !strings.Contains(sarif, want) {
			t.Errorf("sarif lacks %s:\n%s", want, sarif)
		}
	}

	gh := write(t, "github", run)
	if want := "::prepared statements through a transaction pooler%0A%0APgBouncer answers"; !strings.Contains(gh, want) {
		t.Errorf("github output lacks %q: %q", want, gh)
	}
	checkEqual(t, "github lines (one workflow command)", strings.Count(gh, "\n"), 1)

	run.Findings[0].Help = ""
	checkEqual(t, "text lines without help", strings.Count(write(t, "text", run), "\n"), 1)
	if got := write(t, "json", run); strings.Contains(got, `"help"`) {
		t.Errorf("json has help without one: %s", got)
	}
}
