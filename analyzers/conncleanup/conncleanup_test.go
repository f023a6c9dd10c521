package conncleanup_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/conncleanup"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"

	"golang.org/x/tools/go/analysis/analysistest"
)

// helpWants are what the help of the finding reported on a fixture line
// must say: the line of the path that leaks (the one-line message carries
// no line numbers), the measured cost and the fix.
var helpWants = []struct {
	file string
	line int
	want string
}{
	{"pgxcases.go", 25, `returns at line 30`},
	{"pgxcases.go", 34, `returns at line 42`},
	{"pgxcases.go", 50, `returns at line 64`},
	{"pgxcases.go", 174, `returns at line 178`},
	{"pgxcases.go", 191, `Next loop at line 197`},
	{"pgxcases.go", 239, `comes back to line 239`},
	{"pgxcases.go", 290, `returns at line 292`},
	{"pgxcases.go", 290, `defer br.Close() right after SendBatch`},
	{"pgxcases.go", 290, `"conn busy"`},
	{"pgxcases.go", 312, `returns at line 317`},
	{"pgxcases.go", 312, `defer conn.Release() right after the error check`},
	{"pgxcases.go", 312, `every Acquire waits until its context expires`},
	{"pgxcases.go", 351, `returns at line 356`},
	{"pgxcases.go", 351, `defer tx.Rollback(ctx) right after the error check`},
	{"pgxcases.go", 351, `holding its locks`},
	{"pgxcases.go", 438, `returns at line 442`},
	{"pgxcases.go", 505, `returns at line 510`},
	{"pgxcases.go", 521, `end of the function (line 526)`},
	{"sqlcases.go", 15, `returns at line 23`},
	{"sqlcases.go", 64, `Next loop at line 70`},
	{"sqlcases.go", 121, `returns at line 126`},
	{"sqlcases.go", 121, `defer tx.Rollback() right after`},
	{"sqlcases.go", 132, `returns at line 137`},
	{"sqlcases.go", 132, `defer tx.Rollback() right after`},
	{"sqlcases.go", 155, `returns at line 160`},
	{"sqlcases.go", 187, `returns at line 192`},
	{"sqlcases.go", 208, `returns at line 216`},
	{"sqlcases.go", 241, `returns at line 247`},
	{"sqlcases.go", 251, `returns at line 254`},
	{"sqlcases.go", 274, `returns at line 276`},
	{"sqlcases.go", 322, `returns at line 328`},
	{"sqlccases.go", 31, `returns at line 36`},
	{"batchcases.go", 21, `returns at line 24`},
	{"batchcases.go", 21, `"conn busy"`},
	{"batchcases.go", 135, `c.Release() at line 136`},
	{"batchcases.go", 135, `"conn closed"`},
	{"batchcases.go", 150, `closed by a defer, which runs only after that`},
	{"batchcases.go", 159, `tx.Commit(ctx) at line 164`},
	{"batchcases.go", 159, `"conn busy"`},
	{"norowscases.go", 18, `returns at line 25`},
	{"norowscases.go", 39, `returns at line 46`},
	{"norowscases.go", 57, `the return at line 69 sets err to nil`},
	{"norowscases.go", 78, `returns at line 85`},
}

func TestConncleanup(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, conncleanup.Analyzer, "example.com/cleanup/...")
	checkFindings(t, results)
}

// With check_tests, test code is judged too: t.Fatal ends a path.
func TestConncleanupCheckTests(t *testing.T) {
	t.Parallel()
	cfg := rules.Default("")
	cfg.CheckTests = true
	results := atest.Run(t, conncleanup.New(cfg, dbindex.New(cfg)), "example.com/cleanuptests")
	checkFindings(t, results)
}

// checkFindings: every message is one line of at most 120 characters with
// no line number in it, and the help of the findings in helpWants says what
// it must.
func checkFindings(t *testing.T, results []*analysistest.Result) {
	t.Helper()
	findings := atest.Findings(t, results) // one line of at most atest.MaxMessage (120) characters each
	for _, f := range findings {
		if strings.Contains(f.Message, "line ") {
			t.Errorf("message names a line (the help does): %s", f.Message)
		}
		if f.Help == "" {
			t.Errorf("no help for %q", f.Message)
		}
	}
	helps := atest.HelpAt(findings) // file:line → help texts
	files := map[string]bool{}      // the fixture files this run reported in
	for key := range helps {
		file, _, _ := strings.Cut(key, ":")
		files[file] = true
	}
	for _, w := range helpWants {
		got, ok := helps[w.file+":"+strconv.Itoa(w.line)]
		if !ok {
			if files[w.file] {
				t.Errorf("%s:%d: no finding there to carry the help %q", w.file, w.line, w.want)
			}
			continue // a file of the other test's packages
		}
		if !strings.Contains(strings.Join(got, "\n"), w.want) {
			t.Errorf("%s:%d: help %q does not say %q", w.file, w.line, got, w.want)
		}
	}
}
