package dsnleak_test

import (
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
