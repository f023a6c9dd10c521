package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/rules"
)

func writeBaselineFile(t *testing.T, findings []Finding) string {
	t.Helper()
	var buf bytes.Buffer
	mustNoErr(t, WriteBaseline(&buf, findings))
	path := filepath.Join(t.TempDir(), "baseline.json")
	mustNoErr(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

func TestBaselineFileFormat(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	mustNoErr(t, WriteBaseline(&buf, sampleRun().Findings))
	checkEqual(t, "baseline", buf.String(), `{
  "version": 1,
  "findings": [
    {
      "rule": "poolconstruct",
      "file": "api/handler.go",
      "message": "pgxpool.New inside an HTTP handler builds a pool per request"
    },
    {
      "rule": "sqlpattern",
      "file": "api/handler.go",
      "message": "query filters on retired column tenant_id"
    },
    {
      "rule": "rawdsn",
      "file": "internal/db/engine.go",
      "message": "DSN literal with a password"
    }
  ]
}
`)

	buf.Reset()
	mustNoErr(t, WriteBaseline(&buf, nil))
	checkEqual(t, "empty baseline", buf.String(), "{\n  \"version\": 1,\n  \"findings\": []\n}\n")
}

func TestBaselineSuppressesRecordedFindingsWhereverTheyMove(t *testing.T) {
	t.Parallel()
	b, err := ReadBaseline(writeBaselineFile(t, sampleRun().Findings))
	mustNoErr(t, err)

	later := sampleRun().Findings
	for i := range later {
		later[i].Line += 20 // code added above every finding
		later[i].Column += 4
		later[i].Severity = rules.SeverityInfo // severity changes do not resurface them either
	}
	fresh := Finding{Rule: "rawdsn", Severity: rules.SeverityError, File: "internal/db/engine.go", Line: 50, Column: 2, Message: "a new DSN literal"}
	otherFile := later[2]
	otherFile.File = "internal/db/other.go"
	otherRule := later[2]
	otherRule.Rule = "dsnleak"
	findings := append(later, fresh, otherFile, otherRule)

	kept, suppressed := b.Filter(findings)
	checkEqual(t, "suppressed", suppressed, 3)
	checkEqual(t, "kept", kept, []Finding{fresh, otherFile, otherRule})
}

// TestBaselineIgnoresLinesNamedInMessages: conncleanup and sqlpattern name
// another line in their messages ("returns at line 48"); a line added above
// moves that number too, and must not resurface the finding (issue 14 #2).
// The file records the message position-free, so it does not change either.
func TestBaselineIgnoresLinesNamedInMessages(t *testing.T) {
	t.Parallel()
	recorded := []Finding{
		{Rule: "conncleanup", File: "store/store.go", Line: 44, Column: 2, Message: "rows from pgxpool.Pool.Query are not closed on the path that returns at line 48: open rows keep their connection busy"},
		{Rule: "conncleanup", File: "store/store.go", Line: 60, Column: 2, Message: "transaction from pgxpool.Pool.Begin is neither committed nor rolled back on the path that reaches the end of the function (line 71)"},
		{Rule: "sqlpattern", File: "store/store.go", Line: 80, Column: 20, Message: "literal SQL (text from line 78) matches forbidden pattern \"select \\*\""},
	}
	var before bytes.Buffer
	mustNoErr(t, WriteBaseline(&before, recorded))
	for _, want := range []string{"returns at line N: open rows", "(text from line N)"} {
		if !strings.Contains(before.String(), want) {
			t.Errorf("baseline lacks %q:\n%s", want, before.String())
		}
	}
	b, err := ReadBaseline(writeBaselineFile(t, recorded))
	mustNoErr(t, err)

	shifted := []Finding{
		{Rule: "conncleanup", File: "store/store.go", Line: 45, Column: 2, Message: "rows from pgxpool.Pool.Query are not closed on the path that returns at line 49: open rows keep their connection busy"},
		{Rule: "conncleanup", File: "store/store.go", Line: 61, Column: 2, Message: "transaction from pgxpool.Pool.Begin is neither committed nor rolled back on the path that reaches the end of the function (line 72)"},
		{Rule: "sqlpattern", File: "store/store.go", Line: 81, Column: 20, Message: "literal SQL (text from line 79) matches forbidden pattern \"select \\*\""},
	}
	kept, suppressed := b.Filter(shifted)
	if len(kept) != 0 {
		t.Errorf("kept %+v; want nothing new after a line was added above every finding", kept)
	}
	checkEqual(t, "suppressed", suppressed, 3)
	var after bytes.Buffer
	mustNoErr(t, WriteBaseline(&after, shifted))
	checkEqual(t, "rewritten baseline (unchanged)", after.String(), before.String())

	// A baseline written before messages were stored position-free still matches.
	old := filepath.Join(t.TempDir(), "old.json")
	mustNoErr(t, os.WriteFile(old, []byte(`{"version": 1, "findings": [{"rule": "conncleanup", "file": "store/store.go", "message": "rows from pgxpool.Pool.Query are not closed on the path that returns at line 48: open rows keep their connection busy"}]}`), 0o644))
	b, err = ReadBaseline(old)
	mustNoErr(t, err)
	_, suppressed = b.Filter(shifted)
	checkEqual(t, "suppressed by the old baseline", suppressed, 1)
}

func TestPositionFree(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"not closed on the path that returns at line 48: open rows": "not closed on the path that returns at line N: open rows",
		"when the loop comes back to line 7 and takes another":      "when the loop comes back to line N and takes another",
		"reaches the end of the function (line 53)":                 "reaches the end of the function (line N)",
		"see lines 12-14 and column 7":                              "see lines N and column N",
		"the Close at store/store.go:31:2 runs too late":            "the Close at store/store.go:N runs too late",
		"host db:5432, database orders":                             "host db:5432, database orders",
		"pipeline 3 of 4; timeline 12":                              "pipeline 3 of 4; timeline 12",
		"statement_timeout=10 (in milliseconds) from line_length 3": "statement_timeout=10 (in milliseconds) from line_length 3",
	} {
		if got := PositionFree(in); got != want {
			t.Errorf("PositionFree(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBaselineIsAMultiset(t *testing.T) {
	t.Parallel()
	f := Finding{Rule: "rawdsn", File: "a.go", Line: 1, Message: "dup"}
	b, err := ReadBaseline(writeBaselineFile(t, []Finding{f, f}))
	mustNoErr(t, err)

	third := f
	third.Line = 30
	kept, suppressed := b.Filter([]Finding{f, f, third})
	checkEqual(t, "suppressed", suppressed, 2)
	checkEqual(t, "kept (two recorded findings suppress at most two)", kept, []Finding{third})

	kept, suppressed = b.Filter([]Finding{f})
	checkEqual(t, "suppressed", suppressed, 1)
	if kept == nil || len(kept) != 0 {
		t.Errorf("kept %#v, want an empty, non-nil slice", kept)
	}

	// Filter does not consume the baseline.
	_, suppressed = b.Filter([]Finding{f, f})
	checkEqual(t, "suppressed on a second Filter", suppressed, 2)
}

func TestNilBaselineKeepsEverything(t *testing.T) {
	t.Parallel()
	var b *Baseline
	kept, suppressed := b.Filter(sampleRun().Findings)
	checkEqual(t, "suppressed", suppressed, 0)
	checkEqual(t, "kept", kept, sampleRun().Findings)
}

func TestReadBaselineErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content, want string
	}{
		{"syntax error", "{\n  \"version\": 1,\n  \"findings\": [\n    {\"rule\": \"a\",}\n  ]\n}\n", ":4: invalid character '}'"},
		{"wrong type", "{\n  \"version\": \"1\"\n}", `:2: version: want a whole number, got a string`},
		{"wrong entry type", "{\"version\": 1,\n\"findings\": [{\"rule\": \"a\", \"file\": \"b\", \"message\": 3}]}", `:2: findings[0].message: want a string, got a number`},
		{"truncated", "{\"version\": 1,\n\"findings\": [", ":2: unexpected end of file"},
		{"empty", "", "empty file"},
		{"unknown field", `{"version": 1, "findings": [], "lines": {}}`, `unknown field "lines"`},
		{"no version", `{"findings": []}`, `no "version" field: not a dbaudit baseline`},
		{"future version", `{"version": 2, "findings": []}`, "version 2 is not supported (this dbaudit reads version 1)"},
		{"trailing data", "{\"version\": 1, \"findings\": []}\n{}", ":2: unexpected data after the baseline object"},
		{"entry without rule", `{"version": 1, "findings": [{"file": "a.go", "message": "m"}]}`, "findings[0]: rule and file are required"},
		{"a findings report, not a baseline", `{"version": 1, "findings": [], "summary": {}}`, `not a baseline: write one with --write-baseline`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "old-baseline.json")
			mustNoErr(t, os.WriteFile(path, []byte(tt.content), 0o644))
			_, err := ReadBaseline(path)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error does not start with %q: %v", path+":", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestReadBaselineMissingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := ReadBaseline(path)
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v is not os.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
}
