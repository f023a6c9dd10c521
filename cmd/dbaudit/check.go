package main

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
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
	noCache       bool
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
	fs.BoolVar(&f.diff, "diff", false, "print the suggested fixes as a unified diff instead of the report (passwords in the lines shown are masked; --fix writes the real text)")
	fs.BoolVar(&f.fix, "fix", false, "apply the suggested fixes (all or nothing: conflicting edits are refused)")
	fs.StringVar(&f.baseline, "baseline", "", "report only findings not recorded in this baseline file")
	fs.StringVar(&f.writeBaseline, "write-baseline", "", "record the current findings in this baseline file")
	fs.BoolVar(&f.timings, "timings", false, "print the time spent loading, in each analyzer and reporting to stderr")
	fs.BoolVar(&f.noTests, "no-tests", false, "leave _test.go files out")
	fs.StringVar(&f.tags, "tags", "", "build tags, as for go build")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the result cache ("+engine.CacheEnv+" relocates it; dbaudit cache clean empties it)")
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
	opts := engine.Options{Patterns: args, Config: cfg, NoTests: f.noTests, Progress: progress, NoCache: f.noCache}
	if f.tags != "" {
		opts.BuildFlags = []string{"-tags=" + f.tags}
	}
	res, err := engine.Run(opts)
	progress.Done()
	if err != nil {
		return err
	}
	t0 := time.Now()
	stderr := cmd.ErrOrStderr()
	failed := len(res.LoadErrors) > 0
	run := &report.Run{
		Findings:    res.Findings,
		Packages:    len(res.Packages),
		Files:       res.Files,
		Rules:       res.Rules,
		ToolVersion: version(),
		LoadErrors:  res.LoadErrors,
	}
	if baseline != nil {
		run.Findings, run.Suppressed = baseline.Filter(run.Findings)
	}
	defer func() {
		if f.timings {
			res.Timings.Report += time.Since(t0)
			printTimings(cmd, res.Timings)
		}
	}()

	switch {
	case f.writeBaseline != "" && failed:
		writeLoadErrors(cmd, run)
		fmt.Fprintf(stderr, "dbaudit: %s not written: %d package load or type error(s); a baseline of a partial analysis would hide nothing\n",
			f.writeBaseline, len(res.LoadErrors))
		return exitCode(exitError)
	case f.writeBaseline != "":
		// Recording is the point of the run: the findings are accepted, so
		// it succeeds.
		if err := writeBaselineFile(f.writeBaseline, res.Findings); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "dbaudit: wrote %d finding(s) to %s; from now on run dbaudit check --baseline %s to see only new ones\n",
			len(res.Findings), f.writeBaseline, f.writeBaseline)
		return nil
	case f.diff || f.fix:
		code, err := applyFixes(cmd, run, f.fix, failOn)
		if err != nil {
			return err
		}
		if failed {
			writeLoadErrors(cmd, run)
			return exitCode(exitError)
		}
		return exitCode(code)
	}

	var buf bytes.Buffer
	if err := report.Write(&buf, f.format, run); err != nil {
		return err
	}
	if failed && f.toFile() {
		writeLoadErrors(cmd, run)
		f.notWritten(cmd)
	} else if err := f.emit(cmd, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintln(stderr, run.SummaryLine(failOn))
	if failed {
		fmt.Fprintf(stderr, "dbaudit: %d package load or type error(s): the packages were analysed as far as possible\n", len(res.LoadErrors))
		return exitCode(exitError)
	}
	return exitCode(report.ExitCode(run.Findings, failOn))
}

// writeLoadErrors prints the run's load errors as text on stderr, for runs
// whose report goes nowhere else.
func writeLoadErrors(cmd *cobra.Command, run *report.Run) {
	_ = report.Write(cmd.ErrOrStderr(), "text", &report.Run{LoadErrors: run.LoadErrors})
}

func writeBaselineFile(path string, findings []report.Finding) error {
	var buf bytes.Buffer
	if err := report.WriteBaseline(&buf, findings); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// applyFixes prints (diff) or writes (fix) the first fix of every finding,
// says on stderr which fixes were left out and why, and exits 1 while
// findings at or above failOn remain: after --fix, those it could not fix;
// after --diff, which changes nothing, all of them.
func applyFixes(cmd *cobra.Command, run *report.Run, write bool, failOn rules.Severity) (code int, err error) {
	stderr := cmd.ErrOrStderr()
	res, err := report.ApplyFixes(run.Findings, os.ReadFile)
	if err != nil {
		return 0, err
	}
	for _, s := range res.Skipped {
		f := run.Findings[s.Finding]
		fmt.Fprintf(stderr, "dbaudit: not applied: the fix of %s:%d:%d: %s (%s): %s; run again once the others are in\n",
			f.File, f.Line, f.Column, f.Rule, report.EscapeControl(f.Fixes[0].Message), s.Reason)
	}
	names := slices.Sorted(maps.Keys(res.Files))
	remaining := run.Findings
	if !write {
		original := map[string][]byte{}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return 0, err
			}
			original[name] = data
		}
		// The diff repeats source lines, and a DSN literal's password with
		// them: mask it, as every output does (--fix writes the real text).
		fmt.Fprint(cmd.OutOrStdout(), redact.Text(report.Diff(original, res.Files)))
		fmt.Fprintf(stderr, "dbaudit: the diff fixes %d of %d finding(s); until it is applied: ", len(res.Applied), len(run.Findings))
	} else {
		for _, name := range names {
			if err := writeFileAtomic(name, res.Files[name]); err != nil {
				return 0, err
			}
			fmt.Fprintf(stderr, "fixed %s\n", name)
		}
		remaining = make([]report.Finding, 0, len(run.Findings))
		for i, f := range run.Findings {
			if !slices.Contains(res.Applied, i) {
				remaining = append(remaining, f)
			}
		}
		fmt.Fprintf(stderr, "dbaudit: fixed %d of %d finding(s); remaining: ", len(res.Applied), len(run.Findings))
	}
	left := *run
	left.Findings = remaining
	fmt.Fprintln(stderr, left.SummaryLine(failOn))
	return report.ExitCode(remaining, failOn), nil
}

func printTimings(cmd *cobra.Command, t engine.Timings) {
	w := cmd.ErrOrStderr()
	fmt.Fprintf(w, "timings:\n  load      %8.3fs\n  analyse   %8.3fs (wall)\n", t.Load.Seconds(), t.Analyze.Seconds())
	if t.Cached > 0 {
		fmt.Fprintf(w, "  cached    %d of %d packages (not loaded)\n", t.Cached, t.Packages)
	}
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
