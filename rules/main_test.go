package rules

import (
	"os"
	"testing"
)

// TestMain registers a rule set, as analyzers/suite does in a real binary
// (this package cannot import it): enough to test unknown ids and default
// severities. analyzers/suite's tests check the real set.
func TestMain(m *testing.M) {
	Register(
		Meta{ID: "poolconstruct", Severity: SeverityError},
		Meta{ID: "rawdsn", Severity: SeverityError},
		Meta{ID: "dsnleak", Severity: SeverityError},
		Meta{ID: "driveropts", Severity: SeverityError},
		Meta{ID: "poolercompat", Severity: SeverityError},
		Meta{ID: "poolconfig", Severity: SeverityWarning},
		Meta{ID: "sessioninject", Severity: SeverityError},
		Meta{ID: "txescape", Severity: SeverityError},
		Meta{ID: "ctxscope", Severity: SeverityError},
		Meta{ID: "conncleanup", Severity: SeverityError},
		Meta{ID: "sqlpattern", Severity: SeverityError},
	)
	os.Exit(m.Run())
}
