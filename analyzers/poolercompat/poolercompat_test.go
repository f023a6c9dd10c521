package poolercompat_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/poolercompat"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestPoolercompat(t *testing.T) {
	t.Parallel()
	atest.RunWithSuggestedFixes(t, poolercompat.Analyzer, "example.com/pooled")
}
