package sqlinject_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/analyzers/sqlinject"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestSqlinject(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, sqlinject.Analyzer, "example.com/inject/...")
	n := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			n++
			if len(d.Message) > 120 || strings.Contains(d.Message, "\n") {
				t.Errorf("message longer than one 120-character line (%d): %s", len(d.Message), d.Message)
			}
			nt := note.From(r.Result).Of(d)
			want := "error"
			if strings.Contains(d.Message, "parameter ") {
				want = "warning"
			}
			if nt.Severity != want || d.Category != "sqlinject" {
				t.Errorf("%s: severity %q, want %q (category %q)", d.Message, nt.Severity, want, d.Category)
			}
			if !strings.Contains(nt.Help, "$1") || !strings.Contains(nt.Help, "pgx.Identifier") {
				t.Errorf("%s: help names neither placeholders nor pgx.Identifier: %q", d.Message, nt.Help)
			}
		}
	}
	if n == 0 {
		t.Fatal("no diagnostics: the fixtures did not load")
	}
}
