package sessioninject

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "sessioninject", Severity: rules.SeverityError, Sections: []string{"handle_types", "global_accessors"}}
