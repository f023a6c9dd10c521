package poolercompat_test

import (
	"strings"
	"testing"

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
	findings := atest.Findings(t, results) // one line of at most 120 characters each
	for _, f := range findings {
		if !strings.Contains(f.Help, "Fix: ") && !strings.Contains(f.Help, "ways out") {
			t.Errorf("%s: help names no fix: %q", f.Message, f.Help)
		}
		if f.Category != "poolercompat" {
			t.Errorf("%s: category %q", f.Message, f.Category)
		}
	}
	if n := len(findings); n < 30 {
		t.Fatalf("%d diagnostics: the fixtures did not load", n)
	}
}

// TestDocQuotesMeasuredErrors: `dbaudit rules poolercompat` prints the
// analyzer's Doc; it must quote what the pooler tests measure.
func TestDocQuotesMeasuredErrors(t *testing.T) {
	doc := strings.Join(strings.Fields(poolercompat.Analyzer.Doc), " ")
	for _, want := range []string{
		"PgBouncer 1.18.0",
		"SHOW statement_timeout: 0 after SET statement_timeout = 1234",
		"WARNING: you don't own a lock of type ExclusiveLock",
		"WaitForNotification timed out",
		`ERROR: relation "…" does not exist (SQLSTATE 42P01)`,
		`ERROR: cursor "…" does not exist (SQLSTATE 34000)`,
		`ERROR: prepared statement "…" does not exist (SQLSTATE 26000)`,
		"FATAL: unsupported startup parameter: search_path (SQLSTATE 08P01)",
		`search_path stayed "$user", public`,
		"timeout: can't acquire database lock",
		"failed to unlock session",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the rule's doc does not quote %q", want)
		}
	}
}
