package rules

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var (
	quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	// The decoder's way of naming Go types: "cannot unmarshal !!str into
	// []string", "field x not found in type rules.Config".
	goDecoderText = regexp.MustCompile(`unmarshal|not found in type|into (\[\]|map\[|\*|[a-z]+\.[A-Z]|u?int|string|bool|float)`)
)

// FuzzParseConfig: Parse never panics on any bytes; every error names the
// file and a line, in plain words; and what it accepts holds no pattern
// that could never match.
func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		string(Starter()),
		"ignore: [\"[\"]\n",
		"ignore: [\"{gen,vendor}/**\", \"a[/]b\", \"x\\\\/y\", \"}\"]\n",
		"ignore: [\"gen/\", \"./x/**\"]\ncomponents:\n  a: [\"{./a,b}\"]\n",
		"components:\n  x: [\"[a-\"]\n",
		"approved_packages: [\"./[bad\"]\n",
		"rules: {}\n---\nfoo: bar\n",
		"ignore: [\"gen/\\0**\"]\n",
		"rules: {}\nignore: [\"gen\x00\"]\n",
		"pool:\n  min_max_conns: lots\n",
		"version: 2\n",
		"a: &a [*a, *a]\nb: *b\n",
		"sql:\n  forbidden:\n    - pattern: '(['\n",
		"rules:\n  rawdsn:\n    severity: fatal\n    enabled: maybe\n",
		"\xff\xfe",
		"handle_types:\n  - {type: x, kind: cursor}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("not a list of config errors: %T %v", err, err)
			}
			for _, e := range errs {
				if e.File != "fuzz.yaml" || e.Line < 1 {
					t.Fatalf("error without file:line: %+v", e)
				}
				// The user's own text is quoted; outside it, no decoder jargon.
				if words := quoted.ReplaceAllString(e.Msg, `""`); strings.Contains(words, "!!") || goDecoderText.MatchString(words) {
					t.Fatalf("YAML decoder text in %q", e.Msg)
				}
			}
			return
		}
		for _, g := range c.Ignore {
			if err := checkGlob(g); err != nil || strings.ContainsRune(g, 0) {
				t.Fatalf("accepted ignore glob %q (%v)", g, err)
			}
			if err := unmatchableFile(g); err != nil {
				t.Fatalf("accepted ignore glob %q (%v)", g, err)
			}
			c.Ignored(g) // must not panic
		}
		for name, globs := range c.Components {
			for _, g := range globs {
				if err := checkGlob(g); err != nil || strings.ContainsRune(g, 0) {
					t.Fatalf("accepted components.%s glob %q (%v)", name, g, err)
				}
				if err := unmatchableFile(g); err != nil {
					t.Fatalf("accepted components.%s glob %q (%v)", name, g, err)
				}
			}
			c.ComponentOf(name + "/x.go") // must not panic
		}
		for _, p := range c.ApprovedPackages {
			if checkPackagePattern(p) != nil || strings.ContainsRune(p, 0) {
				t.Fatalf("accepted approved_packages pattern %q", p)
			}
		}
		if c.Version != 0 && c.Version != CurrentVersion {
			t.Fatalf("accepted version %d", c.Version)
		}
	})
}
