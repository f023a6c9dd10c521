package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dbaudit/dbaudit/rules"
)

// Run is what one check run produced: the input of every writer.
type Run struct {
	Findings []Finding
	// Packages and Files count what was analysed, for the JSON summary.
	Packages int
	Files    int
	// Suppressed counts the findings a baseline accounted for, which are
	// not in Findings; only the summary line shows it.
	Suppressed int
	// Rules describes the rules that ran; SARIF carries them as metadata.
	Rules []RuleMeta
	// ToolName, ToolVersion and ToolURI identify dbaudit in SARIF; empty
	// ToolName and ToolURI fall back to DefaultToolName and DefaultToolURI.
	ToolName    string
	ToolVersion string
	ToolURI     string
	// LoadErrors are package load and type errors. They are not findings:
	// they do not count in the summary or for the exit code of findings, but
	// every format shows them.
	LoadErrors []LoadError
}

// Defaults for Run's tool identity.
const (
	DefaultToolName = "dbaudit"
	DefaultToolURI  = "https://github.com/dbaudit/dbaudit"
)

// RuleMeta describes one rule for SARIF's tool.driver.rules.
type RuleMeta struct {
	ID      string
	Short   string // one line, the first sentence of the rule's doc
	Full    string // the whole doc
	HelpURI string // the rule's doc in the repository
	// Severity is the configured severity; SARIF's defaultConfiguration.level.
	Severity rules.Severity
}

// LoadError is a package load or type error, with the position when known
// (File relative to the working directory and slash-separated, like findings).
type LoadError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// Pos formats the position as file:line:col, leaving out what is unknown;
// empty when there is no file.
func (e LoadError) Pos() string {
	switch {
	case e.File == "":
		return ""
	case e.Line <= 0:
		return e.File
	case e.Column <= 0:
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
}

// Sort puts findings in file, line, column, rule, message order, load
// errors in file, line, column, message order, and rules by id, so that
// output is the same from run to run whatever order the analyzers finished in.
func (r *Run) Sort() {
	slices.SortStableFunc(r.Findings, compareFindings)
	slices.SortStableFunc(r.LoadErrors, func(a, b LoadError) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Message, b.Message))
	})
	slices.SortStableFunc(r.Rules, func(a, b RuleMeta) int { return cmp.Compare(a.ID, b.ID) })
}

func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message))
}

// sorted returns a sorted copy, so writers leave the caller's Run alone.
func (r *Run) sorted() *Run {
	c := *r
	c.Findings = slices.Clone(r.Findings)
	c.LoadErrors = slices.Clone(r.LoadErrors)
	c.Rules = slices.Clone(r.Rules)
	c.Sort()
	return &c
}

// Summary is the JSON summary of a run.
type Summary struct {
	Packages int            `json:"packages"`
	Files    int            `json:"files"`
	Findings int            `json:"findings"`
	ByRule   map[string]int `json:"by_rule"`
}

// Summary counts the run's findings per rule.
func (r *Run) Summary() Summary {
	s := Summary{Packages: r.Packages, Files: r.Files, Findings: len(r.Findings), ByRule: map[string]int{}}
	for _, f := range r.Findings {
		s.ByRule[f.Rule]++
	}
	return s
}

// SummaryLine is the one line a run ends with, on stderr: "0 findings in 12
// packages" when clean, else the findings by severity and the threshold that
// decides the exit code, "2 errors, 1 warning (fail-on: error)", so that a
// run that lists warnings and exits 0 says why. Infos are counted only when
// there are some; findings a baseline suppressed are counted after a
// semicolon. An empty failOn means error.
func (r *Run) SummaryLine(failOn rules.Severity) string {
	if failOn == "" {
		failOn = rules.SeverityError
	}
	var line string
	if len(r.Findings) == 0 {
		line = fmt.Sprintf("0 findings in %s", plural(r.Packages, "package", "packages"))
	} else {
		var errs, warnings, infos int
		for _, f := range r.Findings {
			switch severityWord(f.Severity) {
			case string(rules.SeverityWarning):
				warnings++
			case string(rules.SeverityInfo):
				infos++
			default:
				errs++
			}
		}
		line = plural(errs, "error", "errors") + ", " + plural(warnings, "warning", "warnings")
		if infos > 0 {
			line += ", " + plural(infos, "info", "infos")
		}
		line += fmt.Sprintf(" (fail-on: %s)", failOn)
	}
	if r.Suppressed > 0 {
		line += fmt.Sprintf("; %s suppressed by the baseline", plural(r.Suppressed, "finding", "findings"))
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ExitCode is 1 when a finding is at or above failOn, else 0. An empty
// failOn means the default, error. A finding whose severity is not one of
// error, warning, info counts as an error, so that a bug upstream cannot
// hide it.
func ExitCode(findings []Finding, failOn rules.Severity) int {
	threshold := failOn.Rank()
	if threshold == 0 {
		threshold = rules.SeverityError.Rank()
	}
	for _, f := range findings {
		rank := f.Severity.Rank()
		if rank == 0 {
			rank = rules.SeverityError.Rank()
		}
		if rank >= threshold {
			return 1
		}
	}
	return 0
}
