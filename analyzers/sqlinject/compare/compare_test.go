//go:build compare

package compare

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
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

type diag struct {
	file string // "dir/file.go"
	line int
	msg  string
}

type tool struct {
	name  string
	diags []diag
	// blind: a miss there is outside what the tool can see (FN*).
	blind func(fixtureCase) bool
}

type fixtureCase struct {
	name     string
	file     string // "dir/file.go"
	from, to int
	driver   string
	bad      bool
	crossPkg bool // turns on a helper of another package (store.X)
}

func TestCompare(t *testing.T) {
	root := repoRoot(t)
	work := t.TempDir()
	fixtures := filepath.Join(work, "inject")
	copyTree(t, filepath.Join(root, "analyzers", "sqlinject", "testdata", "src", "example.com", "inject"), fixtures)
	write(t, filepath.Join(fixtures, "go.mod"), fixtureMod)
	run(t, fixtures, nil, "go", "build", "./...")

	bin := os.Getenv("COMPARE_TOOLS")
	if bin == "" {
		bin = filepath.Join(work, "bin")
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bin, "gosec")); err != nil {
		run(t, work, []string{"GOBIN=" + bin}, "go", "install", "github.com/securego/gosec/v2/cmd/gosec@"+gosecVersion)
	}
	run(t, root, nil, "go", "build", "-o", bin+string(filepath.Separator),
		"./analyzers/sqlinject/compare/testdata/vet", "./analyzers/sqlinject/compare/testdata/nofacts", "./cmd/dbaudit")

	cases := readCases(t, fixtures)
	tools := []*tool{
		{name: "dbaudit check", diags: dbaudit(t, filepath.Join(bin, "dbaudit"), fixtures)},
		{name: "sqlinject, go vet", diags: vet(t, filepath.Join(bin, "vet"), fixtures)},
		{name: "sqlinject without facts", diags: singlechecker(t, filepath.Join(bin, "nofacts"), fixtures),
			blind: func(c fixtureCase) bool { return c.crossPkg }},
		{name: "gosec " + gosecVersion + " G201/G202", diags: gosec(t, filepath.Join(bin, "gosec"), fixtures),
			blind: func(c fixtureCase) bool { return c.driver != "database/sql" }},
	}
	gosecTool := tools[3]
	table, stats := render(cases, tools)
	if *update {
		write(t, filepath.Join(root, "analyzers", "sqlinject", "COMPARISON.md"), table)
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
		if c.bad && flaggedIn(gosecTool.diags, c) && !flaggedIn(tools[0].diags, c) {
			t.Errorf("gosec finds %s, dbaudit check does not", c.name)
		}
	}
}

// dbaudit runs dbaudit check (every rule, its engine carrying facts) and
// keeps sqlinject's findings.
func dbaudit(t *testing.T, binary, dir string) []diag {
	out := runTool(t, dir, binary, "check", "--format", "json", "./...")
	var res struct {
		Findings []struct {
			Rule    string `json:"rule"`
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("dbaudit json: %v\n%s", err, out)
	}
	var ds []diag
	for _, f := range res.Findings {
		if f.Rule == "sqlinject" {
			ds = append(ds, diag{file: lastTwo(f.File), line: f.Line, msg: f.Message})
		}
	}
	return ds
}

// vet runs the analyzer through go vet -vettool.
func vet(t *testing.T, tool, dir string) []diag {
	_, err := command(dir, nil, "go", "vet", "-vettool="+tool, "./...")
	if err == nil {
		t.Fatal("go vet with sqlinject reported nothing on the fixtures")
	}
	var ds []diag
	for _, line := range strings.Split(err.Error(), "\n") {
		// dir/file.go:12:3: message
		parts := strings.SplitN(line, ": ", 2)
		pos := strings.Split(parts[0], ":")
		if len(parts) < 2 || len(pos) != 3 || !strings.HasSuffix(pos[0], ".go") {
			continue
		}
		n, _ := strconv.Atoi(pos[1])
		ds = append(ds, diag{file: lastTwo(pos[0]), line: n, msg: parts[1]})
	}
	if len(ds) == 0 {
		t.Fatalf("go vet: no findings parsed from\n%v", err)
	}
	return ds
}

// singlechecker runs an x/tools singlechecker binary with -json.
func singlechecker(t *testing.T, binary, dir string) []diag {
	out := runTool(t, dir, binary, "-json", "./...")
	var res map[string]map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%s json: %v\n%s", binary, err, out)
	}
	var ds []diag
	for _, byAnalyzer := range res {
		for _, raw := range byAnalyzer {
			var list []struct {
				Posn    string `json:"posn"`
				Message string `json:"message"`
			}
			if json.Unmarshal(raw, &list) != nil {
				continue
			}
			for _, d := range list {
				parts := strings.Split(d.Posn, ":")
				if len(parts) < 3 {
					continue
				}
				line, _ := strconv.Atoi(parts[len(parts)-2])
				ds = append(ds, diag{file: lastTwo(strings.Join(parts[:len(parts)-2], ":")), line: line, msg: d.Message})
			}
		}
	}
	return ds
}

