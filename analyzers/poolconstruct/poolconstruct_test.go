package poolconstruct_test

import (
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/internal/atest"
	"github.com/dbaudit/dbaudit/analyzers/poolconstruct"
)

func TestPoolconstruct(t *testing.T) {
	atest.Run(t, poolconstruct.Analyzer, "example.com/app/...")
}
