package report_test

import (
	"fmt"
	"os"

	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

func ExampleWrite() {
	run := &report.Run{
		Packages: 1, Files: 1,
		Findings: []report.Finding{{
			Rule: "poolconstruct", Severity: rules.SeverityError,
			File: "api/handler.go", Line: 30, Column: 2,
			Message: "pgxpool.New inside an HTTP handler builds a pool per request",
		}},
	}
	_ = report.Write(os.Stdout, "text", run)
	_ = report.Write(os.Stdout, "github", run)
	fmt.Println("exit", report.ExitCode(run.Findings, rules.SeverityError))
	// Output:
	// api/handler.go:30:2: error: poolconstruct: pgxpool.New inside an HTTP handler builds a pool per request
	// ::error file=api/handler.go,line=30,col=2,title=poolconstruct::pgxpool.New inside an HTTP handler builds a pool per request
	// exit 1
}

// --diff and --fix share one ApplyFixes call; a reader that remembers what
// it read gives Diff the original content.
func ExampleApplyFixes() {
	disk := map[string][]byte{"db/db.go": []byte("package db\nconst dsn = \"postgres://u:p@h/db\"\n")}
	original := map[string][]byte{}
	readFile := func(name string) ([]byte, error) {
		data, ok := disk[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		original[name] = data
		return data, nil
	}
	findings := []report.Finding{{
		Rule: "rawdsn", File: "db/db.go", Line: 3, Column: 13, Message: "DSN literal",
		Fixes: []report.Fix{{Message: "read it from the environment", Edits: []report.Edit{
			{File: "db/db.go", Start: 23, End: 44, NewText: `os.Getenv("DATABASE_URL")`},
		}}},
	}}
	fixed, err := report.ApplyFixes(findings, readFile)
	if err != nil {
		fmt.Println(err) // a file changed since the analysis: write nothing
		return
	}
	for _, s := range fixed.Skipped {
		fmt.Println("not applied:", s.Reason) // conflicts with an earlier fix
	}
	fmt.Print(report.Diff(original, fixed.Files))
	// Output:
	// --- a/db/db.go
	// +++ b/db/db.go
	// @@ -1,2 +1,2 @@
	//  package db
	// -const dsn = "postgres://u:p@h/db"
	// +const dsn = os.Getenv("DATABASE_URL")
}
