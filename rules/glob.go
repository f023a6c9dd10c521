package rules

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Path globs (ignore, components) are matched by matchGlob, with the
// semantics the doublestar module (which matched them before) gives every
// pattern the docs, fixtures and tests use:
//
//   - A pattern and a path are split into segments at '/'; a pattern matches
//     a path when their segments match one for one.
//   - A segment that is exactly ** matches zero or more whole segments:
//     "gen/**" matches gen and everything under it, "**/legacy/**" a legacy
//     directory at any depth. ** inside a segment ("**.go") is a plain *.
//   - Any other segment matches one path segment as path.Match does: * any
//     run of characters, ? one character, [abc], [a-z] and [^a-z] a class,
//     \c the character c. As in doublestar, [!a-z] negates too and a - is
//     literal first, last or right after a range ([-a], [a-], [a-c-e]).
//   - {a,b} alternation, nested or spanning segments ("x/{a,b/c}/*.go"), is
//     expanded first, as a shell does; \{ \} \, are literal. It is kept
//     because doublestar had it and a test's accepted pattern uses it.
//
// checkGlob rejects, with the reason, what matchGlob cannot match: an empty
// or unclosed [ ] class, an unclosed { or a stray }, a \ at the end (all of
// which doublestar rejected too), and, new: a class holding a / and a \
// before a / (a / always separates segments), and braces that expand to more
// than maxGlobAlternatives patterns. unmatchableFile rejects, for ignore and
// components, a valid glob that no file's path can match: one ending in /
// or starting with ./ (doublestar took both and matched no file with them).
//
// Where the answers differ from doublestar's, in corners no real glob
// reaches (glob_test.go lists them):
//   - a class never matches a /, even negated ([^x]) or by range ([+-0]);
//   - a reversed range ([c-a]) matches nothing, as in path.Match;
//   - a character matches itself byte for byte (doublestar took any two
//     invalid UTF-8 bytes for equal);
//   - * always matches the empty string, and a ** followed by a { is a whole
//     segment if the braces make it one ("**{,/x}"): doublestar failed a
//     path that ran out while stars or braces remained ("***", "*{,a}",
//     "**/*" did not match "", "*/{**,x}" did not match "a");
//   - doublestar let a leftover "**/" or "/**/" match nothing once the path
//     ran out ("gen/**/" matched "gen", "x**/" matched "x"); here "gen/**"
//     matches "gen", and "gen/**/" matches "gen/" and what is under it.

// maxGlobAlternatives bounds the patterns one glob's braces expand to.
const maxGlobAlternatives = 1024

// checkGlob reports why pattern is not a path glob, or nil.
func checkGlob(pattern string) error {
	alts, err := expandBraces(pattern)
	if err != nil {
		return err
	}
	for _, alt := range alts {
		if _, err := globSegments(alt); err != nil {
			return err
		}
	}
	return nil
}

// unmatchableFile reports why a valid ignore or components glob can match
// no file's path as Ignored and ComponentOf see it (clean, and relative to
// the configuration's directory unless outside it), or nil: a pattern
// (or one of its alternatives) ending in / or starting with ./ .
func unmatchableFile(pattern string) error {
	alts, err := expandBraces(pattern)
	if err != nil {
		return err
	}
	for _, alt := range alts {
		it := "it"
		if len(alts) > 1 {
			it = fmt.Sprintf("its alternative %q", alt)
		}
		switch {
		case strings.HasSuffix(alt, "/"):
			return fmt.Errorf("%s ends in /, but a file's path never does (dir/** is dir and everything under it)", it)
		case strings.HasPrefix(alt, "./"):
			return fmt.Errorf("%s starts with ./, but paths are matched relative to the configuration's directory, without one (write dir/**, not ./dir/**)", it)
		}
	}
	return nil
}

// matchGlob reports whether the slash-separated name matches pattern. An
// invalid pattern matches nothing.
func matchGlob(pattern, name string) bool {
	alts, err := expandBraces(pattern)
	if err != nil {
		return false
	}
	names := strings.Split(name, "/")
	for _, alt := range alts {
		segs, err := globSegments(alt)
		if err == nil && matchSegments(segs, names) {
			return true
		}
	}
	return false
}

