package sqlinject_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dbaudit/dbaudit/analyzers/sqlinject"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestSqlinject(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, sqlinject.Analyzer, "example.com/inject/...")
	for _, f := range atest.Findings(t, results) { // one line of at most 120 characters each
		want := "error"
		if strings.Contains(f.Message, "parameter ") {
			want = "warning"
		}
		atest.CheckSeverity(t, f, want)
		if !strings.Contains(f.Help, "$1") || !strings.Contains(f.Help, "pgx.Identifier") {
			t.Errorf("%s: help names neither placeholders nor pgx.Identifier: %q", f.Message, f.Help)
		}
	}
}

// TestSqlinjectWithoutFacts runs the analyzer as dbaudit's engine does,
// without facts between packages: findings within a package stay, helpers
// of other packages are opaque.
func TestSqlinjectWithoutFacts(t *testing.T) {
	t.Parallel()
	a := *sqlinject.Analyzer
	a.FactTypes = nil
	atest.Run(t, &a, "example.com/nofacts/...")
}

// TestSqlinjectFactsAcrossPackages: under a driver that carries facts (go
// vet, analysistest) the cases the engine misses are found through the
// helpers' facts: exactly the two Missed* cases, which analysistest reports
// as unexpected against the no-facts expectations.
func TestSqlinjectFactsAcrossPackages(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	analysistest.Run(rec, atest.GOPATH(t), sqlinject.Analyzer, "example.com/nofacts/app")
	want := []string{
		`unexpected diagnostic: request input r.FormValue("name") is built into the SQL that helper.Run runs`,
		`unexpected diagnostic: SQL for pgxpool.Pool.Query built by helper.Column from request input r.FormValue("col")`,
	}
	if len(rec.errs) != len(want) {
		t.Fatalf("with facts, got %d differences from the no-facts expectations, want %d:\n%s", len(rec.errs), len(want), strings.Join(rec.errs, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(rec.errs[i], w) {
			t.Errorf("difference %d = %s\nwant it to contain %s", i, rec.errs[i], w)
		}
	}
}

type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
