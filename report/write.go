package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/dbaudit/dbaudit/rules"
)

// Formats are the values Write accepts, the default first.
var Formats = []string{"text", "json", "sarif", "github"}

// Write renders run in format ("" means text) to w.
func Write(w io.Writer, format string, run *Run) error {
	var write func(*bufio.Writer, *Run) error
	switch format {
	case "", "text":
		write = writeText
	case "json":
		write = writeJSON
	case "sarif":
		write = writeSARIF
	case "github":
		write = writeGitHub
	default:
		return fmt.Errorf("unknown format %q: valid formats are %s", format, strings.Join(Formats, ", "))
	}
	bw := bufio.NewWriter(w)
	if err := write(bw, run.sorted()); err != nil {
		return err
	}
	return bw.Flush()
}

// writeText prints one line per load error and finding, and a finding's help
// indented under it. The severity comes right after the position, as
// compilers print it, so editors' problem matchers (file:line:col:
// error|warning: message) read the findings; they skip the indented lines.
func writeText(w *bufio.Writer, run *Run) error {
	for _, e := range run.LoadErrors {
		if pos := e.Pos(); pos != "" {
			fmt.Fprintf(w, "%s: load error: %s\n", EscapeControl(pos), EscapeControl(e.Message))
		} else {
			fmt.Fprintf(w, "load error: %s\n", EscapeControl(e.Message))
		}
	}
	for _, f := range run.Findings {
		fmt.Fprintf(w, "%s:%d:%d: %s: %s: %s\n", EscapeControl(f.File), f.Line, f.Column,
			severityWord(f.Severity), EscapeControl(f.Rule), EscapeControl(f.Message))
		for _, line := range helpLines(f.Help) {
			fmt.Fprintf(w, "    %s\n", EscapeControl(line))
		}
	}
	return nil
}

// helpLines splits help into the lines text output indents, dropping blank
// ones so every printed line is visibly part of the finding above.
func helpLines(help string) []string {
	var out []string
	for _, l := range strings.Split(help, "\n") {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// severityWord is the severity as text prints it; one that is not error,
// warning or info counts as an error, as ExitCode counts it.
func severityWord(s rules.Severity) string {
	if s.Rank() == 0 {
		return string(rules.SeverityError)
	}
	return string(s)
}

// EscapeControl writes control characters, and the Unicode bidirectional
// controls that reorder how a line displays, as Go escapes (\n, \x1b,
// \u202e). Messages quote the analysed code (a raw-string DSN may hold a
// newline): unescaped, one finding would span several lines, and a hostile
// repository could print lines that look like findings.
func EscapeControl(s string) string {
	if !strings.ContainsFunc(s, needsEscape) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !needsEscape(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r) // '\n', '\x1b', '\u202e'
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return unicode.IsControl(r) ||
		r == '\u2028' || r == '\u2029' || // line and paragraph separators
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || r == '\u200e' || r == '\u200f'
}

// jsonReport is DESIGN.md's JSON contract.
type jsonReport struct {
	Version    int         `json:"version"`
	Findings   []Finding   `json:"findings"`
	LoadErrors []LoadError `json:"load_errors,omitempty"`
	Summary    Summary     `json:"summary"`
}

func writeJSON(w *bufio.Writer, run *Run) error {
	rep := jsonReport{
		Version:    1,
		Findings:   make([]Finding, len(run.Findings)),
		LoadErrors: run.LoadErrors,
		Summary:    run.Summary(),
	}
	for i, f := range run.Findings {
		rep.Findings[i] = withEmptySlices(f)
	}
	return encodeJSON(w, rep)
}

// withEmptySlices makes nil fixes and edits encode as [] rather than null:
// consumers iterate them without a null check.
func withEmptySlices(f Finding) Finding {
	fixes := make([]Fix, len(f.Fixes))
	for i, fix := range f.Fixes {
		if fix.Edits == nil {
			fix.Edits = []Edit{}
		}
		fixes[i] = fix
	}
	f.Fixes = fixes
	return f
}

// encodeJSON writes v indented, without HTML escaping (messages quote code
// such as `a < b` and `&cfg`, which should stay readable).
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
