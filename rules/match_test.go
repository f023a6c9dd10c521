package rules

import (
	"testing"
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
		if !InTestDir(p) {
			t.Errorf("InTestDir(%q) = false, want true", p)
		}
	}
	for _, p := range []string{
		"example.com/m/internal/latest",
		"example.com/m/contest",
		"example.com/m/internal/testserver/datastore", // evidence comes from its importers, not its name
		"example.com/m/attestation",
		"example.com/m/store",
	} {
		if InTestDir(p) {
			t.Errorf("InTestDir(%q) = true, want false", p)
		}
	}
}

func TestHasPoolPolicy(t *testing.T) {
	if Default("").HasPoolPolicy() {
		t.Errorf("the default has a pool policy")
	}
	c, err := Parse("rules.yaml", []byte("approved_packages: [./internal/db]\n"))
	if err != nil {
		t.Errorf("Parse: %v", err)
	}
	if !c.HasPoolPolicy() {
		t.Errorf("approved_packages set: no pool policy")
	}
}
