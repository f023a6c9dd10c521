// Package poolconstruct hands nogo one dbaudit analyzer: nogo takes the variable
// named Analyzer from each package it is given. This one is dbaudit's poolconstruct rule.
package poolconstruct

import "example.com/monorepo/tools/dbaudit/config"

// Analyzer is configured by tools/dbaudit/config/rules.yaml.
var Analyzer = config.Analyzer("poolconstruct")
