//go:build compare

package compare

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	ct "github.com/dbaudit/dbaudit/internal/comparetest"
)

var update = flag.Bool("update", false, "write ../COMPARISON.md")

// Versions compared. rowserrcheck's own binary (v1.1.1) cannot load
// packages built by Go 1.26 ("internal error: package "context" without
// types was imported"): its x/tools is from 2021. Its analyzer is therefore
// run the way golangci-lint runs it, as a library under a current
// singlechecker.
const (
	sqlclosecheckVersion = "v0.6.0"
	rowserrcheckVersion  = "v1.1.1"
)

const fixtureMod = `module example.com/cleanup

go 1.26

require (
	github.com/jackc/pgx/v5 v5.12.0
	github.com/jmoiron/sqlx v1.4.0
	gorm.io/gorm v1.31.2
)
`

const toolMod = `module example.com/tool

go 1.26

require (
	github.com/jingyugao/rowserrcheck ` + rowserrcheckVersion + `
	golang.org/x/tools v0.52.0
)
`

const rowserrMain = `package main

import (
	"github.com/jingyugao/rowserrcheck/passes/rowserr"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(rowserr.NewAnalyzer(%s)) }
`

// tool is one column of the table.
type tool struct {
	name  string
	scope func(c fixtureCase) bool // the problems the tool sets out to find
	// blind: cases the tool cannot see into (a helper of another package
	// under dbaudit check); a miss there is FN*.
	blind func(c fixtureCase) bool
	diags []ct.Diag
}

// fixtureCase is one fixture function.
type fixtureCase struct {
	ct.Case  // File: the base name
	driver   string
	resource string // rows, tx, conn, stmt, batch, err (rows.Err not checked)
	bad      bool   // a finding is expected
	// crossPkg: the case turns on what a helper of another package
	// (common.X) does, which only a driver carrying facts can read.
	crossPkg bool
}

