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
	"github.com/dbaudit/dbaudit/analyzers/poolconfig"
	"github.com/dbaudit/dbaudit/analyzers/poolconstruct"
	"github.com/dbaudit/dbaudit/analyzers/poolercompat"
	"github.com/dbaudit/dbaudit/analyzers/rawdsn"
	"github.com/dbaudit/dbaudit/analyzers/sessioninject"
	"github.com/dbaudit/dbaudit/analyzers/sqlinject"
	"github.com/dbaudit/dbaudit/analyzers/sqlpattern"
	"github.com/dbaudit/dbaudit/analyzers/txescape"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// Rule is one registered check rule: its metadata and its constructor, which
// builds the analyzer for a config and the shared index.
type Rule struct {
	Meta rules.Meta
	New  func(*rules.Config, *analysis.Analyzer) *analysis.Analyzer
}

// Registry is every check rule, in the order they are documented. Adding a
// rule is one folder under analyzers/ (doc.go, meta.go, the analyzer and its
// tests) and one line here.
var Registry = []Rule{
	{poolconstruct.Meta, poolconstruct.New},
	{rawdsn.Meta, rawdsn.New},
	{dsnleak.Meta, dsnleak.New},
	{driveropts.Meta, driveropts.New},
	{poolercompat.Meta, poolercompat.New},
	{poolconfig.Meta, poolconfig.New},
	{sessioninject.Meta, sessioninject.New},
	{txescape.Meta, txescape.New},
	{ctxscope.Meta, ctxscope.New},
	{conncleanup.Meta, conncleanup.New},
	{sqlpattern.Meta, sqlpattern.New},
	{sqlinject.Meta, sqlinject.New},
}

func init() {
	for _, r := range Registry {
		rules.Register(r.Meta)
	}
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
	for _, r := range Registry {
		s.All = append(s.All, r.New(cfg, s.Index))
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

// Summary is the one-line doc: the first line of Doc without "name: ".
func Summary(a *analysis.Analyzer) string {
	first, _, _ := strings.Cut(a.Doc, "\n")
	return strings.TrimSpace(strings.TrimPrefix(first, a.Name+":"))
}
