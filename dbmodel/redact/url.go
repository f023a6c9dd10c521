package redact

import "strings"

// urlScheme returns the length of s's scheme and its "://" (after leading
// white space), or 0 when s does not start like a URL. Any scheme counts,
// in any case (POSTGRES://, postgresql://, jdbc:postgresql://): pgx and
// lib/pq read an unknown spelling as keyword/value text, but the password
// in it is the same.
func urlScheme(s string) int {
	i := 0
	for i < len(s) && isASCIISpace(s[i]) {
		i++
	}
	if i >= len(s) || !isAlpha(s[i]) {
		return 0
	}
	for ; i < len(s); i++ {
		c := s[i]
		if strings.HasPrefix(s[i:], "://") {
			return i + 3
		}
		if !isAlpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' && c != ':' {
			return 0
		}
	}
	return 0
}

// markURL marks, in s from start (after the scheme), the union of the password positions under every reading
// of the URL the drivers (or a user's intent) can give it, so that no reading
// leaves a password byte in clear:
//
//   - pgx and libpq end the userinfo at the first '@' before any '/';
//     net/url (lib/pq) at the last '@' of the authority. An unescaped '@' in
//     a password (postgres://app:Pw@Rest@db) makes them differ: everything
//     from the first ':' to the last '@' before the first '/' is masked.
//   - A query parameter whose key ends in "password" (after percent-
//     decoding, any case) is masked up to the next '&', wherever the query
//     starts under each reading (first '?' overall, after the first or after
//     the last '@').
//   - Without a userinfo, a port that is not a number may be a stranded
//     password (postgres://u:pa/ss@db: the '/' ended the authority early;
//     postgres://user:secret): it is masked, up to the last '@' of the
//     string if one follows.
func markURL(marked []bool, s string, start int) {
	rest := s[start:]
	mark := func(from, to int) {
		for i := from; i < to; i++ {
			marked[start+i] = true
		}
	}

	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		slash = len(rest)
	}
	firstAt := strings.IndexByte(rest[:slash], '@')
	lastAt := strings.LastIndexByte(rest[:slash], '@')
	if lastAt >= 0 {
		if c := strings.IndexByte(rest[:lastAt], ':'); c >= 0 {
			mark(c+1, lastAt)
		}
	}

	// An '@' after the first '/' may end a userinfo whose password holds an
	// unescaped '/' (postgres://u:12/ab@db/app, which pgx reads with the
	// port 12 and the database ab@db/app): mask from the first ':' to the
	// last '@'. A valid URL with an '@' in its path or query loses its host
	// and port in print, never a password.
	if at := strings.LastIndexByte(rest, '@'); at > slash {
		// The first ':' before it: in the authority, or after a user
		// holding a raw '/' (postgres:///:secret@db).
		if c := firstColonOutsideBrackets(rest[:at]); c >= 0 {
			mark(c+1, at)
		}
	}

	// Query parameters, under each reading of where the query starts.
	for _, from := range []int{0, firstAt + 1, lastAt + 1} {
		q := strings.IndexByte(rest[from:], '?')
		if q < 0 {
			continue
		}
		markQueryPasswords(rest, from+q+1, mark)
	}

	// Without a userinfo, a port that is not a number may be a password
	// (postgres://user:secret with the host left out). After a userinfo it
	// is a typo (db:5o32), shown as written.
	if firstAt < 0 {
		markStrandedPorts(rest, 0, mark)
	}

}

// markQueryPasswords marks the values of the '&'-separated pairs of
// rest[from:] whose key ends in "password". A value runs to the next '&'
// (pgx and libpq; net/url also stops at '#', which is inside), and on over
// the pieces without '=' that follow it: a raw '&' in the password
// (password=p&ss), which pgx refuses while quoting the piece.
func markQueryPasswords(rest string, from int, mark func(from, to int)) {
	i := from
	inPassword := false
	for i <= len(rest) {
		end := strings.IndexByte(rest[i:], '&')
		if end < 0 {
			end = len(rest)
		} else {
			end += i
		}
		pair := rest[i:end]
		eq := strings.IndexByte(pair, '=')
		switch {
		case eq < 0 && inPassword:
			mark(i-1, end)
		case eq >= 0:
			inPassword = isPasswordKey(percentDecode(pair[:eq]))
			if inPassword {
				mark(i+eq+1, end)
			}
		}
		i = end + 1
	}
}

// markStrandedPorts walks the host list of rest[from:] as pgx does
// (host[:port], comma-separated, IPv6 in brackets, up to '/' or '?') and
// marks every port that is not a number, or, when an '@' is in it or
// follows it, everything from the port to the last '@' of rest.
func markStrandedPorts(rest string, from int, mark func(from, to int)) {
	p := from
	for p < len(rest) {
		if rest[p] == '[' {
			end := strings.IndexByte(rest[p:], ']')
			if end < 0 {
				return
			}
			p += end + 1
		} else {
			for p < len(rest) && !strings.ContainsRune(":/?,", rune(rest[p])) {
				p++
			}
		}
		if p < len(rest) && rest[p] == ':' {
			p++
			portStart := p
			for p < len(rest) && !strings.ContainsRune("/?,", rune(rest[p])) {
				p++
			}
			if !isPort(rest[portStart:p]) {
				// Up to the last '@' when there is one: what follows it
				// is the host.
				end := p
				if at := strings.LastIndexByte(rest, '@'); at >= portStart {
					end = at
				}
				mark(portStart, end)
			}
		}
		if p >= len(rest) || rest[p] != ',' {
			return
		}
		p++
	}
}

// isPort: digits, possibly surrounded by spaces (which pgx's decoder
// skips), or nothing.
func isPort(s string) bool {
	for _, c := range []byte(strings.Trim(s, " ")) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isPasswordKey: the key, trimmed and in any case, ends in "password"
// (password, sslpassword, PGPASSWORD, db_password, …).
func isPasswordKey(key string) bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimSpace(key)), "password")
}

// percentDecode decodes valid %XX escapes and leaves anything else as it
// is, as pgx's lenient decoder does for redaction.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isASCIISpace is pgx's white space in keyword/value strings.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// firstColonOutsideBrackets returns the index of the first ':' of s that is
// not inside an IPv6 [...] literal, else the first ':' at all (a bracket
// that never closes, or a port-less IPv6 host), or -1.
func firstColonOutsideBrackets(s string) int {
	depth, first := 0, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth = max(depth-1, 0)
		case ':':
			if depth == 0 {
				return i
			}
			if first < 0 {
				first = i
			}
		}
	}
	return first
}
