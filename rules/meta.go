package rules

import "slices"

// Meta is what dbaudit knows of a check rule besides its analyzer: its id,
// the default severity of its findings and the rules.yaml sections it reads.
// Each analyzer package declares its own (meta.go); the analyzer's doc.go is
// the rule's documentation. The rule list, `dbaudit rules`, the README table
// and SARIF rule metadata are all produced from these values and the
// analyzers' docs (analyzers/suite registers them; its tests check they
// agree).
type Meta struct {
	// ID is the analyzer's name. It never changes: users' suppressions and
	// baselines name it.
	ID string
	// Severity is the grade of its findings unless the rule grades a finding
	// itself or rules.yaml says otherwise.
	Severity Severity
	// Sections are the rules.yaml sections the rule reads, besides rules.
	Sections []string
}

// registered is the rule set of this binary, in documentation order.
var registered []Meta

// Register records rules as the binary's rule set; analyzers/suite calls it
// once, at init, with every rule it builds.
func Register(rules ...Meta) {
	registered = append(registered, rules...)
}

// IDs are the rule ids of `dbaudit check`, in the order they are documented.
func IDs() []string {
	ids := make([]string, len(registered))
	for i, m := range registered {
		ids[i] = m.ID
	}
	return ids
}

// IsRule reports whether id names a dbaudit check rule. Where no rule set is
// registered (a binary that links one analyzer without analyzers/suite, as
// an analyzer's own tests do) every id is taken as a rule.
func IsRule(id string) bool {
	if len(registered) == 0 {
		return true
	}
	return slices.ContainsFunc(registered, func(m Meta) bool { return m.ID == id })
}

// MetaOf returns the registered metadata of the rule id.
func MetaOf(id string) (Meta, bool) {
	i := slices.IndexFunc(registered, func(m Meta) bool { return m.ID == id })
	if i < 0 {
		return Meta{}, false
	}
	return registered[i], true
}
