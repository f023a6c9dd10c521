package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/dbaudit/dbaudit/bench/internal/measure"
)

// Profile is a CPU and heap profile of one dbaudit check run.
type Profile struct {
	Packages    int     `json:"packages"`
	NA          string  `json:"na,omitempty"`
	WallSeconds float64 `json:"wall_seconds,omitempty"`
	MaxRSSBytes int64   `json:"max_rss_bytes,omitempty"`
	CPUTop      string  `json:"cpu_top,omitempty"`
	HeapTop     string  `json:"heap_top,omitempty"`
	CPUProfile  string  `json:"cpu_profile,omitempty"`
	HeapProfile string  `json:"heap_profile,omitempty"`
}

// profileCheck runs dbaudit check once more on the warm cache with the
// engine's profiling variables set, and keeps the top of each profile.
func (s *sizeRun) profileCheck(cache string) *Profile {
	pr := &Profile{Packages: s.n}
	s.out = s.o.logDir + fmt.Sprintf("/%d-dbaudit-check-profile", s.n)
	if err := os.MkdirAll(s.out, 0o755); err != nil {
		pr.NA = err.Error()
		return pr
	}
	pr.CPUProfile, pr.HeapProfile = s.file("cpu.pprof"), s.file("heap.pprof")
	cmd := exec.Command(s.o.dbauditBin, "check", "--timings", "--format", "json", "--output", s.file("check.json"), "./...")
	cmd.Dir = s.mod
	cmd.Env = append(s.env(cache), "DBAUDIT_CPUPROFILE="+pr.CPUProfile, "DBAUDIT_MEMPROFILE="+pr.HeapProfile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	sample, err := measure.Run(cmd)
	if err != nil {
		pr.NA = err.Error()
		return pr
	}
	pr.WallSeconds, pr.MaxRSSBytes = sample.Wall.Seconds(), sample.MaxRSS
	if _, err := os.Stat(pr.CPUProfile); err != nil {
		pr.NA = "this dbaudit does not write profiles (the engine reads DBAUDIT_CPUPROFILE and DBAUDIT_MEMPROFILE)"
		return pr
	}
	pr.CPUTop = pprofTop(s.o.dbauditBin, pr.CPUProfile, "-cum")
	pr.HeapTop = pprofTop(s.o.dbauditBin, pr.HeapProfile, "-sample_index=inuse_space")
	return pr
}

func pprofTop(bin, profile string, extra ...string) string {
	args := append([]string{"tool", "pprof", "-top", "-nodecount=30"}, extra...)
	out, err := exec.Command("go", append(args, bin, profile)...).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("go tool pprof: %v\n%s", err, out)
	}
	// Drop pprof's header lines about the file and build.
	var keep []string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Build ID:") || strings.HasPrefix(line, "Type:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}
