package sqlinject

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "sqlinject", Severity: rules.SeverityError}
