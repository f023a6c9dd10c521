package rules

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInTestDir(t *testing.T) {
	for _, p := range []string{
		"example.com/m/internal/testutils",
		"example.com/m/common/persistence/persistence-tests",
		"example.com/m/pkg/testing/harness",
		"example.com/m/test/e2e/framework",
		"example.com/m/acceptance/db",
		"example.com/m/integration-tests/setup",
		"example.com/m/internal/db_test",
	} {
		assert.True(t, InTestDir(p), p)
	}
	for _, p := range []string{
		"example.com/m/internal/latest",
		"example.com/m/contest",
		"example.com/m/internal/testserver/datastore", // evidence comes from its importers, not its name
		"example.com/m/attestation",
		"example.com/m/store",
	} {
		assert.False(t, InTestDir(p), p)
	}
}

func TestHasPoolPolicy(t *testing.T) {
	assert.False(t, Default("").HasPoolPolicy())
	c, err := Parse("rules.yaml", []byte("approved_packages: [./internal/db]\n"))
	assert.NoError(t, err)
	assert.True(t, c.HasPoolPolicy())
}
