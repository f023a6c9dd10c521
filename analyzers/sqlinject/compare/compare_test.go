//go:build compare

package compare

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	ct "github.com/dbaudit/dbaudit/internal/comparetest"
)

var update = flag.Bool("update", false, "write ../COMPARISON.md")

const gosecVersion = "v2.30.0"

const fixtureMod = `module example.com/inject

go 1.26

require (
	github.com/gin-gonic/gin v1.10.0
	github.com/go-chi/chi/v5 v5.2.1
	github.com/google/uuid v1.6.0
	github.com/gorilla/mux v1.8.1
	github.com/jackc/pgx/v5 v5.12.0
	github.com/jmoiron/sqlx v1.4.0
	github.com/labstack/echo/v4 v4.13.3
	github.com/lib/pq v1.12.3
	gorm.io/gorm v1.31.2
)
`

type tool struct {
	name  string
	diags []ct.Diag
	// blind: a miss there is outside what the tool can see (FN*).
	blind func(fixtureCase) bool
}

type fixtureCase struct {
	ct.Case  // File: "dir/file.go"
	driver   string
	bad      bool
	crossPkg bool // turns on a helper of another package (store.X)
}

func TestCompare(t *testing.T) {
	root := ct.RepoRoot(t)
	work := t.TempDir()
	fixtures := filepath.Join(work, "inject")
	ct.CopyFixtures(t, filepath.Join(root, "analyzers", "sqlinject", "testdata", "src", "example.com", "inject"), fixtures)
	ct.Write(t, filepath.Join(fixtures, "go.mod"), fixtureMod)
	ct.Run(t, fixtures, nil, "go", "build", "./...")

	bin := ct.ToolsDir(t, work)
	if _, err := os.Stat(filepath.Join(bin, "gosec")); err != nil {
		ct.Run(t, work, []string{"GOBIN=" + bin}, "go", "install", "github.com/securego/gosec/v2/cmd/gosec@"+gosecVersion)
	}
	ct.Run(t, root, nil, "go", "build", "-o", bin+string(filepath.Separator),
		"./analyzers/sqlinject/compare/testdata/vet", "./analyzers/sqlinject/compare/testdata/nofacts")
	ct.Run(t, filepath.Join(root, "cmd", "dbaudit"), nil, "go", "build", "-o", filepath.Join(bin, "dbaudit"), ".") // a module of its own

	cases := readCases(t, fixtures)
	tools := []*tool{
		{name: "dbaudit check", diags: ct.DBaudit(t, filepath.Join(bin, "dbaudit"), fixtures, "sqlinject", ct.LastTwo)},
		{name: "sqlinject, go vet", diags: ct.Vet(t, filepath.Join(bin, "vet"), fixtures, ct.LastTwo)},
		{name: "sqlinject without facts", diags: ct.Singlechecker(t, filepath.Join(bin, "nofacts"), fixtures, ct.LastTwo),
			blind: func(c fixtureCase) bool { return c.crossPkg }},
		{name: "gosec " + gosecVersion + " G201/G202", diags: gosec(t, filepath.Join(bin, "gosec"), fixtures),
			blind: func(c fixtureCase) bool { return c.driver != "database/sql" }},
	}
	gosecTool := tools[3]
	table, stats := render(cases, tools)
	if *update {
		ct.Write(t, filepath.Join(root, "analyzers", "sqlinject", "COMPARISON.md"), table)
	} else {
		t.Log("\n" + table)
	}
	for _, tl := range tools[:2] {
		if s := stats[tl.name]; s.fn+s.outOfScope != 0 || s.fp != 0 {
			t.Errorf("%s: %d missed, %d false positives on the sqlinject fixtures", tl.name, s.fn+s.outOfScope, s.fp)
		}
	}
	if s := stats[tools[2].name]; s.fn != 0 || s.fp != 0 {
		t.Errorf("sqlinject without facts: %d missed within a package, %d false positives", s.fn, s.fp)
	}
	for _, c := range cases {
		if c.bad && ct.FlaggedIn(gosecTool.diags, c.Case) && !ct.FlaggedIn(tools[0].diags, c.Case) {
			t.Errorf("gosec finds %s, dbaudit check does not", c.Name)
		}
	}
}

