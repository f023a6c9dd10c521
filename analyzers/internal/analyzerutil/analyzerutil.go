// Package analyzerutil holds what every dbaudit rule analyzer does the same
// way: reading the shared index and reporting through //dbaudit:ignore.
package analyzerutil

import (
	"go/ast"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// Index returns the dbindex result the analyzer requires.
func Index(pass *analysis.Pass, index *analysis.Analyzer) *dbindex.Index {
	return pass.ResultOf[index].(*dbindex.Index)
}

// Report reports d under the pass's analyzer name unless a //dbaudit:ignore
// directive for that rule stands on its line or the line above. A rule that
// grades its findings puts the grade (a rules.Severity) in d.Category;
// rules.yaml may still override it.
func Report(pass *analysis.Pass, idx *dbindex.Index, d analysis.Diagnostic) {
	if idx.Suppressed(pass.Analyzer.Name, d.Pos) {
		return
	}
	pass.Report(d)
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

// New returns a rule analyzer: named name, documented by the "# Analyzer
// NAME" section of its embedded doc.go, requiring the shared index, run
// despite type errors (rules judge what they can see), and running run with
// the index.
func New(name, docGo string, index *analysis.Analyzer, run func(pass *analysis.Pass, idx *dbindex.Index) error) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             name,
		Doc:              MustExtractDoc(docGo, name),
		URL:              DocURL(name),
		Requires:         []*analysis.Analyzer{index},
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			return nil, run(pass, Index(pass, index))
		},
	}
}
