package rawdsn_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/rawdsn"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestRawdsn(t *testing.T) {
	t.Parallel()
	results := atest.Run(t, rawdsn.Analyzer, "example.com/app/...")
	// One line of at most 120 characters each; the fix is in the help.
	for _, f := range atest.Findings(t, results) {
		// A password makes the finding an error; without one it is a warning.
		want := "warning"
		if strings.Contains(f.Message, "password is written") {
			want = "error"
		}
		atest.CheckSeverity(t, f, want)
		if !strings.Contains(f.Help, "instead") {
			t.Errorf("%s: help %q does not say what to do instead", f.Message, f.Help)
		}
	}
}
