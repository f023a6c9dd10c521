package report

import (
	"testing"

	"github.com/dbaudit/dbaudit/rules"
)

func TestGitHubAnnotations(t *testing.T) {
	t.Parallel()
	checkEqual(t, "github", write(t, "github", sampleRun()),
		"::notice file=api/handler.go,line=8,col=14,title=sqlpattern::query filters on retired column tenant_id\n"+
			"::warning file=api/handler.go,line=30,col=2,title=poolconstruct::pgxpool.New inside an HTTP handler builds a pool per request\n"+
			"::error file=internal/db/engine.go,line=12,col=9,endLine=12,endColumn=40,title=rawdsn::DSN literal with a password\n")
}

func TestGitHubEscaping(t *testing.T) {
	t.Parallel()
	run := &Run{Findings: []Finding{{
		Rule: "rawdsn", Severity: rules.SeverityError,
		File: "odd,dir/a:b%c.go", Line: 2, Column: 1,
		Message: "100% wrong: a, b\r\nnext line :: not a command",
	}}}
	// Properties escape % CR LF : and ,; the message only % CR LF.
	checkEqual(t, "github", write(t, "github", run),
		"::error file=odd%2Cdir/a%3Ab%25c.go,line=2,col=1,title=rawdsn::100%25 wrong: a, b%0D%0Anext line :: not a command\n")
	checkEqual(t, "escapeProperty", escapeProperty("a,b:c%d\r\n"), "a%2Cb%3Ac%25d%0D%0A")
	checkEqual(t, "escapeData", escapeData("a,b:c%d\r\n"), "a,b:c%25d%0D%0A")
	checkEqual(t, "escapeData of escaped-looking input (escaped again, not idempotent)", escapeData("%25"), "%2525")
}

func TestGitHubPartialPositions(t *testing.T) {
	t.Parallel()
	run := &Run{
		Findings: []Finding{
			{Rule: "a", Severity: rules.SeverityWarning, File: "x.go", Line: 3, Message: "no column"},
			{Rule: "b", Severity: rules.SeverityInfo, File: "x.go", Line: 4, Column: 2, EndLine: 6, EndColumn: 9, Message: "multi-line: no endColumn"},
			{Rule: "c", Severity: "", File: "x.go", Message: "file only; unknown severity is an error"},
		},
		LoadErrors: []LoadError{
			{File: "bad.go", Line: 7, Column: 3, Message: "undefined: foo"},
			{Message: "pattern ./nope/...: directory not found"},
		},
	}
	checkEqual(t, "github", write(t, "github", run),
		"::error title=load error::pattern ./nope/...: directory not found\n"+
			"::error file=bad.go,line=7,col=3,title=load error::undefined: foo\n"+
			"::error file=x.go,title=c::file only; unknown severity is an error\n"+
			"::warning file=x.go,line=3,title=a::no column\n"+
			"::notice file=x.go,line=4,col=2,endLine=6,title=b::multi-line: no endColumn\n")
}

func TestGitHubCleanRunPrintsNothing(t *testing.T) {
	t.Parallel()
	checkEqual(t, "github output of a clean run", write(t, "github", &Run{Packages: 3}), "")
}
