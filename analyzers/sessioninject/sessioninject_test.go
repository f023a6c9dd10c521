package sessioninject_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/sessioninject"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestSessioninject(t *testing.T) {
	cfg, err := rules.Parse("rules.yaml", []byte("global_accessors: [example.com/gl/database.Get]\n"))
	if err != nil {
		t.Fatal(err)
	}
	results := atest.Run(t, sessioninject.New(cfg, dbindex.New(cfg)), "example.com/gl/...")
	for _, f := range atest.Findings(t, results) {
		if !strings.Contains(f.Help, "nil pointer dereference") || !strings.Contains(f.Help, "Fix: receive it") {
			t.Errorf("%s: help %q", f.Message, f.Help)
		}
	}
}

// TestSessioninjectWithoutFacts runs the analyzer as a driver without facts
// does (a single-package nogo setup, an older dbaudit): accessors of other
// packages are known by their shape and name.
func TestSessioninjectWithoutFacts(t *testing.T) {
	cfg := rules.Default("")
	a := *sessioninject.New(cfg, dbindex.New(cfg))
	a.FactTypes = nil
	atest.Run(t, &a, "example.com/nf/...")
}
