package engine

import (
	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// ruleMeta describes the analyzers for reports (SARIF rule metadata), from
// each rule's registered metadata and its analyzer's doc.
func ruleMeta(cfg *rules.Config, analyzers []*analysis.Analyzer) []report.RuleMeta {
	var out []report.RuleMeta
	for _, a := range analyzers {
		out = append(out, report.RuleMeta{
			ID:       a.Name,
			Short:    suite.Summary(a),
			Full:     a.Doc,
			HelpURI:  a.URL,
			Severity: cfg.SeverityOf(a.Name, ""),
		})
	}
	return out
}
