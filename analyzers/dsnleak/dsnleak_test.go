package dsnleak_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dbaudit/dbaudit/analyzers/dsnleak"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestDsnleak(t *testing.T) {
	t.Parallel()
	atest.Run(t, dsnleak.Analyzer, "example.com/leak")
}

func TestRedactors(t *testing.T) {
	t.Parallel()
	cfg, err := rules.Parse("rules.yaml", []byte("redactors: [example.com/redact.Hide]\n"))
	if err != nil {
		t.Fatal(err)
	}
	atest.Run(t, dsnleak.New(cfg, dbindex.New(cfg)), "example.com/redact")
}

// Without the rules.yaml entry, Hide is just a function.
func TestRedactorsUnconfigured(t *testing.T) {
	t.Parallel()
	results := analysistest.Run(&silentT{T: t}, atest.GOPATH(t), dsnleak.Analyzer, "example.com/redact")
	n := 0
	for _, r := range results {
		n += len(r.Diagnostics)
	}
	if n != 1 {
		t.Fatalf("want Hide's result reported once without the rules.yaml entry, got %d diagnostics", n)
	}
}

// silentT swallows analysistest's complaints about diagnostics the fixture
// does not expect: this test counts them itself.
type silentT struct{ *testing.T }

func (s *silentT) Errorf(format string, args ...any) {}

// TestErrorSources: the errors of driver calls integration/drivers/dsnleak
// measured to carry the password, beside the calls it measured clean. Every
// message is one line of at most 120 characters with help beside it.
func TestErrorSources(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, dsnleak.Analyzer, "example.com/errleak", "example.com/leak", "example.com/redacted")
	for _, f := range atest.Findings(t, results) { // one line of at most 120 characters each
		if f.Help == "" || strings.Contains(f.Help, "Hunter2") {
			t.Errorf("%s: help %q: want help without the fixture's password", f.Message, f.Help)
		}
		if strings.HasPrefix(f.Message, "the error of ") {
			// Known to leak (a constant DSN's shape): an error; may leak: a warning.
			want := "warning"
			if strings.Contains(f.Message, "repeats the DSN's password") || strings.Contains(f.Message, "the '@' in the URL password") {
				want = "error"
			}
			atest.CheckSeverity(t, f, want)
		}
	}
}
