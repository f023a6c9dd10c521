package poolconstruct

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "poolconstruct", Severity: rules.SeverityError, Sections: []string{"approved_packages", "constructors", "test_packages"}}
