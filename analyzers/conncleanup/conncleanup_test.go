package conncleanup_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/conncleanup"
	"github.com/dbaudit/dbaudit/analyzers/internal/atest"
)

func TestConncleanup(t *testing.T) {
	t.Parallel()
	atest.Run(t, conncleanup.Analyzer, "example.com/cleanup/...")
}
