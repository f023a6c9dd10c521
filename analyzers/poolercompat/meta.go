package poolercompat

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "poolercompat", Severity: rules.SeverityError, Sections: []string{"pooler"}}
