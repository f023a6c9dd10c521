package driveropts_test

import (
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/driveropts"
	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

// withHelp wraps the analyzer so that each finding's message is its
// one-line message followed by its help lines, joined by "; ": the
// fixtures' want patterns assert the driver's answer and the fix, which
// live in the help. headlines receives each one-line message.
func withHelp(a *analysis.Analyzer, headlines *sync.Map) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		var diags []analysis.Diagnostic
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) { diags = append(diags, d) }
		res, err := a.Run(&inner)
		notes := note.From(res)
		for _, d := range diags {
			headlines.Store(pass.Fset.Position(d.Pos).String()+" "+d.Message, d.Message)
			if help := notes.Of(d).Help; help != "" {
				d.Message += "; " + strings.ReplaceAll(help, "\n", "; ")
			}
			pass.Report(d)
		}
		return res, err
	}
	return &w
}

// checkHeadlines asserts the one-line limit over the fixtures' findings.
func checkHeadlines(t *testing.T, headlines *sync.Map, min int) {
	t.Helper()
	n := 0
	headlines.Range(func(k, v any) bool {
		n++
		if m := v.(string); len(m) > 120 || strings.Contains(m, "\n") {
			t.Errorf("message longer than one 120-character line (%d): %s", len(m), k)
		}
		return true
	})
	if n < min {
		t.Errorf("only %d findings; want at least %d", n, min)
	}
}

func TestDriveropts(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	atest.Run(t, withHelp(driveropts.Analyzer, &headlines), "example.com/opts", "example.com/versions/...")
	checkHeadlines(t, &headlines, 100)
}

func TestFixes(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	atest.RunWithSuggestedFixes(t, withHelp(driveropts.Analyzer, &headlines), "example.com/fixes")
	checkHeadlines(t, &headlines, 5)
}

// TestPositions checks that findings point at the key (or the rejected
// value) they are about, not at the whole string.
func TestPositions(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	results := atest.Run(t, withHelp(driveropts.Analyzer, &headlines), "example.com/opts")
	checked := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			subject, _, ok := strings.Cut(d.Message, " ")
			switch {
			case !ok, strings.Contains(subject, "://"), subject == "the", subject == "RuntimeParams", subject == "golang-migrate":
				continue // a message that does not start with the key it is about
			}
			key, value, hasValue := strings.Cut(subject, "=")
			pos, end := r.Pass.Fset.Position(d.Pos), r.Pass.Fset.Position(d.End)
			src, err := os.ReadFile(pos.Filename)
			if err != nil {
				t.Fatal(err)
			}
			got := string(src[pos.Offset:end.Offset])
			if got != key && !(hasValue && got == value) {
				t.Errorf("%s: finding about %q points at %q", pos, subject, got)
			}
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d findings checked", checked)
	}
}

// TestVersionsFlag: the flag a whole-program driver sets wins over go.mod.
func TestVersionsFlag(t *testing.T) {
	t.Parallel()
	a := driveropts.New(rules.Default(""), dbindex.Analyzer)
	if err := a.Flags.Set(drivers.VersionsFlagName, "github.com/jackc/pgx/v5@v5.5.5"); err != nil {
		t.Fatal(err)
	}
	var headlines sync.Map
	atest.Run(t, withHelp(a, &headlines), "example.com/versionflag")
	checkHeadlines(t, &headlines, 1)
}
