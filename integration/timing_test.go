package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestVetTimings measures go vet -vettool against dbaudit check on the same
// packages, each with a fresh GOCACHE (cold) and then reusing it (warm). The
// figures are logged, not asserted (bench/ holds the side-by-side figures);
// what it asserts is that the measured runs did the work: every warm run
// reports what the cold run reported (a cache that changes findings fails),
// and dbaudit check reports what go vet -vettool reports. It runs only when
// asked:
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
	onFixture := dir == ""
	if onFixture {
		dir = fixture(t, "app")
	}
	patterns := strings.Fields(os.Getenv("DBAUDIT_MEASURE_PATTERNS"))
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	tools := []struct {
		name string
		cmd  []string
		// findings reads a run's dbaudit findings; nil for go vet's own.
		findings func(r result) []finding
	}{
		{"go vet (standard analyzers)", append([]string{"go", "vet"}, patterns...), nil},
		{"go vet -vettool=dbaudit-vet", append([]string{"go", "vet", "-vettool=" + vet}, patterns...),
			func(r result) []finding { return parseVetText(t, dir, r.stderr) }},
		{"dbaudit check", append([]string{dbaudit, "check"}, patterns...),
			func(r result) []finding { return parseVetText(t, dir, r.stdout) }},
	}
	reported := map[string][]finding{}
	var report strings.Builder
	fmt.Fprintf(&report, "\n%-30s %10s %10s %10s\n", "on "+dir, "cold", "warm", "warm 2")
	for _, tool := range tools {
		cache := filepath.Join(t.TempDir(), "gocache")
		// A fresh build cache and a fresh dbaudit result cache per tool: the
		// first run is cold for both.
		env := append(os.Environ(), "GOCACHE="+cache, "DBAUDIT_CACHE="+filepath.Join(t.TempDir(), "dbaudit"), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
		var took []time.Duration
		for range 3 {
			r := run(t, dir, env, tool.cmd[0], tool.cmd[1:]...)
			if r.code > 1 {
				t.Fatalf("%s: exit %d\n%s", tool.name, r.code, r.stderr)
			}
			took = append(took, r.took)
			if tool.findings == nil {
				continue
			}
			got := tool.findings(r)
			if first, ok := reported[tool.name]; !ok {
				reported[tool.name] = got
			} else if !slices.Equal(got, first) {
				t.Errorf("%s: a warm run reported\n%v\nthe cold run\n%v", tool.name, got, first)
			}
		}
		fmt.Fprintf(&report, "%-30s %9.2fs %9.2fs %9.2fs\n", tool.name, took[0].Seconds(), took[1].Seconds(), took[2].Seconds())
	}
	t.Log(report.String())
	vetFound, checkFound := reported["go vet -vettool=dbaudit-vet"], reported["dbaudit check"]
	if !slices.Equal(vetFound, checkFound) {
		t.Errorf("go vet -vettool reported\n%v\ndbaudit check\n%v", vetFound, checkFound)
	}
	if onFixture && len(checkFound) == 0 {
		t.Error("no findings on the fixture: the runs measured nothing")
	}
}
