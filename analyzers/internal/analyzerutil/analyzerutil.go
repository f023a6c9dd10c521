// Package analyzerutil holds what every dbaudit rule analyzer does the same
// way: reading the shared index and reporting through //dbaudit:ignore.
package analyzerutil

import (
	"go/ast"
	"reflect"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/rules"
)

// Index returns the dbindex result the analyzer requires.
func Index(pass *analysis.Pass, index *analysis.Analyzer) *dbindex.Index {
	return pass.ResultOf[index].(*dbindex.Index)
}

// Report reports d under the pass's analyzer name unless a //dbaudit:ignore
// directive for that rule stands on its line or the line above. A rule that
// grades its findings puts the grade (a rules.Severity) in d.Category;
// rules.yaml may still override it. The grade moves to the finding's note
// and d.Category becomes the rule id, as the analysis contract expects.
func Report(pass *analysis.Pass, idx *dbindex.Index, d analysis.Diagnostic) {
	ReportHelp(pass, idx, d, "")
}

// ReportHelp is Report with help text: the measured driver or server error
// and the fix, which dbaudit shows under the one-line message (go vet and
// golangci-lint show the message only).
func ReportHelp(pass *analysis.Pass, idx *dbindex.Index, d analysis.Diagnostic, help string) {
	if idx.Suppressed(pass.Analyzer.Name, d.Pos) {
		return
	}
	n := note.Note{Severity: d.Category, Help: help}
	d.Category = pass.Analyzer.Name
	if ns, ok := notesOf.Load(pass); ok {
		ns.(*note.Notes).Add(d, n)
	}
	pass.Report(d)
}

// notesOf holds each running pass's notes, from BeginNotes to its result.
var notesOf sync.Map // *analysis.Pass → *note.Notes

// BeginNotes starts collecting the notes of pass's findings; call the
// returned function when the pass has reported everything: it returns the
// notes, for the analyzer's result.
func BeginNotes(pass *analysis.Pass) (end func() *note.Notes) {
	ns := &note.Notes{}
	notesOf.Store(pass, ns)
	return func() *note.Notes {
		notesOf.Delete(pass)
		return ns
	}
}

// Reportf reports a finding at node's range.
func Reportf(pass *analysis.Pass, idx *dbindex.Index, node ast.Node, severity rules.Severity, msg string, fixes ...analysis.SuggestedFix) {
	Report(pass, idx, analysis.Diagnostic{
		Pos:            node.Pos(),
		End:            node.End(),
		Category:       string(severity),
		Message:        msg,
		SuggestedFixes: fixes,
	})
}

// DocURL is the help address of a rule's documentation in the repository.
func DocURL(rule string) string {
	return "https://github.com/dbaudit/dbaudit/blob/main/analyzers/" + rule + "/doc.go"
}

// MustExtractDoc returns the analyzer documentation from the doc.go source
// embedded by the analyzer package: the text after "# Analyzer NAME".
func MustExtractDoc(content, name string) string {
	doc, err := extractDoc(content, name)
	if err != nil {
		panic(err)
	}
	return doc
}

// New returns a rule analyzer: named by its metadata (meta.ID), documented
// by the "# Analyzer NAME" section of its embedded doc.go, requiring the
// shared index, run despite type errors (rules judge what they can see), and
// running run with the index. Its result is the notes of its findings.
func New(meta rules.Meta, docGo string, index *analysis.Analyzer, run func(pass *analysis.Pass, idx *dbindex.Index) error) *analysis.Analyzer {
	name := meta.ID
	return &analysis.Analyzer{
		Name:             name,
		Doc:              MustExtractDoc(docGo, name),
		URL:              DocURL(name),
		Requires:         []*analysis.Analyzer{index},
		ResultType:       reflect.TypeFor[*note.Notes](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			end := BeginNotes(pass)
			err := run(pass, Index(pass, index))
			return end(), err
		},
	}
}

type dsnSourceKey struct{}

// DSNSource returns the package's dsn.Source (what each package-level
// constant and variable holds, and who calls each function), built once per
// package for every rule that reads connection strings.
func DSNSource(pass *analysis.Pass, idx *dbindex.Index) *dsn.Source {
	return idx.Shared(dsnSourceKey{}, func() any { return dsn.NewSource(pass.TypesInfo, pass.Files) }).(*dsn.Source)
}

// MaxMessage is the longest one-line finding message.
const MaxMessage = 120

// OneLine is head: tail, or head alone when that would be longer than
// MaxMessage (or tail is empty).
func OneLine(head, tail string) string {
	if tail != "" && len(head)+2+len(tail) <= MaxMessage {
		return head + ": " + tail
	}
	return head
}
