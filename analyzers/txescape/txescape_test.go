package txescape_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/analyzers/txescape"
)

func TestTxescape(t *testing.T) {
	t.Parallel()
	atest.Run(t, txescape.Analyzer, "example.com/esc/...")
}
