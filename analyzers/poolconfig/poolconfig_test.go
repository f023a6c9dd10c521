package poolconfig_test

import (
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/analyzers/poolconfig"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

// withHelp wraps the analyzer so that each finding's message is its
// one-line message followed by its help lines, joined by "; ": the
// fixtures' want patterns assert the consequence and the fix, which live in
// the help. headlines receives each one-line message.
func withHelp(a *analysis.Analyzer, headlines *sync.Map) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		var diags []analysis.Diagnostic
		inner := *pass
		inner.Report = func(d analysis.Diagnostic) { diags = append(diags, d) }
		res, err := a.Run(&inner)
		notes := note.From(res)
		for _, d := range diags {
			headlines.Store(pass.Fset.Position(d.Pos).String()+" "+d.Message, d.Message)
			if help := notes.Of(d).Help; help != "" {
				d.Message += "; " + strings.ReplaceAll(help, "\n", "; ")
			}
			pass.Report(d)
		}
		return res, err
	}
	return &w
}

// checkHeadlines asserts the one-line limit over the fixtures' findings.
func checkHeadlines(t *testing.T, headlines *sync.Map, min int) {
	t.Helper()
	n := 0
	headlines.Range(func(k, v any) bool {
		n++
		if m := v.(string); len(m) > 120 || strings.Contains(m, "\n") {
			t.Errorf("message longer than one 120-character line (%d): %s", len(m), k)
		}
		return true
	})
	if n < min {
		t.Errorf("only %d findings; want at least %d", n, min)
	}
}

func TestPoolconfig(t *testing.T) {
	t.Parallel()
	var headlines sync.Map
	atest.Run(t, withHelp(poolconfig.Analyzer, &headlines), "example.com/pools/...")
	checkHeadlines(t, &headlines, 15)
}

func TestPoolconfigWithRules(t *testing.T) {
	t.Parallel()
	cfg, err := rules.Parse("rules.yaml", []byte(`
pool:
  min_max_conns: 2
  max_max_conns: 20
  max_health_check_period: 15m
  min_conn_lifetime: 5m
`))
	if err != nil {
		t.Fatal(err)
	}
	var headlines sync.Map
	atest.Run(t, withHelp(poolconfig.New(cfg, dbindex.New(cfg)), &headlines), "example.com/strict")
	checkHeadlines(t, &headlines, 4)
}
