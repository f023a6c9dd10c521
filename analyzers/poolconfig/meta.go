package poolconfig

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "poolconfig", Severity: rules.SeverityWarning, Sections: []string{"pool", "pooler"}}