func gosec(t *testing.T, binary, dir string) []ct.Diag {
	out := ct.RunTool(t, dir, binary, "-include=G201,G202", "-fmt=json", "-quiet", "./...")
	var res struct {
		Issues []struct {
			RuleID  string `json:"rule_id"`
			File    string `json:"file"`
			Line    string `json:"line"`
			Details string `json:"details"`
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("gosec json: %v\n%s", err, out)
	}
	var ds []ct.Diag
	for _, is := range res.Issues {
		line, _ := strconv.Atoi(strings.Split(is.Line, "-")[0])
		ds = append(ds, ct.Diag{File: ct.LastTwo(is.File), Line: line, Msg: is.RuleID + ": " + is.Details})
	}
	return ds
}

func readCases(t *testing.T, dir string) []fixtureCase {
	var cases []fixtureCase
	for _, f := range ct.Funcs(t, dir, ct.LastTwo) {
		if f.Decl.Name.Name != "OkPgxSuppressed" {
			cases = append(cases, classify(f))
		}
	}
	return cases
}

func classify(f ct.Func) fixtureCase {
	name, file := f.Decl.Name.Name, f.File
	c := fixtureCase{Case: f.Case}
	c.bad = strings.HasPrefix(name, "Bad")
	if !c.bad && !strings.HasPrefix(name, "Ok") {
		c.Name += " (helper)"
	}
	c.crossPkg = strings.HasPrefix(file, "app/")
	switch {
	case strings.Contains(name, "Pgconn"):
		c.driver = "pgconn"
	case strings.Contains(name, "Pgx"), strings.HasPrefix(file, "frameworks/"), strings.Contains(name, "Run"), strings.Contains(name, "AppCount"):
		c.driver = "pgx"
	case strings.Contains(name, "Sqlx"):
		c.driver = "sqlx"
	case strings.Contains(name, "Gorm"):
		c.driver = "gorm"
	case strings.Contains(name, "SQL"), strings.HasPrefix(file, "app/"), name == "BadStoreFindByName",
		strings.HasPrefix(name, "OkStorePage"), strings.HasPrefix(name, "OkStorePlaceholder"):
		c.driver = "database/sql"
	case strings.HasPrefix(file, "store/"):
		c.driver = "pgx"
	default:
		c.driver = "-"
	}
	return c
}

type counts struct{ tp, fp, fn, outOfScope, tn int }

func render(cases []fixtureCase, tools []*tool) (string, map[string]counts) {
	stats := map[string]counts{}
	var b strings.Builder
	b.WriteString("# sqlinject compared with gosec G201/G202\n\n")
	b.WriteString("Generated by `go test -tags compare ./analyzers/sqlinject/compare -update` (see compare/doc.go): the\n")
	b.WriteString("sqlinject fixtures (`testdata/src/example.com/inject`) built as a module against the real pgx v5.12.0,\n")
	b.WriteString("sqlx v1.4.0, gorm v1.31.2, lib/pq v1.12.3, gin v1.10.0, echo v4.13.3, chi v5.2.1 and gorilla/mux v1.8.1,\n")
	b.WriteString("and each tool run over it. `Bad*` functions put input into SQL text; `Ok*` functions use a safe form\n")
	b.WriteString("and helpers (other names) must stay silent.\n\n")
	b.WriteString("Cells: **TP** reported a Bad case, **FN** missed it, **FP** reported an Ok case or a helper, `-` silent\n")
	b.WriteString("on one. `FN*` is a miss outside what the tool can see: gosec checks database/sql only; sqlinject without\n")
	b.WriteString("facts (a driver that analyses each package alone) cannot read the store package's helpers from\n")
	b.WriteString("package app. `dbaudit check` (every rule; its engine carries facts) and `go vet -vettool` carry\n")
	b.WriteString("sqlinject's facts (what a helper returns, runs or writes) between packages.\n\n")
	b.WriteString("| case | file | driver |")
	for _, tl := range tools {
		b.WriteString(" " + tl.name + " |")
	}
	b.WriteString("\n| --- | --- | --- |" + strings.Repeat(" --- |", len(tools)) + "\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "| %s | %s | %s |", c.Name, c.File, c.driver)
		for _, tl := range tools {
			flagged := ct.FlaggedIn(tl.diags, c.Case)
			s := stats[tl.name]
			var cell string
			switch {
			case c.bad && flagged:
				cell, s.tp = "**TP**", s.tp+1
			case c.bad && tl.blind != nil && tl.blind(c):
				cell, s.outOfScope = "FN*", s.outOfScope+1
			case c.bad:
				cell, s.fn = "FN", s.fn+1
			case flagged:
				cell, s.fp = "**FP**", s.fp+1
			default:
				cell, s.tn = "-", s.tn+1
			}
			stats[tl.name] = s
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	bad, sqlBad := 0, 0
	for _, c := range cases {
		if c.bad {
			bad++
			if c.driver == "database/sql" {
				sqlBad++
			}
		}
	}
	fmt.Fprintf(&b, "\n## Totals\n\n%d cases: %d Bad (%d on database/sql), %d Ok or helpers.\n\n", len(cases), bad, sqlBad, len(cases)-bad)
	b.WriteString("| tool | TP | FN | FN* | FP | silent on Ok |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, tl := range tools {
		s := stats[tl.name]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", tl.name, s.tp, s.fn, s.outOfScope, s.fp, s.tn)
	}
	b.WriteString(notes)
	b.WriteString("\n## Findings of gosec, verbatim\n\n")
	b.WriteString(ct.Verbatim(cases, tools[len(tools)-1].diags))
	return b.String(), stats
}

const notes = `
## Notes

- gosec's G201/G202 look at the SQL argument of database/sql calls only (the methods of *sql.DB,
  *sql.Tx and *sql.Conn): the pgx, pgxpool, pgconn, sqlx and gorm cases are outside what they check.
- G201 (v2.30.0) judges fmt.Sprintf only when the SQL argument is a variable defined with := from it:
  a Sprintf written inside the call (BadSQLQueryContextSprintf, BadStoreFindByName) is not looked at.
- G202 reports a concatenation that is not constant and starts with a literal matching
  SELECT|DELETE|INSERT|UPDATE|INTO|FROM|WHERE: "SET application_name = '" + r.UserAgent() is not one
  (BadSQLConnExecContext), and a strings.Builder is not a concatenation (BadAppWhereBuilder). It
  reports the safe forms that concatenate: strconv.Itoa and strconv.FormatInt of integers, a list of
  $n placeholders joined with strings.Join, a value a helper chose from constants or quoted.
- sqlinject judges where the text comes from, not how it is spelled: request input (net/http, gin,
  echo, chi, gorilla/mux) anywhere in the SQL text; a parameter of an exported function when built
  into it; integers, constants, configuration, quoted identifiers and literals, and values compared
  with constants are not input.
- Without facts, sqlinject misses only what turns on a helper of another package (the app cases,
  FN*); dbaudit check and go vet read the store's facts. OkAppReportedInStore is silent by design:
  the store's exported function is reported where it builds the SQL.
- sqlinject is judged on its own fixtures here, so its clean sheet says the fixtures agree with it;
  the analysistest run (sqlinject_test.go) pins each message.
`
