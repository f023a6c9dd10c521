package driveropts_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/driveropts"
	"github.com/dbaudit/dbaudit/analyzers/internal/atest"
)

func TestDriveropts(t *testing.T) {
	t.Parallel()
	atest.Run(t, driveropts.Analyzer, "example.com/opts")
}

func TestFixes(t *testing.T) {
	t.Parallel()
	atest.RunWithSuggestedFixes(t, driveropts.Analyzer, "example.com/fixes")
}
