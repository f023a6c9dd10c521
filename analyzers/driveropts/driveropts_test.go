package driveropts_test

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/driveropts"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestDriveropts(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	atest.Run(t, atest.WithHelp(driveropts.Analyzer, &headlines), "example.com/opts", "example.com/versions/...")
	atest.CheckHeadlines(t, &headlines, 100)
}

func TestFixes(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	atest.RunWithSuggestedFixes(t, atest.WithHelp(driveropts.Analyzer, &headlines), "example.com/fixes")
	atest.CheckHeadlines(t, &headlines, 5)
}

// TestPositions checks that findings point at the key (or the rejected
// value) they are about, not at the whole string.
func TestPositions(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	results := atest.Run(t, atest.WithHelp(driveropts.Analyzer, &headlines), "example.com/opts")
	checked := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			subject, _, ok := strings.Cut(d.Message, " ")
			switch {
			case !ok, strings.Contains(subject, "://"), subject == "the", subject == "RuntimeParams", subject == "golang-migrate":
				continue // a message that does not start with the key it is about
			}
			key, value, hasValue := strings.Cut(subject, "=")
			pos, end := r.Pass.Fset.Position(d.Pos), r.Pass.Fset.Position(d.End)
			src, err := os.ReadFile(pos.Filename)
			if err != nil {
				t.Fatal(err)
			}
			got := string(src[pos.Offset:end.Offset])
			if got != key && !(hasValue && got == value) {
				t.Errorf("%s: finding about %q points at %q", pos, subject, got)
			}
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d findings checked", checked)
	}
}

// TestVersionsFlag: the flag a whole-program driver sets wins over go.mod.
func TestVersionsFlag(t *testing.T) {
	t.Parallel()
	a := driveropts.New(rules.Default(""), dbindex.Analyzer)
	if err := a.Flags.Set(drivers.VersionsFlagName, "github.com/jackc/pgx/v5@v5.5.5"); err != nil {
		t.Fatal(err)
	}
	var headlines sync.Map
	atest.Run(t, atest.WithHelp(a, &headlines), "example.com/versionflag")
	atest.CheckHeadlines(t, &headlines, 1)
}
