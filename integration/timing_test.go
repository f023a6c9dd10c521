package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestVetTimings measures go vet -vettool against dbaudit check on the same
// packages, each with a fresh GOCACHE (cold) and then reusing it (warm). It
// asserts nothing and runs only when asked:
//
//	DBAUDIT_MEASURE=1 go test -run TestVetTimings -v ./integration/
//
// DBAUDIT_MEASURE_DIR names another module to measure (default: the fixture),
// DBAUDIT_MEASURE_PATTERNS its packages (default ./...).
func TestVetTimings(t *testing.T) {
	if os.Getenv("DBAUDIT_MEASURE") != "1" {
		t.Skip("a measurement, not a test: set DBAUDIT_MEASURE=1")
	}
	vet := goBuild(t, "cmd/dbaudit-vet")
	dbaudit := goBuild(t, "cmd/dbaudit")
	dir := os.Getenv("DBAUDIT_MEASURE_DIR")
	if dir == "" {
		dir = fixture(t, "app")
	}
	patterns := strings.Fields(os.Getenv("DBAUDIT_MEASURE_PATTERNS"))
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	tools := []struct {
		name string
		cmd  []string
	}{
		{"go vet (standard analyzers)", append([]string{"go", "vet"}, patterns...)},
		{"go vet -vettool=dbaudit-vet", append([]string{"go", "vet", "-vettool=" + vet}, patterns...)},
		{"dbaudit check", append([]string{dbaudit, "check"}, patterns...)},
	}
	var report strings.Builder
	fmt.Fprintf(&report, "\n%-30s %10s %10s %10s\n", "on "+dir, "cold", "warm", "warm 2")
	for _, tool := range tools {
		cache := filepath.Join(t.TempDir(), "gocache")
		env := append(os.Environ(), "GOCACHE="+cache, "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
		var took []time.Duration
		for range 3 {
			r := run(t, dir, env, tool.cmd[0], tool.cmd[1:]...)
			if r.code > 1 {
				t.Fatalf("%s: exit %d\n%s", tool.name, r.code, r.stderr)
			}
			took = append(took, r.took)
		}
		fmt.Fprintf(&report, "%-30s %9.2fs %9.2fs %9.2fs\n", tool.name, took[0].Seconds(), took[1].Seconds(), took[2].Seconds())
	}
	t.Log(report.String())
}
