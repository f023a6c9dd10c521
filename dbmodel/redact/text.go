package redact

import (
	"regexp"
	"strings"
	"unicode"
)

// passwordAssignment is key=value or "key": "value" with a key ending in
// "password", anywhere in the text; the value is quoted (to its closing
// quote, or to the end when there is none) or runs to white space.
var passwordAssignment = regexp.MustCompile(`(?i)(password\s*=\s*|password"\s*:\s*)('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|(?:\\.|[^\s\\])+\\?)`)

// Text masks what looks like a password in text of unknown shape: the
// value of every key=value (or "key": "value") whose key ends in "password",
// and in every word containing an '@', the part from the first ':' after
// the scheme (or the start of the word) to the last '@'
// (user:secret@host, POSTGRES://app:secret@db/app). It masks more than it
// must rather than less; use DSN for a connection string and Secrets for
// text about one.
func Text(s string) string {
	out, _ := textRedact(s)
	return out
}

func textSecrets(s string) []string {
	_, regions := textRedact(s)
	return regions
}

func textRedact(s string) (string, []string) {
	var regions []string
	s = passwordAssignment.ReplaceAllStringFunc(s, func(m string) string {
		sub := passwordAssignment.FindStringSubmatch(m)
		if sub[2] == Mask || strings.HasPrefix(sub[2], Mask+"&") {
			return m // masked already (a URL query goes on after it)
		}
		regions = append(regions, sub[2])
		return sub[1] + Mask
	})
	if !strings.Contains(s, "@") {
		return s, regions
	}
	var b strings.Builder
	b.Grow(len(s))
	for len(s) > 0 {
		// Copy white space, then take one word.
		sp := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) })
		if sp < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:sp])
		s = s[sp:]
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		word := s[:end]
		s = s[end:]
		b.WriteString(maskUserinfo(word, &regions))
	}
	return b.String(), regions
}

// maskUserinfo masks user:secret@ in one word.
func maskUserinfo(word string, regions *[]string) string {
	at := strings.LastIndexByte(word, '@')
	if at < 0 {
		return word
	}
	base := 0
	if i := strings.Index(word[:at], "://"); i >= 0 {
		base = i + 3
	}
	c := strings.IndexByte(word[base:at], ':')
	if c < 0 {
		return word
	}
	c += base
	secret := word[c+1 : at]
	if secret == "" || secret == Mask {
		return word
	}
	*regions = append(*regions, secret)
	return word[:c+1] + Mask + word[at:]
}
