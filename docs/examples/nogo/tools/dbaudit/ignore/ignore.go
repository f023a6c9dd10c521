// Package ignore hands nogo one dbaudit analyzer: nogo takes the variable
// named Analyzer from each package it is given. This one reports //dbaudit:ignore directives without a reason or naming an unknown rule.
package ignore

import "example.com/monorepo/tools/dbaudit/config"

// Analyzer is configured by tools/dbaudit/config/rules.yaml.
var Analyzer = config.Analyzer("ignore")
