package dsnleak

import "github.com/dbaudit/dbaudit/rules"

// Meta is the rule's metadata; doc.go is its documentation.
var Meta = rules.Meta{ID: "dsnleak", Severity: rules.SeverityError, Sections: []string{"dsn_env", "redactors"}}
