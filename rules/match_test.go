package rules

import (
	"path/filepath"
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

// A file in a directory whose name starts with two dots (..gen) is inside
// the configuration's directory: its globs apply to it; a file above is
// matched by its absolute path.
func TestIgnoredInDotDotNamedDirectory(t *testing.T) {
	dir := t.TempDir()
	c := &Config{Dir: dir, Ignore: []string{"..gen/**"}}
	if f := filepath.Join(dir, "..gen", "x.go"); !c.Ignored(f) {
		t.Errorf("Ignored(%q) = false, want true", f)
	}
	if f := filepath.Join(filepath.Dir(dir), "..gen", "x.go"); c.Ignored(f) {
		t.Errorf("Ignored(%q) = true, want false: it is outside %s", f, dir)
	}
	up := &Config{Dir: filepath.Join(dir, "sub"), Ignore: []string{filepath.ToSlash(dir) + "/x/**"}}
	if f := filepath.Join(dir, "x", "y.go"); !up.Ignored(f) {
		t.Errorf("Ignored(%q) = false, want true: outside Dir, the absolute path is matched", f)
	}
}
