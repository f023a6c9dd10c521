package ctxscope_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/ctxscope"
	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestCtxscope(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, ctxscope.Analyzer, "example.com/ctx/...")
	n := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			n++
			if len(d.Message) > 120 || strings.Contains(d.Message, "\n") {
				t.Errorf("message longer than one 120-character line (%d): %s", len(d.Message), d.Message)
			}
			// A query that fails outright is an error; one that is merely
			// not canceled is a warning.
			want := "warning"
			if strings.Contains(d.Message, `"context canceled"`) {
				want = "error"
			}
			if got := note.From(r.Result).Of(d).Severity; got != want || d.Category != r.Action.Analyzer.Name {
				t.Errorf("%s: severity %q, want %q (category %q)", d.Message, got, want, d.Category)
			}
		}
	}
	if n == 0 {
		t.Fatal("no diagnostics: the fixtures did not load")
	}
}

func TestCtxscopeFixes(t *testing.T) {
	t.Parallel()
	atest.RunWithSuggestedFixes(t, ctxscope.Analyzer, "example.com/ctxfix")
}

// TestCtxscopeJobRunners: a job given to a rules.yaml job runner runs after
// the request, like a goroutine.
func TestCtxscopeJobRunners(t *testing.T) {
	t.Parallel()
	cfg, err := rules.Parse("rules.yaml", []byte("job_runners:\n  - example.com/ctxjobs.Queue.Enqueue\n"))
	if err != nil {
		t.Fatal(err)
	}
	atest.Run(t, ctxscope.New(cfg, dbindex.New(cfg)), "example.com/ctxjobs")
}
