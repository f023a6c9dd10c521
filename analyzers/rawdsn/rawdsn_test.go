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
			// One line of at most 120 characters; the fix is in the help.
			if len(d.Message) > 120 || strings.Contains(d.Message, "\n") {
				t.Errorf("message longer than one 120-character line (%d): %s", len(d.Message), d.Message)
			}
			if help := note.From(r.Result).Of(d).Help; !strings.Contains(help, "instead") {
				t.Errorf("%s: help %q does not say what to do instead", d.Message, help)
			}
		}
	}
	if n == 0 {
		t.Fatal("no diagnostics")
	}
}
