package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// SchemacheckBench is the schemacheck package's benchmarks, run once each.
type SchemacheckBench struct {
	NA         string          `json:"na,omitempty"`
	Command    string          `json:"command,omitempty"`
	Server     string          `json:"server,omitempty"`
	Benchmarks []BenchmarkLine `json:"benchmarks,omitempty"`
}

// BenchmarkLine is one line of go test -bench output.
type BenchmarkLine struct {
	Name    string   `json:"name"`
	NsPerOp float64  `json:"ns_per_op"`
	Other   []string `json:"other,omitempty"`
}

// schemacheckBench runs the benchmarks under schemacheck/ (the schemacheck
// engineer's introspection and comparison against 1,000 generated tables and
// the preparation of 1,000 statements) once each, against the test server.
func schemacheckBench(o *options) *SchemacheckBench {
	if o.onlyTools != nil {
		return &SchemacheckBench{NA: "skipped (-tools)"}
	}
	if !hasBenchmarks(filepath.Join(o.repoRoot, "schemacheck")) {
		return &SchemacheckBench{NA: "no Benchmark functions under schemacheck/ yet"}
	}
	if o.schemaDSN == "" {
		return &SchemacheckBench{NA: "no database: set DBAUDIT_TEST_DATABASE_URL or -schemacheck-db"}
	}
	args := []string{"test", "-run", "^$", "-bench", ".", "-benchtime", "1x", "-count", "1", "./schemacheck/..."}
	sc := &SchemacheckBench{Command: "go " + strings.Join(args, " "), Server: redactDSN(o.schemaDSN)}
	logf("schemacheck benchmarks: %s", sc.Command)
	cmd := exec.Command("go", args...)
	cmd.Dir = o.repoRoot
	cmd.Env = append(os.Environ(), "DBAUDIT_TEST_DATABASE_URL="+o.schemaDSN)
	out, err := cmd.CombinedOutput()
	if err != nil {
		sc.NA = fmt.Sprintf("go test -bench failed: %v: %s", err, oneLine(lastLines(string(out), 8)))
		return sc
	}
	sc.Benchmarks = parseBenchmarks(string(out))
	if len(sc.Benchmarks) == 0 {
		sc.NA = "the schemacheck benchmarks reported nothing (skipped?): " + oneLine(lastLines(string(out), 5))
	}
	return sc
}

func hasBenchmarks(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || found || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), "func Benchmark") {
			found = true
		}
		return nil
	})
	return found
}

// parseBenchmarks reads "BenchmarkX-2  1  123 ns/op  4 tables/op ..." lines.
func parseBenchmarks(out string) []BenchmarkLine {
	var lines []BenchmarkLine
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		bl := BenchmarkLine{Name: f[0]}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			if f[i+1] == "ns/op" {
				bl.NsPerOp = v
			} else {
				bl.Other = append(bl.Other, f[i]+" "+f[i+1])
			}
		}
		lines = append(lines, bl)
	}
	return lines
}

// redactDSN drops the password from a URL DSN.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "the configured server"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}
