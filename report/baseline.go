package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// BaselineVersion is the version of the baseline file format that
// WriteBaseline writes and ReadBaseline accepts.
const BaselineVersion = 1

// A Baseline is a recorded set of findings that --baseline suppresses, so a
// team adopting dbaudit on existing code sees only new findings.
//
// Entries hold rule, file and message but no position: a finding keeps
// matching its entry when code above it moves. They form a multiset: an
// entry recorded twice suppresses two identical findings, and a third one
// is new.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry identifies one recorded finding.
type BaselineEntry struct {
	Rule    string `json:"rule"`
	File    string `json:"file"`
	Message string `json:"message"`
}

func entryOf(f Finding) BaselineEntry {
	return BaselineEntry{Rule: f.Rule, File: f.File, Message: f.Message}
}

// WriteBaseline records findings as a baseline, sorted by file, rule and
// message so that the file diffs cleanly from one recording to the next.
func WriteBaseline(w io.Writer, findings []Finding) error {
	b := Baseline{Version: BaselineVersion, Findings: make([]BaselineEntry, len(findings))}
	for i, f := range findings {
		b.Findings[i] = entryOf(f)
	}
	slices.SortFunc(b.Findings, func(x, y BaselineEntry) int {
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Rule, y.Rule), cmp.Compare(x.Message, y.Message))
	})
	return encodeJSON(w, b)
}

// ReadBaseline reads a baseline file written by WriteBaseline. Errors name
// the file, and the line for malformed JSON.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	b, err := parseBaseline(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return b, nil
}

func parseBaseline(data []byte) (*Baseline, error) {
	var b Baseline
	// A pointer tells a missing version (not a baseline at all) from a wrong one.
	var raw struct {
		Version  *int            `json:"version"`
		Findings []BaselineEntry `json:"findings"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, describeJSONError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: unexpected data after the baseline object", lineAt(data, dec.InputOffset()))
	}
	switch {
	case raw.Version == nil:
		return nil, errors.New(`no "version" field: not a dbaudit baseline (write one with --write-baseline)`)
	case *raw.Version != BaselineVersion:
		return nil, fmt.Errorf("version %d is not supported (this dbaudit reads version %d)", *raw.Version, BaselineVersion)
	}
	for i, e := range raw.Findings {
		if e.Rule == "" || e.File == "" {
			return nil, fmt.Errorf("findings[%d]: rule and file are required", i)
		}
	}
	b.Version = *raw.Version
	b.Findings = raw.Findings
	return &b, nil
}

// describeJSONError adds the line number encoding/json leaves out.
func describeJSONError(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("line %d: %v", lineAt(data, syntax.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("line %d: %s must be %s, not a JSON %s", lineAt(data, typ.Offset), typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return errors.New("empty file")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("line %d: unexpected end of file", lineAt(data, int64(len(data))))
	}
	return err
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// Filter returns the findings the baseline does not account for, in their
// original order, and how many it suppressed. A nil Baseline suppresses
// nothing.
func (b *Baseline) Filter(findings []Finding) (kept []Finding, suppressed int) {
	remaining := map[BaselineEntry]int{}
	for _, e := range b.entries() {
		remaining[e]++
	}
	kept = []Finding{}
	for _, f := range findings {
		if e := entryOf(f); remaining[e] > 0 {
			remaining[e]--
			suppressed++
			continue
		}
		kept = append(kept, f)
	}
	return kept, suppressed
}

func (b *Baseline) entries() []BaselineEntry {
	if b == nil {
		return nil
	}
	return b.Findings
}
