package txescape_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/txescape"
	"github.com/dbaudit/dbaudit/internal/atest"
)

func TestTxescape(t *testing.T) {
	t.Parallel()
	atest.Run(t, txescape.Analyzer, "example.com/esc/...")
}
