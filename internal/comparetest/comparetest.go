// Package comparetest is the shared part of the rule comparisons
// (analyzers/*/compare, build tag compare): it runs the tools compared
// (dbaudit check, go vet -vettool, x/tools singlechecker binaries) over a
// fixture module and parses what they report, reads the fixture functions
// as the cases of the table, and has the file helpers the comparisons
// need. Only those tests import it.
package comparetest

import (
	"bytes"
	"encoding/json"
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

	"github.com/dbaudit/dbaudit/internal/atest"
)

// Diag is one finding of a tool.
type Diag struct {
	File string // as the caller's file function named it
	Line int
	Msg  string
}

// Case is one fixture function: its label (with the receiver type for a
// method), its file (named by the caller's file function) and its lines.
type Case struct {
	Name     string
	File     string
	From, To int
}

// Contains reports whether d lies in c.
func (c Case) Contains(d Diag) bool {
	return d.File == c.File && d.Line >= c.From && d.Line <= c.To
}

// FlaggedIn reports whether one of ds lies in c.
func FlaggedIn(ds []Diag, c Case) bool {
	for _, d := range ds {
		if c.Contains(d) {
			return true
		}
	}
	return false
}

// Label is the case's name in the table.
func (c Case) Label() string { return c.Name }

// A Caser is a case type of a comparison (a struct embedding Case).
type Caser interface {
	Contains(Diag) bool
	Label() string
}

// CaseAt names the case d lies in, or says it is outside any.
func CaseAt[C Caser](cases []C, d Diag) string {
	for _, c := range cases {
		if c.Contains(d) {
			return c.Label()
		}
	}
	return "outside any case"
}

// Func is a function declaration of the fixtures, with its Case.
type Func struct {
	Case
	Decl *ast.FuncDecl
}

// Funcs parses the Go files below dir and returns their function
// declarations in file and line order; file names each file from its path
// (LastTwo or filepath.Base).
func Funcs(t testing.TB, dir string, file func(string) string) []Func {
	t.Helper()
	fset := token.NewFileSet()
	var funcs []Func
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			label := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				label = "(" + types.ExprString(fd.Recv.List[0].Type) + ")." + label
			}
			funcs = append(funcs, Func{Case: Case{Name: label, File: file(path),
				From: fset.Position(fd.Pos()).Line, To: fset.Position(fd.End()).Line}, Decl: fd})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(funcs, func(i, j int) bool {
		if funcs[i].File != funcs[j].File {
			return funcs[i].File < funcs[j].File
		}
		return funcs[i].From < funcs[j].From
	})
	return funcs
}

// DBaudit runs dbaudit check (every rule) over dir and keeps the findings
// of rule.
func DBaudit(t testing.TB, binary, dir, rule string, file func(string) string) []Diag {
	t.Helper()
	out := RunTool(t, dir, binary, "check", "--format", "json", "./...")
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
	var ds []Diag
	for _, f := range res.Findings {
		if f.Rule == rule {
			ds = append(ds, Diag{File: file(f.File), Line: f.Line, Msg: f.Message})
		}
	}
	return ds
}

// Vet runs go vet -vettool=vettool over dir and parses its findings
// ("path/file.go:12:3: message"); it fails the test when vet reports
// nothing.
func Vet(t testing.TB, vettool, dir string, file func(string) string) []Diag {
	t.Helper()
	_, err := Command(dir, nil, "go", "vet", "-vettool="+vettool, "./...")
	if err == nil {
		t.Fatalf("go vet -vettool=%s reported nothing on the fixtures", filepath.Base(vettool))
	}
	var ds []Diag
	for _, line := range strings.Split(err.Error(), "\n") {
		parts := strings.SplitN(line, ": ", 2)
		pos := strings.Split(parts[0], ":")
		if len(parts) < 2 || len(pos) < 3 {
			continue
		}
		path := strings.Join(pos[:len(pos)-2], ":")
		if !strings.HasSuffix(path, ".go") {
			continue
		}
		n, _ := strconv.Atoi(pos[len(pos)-2])
		ds = append(ds, Diag{File: file(path), Line: n, Msg: parts[1]})
	}
	if len(ds) == 0 {
		t.Fatalf("go vet: no findings parsed from\n%v", err)
	}
	return ds
}

// Singlechecker runs an x/tools singlechecker binary with -json over dir.
func Singlechecker(t testing.TB, binary, dir string, file func(string) string) []Diag {
	t.Helper()
	out := RunTool(t, dir, binary, "-json", "./...")
	var res map[string]map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%s json: %v\n%s", binary, err, out)
	}
	var ds []Diag
	for _, byAnalyzer := range res {
		for _, raw := range byAnalyzer {
			var list []struct {
				Posn    string `json:"posn"`
				Message string `json:"message"`
			}
			if json.Unmarshal(raw, &list) != nil {
				continue // {"error": ...}
			}
			for _, d := range list {
				parts := strings.Split(d.Posn, ":")
				if len(parts) < 3 {
					continue
				}
				line, _ := strconv.Atoi(parts[len(parts)-2])
				ds = append(ds, Diag{File: file(strings.Join(parts[:len(parts)-2], ":")), Line: line, Msg: d.Message})
			}
		}
	}
	return ds
}

// Verbatim lists ds, sorted by file and line, one "- file:line (case):
// message" line each.
func Verbatim[C Caser](cases []C, ds []Diag) string {
	ds = append([]Diag(nil), ds...)
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].File != ds[j].File {
			return ds[i].File < ds[j].File
		}
		return ds[i].Line < ds[j].Line
	})
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "- %s:%d (%s): %s\n", d.File, d.Line, CaseAt(cases, d), d.Msg)
	}
	return b.String()
}

// LastTwo is the last two elements of path ("dir/file.go").
func LastTwo(path string) string {
	path = filepath.ToSlash(path)
	parts := strings.Split(path, "/")
	if len(parts) < 2 {
		return path
	}
	return strings.Join(parts[len(parts)-2:], "/")
}

// ToolsDir returns the directory the compared tools are built into:
// COMPARE_TOOLS, to reuse between runs, or a directory below work.
func ToolsDir(t testing.TB, work string) string {
	t.Helper()
	bin := os.Getenv("COMPARE_TOOLS")
	if bin == "" {
		bin = filepath.Join(work, "bin")
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// Run runs a command in dir and fails the test when it fails.
func Run(t testing.TB, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	out, err := Command(dir, env, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// RunTool runs a checker, which exits non-zero when it reports: only no
// output at all is a failure.
func RunTool(t testing.TB, dir string, name string, args ...string) []byte {
	t.Helper()
	out, err := Command(dir, nil, name, args...)
	if err != nil && len(bytes.TrimSpace(out)) == 0 {
		t.Fatal(err)
	}
	return out
}

// Command runs name in dir with GOFLAGS=-mod=mod, GOWORK=off and env, and
// returns its standard output; the error carries both outputs.
func Command(dir string, env []string, name string, args ...string) ([]byte, error) {
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

// Write writes a file, making its directory.
func Write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// CopyFixtures copies the tree src to dst, leaving out test files (test
// code is not judged).
func CopyFixtures(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") {
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

// RepoRoot returns the repository's root (atest.RepoRoot).
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := atest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