func TestCompare(t *testing.T) {
	root := ct.RepoRoot(t)
	work := t.TempDir()
	fixtures := filepath.Join(work, "cleanup")
	ct.CopyFixtures(t, filepath.Join(root, "analyzers", "conncleanup", "testdata", "src", "example.com", "cleanup"), fixtures)
	ct.Write(t, filepath.Join(fixtures, "go.mod"), fixtureMod)
	ct.Run(t, fixtures, nil, "go", "build", "./...")

	bin := ct.ToolsDir(t, work)
	ct.Run(t, work, []string{"GOBIN=" + bin}, "go", "install", "github.com/ryanrolds/sqlclosecheck@"+sqlclosecheckVersion)
	toolDir := filepath.Join(work, "tool")
	ct.Write(t, filepath.Join(toolDir, "go.mod"), toolMod)
	ct.Write(t, filepath.Join(toolDir, "rowserr-default", "main.go"), fmt.Sprintf(rowserrMain, ""))
	ct.Write(t, filepath.Join(toolDir, "rowserr-all", "main.go"),
		fmt.Sprintf(rowserrMain, `"github.com/jmoiron/sqlx", "github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgxpool"`))
	ct.Run(t, toolDir, nil, "go", "build", "-o", bin+string(filepath.Separator), "./...")
	ct.Run(t, filepath.Join(root, "cmd", "dbaudit"), nil, "go", "build", "-o", filepath.Join(bin, "dbaudit"), ".") // a module of its own
	ct.Run(t, root, nil, "go", "build", "-o", filepath.Join(bin, "dbaudit-vet"), "./cmd/dbaudit-vet")

	closeScope := func(c fixtureCase) bool { return c.resource == "rows" || c.resource == "stmt" }
	errScope := func(drivers ...string) func(fixtureCase) bool {
		return func(c fixtureCase) bool {
			for _, d := range drivers {
				if c.resource == "err" && c.driver == d {
					return true
				}
			}
			return false
		}
	}
	tools := []*tool{
		{name: "dbaudit check", scope: func(fixtureCase) bool { return true }, blind: func(c fixtureCase) bool { return c.crossPkg }, diags: ct.DBaudit(t, filepath.Join(bin, "dbaudit"), fixtures, "conncleanup", filepath.Base)},
		{name: "dbaudit-vet (facts)", scope: func(fixtureCase) bool { return true }, diags: vet(t, bin, fixtures)},
		{name: "sqlclosecheck " + sqlclosecheckVersion, scope: closeScope, diags: ct.Singlechecker(t, filepath.Join(bin, "sqlclosecheck"), fixtures, filepath.Base)},
		{name: "rowserrcheck " + rowserrcheckVersion, scope: errScope("database/sql"), diags: ct.Singlechecker(t, filepath.Join(bin, "rowserr-default"), fixtures, filepath.Base)},
		{name: "rowserrcheck +sqlx,pgx", scope: errScope("database/sql", "sqlx", "pgx"), diags: ct.Singlechecker(t, filepath.Join(bin, "rowserr-all"), fixtures, filepath.Base)},
	}
	cases := readCases(t, fixtures)
	table, stats := render(cases, tools)
	table += theirFixtures(t, work, bin)
	if *update {
		ct.Write(t, filepath.Join(root, "analyzers", "conncleanup", "COMPARISON.md"), table)
	} else {
		t.Log("\n" + table)
	}
	// dbaudit must be exact on its own fixtures and beat both on pgx: under
	// go vet, with facts, on every case; under dbaudit check at least on
	// every case that does not turn on a helper of another package (it
	// carries facts too since the engine's ad9e183).
	ours := stats[tools[1].name]
	if ours.all.fp != 0 || ours.all.fn != 0 {
		t.Errorf("conncleanup under go vet: %d false positives, %d false negatives on its fixtures", ours.all.fp, ours.all.fn)
	}
	if check := stats[tools[0].name]; check.all.fn != 0 {
		t.Errorf("conncleanup under dbaudit check: %d false negatives on cases within one package", check.all.fn)
	}
	for _, c := range cases {
		if !c.bad && !c.crossPkg && ct.FlaggedIn(tools[0].diags, c.Case) {
			t.Errorf("conncleanup under dbaudit check: false positive on %s", c.Name)
		}
	}
	for _, other := range tools[2:] {
		s := stats[other.name]
		if s.pgx.tp-s.pgx.fp >= ours.pgx.tp-ours.pgx.fp {
			t.Errorf("on pgx, %s (TP %d, FP %d) is not worse than conncleanup (TP %d, FP %d)", other.name, s.pgx.tp, s.pgx.fp, ours.pgx.tp, ours.pgx.fp)
		}
	}
}

// vet runs conncleanup through go vet -vettool=dbaudit-vet, which carries
// facts between packages, and keeps its findings ("conncleanup: message").
func vet(t *testing.T, bin, dir string) []ct.Diag {
	var ds []ct.Diag
	for _, d := range ct.Vet(t, filepath.Join(bin, "dbaudit-vet"), dir, filepath.Base) {
		if msg, ok := strings.CutPrefix(d.Msg, "conncleanup: "); ok {
			d.Msg = msg
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		t.Fatal("go vet with dbaudit-vet: no conncleanup findings")
	}
	return ds
}

func readCases(t *testing.T, dir string) []fixtureCase {
	var cases []fixtureCase
	for _, f := range ct.Funcs(t, dir, filepath.Base) {
		if f.Decl.Name.Name != "Suppressed" { // a //dbaudit:ignore case: not comparable
			cases = append(cases, classify(f))
		}
	}
	return cases
}

func classify(f ct.Func) fixtureCase {
	fd, name, file := f.Decl, f.Decl.Name.Name, f.File
	c := fixtureCase{Case: f.Case}
	ast.Inspect(fd, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "common" {
				c.crossPkg = true
			}
		}
		return true
	})
	c.bad = strings.HasPrefix(name, "Bad")
	switch {
	case file == "sqlcases.go" && strings.Contains(name, "Sqlx"):
		c.driver = "sqlx"
	case file == "sqlcases.go" && strings.Contains(name, "Gorm"):
		c.driver = "gorm"
	case file == "sqlcases.go" || file == "sqlhelpercases.go" || strings.Contains(name, "SQL"):
		c.driver = "database/sql"
	default:
		c.driver = "pgx"
	}
	switch {
	case strings.Contains(name, "NoErr"):
		c.resource = "err"
	case strings.Contains(name, "Batch") && c.driver == "pgx" && (strings.Contains(name, "Release") || strings.Contains(name, "Commit")):
		c.resource = "batchparent" // batch results open when their connection or tx is given back
	case strings.Contains(name, "Batch") && c.driver == "pgx":
		c.resource = "batch"
	case strings.Contains(name, "Tx") || strings.Contains(name, "Begin"):
		c.resource = "tx"
	case strings.Contains(name, "Acquire") || strings.Contains(name, "Conn"):
		c.resource = "conn"
	case strings.Contains(name, "Stmt"):
		c.resource = "stmt"
	case strings.Contains(name, "Batch"):
		c.resource = "batch"
	default:
		c.resource = "rows"
	}
	if !c.bad && !strings.HasPrefix(name, "Ok") && !strings.HasPrefix(name, "Bad") {
		c.Name += " (helper)"
	}
	return c
}

