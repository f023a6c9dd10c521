package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dbaudit/dbaudit/rules"
)

func write(t *testing.T, format string, run *Run) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, format, run))
	return buf.String()
}

func TestTextIsOneSortedLinePerFinding(t *testing.T) {
	t.Parallel()
	want := "api/handler.go:8:14: info: sqlpattern: query filters on retired column tenant_id\n" +
		"api/handler.go:30:2: warning: poolconstruct: pgxpool.New inside an HTTP handler builds a pool per request\n" +
		"internal/db/engine.go:12:9: error: rawdsn: DSN literal with a password\n"
	assert.Equal(t, want, write(t, "text", sampleRun()))
	assert.Equal(t, want, write(t, "", sampleRun()), "text is the default")
}

func TestTextCleanRunPrintsNothing(t *testing.T) {
	t.Parallel()
	assert.Empty(t, write(t, "text", &Run{Packages: 4, Files: 9}))
}

func TestTextShowsLoadErrorsFirst(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.Findings = run.Findings[:1]
	run.LoadErrors = []LoadError{
		{File: "bad/x.go", Line: 3, Column: 2, Message: "undefined: foo"},
		{Message: "pattern ./nope/...: directory not found"},
	}
	assert.Equal(t, "load error: pattern ./nope/...: directory not found\n"+
		"bad/x.go:3:2: load error: undefined: foo\n"+
		"internal/db/engine.go:12:9: error: rawdsn: DSN literal with a password\n",
		write(t, "text", run))
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
	assert.Equal(t, "bad\\nname.go:1:1: load error: x\\ny\n"+
		`db/db.go:3:7: error: rawdsn: password in connection string for database orders\nmain.go:1:1: error: poolconstruct: forged\r\x1b[2K\u202egnp.exe\ttab`+"\n", got)
	assert.Equal(t, 2, strings.Count(got, "\n"))
	assert.Equal(t, "plain é ü 中文", EscapeControl("plain é ü 中文"), "printable text is left alone")
}

func TestWriteLeavesTheRunAlone(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	before := sampleRun()
	for _, format := range Formats {
		write(t, format, run)
	}
	assert.Equal(t, before, run)
}

func TestUnknownFormatListsValidOnes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := Write(&buf, "xml", sampleRun())
	require.Error(t, err)
	assert.EqualError(t, err, `unknown format "xml": valid formats are text, json, sarif, github`)
	assert.Empty(t, buf.String())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportsWriterErrors(t *testing.T) {
	t.Parallel()
	for _, format := range Formats {
		assert.ErrorContains(t, Write(failingWriter{}, format, sampleRun()), "disk full", format)
	}
}

func TestJSONMatchesTheContract(t *testing.T) {
	t.Parallel()
	run := &Run{Packages: 12, Files: 40, Findings: []Finding{
		{Rule: "rawdsn", Severity: rules.SeverityError, File: "internal/db/engine.go", Line: 12, Column: 9, EndLine: 12, EndColumn: 30,
			Message: `password in "postgres://u:p@h/db" & <more>`},
	}}
	assert.JSONEq(t, `{"version": 1,
		"findings": [{"rule": "rawdsn", "severity": "error", "file": "internal/db/engine.go",
		              "line": 12, "column": 9, "message": "password in \"postgres://u:p@h/db\" & <more>", "fixes": []}],
		"summary": {"packages": 12, "files": 40, "findings": 1, "by_rule": {"rawdsn": 1}}}`,
		write(t, "json", run))
	assert.NotContains(t, write(t, "json", run), `\u003c`, "no HTML escaping")
}

func TestJSONEmptyRunHasArraysNotNulls(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `{
  "version": 1,
  "findings": [],
  "summary": {
    "packages": 2,
    "files": 5,
    "findings": 0,
    "by_rule": {}
  }
}
`, write(t, "json", &Run{Packages: 2, Files: 5}))
}

