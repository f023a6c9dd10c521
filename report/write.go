package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
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

func writeText(w *bufio.Writer, run *Run) error {
	for _, e := range run.LoadErrors {
		if pos := e.Pos(); pos != "" {
			fmt.Fprintf(w, "%s: load error: %s\n", pos, e.Message)
		} else {
			fmt.Fprintf(w, "load error: %s\n", e.Message)
		}
	}
	for _, f := range run.Findings {
		fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", f.File, f.Line, f.Column, f.Rule, f.Message)
	}
	return nil
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
