package conncleanup_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/conncleanup"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

func TestConncleanup(t *testing.T) {
	t.Parallel()
	atest.Run(t, conncleanup.Analyzer, "example.com/cleanup/...")
}

// With check_tests, test code is judged too: t.Fatal ends a path.
func TestConncleanupCheckTests(t *testing.T) {
	t.Parallel()
	cfg := rules.Default("")
	cfg.CheckTests = true
	atest.Run(t, conncleanup.New(cfg, dbindex.New(cfg)), "example.com/cleanuptests")
}
