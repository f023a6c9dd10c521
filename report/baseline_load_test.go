package report

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Issue 14 #14: baseline errors named Go types ("must be int", "[]report.
// BaselineEntry") and came without file:line.
func TestReadBaselineErrorsInPlainWordsWithFileAndLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, content, want string
	}{
		{"string for the version", "{\n  \"version\": \"1\"\n}", `:2: version: want a whole number, got a string`},
		{"number for a message", "{\"version\": 1,\n\"findings\": [{\"rule\": \"a\", \"file\": \"b\", \"message\": 3}]}", `:2: findings[0].message: want a string, got a number`},
		{"object for the findings", "{\"version\": 1,\n\"findings\": {}}", `:2: findings: want a list of findings, got an object`},
		{"string for an entry", "{\"version\": 1,\n\"findings\": [\n{\"rule\": \"a\", \"file\": \"b\", \"message\": \"m\"},\n\"x\"]}", `:4: findings[1]: want an object with rule, file and message, got a string`},
		{"list for the file", "[]", `:1: want an object with version and findings, got a list`},
		{"huge version", "{\"version\": 1e999}", `:1: version: want a whole number, got a number`},
		{"unknown field", "{\"version\": 1,\n \"findings\": [],\n \"lines\": {}}", `:3: unknown field "lines": a baseline holds version and findings`},
		{"a check report", "{\"version\": 1,\n \"findings\": [],\n \"summary\": {}}", `:3: this is a findings report (dbaudit check --format json), not a baseline: write one with --write-baseline`},
		{"entry without rule", "{\"version\": 1, \"findings\": [\n  {\"rule\": \"a\", \"file\": \"a.go\", \"message\": \"m\"},\n  {\"file\": \"a.go\", \"message\": \"m\"}]}", `:3: findings[1]: rule and file are required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "b.json")
			mustNoErr(t, os.WriteFile(path, []byte(tt.content), 0o644))
			_, err := ReadBaseline(path)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), path+tt.want) {
				t.Errorf("error %q does not contain %q", err, path+tt.want)
			}
			checkPlainWords(t, strings.TrimPrefix(err.Error(), path))
		})
	}
}

var goJargon = regexp.MustCompile(`report\.|\[\][a-z]|\*int|\bint\b|json: |Go value|unmarshal`)

func checkPlainWords(t *testing.T, msg string) {
	t.Helper()
	if goJargon.MatchString(msg) {
		t.Errorf("Go type or package text in %q", msg)
	}
}

// FuzzBaseline: the baseline loader never panics, every error names the
// file in plain words, and what it accepts it writes back unchanged.
func FuzzBaseline(f *testing.F) {
	for _, seed := range []string{
		`{"version": 1, "findings": []}`,
		`{"version": 1, "findings": [{"rule": "rawdsn", "file": "a.go", "message": "m"}]}`,
		"{\n  \"version\": \"1\"\n}",
		`{"version": 1, "findings": [null, {}], "summary": {}}`,
		`{"version": 2}`, `[]`, ``, `{"version": 1e999}`, "{\"version\": 1}\n{}",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "b.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := ReadBaseline(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Fatalf("error does not start with the file: %v", err)
			}
			if goJargon.MatchString(strings.TrimPrefix(err.Error(), path)) {
				t.Fatalf("Go type or package text in %q", err)
			}
			return
		}
		if b.Version != BaselineVersion {
			t.Fatalf("accepted version %d", b.Version)
		}
		for i, e := range b.Findings {
			if e.Rule == "" || e.File == "" {
				t.Fatalf("accepted findings[%d] without rule or file: %+v", i, e)
			}
		}
	})
}
