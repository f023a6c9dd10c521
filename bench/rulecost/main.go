// Command rulecost measures what rules cost over loading: dbaudit check on a
// generated module with no rule enabled (load, type-check and the shared
// index), with every rule but the ones named, and with every rule, each
// without the result cache, runs interleaved, medians of CPU time (user +
// system, children included: the go command's listing too).
//
//	go run ./bench/rulecost -n 1000 -runs 9 -new sqlinject,ctxscope
//
// Issue 17's target: the new rules cost no more than 15 % of the load.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dbaudit/dbaudit/analyzers/suite"
)

func main() {
	n := flag.Int("n", 1000, "packages in the generated module")
	runs := flag.Int("runs", 9, "runs of each configuration")
	newRules := flag.String("new", "sqlinject,ctxscope", "the rules whose cost is measured, comma-separated")
	flag.Parse()
	root, err := os.Getwd()
	check(err)
	work, err := os.MkdirTemp("", "rulecost")
	check(err)
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "dbaudit")
	run(root, "go", "build", "-o", bin, "./cmd/dbaudit")
	mod := filepath.Join(work, "mod")
	run(root, "go", "run", "./bench/gen", "-n", fmt.Sprint(*n), "-o", mod)
	run(mod, "go", "mod", "download")

	base, err := os.ReadFile(filepath.Join(mod, "rules.yaml"))
	check(err)
	var all []string
	for _, r := range suite.Registry {
		all = append(all, r.Meta.ID)
	}
	configs := []struct{ name, file string }{
		{"load only (no rule)", writeConfig(work, "none.yaml", base, all)},
		{"every rule but " + *newRules, writeConfig(work, "old.yaml", base, strings.Split(*newRules, ","))},
		{"every rule", writeConfig(work, "all.yaml", base, nil)},
	}
	cpu := make([][]time.Duration, len(configs))
	for range *runs + 1 { // the first round warms the build cache and is not counted
		for i, c := range configs {
			cmd := exec.Command(bin, "check", "--no-cache", "--config", c.file, "./...")
			cmd.Dir = mod
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
			_ = cmd.Run() // exit 1: findings
			ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			cpu[i] = append(cpu[i], time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
		}
	}
	med := make([]time.Duration, len(configs))
	for i, c := range configs {
		med[i] = median(cpu[i][1:])
		fmt.Printf("%-40s median CPU %6.2f s over %d runs\n", c.name, med[i].Seconds(), *runs)
	}
	extra := med[2] - med[1]
	fmt.Printf("%s cost %.2f s CPU = %.1f %% of the load (%.2f s)\n", *newRules, extra.Seconds(), 100*extra.Seconds()/med[0].Seconds(), med[0].Seconds())
}

// writeConfig writes the module's rules.yaml with the given rules disabled.
func writeConfig(dir, name string, base []byte, disabled []string) string {
	var b strings.Builder
	b.Write(base)
	if len(disabled) > 0 {
		b.WriteString("\nrules:\n")
		for _, r := range disabled {
			fmt.Fprintf(&b, "  %s:\n    enabled: false\n", r)
		}
	}
	p := filepath.Join(dir, name)
	check(os.WriteFile(p, []byte(b.String()), 0o644))
	return p
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func run(dir, name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
