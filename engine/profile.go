package engine

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiling for the benchmarks (bench/): DBAUDIT_CPUPROFILE names a file for
// a CPU profile of the whole run; DBAUDIT_MEMPROFILE one for a heap profile
// taken after the analysis, when the loaded packages and every result are
// still live. Environment variables rather than flags, so every command
// built on the engine can be profiled without growing its interface.
const (
	cpuProfileEnv = "DBAUDIT_CPUPROFILE"
	memProfileEnv = "DBAUDIT_MEMPROFILE"
)

// startCPUProfile starts a CPU profile when asked for and returns the
// function that stops it.
func startCPUProfile() (stop func()) {
	name := os.Getenv(cpuProfileEnv)
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbaudit: %s: %v\n", cpuProfileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "dbaudit: %s: %v\n", cpuProfileEnv, err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeHeapProfile writes the heap profile when asked for.
func writeHeapProfile() {
	name := os.Getenv(memProfileEnv)
	if name == "" {
		return
	}
	runtime.GC() // the profile then shows what is live, not yet-uncollected garbage
	f, err := os.Create(name)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "dbaudit: %s: %v\n", memProfileEnv, err)
	}
}