var errManyAlternatives = fmt.Errorf("its {,} groups expand to more than %d patterns", maxGlobAlternatives)

// expandBraces returns the patterns pattern's {a,b} groups stand for, in
// order, or why they are malformed. It parses the groups once and writes
// each pattern out through one buffer, so the work is about the size of
// the expansion, however many groups there are.
func expandBraces(pattern string) ([]string, error) {
	seq, _, n, err := parseBraces(pattern, 0, false)
	if err != nil {
		return nil, err
	}
	if n > maxGlobAlternatives {
		return nil, errManyAlternatives
	}
	x := braceExpander{out: make([]string, 0, n)}
	x.expand(seq, -1)
	return x.out, nil
}

// braceSeq is a pattern or one alternative of a group: literal text and
// groups in turn.
type braceSeq []bracePart

// bracePart is literal text, or, when alts is not nil, a {,} group.
type bracePart struct {
	lit  string
	alts []braceSeq
}

// parseBraces parses p from i up to its end or, nested in a group, up to the
// , or } ending the alternative, and returns where it stopped and how many
// patterns the sequence expands to (at most maxGlobAlternatives+1).
func parseBraces(p string, i int, nested bool) (seq braceSeq, end, n int, err error) {
	n = 1
	start := i
	for i < len(p) {
		switch p[i] {
		case '\\':
			i = min(i+2, len(p))
			continue
		case '[':
			e := classEnd(p, i)
			if e < 0 {
				return nil, 0, 0, errors.New("a [ opens a class that is empty or never closed")
			}
			i = e
			continue
		case '{':
			if start < i {
				seq = append(seq, bracePart{lit: p[start:i]})
			}
			var alts []braceSeq
			count := 0
			for {
				alt, e, m, err := parseBraces(p, i+1, true)
				if err != nil {
					return nil, 0, 0, err
				}
				alts = append(alts, alt)
				count = min(count+m, maxGlobAlternatives+1)
				i = e
				if p[i] == '}' {
					break
				}
			}
			seq = append(seq, bracePart{alts: alts})
			n = min(n*count, maxGlobAlternatives+1)
			i++
			start = i
			continue
		case ',':
			if nested {
				return append(seq, bracePart{lit: p[start:i]}), i, n, nil
			}
		case '}':
			if nested {
				return append(seq, bracePart{lit: p[start:i]}), i, n, nil
			}
			return nil, 0, 0, errors.New("a } closes no {")
		}
		i++
	}
	if nested {
		return nil, 0, 0, errors.New("a { is never closed by a }")
	}
	if start < i {
		seq = append(seq, bracePart{lit: p[start:i]})
	}
	return seq, i, n, nil
}

// braceExpander writes out the patterns a parsed pattern stands for.
type braceExpander struct {
	buf   []byte      // the pattern so far
	conts []braceCont // what follows the groups being expanded
	out   []string
}

// braceCont is what follows a group: the rest of the sequence holding it,
// then conts[next] (none if next < 0).
type braceCont struct {
	seq  braceSeq
	next int
}

// expand adds to x.out each pattern x.buf followed by seq and then by
// continuation cont stands for. A call leaves x.buf and x.conts as it found
// them, so the entries its callers still follow are never overwritten.
func (x *braceExpander) expand(seq braceSeq, cont int) {
	n := len(x.buf)
	defer func() { x.buf = x.buf[:n] }()
	for {
		for len(seq) > 0 && seq[0].alts == nil {
			x.buf = append(x.buf, seq[0].lit...)
			seq = seq[1:]
		}
		if len(seq) > 0 {
			break
		}
		if cont < 0 {
			x.out = append(x.out, string(x.buf))
			return
		}
		seq, cont = x.conts[cont].seq, x.conts[cont].next
	}
	mark := len(x.conts)
	x.conts = append(x.conts, braceCont{seq[1:], cont})
	for _, alt := range seq[0].alts {
		x.expand(alt, mark)
	}
	x.conts = x.conts[:mark]
}

