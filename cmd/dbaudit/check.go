package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
)

func init() { register(newCheckCmd) }

type checkFlags struct {
	outputFlags
	diff          bool
	fix           bool
	baseline      string
	writeBaseline string
	timings       bool
	noTests       bool
	tags          string
}

func newCheckCmd() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [packages]",
		Short: "Run the dbaudit rules over Go packages (default ./...)",
		Long: `Check loads the packages once, as go vet does (test files included), runs every
rule that rules.yaml leaves enabled, and reports the findings.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on bad
usage, a bad rules.yaml, or packages that could not be loaded (their findings
are still reported).`,
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, args, &f) },
	}
	f.register(cmd.Flags(), report.Formats)
	fs := cmd.Flags()
	fs.BoolVar(&f.diff, "diff", false, "print the suggested fixes as a unified diff instead of the report")
	fs.BoolVar(&f.fix, "fix", false, "apply the suggested fixes (all or nothing: conflicting edits are refused)")
	fs.StringVar(&f.baseline, "baseline", "", "report only findings not recorded in this baseline file")
	fs.StringVar(&f.writeBaseline, "write-baseline", "", "record the current findings in this baseline file")
	fs.BoolVar(&f.timings, "timings", false, "print the time spent loading, in each analyzer and reporting to stderr")
	fs.BoolVar(&f.noTests, "no-tests", false, "leave _test.go files out")
	fs.StringVar(&f.tags, "tags", "", "build tags, as for go build")
	return cmd
}

func runCheck(cmd *cobra.Command, args []string, f *checkFlags) error {
	if err := checkFormat(f.format, report.Formats); err != nil {
		return err
	}
	failOn, err := f.failOnSeverity()
	if err != nil {
		return err
	}
	if f.fix && f.diff {
		return usageError{errors.New("--fix and --diff are exclusive")}
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return err
	}
	var baseline *report.Baseline
	if f.baseline != "" {
		if baseline, err = report.ReadBaseline(f.baseline); err != nil {
			return err
		}
	}
	progress := progressFor(cmd)
	opts := engine.Options{Patterns: args, Config: cfg, NoTests: f.noTests, Progress: progress}
	if f.tags != "" {
		opts.BuildFlags = []string{"-tags=" + f.tags}
	}
	res, err := engine.Run(opts)
	progress.Done()
	if err != nil {
		return err
	}
	t0 := time.Now()
	findings := res.Findings
	if f.writeBaseline != "" {
		if err := writeBaselineFile(f.writeBaseline, findings); err != nil {
			return err
		}
	}
	if baseline != nil {
		findings, _ = baseline.Filter(findings)
	}
	if f.diff || f.fix {
		return applyFixes(cmd, findings, f.fix)
	}
	run := &report.Run{
		Findings:    findings,
		Packages:    len(res.Packages),
		Files:       res.Files,
		Rules:       res.Rules,
		ToolVersion: version(),
		LoadErrors:  res.LoadErrors,
	}
	w, finish, err := f.openOutput(cmd)
	if err != nil {
		return err
	}
	if err := report.Write(w, f.format, run); err != nil {
		finish()
		return err
	}
	if err := finish(); err != nil {
		return err
	}
	if f.timings {
		res.Timings.Report += time.Since(t0)
		printTimings(cmd, res.Timings)
	}
	if len(res.LoadErrors) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %d package load or type error(s): the packages were analysed as far as possible\n", len(res.LoadErrors))
		return exitCode(exitError)
	}
	return exitCode(report.ExitCode(findings, failOn))
}

func writeBaselineFile(path string, findings []report.Finding) error {
	var buf bytes.Buffer
	if err := report.WriteBaseline(&buf, findings); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// applyFixes prints (diff) or writes (fix) the first fix of every finding.
func applyFixes(cmd *cobra.Command, findings []report.Finding, write bool) error {
	fixed, err := report.ApplyFixes(findings, os.ReadFile)
	if err != nil {
		return err
	}
	if !write {
		original := map[string][]byte{}
		for name := range fixed {
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			original[name] = data
		}
		fmt.Fprint(cmd.OutOrStdout(), report.Diff(original, fixed))
		return nil
	}
	names := make([]string, 0, len(fixed))
	for name := range fixed {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		st, err := os.Stat(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(name, fixed[name], st.Mode().Perm()); err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "fixed %s\n", name)
	}
	return nil
}

func printTimings(cmd *cobra.Command, t engine.Timings) {
	w := cmd.ErrOrStderr()
	fmt.Fprintf(w, "timings:\n  load      %8.3fs\n  analyse   %8.3fs (wall)\n", t.Load.Seconds(), t.Analyze.Seconds())
	names := make([]string, 0, len(t.Analyzer))
	for n := range t.Analyzer {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return t.Analyzer[names[i]] > t.Analyzer[names[j]] })
	for _, n := range names {
		fmt.Fprintf(w, "    %-14s %8.3fs (cpu, summed over packages)\n", n, t.Analyzer[n].Seconds())
	}
	fmt.Fprintf(w, "  report    %8.3fs\n", t.Report.Seconds())
}
