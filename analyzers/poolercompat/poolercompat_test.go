package poolercompat_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/analyzers/poolercompat"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestPoolercompat(t *testing.T) {
	t.Parallel()
	atest.RunWithSuggestedFixes(t, poolercompat.Analyzer, "example.com/pooled")
}

// TestSession: session SQL on handles that reach a pooler, migration tools
// pointed at one; messages are one line of at most 120 characters and the
// help quotes the measured error.
func TestSession(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, poolercompat.Analyzer, "example.com/session", "example.com/pooled")
	n := 0
	for _, r := range results {
		notes := note.From(r.Result)
		for _, d := range r.Diagnostics {
			n++
			if len(d.Message) > 120 || strings.Contains(d.Message, "\n") {
				t.Errorf("message longer than one 120-character line (%d): %s", len(d.Message), d.Message)
			}
			help := notes.Of(d).Help
			if !strings.Contains(help, "Fix: ") && !strings.Contains(help, "ways out") {
				t.Errorf("%s: help names no fix: %q", d.Message, help)
			}
			if d.Category != "poolercompat" {
				t.Errorf("%s: category %q", d.Message, d.Category)
			}
		}
	}
	if n < 30 {
		t.Fatalf("%d diagnostics: the fixtures did not load", n)
	}
}