type counts struct{ tp, fp, fn, tn, outOfScopeFN, otherReason int }

type toolStats struct{ all, pgx counts }

func render(cases []fixtureCase, tools []*tool) (string, map[string]toolStats) {
	stats := map[string]toolStats{}
	var b strings.Builder
	b.WriteString("# conncleanup compared with sqlclosecheck and rowserrcheck\n\n")
	b.WriteString("Generated by `go test -tags compare ./analyzers/conncleanup/compare -update` (see compare/doc.go):\n")
	b.WriteString("the conncleanup fixtures (`testdata/src/example.com/cleanup`, test files left out) built as a module\n")
	b.WriteString("against the real pgx v5.12.0, sqlx v1.4.0 and gorm v1.31.2, and each tool run over it.\n")
	b.WriteString("`Bad*` functions hold a leak or an unchecked `rows.Err()`; `Ok*` functions and helpers must stay silent.\n\n")
	b.WriteString("Cells: **TP** reported a Bad case, **FN** missed it, **FP** reported an Ok case, `-` silent on an Ok case.\n")
	b.WriteString("`FN*` marks a miss outside what the tool sets out to check (sqlclosecheck: rows and statements;\n")
	b.WriteString("rowserrcheck: `rows.Err()`, database/sql only unless configured), counted apart; `TP~` marks a Bad\n")
	b.WriteString("case reported for a problem it does not have (rowserrcheck's \"rows.Err must be checked\" on rows that leak).\n")
	b.WriteString("conncleanup runs twice: under `dbaudit check` and under `go vet -vettool=dbaudit-vet`. Both carry its facts\n")
	b.WriteString("(what a helper of another package does with a resource or a func value handed to it, which functions never\n")
	b.WriteString("return) between the packages they analyse; `dbaudit check` only type-checks the standard library, whose\n")
	b.WriteString("functions conncleanup then judges by name (log.Fatalf never returns). A driver without facts cannot see into\n")
	b.WriteString("a helper of package `common`: for such a driver the test counts misses there as `FN*`, and reports there as\n")
	b.WriteString("FPs it cannot avoid.\n\n")
	b.WriteString("| case | driver | problem |")
	for _, tl := range tools {
		b.WriteString(" " + tl.name + " |")
	}
	b.WriteString("\n| --- | --- | --- |" + strings.Repeat(" --- |", len(tools)) + "\n")
	for _, c := range cases {
		problem := "none"
		if c.bad {
			problem = map[string]string{"rows": "rows left open", "tx": "tx not finished", "conn": "conn not released",
				"stmt": "stmt left open", "batch": "batch left open", "batchparent": "batch open at Release/Commit",
				"err": "rows.Err unchecked"}[c.resource]
		}
		fmt.Fprintf(&b, "| %s | %s | %s |", c.Name, c.driver, problem)
		for _, tl := range tools {
			flagged := ct.FlaggedIn(tl.diags, c.Case)
			s := stats[tl.name]
			cell := ""
			switch {
			case c.bad && flagged && !tl.scope(c):
				cell = "TP~"
				s.all.otherReason++
				if c.driver == "pgx" {
					s.pgx.otherReason++
				}
			case c.bad && flagged:
				cell = "**TP**"
				s.all.tp++
				if c.driver == "pgx" {
					s.pgx.tp++
				}
			case c.bad && (!tl.scope(c) || tl.blind != nil && tl.blind(c)):
				cell = "FN*"
				s.all.outOfScopeFN++
				if c.driver == "pgx" {
					s.pgx.outOfScopeFN++
				}
			case c.bad:
				cell = "FN"
				s.all.fn++
				if c.driver == "pgx" {
					s.pgx.fn++
				}
			case flagged:
				cell = "**FP**"
				s.all.fp++
				if c.driver == "pgx" {
					s.pgx.fp++
				}
			default:
				cell = "-"
				s.all.tn++
				if c.driver == "pgx" {
					s.pgx.tn++
				}
			}
			stats[tl.name] = s
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
	}
	bad, pgxBad := 0, 0
	for _, c := range cases {
		if c.bad {
			bad++
			if c.driver == "pgx" {
				pgxBad++
			}
		}
	}
	fmt.Fprintf(&b, "\n## Totals\n\n%d cases, %d of them Bad; on pgx %d Bad of %d.\n\n", len(cases), bad, pgxBad, countDriver(cases, "pgx"))
	b.WriteString("| tool | TP | TP~ | FN | FN* | FP | pgx TP | pgx TP~ | pgx FN | pgx FN* | pgx FP |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, tl := range tools {
		s := stats[tl.name]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", tl.name,
			s.all.tp, s.all.otherReason, s.all.fn, s.all.outOfScopeFN, s.all.fp,
			s.pgx.tp, s.pgx.otherReason, s.pgx.fn, s.pgx.outOfScopeFN, s.pgx.fp)
	}
	b.WriteString(notes)
	b.WriteString("\n## Findings of the other tools, verbatim\n\n")
	for _, tl := range tools[1:] {
		fmt.Fprintf(&b, "%s:\n\n", tl.name)
		if v := ct.Verbatim(cases, tl.diags); v != "" {
			b.WriteString(v)
		} else {
			b.WriteString("- none\n")
		}
		b.WriteString("\n")
	}
	return b.String(), stats
}

