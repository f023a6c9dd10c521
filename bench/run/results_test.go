package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseTimings(t *testing.T) {
	stderr := "some warning\ntimings:\n  load         3.577s\n  analyse      0.350s (wall)\n    rawdsn            0.109s (cpu, summed over packages)\n  report       0.007s\n"
	assert.Equal(t, map[string]float64{"load": 3.577, "analyse": 0.35, "rawdsn": 0.109, "report": 0.007}, parseTimings(stderr))
	assert.Empty(t, parseTimings("no timings here\n  load 1s\n"))
}

func TestSchemacheckServerMasked(t *testing.T) {
	o := &options{schemaDSN: "host=127.0.0.1 port=1 password=benchsecret connect_timeout=1"}
	sc := schemacheckBench(o)
	assert.Equal(t, "host=127.0.0.1 port=1 password=xxxxx connect_timeout=1", sc.Server)
	assert.NotContains(t, sc.NA, "benchsecret")
	assert.Contains(t, sc.NA, "schemacheck/benchmark failed")
}

func measured(wall float64, rss int64) *Measurement {
	return &Measurement{WallSeconds: wall, MaxRSSBytes: rss}
}

// The targets table judges the figures: dbaudit check against go vet and
// golangci-lint at 1,000 packages and more, memory at 5,000, growth.
func TestMarkdownJudgesTheTargets(t *testing.T) {
	res := &Results{Command: "go run ./bench/run"}
	for _, s := range []struct {
		n                int
		vet, check, gcl  float64
		checkRSS         int64
		inventoryMissing bool
	}{
		{100, 20, 10, 15, 50 << 20, false},
		{1000, 100, 40, 120, 300 << 20, false},
		{5000, 500, 250, 480, 3 << 30, true},
	} {
		sr := &SizeResult{Packages: s.n, Tools: []*ToolResult{
			{Tool: "go-vet", Name: "go vet ./...", Cold: measured(s.vet, 1), Warm: measured(1, 1)},
			{Tool: "dbaudit-check", Name: "dbaudit check ./...", Cold: measured(s.check, s.checkRSS), Warm: measured(2, s.checkRSS)},
			{Tool: "golangci-lint", Name: "golangci-lint", Cold: measured(s.gcl, 1), Warm: measured(1, 1)},
			{Tool: "dbaudit-inventory", Name: "dbaudit inventory ./...", NA: "not yet"},
		}}
		(&sizeRun{result: sr}).ratios()
		res.Sizes = append(res.Sizes, sr)
	}
	md := markdown(res)
	assert.Contains(t, md, "| 1,000 packages, cold: `dbaudit check` ≤ `go vet ./...` | 40.0 s vs 100.0 s (0.40×) | yes |")
	assert.Contains(t, md, "| 5,000 packages, cold: `dbaudit check` < golangci-lint | 250.0 s vs 480.0 s (0.52×) | yes |")
	assert.Contains(t, md, "| 5,000 packages: `dbaudit check` peak memory < 2 GiB | 3.00 GiB (largest process, cold or warm) | **no** |")
	assert.Contains(t, md, "ms/package at 1,000, 50.0 ms/package at 5,000 (time ×6.25 for packages ×5) | **no** |", "40 → 50 ms per package is worse than linear")
	assert.Contains(t, md, "| dbaudit inventory ./... | n/a: not yet |")
	assert.NotContains(t, md, "| 100 packages, cold", "the targets start at 1,000 packages")
	assert.True(t, strings.HasPrefix(md, "# dbaudit benchmarks"))
}
