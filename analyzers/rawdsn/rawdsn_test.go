package rawdsn_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/analyzers/rawdsn"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestRawdsn(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, rawdsn.Analyzer, "example.com/app/...")
	// A password makes the finding an error; without one it is a warning.
	n := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			n++
			want := "warning"
			if strings.Contains(d.Message, "password is written") {
				want = "error"
			}
			if got := note.From(r.Result).Of(d).Severity; got != want || d.Category != r.Action.Analyzer.Name {
				t.Errorf("%s: severity hint %q, want %q (category %q)", d.Message, got, want, d.Category)
			}
		}
	}
	if n == 0 {
		t.Fatal("no diagnostics")
	}
}
