// Package atest runs analysistest on an analyzer's fixtures together with
// the stub driver packages shared by every analyzer (testdata/src at the
// repository root), so the stubs exist once.
package atest

import (
	"errors"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dbaudit/dbaudit/analyzers/note"
)

// Run assembles a GOPATH from the shared stubs and ./testdata/src, then runs
// analysistest.Run on pkgs.
func Run(t *testing.T, a *analysis.Analyzer, pkgs ...string) []*analysistest.Result {
	t.Helper()
	return analysistest.Run(t, GOPATH(t), a, pkgs...)
}

// RunWithSuggestedFixes is Run, also checking fixes against .golden files.
func RunWithSuggestedFixes(t *testing.T, a *analysis.Analyzer, pkgs ...string) []*analysistest.Result {
	t.Helper()
	return analysistest.RunWithSuggestedFixes(t, GOPATH(t), a, pkgs...)
}

// GOPATH returns a temporary GOPATH holding the shared stubs overlaid with
// the calling package's testdata/src.
func GOPATH(t *testing.T) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, src := range []string{filepath.Join(root, "testdata", "src"), filepath.Join("testdata", "src")} {
		if err := copyTree(src, filepath.Join(dir, "src")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// RepoRoot returns the repository's root: the directory above the working
// directory whose go.mod is the root module's (nested modules such as
// schemacheck have go.mod files of their own).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modfile.ModulePath(data) == "github.com/dbaudit/dbaudit" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no github.com/dbaudit/dbaudit go.mod above the working directory")
		}
		dir = parent
	}
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == src {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// MaxMessage is the longest finding message: one line, what is wrong and
// what breaks; the measured error and the fix go in the help.
const MaxMessage = 120

// Diagnostics returns every diagnostic of results, failing the test when
// there is none (the fixtures did not load) or when a message is longer than
// one MaxMessage-character line.
func Diagnostics(t *testing.T, results []*analysistest.Result) []analysis.Diagnostic {
	t.Helper()
	var out []analysis.Diagnostic
	for _, f := range Findings(t, results) {
		out = append(out, f.Diagnostic)
	}
	return out
}

// Finding is one diagnostic of a run with what its rule recorded beside it.
type Finding struct {
	analysis.Diagnostic
	note.Note                // the severity grade and the help
	Rule      string         // the analyzer's name
	Position  token.Position // where it is reported
}

// Findings is Diagnostics with each diagnostic's note, rule and position.
func Findings(t *testing.T, results []*analysistest.Result) []Finding {
	t.Helper()
	var out []Finding
	for _, r := range results {
		notes := note.From(r.Action.Result)
		for _, d := range r.Action.Diagnostics {
			if len(d.Message) > MaxMessage || strings.ContainsAny(d.Message, "\n\r") {
				t.Errorf("message longer than one %d-character line (%d): %s", MaxMessage, len(d.Message), d.Message)
			}
			out = append(out, Finding{Diagnostic: d, Note: notes.Of(d), Rule: r.Action.Analyzer.Name,
				Position: r.Action.Package.Fset.Position(d.Pos)})
		}
	}
	if len(out) == 0 {
		t.Fatal("no diagnostics: the fixtures did not load")
	}
	return out
}

// CheckSeverity asserts that f has the severity grade want and, as
// analyzerutil.Report sets it, the rule's name as its category.
func CheckSeverity(t *testing.T, f Finding, want string) {
	t.Helper()
	if f.Severity != want || f.Category != f.Rule {
		t.Errorf("%s: severity %q, want %q (category %q)", f.Message, f.Severity, want, f.Category)
	}
}

// HelpAt returns the help texts of findings by "file.go:line" (the file's
// base name).
func HelpAt(findings []Finding) map[string][]string {
	helps := map[string][]string{}
	for _, f := range findings {
		key := filepath.Base(f.Position.Filename) + ":" + strconv.Itoa(f.Position.Line)
		helps[key] = append(helps[key], f.Help)
	}
	return helps
}

// WithHelp wraps a so that each finding's message is its one-line message
// followed by its help lines, joined by "; ": fixtures' want patterns can
// then assert the measured error and the fix, which live in the help.
// headlines (may be nil) receives each one-line message, for CheckHeadlines.
func WithHelp(a *analysis.Analyzer, headlines *sync.Map) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		var diags []analysis.Diagnostic
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) { diags = append(diags, d) }
		res, err := a.Run(&inner)
		notes := note.From(res)
		for _, d := range diags {
			if headlines != nil {
				headlines.Store(pass.Fset.Position(d.Pos).String()+" "+d.Message, d.Message)
			}
			if help := notes.Of(d).Help; help != "" {
				d.Message += "; " + strings.ReplaceAll(help, "\n", "; ")
			}
			pass.Report(d)
		}
		return res, err
	}
	return &w
}

// CheckHeadlines asserts the one-line limit over the messages WithHelp
// collected, and that there were at least min of them.
func CheckHeadlines(t *testing.T, headlines *sync.Map, min int) {
	t.Helper()
	n := 0
	headlines.Range(func(k, v any) bool {
		n++
		if m := v.(string); len(m) > MaxMessage || strings.ContainsAny(m, "\n\r") {
			t.Errorf("message longer than one %d-character line (%d): %s", MaxMessage, len(m), k)
		}
		return true
	})
	if n < min {
		t.Errorf("only %d findings; want at least %d", n, min)
	}
}
