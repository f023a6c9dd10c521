package rules

import (
	"path"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// globCases were run through github.com/bmatcuk/doublestar/v4 v4.10.4, which
// matched ignore and components globs before matchGlob: it gave the same
// answer for every one.
var globCases = []struct {
	pattern, name string
	want          bool
}{
	// The forms the README, rules.yaml files and fixtures use.
	{"gen/**", "gen/q/x.go", true},
	{"gen/**", "gen/x.go", true},
	{"gen/**", "gen", true},
	{"gen/**", "gen/", true},
	{"gen/**", "generated/x.go", false},
	{"gen/**", "x/gen/y.go", false},
	{"legacy/**", "legacy/old.go", true},
	{"**/legacy/**", "legacy/a.go", true},
	{"**/legacy/**", "a/b/legacy/c/d.go", true},
	{"**/legacy/**", "a/legacy", true},
	{"**/legacy/**", "mylegacy/a.go", false},
	{"**/legacy/**", "a/legacyx/b.go", false},
	{"**/testdata/**", "rules/testdata/x.yaml", true},
	{"**/testdata/**", "testdata.go", false},
	{"internal/api/**", "internal/api/v1/users.go", true},
	{"internal/api/**", "internal/apix/a.go", false},
	{"internal/jobs/*.go", "internal/jobs/run.go", true},
	{"internal/jobs/*.go", "internal/jobs/.go", true},
	{"internal/jobs/*.go", "internal/jobs/sub/run.go", false},
	{"internal/jobs/*.go", "internal/jobs/run.go.txt", false},
	{"**/*_gen.go", "a_gen.go", true},
	{"**/*_gen.go", "x/y/a_gen.go", true},
	{"**/*_gen.go", "x/a_gen.go.txt", false},
	{"scanner/store/migrations/**", "scanner/store/migrations/0001.sql", true},
	{"scanner/store/migrations/**", "scanner/store/x.go", false},

	// ** as a whole segment: zero or more segments, anywhere.
	{"**", "", true},
	{"**", "a", true},
	{"**", "a/b/c", true},
	{"**/x", "x", true},
	{"**/x", "a/b/x", true},
	{"**/x", "a/xx", false},
	{"a/**/b", "a/b", true},
	{"a/**/b", "a/x/y/b", true},
	{"a/**/b", "a/xb", false},
	{"a/**/b", "a/x/b/c", false},
	{"a/**/**/b", "a/b", true},
	{"a/**/**/b", "a/x/y/z/b", true},
	{"a/**/b/**/c", "a/1/b/2/3/c", true},
	{"a/**/b/**/c", "a/1/c/2/b", false},
	{"a/**", "a", true},
	{"a/**", "ab", false},
	{"a/**/", "a/", true},
	{"a/**/", "a/b/", true},
	{"a/**/", "a/b", false},
	// ** inside a segment is a *.
	{"**.go", "x.go", true},
	{"**.go", "a/x.go", false},
	{"a/**b", "a/xb", true},
	{"a/**b", "a/x/b", false},
	{"x**y", "xaay", true},

	// Other segments: path.Match.
	{"*", "a", true},
	{"*", "", true},
	{"*", "a/b", false},
	{"*/", "a/", true},
	{"*/", "a", false},
	{"a*/b", "ab/b", true},
	{"a*/b", "a/x/b", false},
	{"*a*b*", "xaybz", true},
	{"*a*b*", "xbya", false},
	{"?.go", "a.go", true},
	{"?.go", "é.go", true},
	{"?.go", "ab.go", false},
	{"?", "", false},
	{"a?b", "a/b", false},
	{"[abc].go", "b.go", true},
	{"[abc].go", "d.go", false},
	{"[a-c]x", "bx", true},
	{"[a-c]x", "dx", false},
	{"[^a]b", "cb", true},
	{"[^a]b", "ab", false},
	{"[!a]b", "cb", true},
	{"[!a]b", "ab", false},
	{"[!a]b", "!b", true},
	{"[a-]", "-", true},
	{"[a-]", "a", true},
	{"[-a]", "-", true},
	{"[a-c-e]", "-", true},
	{"[a-c-e]", "e", true},
	{"[a-c-e]", "d", false},
	{`[\]]`, "]", true},
	{`[\-]`, "-", true},
	{`[Z-\]]`, "]", true},
	{`[Z-\]]`, "[", true},
	{`[Z-\]]`, "a", false},
	{"[é]", "é", true},
	{"[*?{},]", "{", true},
	{"[*?{},]", ",", true},
	{"[*?{},]", "a", false},
	{`\*`, "*", true},
	{`\*`, "a", false},
	{`\?x`, "?x", true},
	{`\a`, "a", true},
	{`\[x]`, "[x]", true},
	{"a,b", "a,b", true},
	{"", "", true},
	{"", "a", false},
	{"a//b", "a//b", true},
	{"a//b", "a/b", false},
	{"/abs/**", "/abs/x/y", true},
	{"/abs/**", "abs/x", false},
	{"./x", "./x", true},
	{"./x", "x", false},

	// {a,b} alternation, nested, empty, spanning segments.
	{"x/{a,b}/[a-z]*", "x/a/foo", true},
	{"x/{a,b}/[a-z]*", "x/b/foo", true},
	{"x/{a,b}/[a-z]*", "x/c/foo", false},
	{"x/{a,b}/[a-z]*", "x/b/Foo", false},
	{"*.{go,sql}", "q.sql", true},
	{"*.{go,sql}", "q.txt", false},
	{"{a/b,c}/*.go", "a/b/x.go", true},
	{"{a/b,c}/*.go", "c/x.go", true},
	{"{a/b,c}/*.go", "a/x.go", false},
	{"{a,{b,c}}.go", "c.go", true},
	{"{a,{b,c}}.go", "d.go", false},
	{"a{,.go}", "a", true},
	{"a{,.go}", "a.go", true},
	{"a{,.go}", "a.g", false},
	{"{}x", "x", true},
	{"x/{**,y}/z", "x/1/2/z", true},
	{"x/{**,y}/z", "x/y/z", true},
	{"x/{**,y}/z", "x/z", true},
	{"{gen,vendor}/**", "vendor/a/b.go", true},
	{"{gen,vendor}/**", "src/a.go", false},
	{"{a\\,b,c}", "a,b", true},
	{"{a\\,b,c}", "c", true},
	{"{a\\,b,c}", "a", false},
	{"{[,}],x}", ",", true},
	{"{[,}],x}", "}", true},
	{"{[,}],x}", "x", true},
	{`\{a,b\}`, "{a,b}", true},
	{`\{a,b\}`, "a", false},
}

// globDivergences are where matchGlob answers otherwise than doublestar did,
// on purpose.
var globDivergences = []struct {
	pattern, name string
	want          bool
	why           string
}{
	{"gen/**/", "gen", false, `doublestar let a pattern ending in "/**/" match the bare directory; "gen/**" does`},
	{"x**/", "x", false, `doublestar took a "**/" left over at the path's end as matching nothing, though this ** is inside a segment`},
	{"**{,a}", "a/b", true, "braces expand first, so this is ** or **a; doublestar never took a ** touching a { as a whole segment"},
	{"*{,a}", "", true, `doublestar did not match "" when a { followed, though * alone matches it`},
	{"***", "", true, `doublestar did not match "" with a run of three stars`},
	{"*/{**,x}", "a", true, `this is */** or */x, and "*/**" matches "a"; doublestar did not expand the braces at the path's end`},
	{"a[!x]b", "a/b", false, "a class matches inside one segment, never a /; doublestar let a negated class match /"},
	{"[^b]**", "/x", false, "as above"},
	{"[,-b]", "/", false, "as above: the range , to b holds /"},
	{"**{,/x}", "a/b", true, "this is ** or **/x; doublestar took a ** before a { for a *"},
	{"**/*", "", true, "doublestar did not match \"\" once stars remained"},
	{"[c-0]", "c", false, "a reversed range matches nothing, as in path.Match; doublestar matched its first character"},
	{"\xae", "\xfb", false, "doublestar decoded both invalid bytes to U+FFFD and took them for equal"},
}

func TestMatchGlob(t *testing.T) {
	for _, c := range globCases {
		if err := checkGlob(c.pattern); err != nil {
			t.Errorf("checkGlob(%q): %v", c.pattern, err)
		}
		if got := matchGlob(c.pattern, c.name); got != c.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
	for _, c := range globDivergences {
		if err := checkGlob(c.pattern); err != nil {
			t.Errorf("checkGlob(%q): %v", c.pattern, err)
		}
		if got := matchGlob(c.pattern, c.name); got != c.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v (%s)", c.pattern, c.name, got, c.want, c.why)
		}
	}
}

// globRejects are the patterns checkGlob refuses, with the reason it gives.
// doublestar refused all but the last three too (and matched nothing with
// them); it accepted a class holding / and an escaped /, which a segment
// matcher cannot match, and had no bound on braces.
var globRejects = []struct{ pattern, reason string }{
	{"[", "a [ opens a class that is empty or never closed"},
	{"gen/[a-", "a [ opens a class that is empty or never closed"},
	{"[]", "a [ opens a class that is empty or never closed"},
	{"[]a]", "a [ opens a class that is empty or never closed"},
	{"[!]", "a [ opens a class that is empty or never closed"},
	{`[a\]`, "a [ opens a class that is empty or never closed"},
	{"{a,[}", "a [ opens a class that is empty or never closed"},
	{"{a,b", "a { is never closed by a }"},
	{"{a,{b}", "a { is never closed by a }"},
	{`{a\}`, "a { is never closed by a }"},
	{"a}", "a } closes no {"},
	{"{a,b}}", "a } closes no {"},
	{"}{", "a } closes no {"},
	{`gen\`, `ends in a \ that escapes nothing`},
	{`{a,b\}`, "a { is never closed by a }"},
	{"a[/]b", "a [ ] class holds a /"},
	{"a[^/]b", "a [ ] class holds a /"},
	{`a\/b`, `a \ escapes a /`},
	{strings.Repeat("{a,b}", 11), "expand to more than 1024 patterns"},
}

func TestCheckGlobRejects(t *testing.T) {
	for _, c := range globRejects {
		err := checkGlob(c.pattern)
		if err == nil {
			t.Errorf("checkGlob(%q) accepted it, want %q", c.pattern, c.reason)
			continue
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("checkGlob(%q) = %q, want %q", c.pattern, err, c.reason)
		}
		if matchGlob(c.pattern, "a") || matchGlob(c.pattern, c.pattern) {
			t.Errorf("matchGlob(%q) matched, though the pattern is invalid", c.pattern)
		}
	}
	// The bound counts expanded patterns: 1024 is still accepted.
	if err := checkGlob(strings.Repeat("{a,b}", 10)); err != nil {
		t.Errorf("1024 alternatives: %v", err)
	}
	if !matchGlob(strings.Repeat("{a,b}", 10), "abababbbba") {
		t.Errorf("1024 alternatives: the last-but-some expansion does not match")
	}
}

// expandBraces writes the alternatives out in order, a group's alternatives
// each followed by every expansion of what comes after the group.
func TestExpandBraces(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    []string
	}{
		{"", []string{""}},
		{"x", []string{"x"}},
		{"{a,b}", []string{"a", "b"}},
		{"{a{1,2},b}{x,y}", []string{"a1x", "a1y", "a2x", "a2y", "bx", "by"}},
		{"{{{{b,}}}}a{}", []string{"ba", "a"}},
		{"{{}{ab,}},a{,}", []string{"ab,a", "ab,a", ",a", ",a"}},
		{"{{b}{,}a},{b}", []string{"ba,b", "ba,b"}},
		{"{{,}{,},}{,,}", slices.Repeat([]string{""}, 15)},
		{`{a\,b,[,}]}\{`, []string{`a\,b\{`, `[,}]\{`}},
	} {
		got, err := expandBraces(c.pattern)
		if err != nil {
			t.Errorf("expandBraces(%q): %v", c.pattern, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("expandBraces(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Expanding braces costs about what the expansion holds: no copy of the
// whole pattern per group per alternative. 1024 alternatives followed by 200
// one-way groups took 1024*200 copies of the pattern (about 170 MB) before.
func TestExpandBracesCost(t *testing.T) {
	pattern := strings.Repeat("{a,b}", 10) + strings.Repeat("{a}", 200)
	alts, err := expandBraces(pattern)
	if err != nil {
		t.Fatalf("expandBraces: %v", err)
	}
	if len(alts) != 1024 {
		t.Fatalf("expandBraces: %d patterns, want 1024", len(alts))
	}
	if want := strings.Repeat("b", 10) + strings.Repeat("a", 200); alts[1023] != want {
		t.Errorf("expandBraces: last pattern %q, want %q", alts[1023], want)
	}
	limit := uint64(8 * 1024 * len(pattern))
	for name, f := range map[string]func(){
		"checkGlob": func() { _ = checkGlob(pattern) },
		"matchGlob": func() { _ = matchGlob(pattern, "x") },
		"checkGlob, nested": func() {
			_ = checkGlob(strings.Repeat("{a,", 10) + strings.Repeat("{b}", 200) + strings.Repeat("}", 10))
		},
	} {
		if n := allocated(f); n > limit {
			t.Errorf("%s allocated %d bytes, want at most %d", name, n, limit)
		}
	}
}

// A bad ignore or components glob is a configuration error naming the file,
// the line and why.
func TestParseRejectsUnmatchableGlob(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"ignore:\n  - ok/**\n  - \"a[/]b\"\n", `x.yaml:3: ignore[1]: "a[/]b" is not a valid glob: a [ ] class holds a /`},
		{"ignore: [\"{gen,vendor/**\"]\n", `x.yaml:1: ignore[0]: "{gen,vendor/**" is not a valid glob: a { is never closed by a }`},
		{"components:\n  api:\n    - \"api/**}\"\n", `x.yaml:3: components.api[0]: "api/**}" is not a valid glob: a } closes no {`},
		{"components:\n  api: [\"api\\\\/x\"]\n", `x.yaml:2: components.api[0]: "api\\/x" is not a valid glob: a \ escapes a /`},
		// Valid globs that no file's path can match: paths are clean and
		// relative to the rules file's directory.
		{"ignore: [\"legacy/\"]\n", `x.yaml:1: ignore[0]: "legacy/" can match no file: it ends in /, but a file's path never does (dir/** is dir and everything under it)`},
		{"ignore: [\"gen/**/\"]\n", `x.yaml:1: ignore[0]: "gen/**/" can match no file: it ends in /`},
		{"ignore: [\"{a,b/}\"]\n", `x.yaml:1: ignore[0]: "{a,b/}" can match no file: its alternative "b/" ends in /`},
		{"components:\n  api: [\"./internal/api/**\"]\n", `x.yaml:2: components.api[0]: "./internal/api/**" can match no file: it starts with ./, but paths are matched relative to the configuration's directory, without one (write dir/**, not ./dir/**)`},
		{"components:\n  api: [\"{./x,y}/**\"]\n", `x.yaml:2: components.api[0]: "{./x,y}/**" can match no file: its alternative "./x/**" starts with ./`},
	} {
		_, err := Parse("x.yaml", []byte(c.yaml))
		if err == nil {
			t.Errorf("Parse(%q) accepted it, want %q", c.yaml, c.want)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %q, want it to contain %q", c.yaml, err, c.want)
		}
	}
}

// globEscape makes a pattern matching exactly s.
func globEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`*?[]{}\,`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FuzzMatchGlob: matchGlob never panics; it matches nothing with a pattern
// checkGlob refuses; within one segment it agrees with path.Match wherever
// their syntaxes agree; an escaped path matches itself, and ** matches all.
func FuzzMatchGlob(f *testing.F) {
	for _, c := range globCases {
		f.Add(c.pattern, c.name)
	}
	for _, c := range globRejects {
		f.Add(c.pattern, "a")
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		got := matchGlob(pattern, name)
		err := checkGlob(pattern)
		if err != nil && got {
			t.Fatalf("invalid pattern %q (%v) matched %q", pattern, err, name)
		}
		if err == nil && !strings.ContainsAny(pattern, "/{}") && !strings.Contains(pattern, "[!") && !strings.Contains(name, "/") {
			if want, perr := path.Match(pattern, name); perr == nil && got != want {
				t.Fatalf("matchGlob(%q, %q) = %v, path.Match says %v", pattern, name, got, want)
			}
		}
		if !matchGlob(globEscape(name), name) {
			t.Fatalf("%q does not match itself escaped as %q", name, globEscape(name))
		}
		if !matchGlob("**", name) {
			t.Fatalf("** does not match %q", name)
		}
		if i := strings.LastIndexByte(name, '/'); !matchGlob("**/"+globEscape(name[i+1:]), name) {
			t.Fatalf("**/<last segment> does not match %q", name)
		}
	})
}
