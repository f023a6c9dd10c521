package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// markKeywordValue marks the values of the keywords ending in "password"
// in a libpq keyword/value string (host=db password='it\'s' …), read the
// way pgx and lib/pq read it: a value is '…' with backslash escapes, or runs
// to white space with backslash escapes. Where the two drivers disagree the
// wider reading is masked: pgx ends an unquoted value at ASCII white space
// only, lib/pq at any Unicode space, so a password runs to the next ASCII
// space while every other value ends at the first space of either kind (so
// that lib/pq's next key is looked at too). Words that are not key=value
// after a password (password=two words) are masked with it.
//
// clean reports whether every word was a key=value pair with a closed
// quote; when it is not, the caller adds Text's fallback.
func markKeywordValue(marked []bool, s string) (clean bool) {
	mark := func(from, to int) {
		for i := from; i < to; i++ {
			marked[i] = true
		}
	}
	clean = true
	afterPassword := false
	i := 0
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			break
		}
		keyStart := i
		for i < len(s) && s[i] != '=' && !spaceAt(s, i) {
			i++
		}
		key := s[keyStart:i]
		j := skipSpace(s, i)
		if j >= len(s) || s[j] != '=' || key == "" {
			// Not a key=value pair: pgx and lib/pq refuse the string.
			clean = false
			if key == "" {
				i = j + 1 // a lone '='
			}
			if afterPassword {
				mark(keyStart, min(i, len(s)))
			}
			continue
		}
		i = j + 1
		password := isPasswordKey(key)
		// pgx skips ASCII space before a value, lib/pq any space.
		for i < len(s) && isASCIISpace(s[i]) {
			i++
		}
		valueStart := i
		if !password {
			i = skipSpace(s, i)
			valueStart = i
		}
		switch {
		case i < len(s) && s[i] == '\'':
			i++
			for i < len(s) && s[i] != '\'' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(s) {
				clean = false // unterminated: the value runs to the end
				i = len(s)
			} else {
				i++ // the closing quote
			}
		default:
			for i < len(s) {
				if s[i] == '\\' {
					i += 2
					continue
				}
				if isASCIISpace(s[i]) || (!password && spaceAt(s, i)) {
					break
				}
				i++
			}
			i = min(i, len(s))
		}
		if password {
			mark(valueStart, i)
		}
		afterPassword = password
	}

	return clean
}

// skipSpace skips ASCII and Unicode white space (lib/pq's reading).
func skipSpace(s string, i int) int {
	for i < len(s) {
		if isASCIISpace(s[i]) {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// spaceAt reports whether a white space character starts at s[i].
func spaceAt(s string, i int) bool {
	if isASCIISpace(s[i]) {
		return true
	}
	if s[i] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// unquoteKeywordValue undoes libpq quoting: 'it\'s' is it's, a\ b is "a b".
func unquoteKeywordValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		v = v[1 : len(v)-1]
	}
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' {
			i++
			if i == len(v) {
				break
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// quoteKeywordValue is libpq's quoting of v, as lib/pq writes it when it
// turns a URL into keyword/value text.
func quoteKeywordValue(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
