// Package suite assembles every dbaudit rule analyzer for one configuration,
// sharing one dbindex analyzer so each package is walked once.
package suite

import (
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/conncleanup"
	"github.com/dbaudit/dbaudit/analyzers/ctxscope"
	"github.com/dbaudit/dbaudit/analyzers/driveropts"
	"github.com/dbaudit/dbaudit/analyzers/dsnleak"
	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/analyzers/poolconfig"
	"github.com/dbaudit/dbaudit/analyzers/poolconstruct"
	"github.com/dbaudit/dbaudit/analyzers/poolercompat"
	"github.com/dbaudit/dbaudit/analyzers/rawdsn"
	"github.com/dbaudit/dbaudit/analyzers/sessioninject"
	"github.com/dbaudit/dbaudit/analyzers/sqlpattern"
	"github.com/dbaudit/dbaudit/analyzers/txescape"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// constructors build each rule analyzer for a config and the shared index.
// The order is rules.IDs' order; a rule that is not written yet is absent.
var constructors = []func(*rules.Config, *analysis.Analyzer) *analysis.Analyzer{
	poolconstruct.New,
	rawdsn.New,
	dsnleak.New,
	driveropts.New,
	poolercompat.New,
	poolconfig.New,
	sessioninject.New,
	txescape.New,
	ctxscope.New,
	conncleanup.New,
	sqlpattern.New,
}

// Suite is the analyzers for one configuration.
type Suite struct {
	Config *rules.Config
	// Index is the shared dbindex analyzer every rule requires.
	Index *analysis.Analyzer
	// All holds every rule analyzer, enabled or not.
	All []*analysis.Analyzer
}

// New builds the suite for cfg.
func New(cfg *rules.Config) *Suite {
	s := &Suite{Config: cfg, Index: dbindex.New(cfg)}
	for _, mk := range constructors {
		s.All = append(s.All, mk(cfg, s.Index))
	}
	return s
}

// Enabled returns the analyzers rules.yaml leaves enabled.
func (s *Suite) Enabled() []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, a := range s.All {
		if s.Config.Enabled(a.Name) {
			out = append(out, a)
		}
	}
	return out
}

// Lookup returns the analyzer named name, or nil.
func (s *Suite) Lookup(name string) *analysis.Analyzer {
	for _, a := range s.All {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Meta describes the analyzers for reports (SARIF rule metadata).
func (s *Suite) Meta(analyzers []*analysis.Analyzer) []report.RuleMeta {
	var out []report.RuleMeta
	for _, a := range analyzers {
		out = append(out, report.RuleMeta{
			ID:       a.Name,
			Short:    Summary(a),
			Full:     a.Doc,
			HelpURI:  analyzerutil.DocURL(a.Name),
			Severity: s.Config.SeverityOf(a.Name, ""),
		})
	}
	return out
}

// Summary is the one-line doc: the first line of Doc without "name: ".
func Summary(a *analysis.Analyzer) string {
	first, _, _ := strings.Cut(a.Doc, "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, a.Name+":"))
}