func countDriver(cases []fixtureCase, driver string) int {
	n := 0
	for _, c := range cases {
		if c.driver == driver {
			n++
		}
	}
	return n
}

const notes = `
## Notes

- sqlclosecheck runs in its default defer-only mode. On pgx it reports only rows that are
  discarded outright: rows left open on an early return inside the Next loop, after a
  break, across loop iterations, or handed to a helper that leaves them open go unreported,
  and transactions, acquired connections and batch results are outside what it checks.
- sqlclosecheck reports OkSQLRowsExhausted, whose rows are read to the end with no way out
  of the loop: database/sql closes rows when Next returns false at the end of the last
  result set (Rows.Next in database/sql/sql.go), as pgx does (baseRows.Next in rows.go).
  conncleanup follows the paths instead: a return or break out of the loop is a leak, the
  loop's normal end is not. Requiring a deferred Close anyway is a style choice, not a leak.
- rowserrcheck's own binary fails on this toolchain ("internal error: package \"context\"
  without types was imported"; its x/tools is from 2021). Its analyzer is run here as
  golangci-lint runs it: as a library under a current singlechecker, once with its default
  (database/sql) and once configured with sqlx and pgx (golangci-lint's
  rowserrcheck.packages). Configured for pgx it reports rows handed to pgx.ForEachRow,
  returned, wrapped in a struct or handed to a goroutine, and rows that are never iterated
  (it asks for rows.Err() where the problem is that the rows are never closed: TP~).
- conncleanup is judged on its own fixtures here, so its clean sheet says the fixtures
  agree with it; the analysistest run (conncleanup_test.go) pins each message.
`

