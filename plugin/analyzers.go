package plugin

import (
	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// Options say what a driver other than dbaudit's engine needs from the
// analyzers.
type Options struct {
	// PrefixRule starts each message with "rule: ", for drivers whose output
	// does not name the analyzer (go vet's plain text). golangci-lint adds the
	// prefix itself.
	PrefixRule bool
	// KeepDisabled returns the rules that rules.yaml disables too, as
	// analyzers that report nothing, so the set of analyzer names does not
	// depend on the configuration. go vet needs that: it asks the tool for
	// its flags (one per analyzer) once, outside any package.
	KeepDisabled bool
	// DropRelated leaves out a finding's related locations (conncleanup's
	// "the path that returns"), for golangci-lint, which reports each as an
	// issue of its own; the finding's help names those lines in dbaudit's
	// own output, and go vet prints them indented under the finding.
	DropRelated bool
}

// Analyzers returns the dbaudit rule analyzers for cfg, doing what dbaudit's
// engine does around them: findings in files matching rules.yaml ignore
// globs are dropped, and malformed //dbaudit:ignore directives are reported
// under the rule id "ignore" (dbindex.IgnoreRule). The analyzers share one
// index, so each package is walked once.
func Analyzers(cfg *rules.Config, opts Options) []*analysis.Analyzer {
	s := suite.New(cfg)
	var out []*analysis.Analyzer
	for _, a := range s.All {
		switch {
		case cfg.Enabled(a.Name):
			out = append(out, filtered(cfg, a, opts))
		case opts.KeepDisabled:
			out = append(out, disabled(a))
		}
	}
	return append(out, directives(cfg, s.Index, opts))
}

// filtered wraps a so its findings pass through the ignore globs (and get
// the rule prefix). The copy keeps a's name, doc, requirements and result.
func filtered(cfg *rules.Config, a *analysis.Analyzer, opts Options) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		inner := *pass
		inner.Report = reporter(cfg, pass, a.Name, opts)
		return a.Run(&inner)
	}
	return &w
}

func reporter(cfg *rules.Config, pass *analysis.Pass, rule string, opts Options) func(analysis.Diagnostic) {
	return func(d analysis.Diagnostic) {
		if cfg.Ignored(pass.Fset.Position(d.Pos).Filename) {
			return
		}
		if opts.PrefixRule {
			d.Message = rule + ": " + d.Message
		}
		if opts.DropRelated {
			d.Related = nil
		}
		pass.Report(d)
	}
}

// disabled is a rule turned off in rules.yaml: it keeps its name (and so its
// go vet flag) but requires and reports nothing.
func disabled(a *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: a.Name,
		Doc:  a.Doc,
		URL:  a.URL,
		Run:  func(*analysis.Pass) (any, error) { return nil, nil },
	}
}

// directives reports the //dbaudit:ignore comments the index could not use
// (no reason, or an unknown rule), as dbaudit check does.
func directives(cfg *rules.Config, index *analysis.Analyzer, opts Options) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             dbindex.IgnoreRule,
		Doc:              dbindex.IgnoreRule + ": reports //dbaudit:ignore directives without a reason or naming an unknown rule\n\nA directive is written //dbaudit:ignore <rule>[,<rule>] -- <reason>.",
		Requires:         []*analysis.Analyzer{index},
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			report := reporter(cfg, pass, dbindex.IgnoreRule, opts)
			for _, d := range pass.ResultOf[index].(*dbindex.Index).BadDirectives {
				report(analysis.Diagnostic{Pos: d.Pos, Category: dbindex.IgnoreRule, Message: d.Problem})
			}
			return nil, nil
		},
	}
}
