// Package config builds the dbaudit analyzers for this repository's
// rules.yaml, embedded so the nogo build stays hermetic.
package config

import (
	_ "embed"
	"fmt"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/plugin"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed rules.yaml
var rulesYAML []byte

// analyzers share one index, so nogo walks each package once for all rules.
// Disabled rules are kept as analyzers that report nothing, so every rule
// package below has an Analyzer whatever rules.yaml says.
var analyzers = plugin.Analyzers(mustParse(), plugin.Options{KeepDisabled: true})

func mustParse() *rules.Config {
	cfg, err := rules.Parse("tools/dbaudit/config/rules.yaml", rulesYAML)
	if err != nil {
		panic(err)
	}
	return cfg
}

// Analyzer returns the dbaudit rule named name.
func Analyzer(name string) *analysis.Analyzer {
	for _, a := range analyzers {
		if a.Name == name {
			return a
		}
	}
	panic(fmt.Sprintf("dbaudit has no rule %q in this version (see dbaudit rules)", name))
}
