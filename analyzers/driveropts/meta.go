package driveropts

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "driveropts", Severity: rules.SeverityError, Sections: []string{"drivers"}}
