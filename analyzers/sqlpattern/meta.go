package sqlpattern

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "sqlpattern", Severity: rules.SeverityError, Sections: []string{"sql"}}
