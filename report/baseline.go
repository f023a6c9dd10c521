package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
)

// BaselineVersion is the version of the baseline file format that
// WriteBaseline writes and ReadBaseline accepts.
const BaselineVersion = 1

// A Baseline is a recorded set of findings that --baseline suppresses, so a
// team adopting dbaudit on existing code sees only new findings.
//
// Entries hold rule, file and message but no position: a finding keeps
// matching its entry when code above it moves. Messages are recorded and
// compared position-free ([PositionFree]): "returns at line 48" is stored as
// "returns at line N", so a baseline written before that change still matches. They form a multiset: an
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
	return BaselineEntry{Rule: f.Rule, File: f.File, Message: PositionFree(f.Message)}
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
// the file and, where there is one, the line (file:line: ...), in plain
// words rather than JSON decoder or Go type text.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	b, err := parseBaseline(data)
	if err != nil {
		var le *lineError
		if errors.As(err, &le) && le.line > 0 {
			return nil, fmt.Errorf("%s:%d: %s", path, le.line, le.msg)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// lineError is a baseline problem at a line (0: the whole file).
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

func errorAt(data []byte, offset int64, format string, args ...any) error {
	return &lineError{line: lineAt(data, offset), msg: fmt.Sprintf(format, args...)}
}

// parseBaseline reads the baseline object token by token, so each problem
// is reported at its own line and with the index of the entry it is in.
func parseBaseline(data []byte) (*Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	start := skipSpace(data, 0)
	tok, err := dec.Token()
	if err != nil {
		return nil, describeJSONError(data, 0, err)
	}
	if tok != json.Delim('{') {
		return nil, errorAt(data, start, "want an object with version and findings, got %s", describeToken(tok))
	}
	var version *int
	var findings []BaselineEntry
	for dec.More() {
		keyAt := skipSpace(data, dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, describeJSONError(data, 0, err)
		}
		key, _ := tok.(string)
		valueAt := skipSpace(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, describeJSONError(data, 0, err)
		}
		switch key {
		case "version":
			var v *int
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, describeJSONError(data, valueAt, err, "version")
			}
			version = v
		case "findings":
			if findings, err = parseEntries(data, valueAt, raw); err != nil {
				return nil, err
			}
		case "summary", "load_errors":
			return nil, errorAt(data, keyAt, "this is a findings report (dbaudit check --format json), not a baseline: write one with --write-baseline")
		default:
			return nil, errorAt(data, keyAt, "unknown field %q: a baseline holds version and findings", key)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, describeJSONError(data, 0, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorAt(data, skipSpace(data, dec.InputOffset()), "unexpected data after the baseline object")
	}
	switch {
	case version == nil:
		return nil, errors.New(`no "version" field: not a dbaudit baseline (write one with --write-baseline)`)
	case *version != BaselineVersion:
		return nil, fmt.Errorf("version %d is not supported (this dbaudit reads version %d)", *version, BaselineVersion)
	}
	return &Baseline{Version: *version, Findings: findings}, nil
}

// parseEntries decodes the findings list, which starts at offset in data.
func parseEntries(data []byte, offset int64, raw json.RawMessage) ([]BaselineEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, describeJSONError(data, offset, err, "findings")
	}
	if tok == nil {
		return nil, nil // "findings": null
	}
	if tok != json.Delim('[') {
		return nil, errorAt(data, offset, "findings: want a list of findings, got %s", describeToken(tok))
	}
	entries := []BaselineEntry{}
	for i := 0; dec.More(); i++ {
		at := offset + skipSpace(raw, dec.InputOffset())
		var elem json.RawMessage
		if err := dec.Decode(&elem); err != nil {
			return nil, describeJSONError(data, offset, err, "findings")
		}
		where := fmt.Sprintf("findings[%d]", i)
		var e BaselineEntry
		ed := json.NewDecoder(bytes.NewReader(elem))
		ed.DisallowUnknownFields()
		if err := ed.Decode(&e); err != nil {
			return nil, describeJSONError(data, at, err, where)
		}
		if e.Rule == "" || e.File == "" {
			return nil, errorAt(data, at, "%s: rule and file are required", where)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// skipSpace returns the offset of the first byte at or after offset that is
// neither JSON white space nor a separator, which is where the next token
// starts.
func skipSpace(data []byte, offset int64) int64 {
	for offset < int64(len(data)) {
		switch data[offset] {
		case ' ', '\t', '\n', '\r', ',', ':':
			offset++
			continue
		}
		break
	}
	return offset
}

// describeJSONError turns a JSON decoder error into plain words at its
// line. base is the offset of the value the decoder read, which its
// offsets are relative to; where names that value.
func describeJSONError(data []byte, base int64, err error, where ...string) error {
	prefix := ""
	if len(where) > 0 {
		prefix = where[0]
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return errorAt(data, base+syntax.Offset, "%s", strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		field := strings.Trim(prefix+"."+typ.Field, ".")
		msg := fmt.Sprintf("want %s, got %s", describeGoType(typ.Type), describeJSONValue(typ.Value))
		if field != "" {
			msg = field + ": " + msg
		}
		return errorAt(data, base, "%s", msg)
	case errors.Is(err, io.EOF) && base == 0 && len(bytes.TrimSpace(data)) == 0:
		return errors.New("empty file")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorAt(data, int64(len(data)), "unexpected end of file")
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return errorAt(data, base, "%s: unknown field %s: an entry holds rule, file and message", prefix, field)
	}
	return errorAt(data, base, "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// describeGoType names what a field of the baseline wants.
func describeGoType(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[BaselineEntry]():
		return "an object with rule, file and message"
	case t.Kind() == reflect.Slice && t.Elem() == reflect.TypeFor[BaselineEntry]():
		return "a list of findings"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	case t.Kind() == reflect.Struct, t.Kind() == reflect.Map:
		return "an object"
	case t.Kind() == reflect.Slice:
		return "a list"
	}
	return "another kind of value"
}

// describeJSONValue names a kind of JSON value as encoding/json reports it
// ("string", "number 1e999", "object", "array", "bool").
func describeJSONValue(v string) string {
	kind, _, _ := strings.Cut(v, " ")
	switch kind {
	case "string":
		return "a string"
	case "number":
		return "a number"
	case "object":
		return "an object"
	case "array":
		return "a list"
	case "bool":
		return "true or false"
	}
	return "another kind of value"
}

// describeToken names the kind of the JSON value a token starts.
func describeToken(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			return "a list"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "true or false"
	}
	return "null"
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
		e.Message = PositionFree(e.Message)
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
