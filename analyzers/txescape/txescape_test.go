package txescape_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/txescape"
	"github.com/dbaudit/dbaudit/internal/atest"
)

// helpWants are what the help of the finding reported on a fixture line
// must say: the measured driver error and the fix, which the one-line
// message leaves out.
var helpWants = []struct {
	file string
	line int
	want string
}{
	{"esc.go", 42, `its statements fail with "tx is closed"`},
	{"esc.go", 42, `pass the pool`},
	{"esc.go", 76, `using it panics`},
	{"esc.go", 172, `"sql: transaction has already been committed or rolled back"`},
	{"esc.go", 236, `request's context is canceled when the handler returns`},
	{"sharedconn.go", 18, `fails with "conn busy" (pgx issues #1256, #1226, #2428)`},
	{"sharedconn.go", 18, `share a *pgxpool.Pool instead`},
	{"sharedconn.go", 91, `fails with "conn busy"`},
	{"sharedconn.go", 244, `A pgx transaction runs on one connection`},
	{"sharedconn.go", 264, `An acquired connection runs one statement at a time`},
}

func TestTxescape(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, txescape.Analyzer, "example.com/esc/...")
	findings := atest.Findings(t, results) // one line of at most atest.MaxMessage (120) characters each
	for _, f := range findings {
		if f.Help == "" {
			t.Errorf("no help for %q", f.Message)
		}
	}
	helps := atest.HelpAt(findings) // file:line → help texts
	for _, w := range helpWants {
		got := helps[w.file+":"+strconv.Itoa(w.line)]
		if !strings.Contains(strings.Join(got, "\n"), w.want) {
			t.Errorf("%s:%d: help %q does not say %q", w.file, w.line, got, w.want)
		}
	}
}