// classEnd returns the index just past the ] closing the class that opens at
// p[i], or -1 if the class is empty or never closed.
func classEnd(p string, i int) int {
	i++
	if i < len(p) && (p[i] == '^' || p[i] == '!') {
		i++
	}
	if i >= len(p) || p[i] == ']' {
		return -1
	}
	for ; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case ']':
			return i + 1
		}
	}
	return -1
}

// globSegments splits a brace-free pattern into its segments, checking each.
func globSegments(p string) ([]string, error) {
	var segs []string
	start := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 >= len(p) {
				return nil, errors.New(`it ends in a \ that escapes nothing`)
			}
			if p[i+1] == '/' {
				return nil, errors.New(`a \ escapes a /, which always separates segments`)
			}
			i++
		case '[':
			end := classEnd(p, i)
			if end < 0 {
				return nil, errors.New("a [ opens a class that is empty or never closed")
			}
			if strings.IndexByte(p[i:end], '/') >= 0 {
				return nil, errors.New("a [ ] class holds a /, but a class matches within one path segment")
			}
			i = end - 1
		case '/':
			segs = append(segs, p[start:i])
			start = i + 1
		}
	}
	return append(segs, p[start:]), nil
}

// matchSegments matches pattern segments against path segments, a "**"
// segment standing for any number of path segments.
func matchSegments(pat, name []string) bool {
	pi, ni := 0, 0
	star, starName := -1, 0 // the last ** seen, and the path segment it resumes at
	for pi < len(pat) || ni < len(name) {
		if pi < len(pat) {
			if pat[pi] == "**" {
				star, starName = pi, ni
				pi++
				continue
			}
			if ni < len(name) && matchSegment(pat[pi], name[ni]) {
				pi++
				ni++
				continue
			}
		}
		if star >= 0 && starName < len(name) {
			starName++
			pi, ni = star+1, starName
			continue
		}
		return false
	}
	return true
}

// matchSegment matches one brace-free, slash-free pattern segment against one
// path segment.
func matchSegment(pat, name string) bool {
	pi, ni := 0, 0
	star, starName := -1, 0
	for pi < len(pat) || ni < len(name) {
		if pi < len(pat) {
			switch pat[pi] {
			case '*':
				star, starName = pi, ni
				pi++
				continue
			case '?':
				if ni < len(name) {
					_, n := utf8.DecodeRuneInString(name[ni:])
					pi++
					ni += n
					continue
				}
			case '[':
				if ni < len(name) {
					r, n := utf8.DecodeRuneInString(name[ni:])
					if end, ok := matchClass(pat, pi, r); ok {
						pi = end
						ni += n
						continue
					}
				}
			default:
				if ni < len(name) {
					p := pi
					if pat[p] == '\\' {
						p++
					}
					_, n := utf8.DecodeRuneInString(pat[p:])
					if strings.HasPrefix(name[ni:], pat[p:p+n]) {
						pi = p + n
						ni += n
						continue
					}
				}
			}
		}
		if star >= 0 && starName < len(name) {
			_, n := utf8.DecodeRuneInString(name[starName:])
			starName += n
			pi, ni = star+1, starName
			continue
		}
		return false
	}
	return true
}

// matchClass reports whether r is in the (valid) class opening at pat[i] and
// returns the index just past it. ^ or ! negates; lo-hi is a range unless
// the - comes right before the ]; \ escapes.
func matchClass(pat string, i int, r rune) (end int, ok bool) {
	end = classEnd(pat, i)
	i++
	negate := pat[i] == '^' || pat[i] == '!'
	if negate {
		i++
	}
	in := false
	for i < end-1 {
		lo, n := classChar(pat, i)
		i += n
		if pat[i] == '-' && i+1 < end-1 {
			hi, n := classChar(pat, i+1)
			i += 1 + n
			in = in || lo <= r && r <= hi
			continue
		}
		in = in || lo == r
	}
	return end, in != negate
}

// classChar decodes the class character at pat[i], \ escaping it.
func classChar(pat string, i int) (c rune, n int) {
	if pat[i] == '\\' {
		c, n = utf8.DecodeRuneInString(pat[i+1:])
		return c, n + 1
	}
	return utf8.DecodeRuneInString(pat[i:])
}
