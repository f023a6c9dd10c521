package ctxscope_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/ctxscope"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestCtxscope(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, ctxscope.Analyzer, "example.com/ctx/...")
	for _, f := range atest.Findings(t, results) { // one line of at most 120 characters each
		// A query that fails outright is an error; one that is merely
		// not canceled is a warning.
		want := "warning"
		if strings.Contains(f.Message, `"context canceled"`) {
			want = "error"
		}
		atest.CheckSeverity(t, f, want)
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