// theirFixtures runs conncleanup and sqlclosecheck over sqlclosecheck's own
// pgx and sqlx test fixtures, against what sqlclosecheck expects there.
func theirFixtures(t *testing.T, work, bin string) string {
	out := ct.Run(t, work, nil, "go", "mod", "download", "-json", "github.com/ryanrolds/sqlclosecheck@"+sqlclosecheckVersion)
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
	dir := filepath.Join(work, "theirs")
	expected := map[string]bool{} // "pgx_examples/missing_close.go:8"
	for _, sub := range []string{"pgx_examples", "sqlx_examples"} {
		ct.CopyFixtures(t, filepath.Join(mod.Dir, "testdata", sub), filepath.Join(dir, sub))
		data, err := os.ReadFile(filepath.Join(mod.Dir, "testdata", sub, "expected_results.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if parts := strings.Split(line, ":"); len(parts) >= 3 && !strings.HasPrefix(line, "#") {
				expected[ct.LastTwo(parts[0])+":"+parts[1]] = true
			}
		}
	}
	ct.Write(t, filepath.Join(dir, "go.mod"), "module github.com/ryanrolds/sqlclosecheck/testdata\n\ngo 1.26\n\nrequire (\n"+
		"\tgithub.com/jackc/pgx/v5 v5.12.0\n\tgithub.com/jmoiron/sqlx v1.4.0\n\tgithub.com/go-sql-driver/mysql v1.8.1\n)\n")
	ct.Run(t, dir, nil, "go", "build", "./...")
	ours := byLine(ct.DBaudit(t, filepath.Join(bin, "dbaudit"), dir, "conncleanup", ct.LastTwo), func(msg string) string {
		msg, _, _ = strings.Cut(msg, ":")
		return msg
	})
	theirs := byLine(ct.Singlechecker(t, filepath.Join(bin, "sqlclosecheck"), dir, ct.LastTwo), func(msg string) string { return msg })

	var b strings.Builder
	b.WriteString("\n## On sqlclosecheck's own fixtures\n\n")
	b.WriteString("sqlclosecheck " + sqlclosecheckVersion + "'s `testdata/pgx_examples` and `testdata/sqlx_examples`, built the same way.\n")
	b.WriteString("\"expects\" is its expected_results.txt; the last column is our reading of the case.\n\n")
	b.WriteString("| function | file | sqlclosecheck expects | sqlclosecheck | conncleanup | what the code does |\n| --- | --- | --- | --- | --- | --- |\n")
	var rows []string
	for _, f := range ct.Funcs(t, dir, ct.LastTwo) {
		rel, from, to := f.File, f.From, f.To
		in := func(keys map[string]string) string {
			var got []string
			for k, msg := range keys {
				file, line, _ := strings.Cut(k, ":")
				n, _ := strconv.Atoi(line)
				if file == rel && n >= from && n <= to {
					got = append(got, msg)
				}
			}
			sort.Strings(got)
			if len(got) == 0 {
				return "-"
			}
			return strings.Join(got, "; ")
		}
		exp := map[string]string{}
		for k := range expected {
			exp[k] = "reported"
		}
		name := f.Decl.Name.Name
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", name, rel, in(exp), in(theirs), in(ours), theirNotes[name]))
	}
	sort.Strings(rows)
	b.WriteString(strings.Join(rows, "\n") + "\n")
	return b.String()
}

// theirNotes say what each of sqlclosecheck's fixture functions does at run time.
var theirNotes = map[string]string{
	"missingCloseTx":              "rows never closed: leak",
	"missingCloseConn":            "rows never closed: the *pgx.Conn stays busy",
	"missingClosePgxPool":         "rows never closed: leak",
	"missingClose":                "rows read to the end; the only other exits are log.Fatal: database/sql closes them; no leak",
	"nonDeferClose":               "closed on every path that returns: no leak (deferring is style)",
	"SqlCloseCheck":               "rows read to the end, so closed; rows.Err never checked",
	"SqlCloseCheckG":              "rows read to the end, so closed; rows.Err never checked",
	"DeferForgetCloseInOtherFunc": "the deferred helper never closes: leak",
	"DeferCloseInOtherFunc":       "the deferred helper closes",
	"CloseInOtherMethod":          "kept in a struct field: owned by the struct",
	"missingCloseNamedStmt":       "statement never closed: leak",
	"returnRows":                  "returned to the caller",
}

// byLine keys findings by "dir/file.go:line", their messages cut by msg.
func byLine(ds []ct.Diag, msg func(string) string) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		m[fmt.Sprintf("%s:%d", d.File, d.Line)] = msg(d.Msg)
	}
	return m
}
