package plugin

import (
	"go/token"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/rules"
)

// golangci-lint reports each related location as an issue of its own
// ("conncleanup(related information)"), so its plugin drops them; go vet
// keeps them, printed under the finding.
func TestRelatedLocationsDroppedForGolangci(t *testing.T) {
	fset := token.NewFileSet()
	f := fset.AddFile("a.go", -1, 100)
	f.SetLines([]int{0, 10, 20})
	d := analysis.Diagnostic{Pos: f.Pos(12), Message: "rows are not closed",
		Related: []analysis.RelatedInformation{{Pos: f.Pos(22), Message: "the path that returns"}}}
	for _, tc := range []struct {
		opts    Options
		related int
		message string
	}{
		{Options{DropRelated: true}, 0, "rows are not closed"},
		{Options{PrefixRule: true}, 1, "conncleanup: rows are not closed"},
	} {
		var got []analysis.Diagnostic
		pass := &analysis.Pass{Fset: fset, Report: func(d analysis.Diagnostic) { got = append(got, d) }}
		reporter(rules.Default(""), pass, "conncleanup", tc.opts)(d)
		if len(got) != 1 || len(got[0].Related) != tc.related || got[0].Message != tc.message {
			t.Errorf("%+v: reported %+v", tc.opts, got)
		}
	}
}
