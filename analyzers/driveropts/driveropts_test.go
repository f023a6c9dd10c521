package driveropts_test

import (
	"os"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/driveropts"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestDriveropts(t *testing.T) {
	t.Parallel()
	atest.Run(t, driveropts.Analyzer, "example.com/opts")
}

func TestFixes(t *testing.T) {
	t.Parallel()
	atest.RunWithSuggestedFixes(t, driveropts.Analyzer, "example.com/fixes")
}

// TestPositions checks that findings point at the key (or the rejected
// value) they are about, not at the whole string.
func TestPositions(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, driveropts.Analyzer, "example.com/opts")
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