func TestJSONFixesAndEdits(t *testing.T) {
	t.Parallel()
	run := sampleRun()
	run.Findings = append(run.Findings, Finding{Rule: "poolercompat", Severity: rules.SeverityWarning, File: "a.go", Line: 1, Column: 1,
		Message: "m", Fixes: []Fix{{Message: "no edits yet"}}})
	var got struct {
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(write(t, "json", run)), &got))
	require.Len(t, got.Findings, 4)
	for _, f := range got.Findings {
		assert.ElementsMatch(t, []string{"rule", "severity", "file", "line", "column", "message", "fixes"}, keys(f))
		assert.NotNil(t, f["fixes"], "fixes is [] rather than null")
	}
	// Sorted: a.go first, internal/db/engine.go last.
	assert.Equal(t, []any{map[string]any{"message": "no edits yet", "edits": []any{}}}, got.Findings[0]["fixes"])
	assert.Equal(t, []any{map[string]any{"message": "read the DSN from the environment", "edits": []any{
		map[string]any{"file": "internal/db/engine.go", "start": 100.0, "end": 131.0, "new_text": `os.Getenv("DATABASE_URL")`},
	}}}, got.Findings[3]["fixes"])
}

func TestJSONLoadErrorsOnlyWhenPresent(t *testing.T) {
	t.Parallel()
	var clean map[string]any
	require.NoError(t, json.Unmarshal([]byte(write(t, "json", sampleRun())), &clean))
	assert.ElementsMatch(t, []string{"version", "findings", "summary"}, keys(clean))

	run := sampleRun()
	run.LoadErrors = []LoadError{{File: "x.go", Line: 3, Column: 2, Message: "undefined: foo"}, {Message: "no packages"}}
	var broken struct {
		LoadErrors []map[string]any `json:"load_errors"`
		Summary    Summary          `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(write(t, "json", run)), &broken))
	assert.Equal(t, []map[string]any{
		{"message": "no packages"},
		{"file": "x.go", "line": 3.0, "column": 2.0, "message": "undefined: foo"},
	}, broken.LoadErrors)
	assert.Equal(t, 3, broken.Summary.Findings, "load errors are not findings")
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestHelpGoesUnderTheMessage: the message stays one line in every format;
// the help is indented under it in text, a field of its own in JSON and
// SARIF, and the annotation's body on GitHub.
func TestHelpGoesUnderTheMessage(t *testing.T) {
	t.Parallel()
	run := &Run{Findings: []Finding{{Rule: "poolercompat", Severity: rules.SeverityError, File: "db/db.go", Line: 3, Column: 7,
		Message: "prepared statements through a transaction pooler",
		Help:    "PgBouncer answers `prepared statement \"stmtcache_1\" already exists`.\n\nFix: default_query_exec_mode=cache_describe\x1b[2K"}}}
	assert.Equal(t, "db/db.go:3:7: error: poolercompat: prepared statements through a transaction pooler\n"+
		"    PgBouncer answers `prepared statement \"stmtcache_1\" already exists`.\n"+
		"    Fix: default_query_exec_mode=cache_describe\\x1b[2K\n", write(t, "text", run))

	var js struct{ Findings []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(write(t, "json", run)), &js))
	assert.Equal(t, run.Findings[0].Message, js.Findings[0]["message"])
	assert.Equal(t, run.Findings[0].Help, js.Findings[0]["help"])

	sarif := write(t, "sarif", run)
	assert.Contains(t, sarif, `"text": "prepared statements through a transaction pooler"`)
	assert.Contains(t, sarif, `"help": "PgBouncer answers`)

	gh := write(t, "github", run)
	assert.Contains(t, gh, "::prepared statements through a transaction pooler%0A%0APgBouncer answers")
	assert.Equal(t, 1, strings.Count(gh, "\n"), "one workflow command")

	run.Findings[0].Help = ""
	assert.Equal(t, 1, strings.Count(write(t, "text", run), "\n"), "no help, one line")
	assert.NotContains(t, write(t, "json", run), `"help"`)
}