func gosec(t *testing.T, binary, dir string) []diag {
	out := runTool(t, dir, binary, "-include=G201,G202", "-fmt=json", "-quiet", "./...")
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
	var ds []diag
	for _, is := range res.Issues {
		line, _ := strconv.Atoi(strings.Split(is.Line, "-")[0])
		ds = append(ds, diag{file: lastTwo(is.File), line: line, msg: is.RuleID + ": " + is.Details})
	}
	return ds
}

func readCases(t *testing.T, dir string) []fixtureCase {
	fset := token.NewFileSet()
	var cases []fixtureCase
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Name.Name != "OkPgxSuppressed" {
				cases = append(cases, classify(fd, lastTwo(path), fset))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(cases, func(i, j int) bool {
		if cases[i].file != cases[j].file {
			return cases[i].file < cases[j].file
		}
		return cases[i].from < cases[j].from
	})
	return cases
}

func classify(fd *ast.FuncDecl, file string, fset *token.FileSet) fixtureCase {
	name := fd.Name.Name
	label := name
	if fd.Recv != nil && len(fd.Recv.List) > 0 {
		label = "(" + types.ExprString(fd.Recv.List[0].Type) + ")." + name
	}
	c := fixtureCase{name: label, file: file, from: fset.Position(fd.Pos()).Line, to: fset.Position(fd.End()).Line}
	c.bad = strings.HasPrefix(name, "Bad")
	if !c.bad && !strings.HasPrefix(name, "Ok") {
		c.name += " (helper)"
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
		fmt.Fprintf(&b, "| %s | %s | %s |", c.name, c.file, c.driver)
		for _, tl := range tools {
			flagged := flaggedIn(tl.diags, c)
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
	ds := append([]diag(nil), tools[len(tools)-1].diags...)
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].file != ds[j].file {
			return ds[i].file < ds[j].file
		}
		return ds[i].line < ds[j].line
	})
	for _, d := range ds {
		fmt.Fprintf(&b, "- %s:%d (%s): %s\n", d.file, d.line, caseAt(cases, d), d.msg)
	}
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

func flaggedIn(ds []diag, c fixtureCase) bool {
	for _, d := range ds {
		if d.file == c.file && d.line >= c.from && d.line <= c.to {
			return true
		}
	}
	return false
}

func caseAt(cases []fixtureCase, d diag) string {
	for _, c := range cases {
		if c.file == d.file && d.line >= c.from && d.line <= c.to {
			return c.name
		}
	}
	return "outside any case"
}

func lastTwo(path string) string {
	parts := strings.Split(filepath.ToSlash(path), "/")
	if len(parts) < 2 {
		return path
	}
	return strings.Join(parts[len(parts)-2:], "/")
}

func run(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	out, err := command(dir, env, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// runTool runs a checker, which exits non-zero when it reports: only no
// output at all is a failure.
func runTool(t *testing.T, dir string, name string, args ...string) []byte {
	t.Helper()
	out, err := command(dir, nil, name, args...)
	if err != nil && len(bytes.TrimSpace(out)) == 0 {
		t.Fatal(err)
	}
	return out
}

func command(dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"GOFLAGS=-mod=mod", "GOWORK=off"}, env...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s %s in %s: %v\n%s%s", name, strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	return stdout.Bytes(), nil
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") { // test code is not judged
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
