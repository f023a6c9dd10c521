// Package plugin runs the dbaudit rules outside dbaudit's own engine: it
// registers them with golangci-lint as the module plugin "dbaudit", and
// Analyzers packages them for any go/analysis driver (cmd/dbaudit-vet uses it
// for go vet -vettool).
//
// The analyzers come from analyzers/suite, so rules added there join every
// integration without changes here. Configuration travels as a *rules.Config
// value into each analyzer; nothing is kept in package state.
//
// In .golangci.yml the plugin's settings are either
//
//	settings:
//	  config: rules.yaml   # relative to the directory of .golangci.yml
//
// or the keys of rules.yaml written inline, or nothing at all, in which case
// the rules.yaml nearest above the working directory applies (as for dbaudit
// check), else the embedded default. Inline keys are decoded by the same
// strict decoder as rules.yaml, so an unknown key or a bad value stops the
// run with an error naming it.
package plugin
