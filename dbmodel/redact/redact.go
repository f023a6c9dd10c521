// Package redact masks database passwords in connection strings and in text
// that may repeat them, so that every place dbaudit prints a DSN, an error or
// a host prints no password.
//
// One function per need, used by every command:
//
//   - DSN masks a connection string in either form the Go drivers read
//     (postgres://user:password@host/db?sslpassword=… and
//     host=… password='…'), whatever the spelling of the scheme, every key
//     whose name ends in "password", and the readings of ambiguous input that
//     pgx, libpq and lib/pq disagree on (an unescaped '@', '/' or '?' in a
//     password). Text that parses as neither form gets Text's treatment.
//   - Secrets removes from arbitrary text (a driver's error, a server
//     message, a host name) every password a DSN holds, in the spellings the
//     text may carry it: as written, decoded and re-encoded.
//   - Text is the conservative fallback for text of unknown shape: key=value
//     pairs whose key ends in "password" and user:password@ pairs.
//   - Host and HostHasAt handle the one case no masking fixes: a password
//     with an unescaped '@' that pgx reads partly as the host.
//
// The package imports only the standard library: the golangci-lint plugin
// and the CLI both link it.
package redact

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// Mask replaces every password.
const Mask = "xxxxx"

// MinSecretLen is the shortest password Secrets removes from free text: a
// shorter one cannot be told apart from the text around it (every "pw" in a
// message would go). DSN masks passwords of any length, by position.
const MinSecretLen = 4

// DSN returns the connection string s with every password masked: the URL
// userinfo password and every query parameter or keyword whose name ends in
// "password" (password, sslpassword, …; any case, percent-encoded keys too).
// The scheme may be spelt in any case; other text is kept as written, so the
// host, port, database and options stay readable. Input that is neither a
// URL nor a keyword/value list is masked by Text.
func DSN(s string) string {
	out, _ := redactDSN(s)
	return out
}

// redactDSN returns the masked DSN and the raw text of every masked region.
func redactDSN(s string) (string, []string) {
	marked := make([]bool, len(s))
	scheme := urlScheme(s)
	if scheme > 0 {
		markURL(marked, s, scheme)
		lead := strings.TrimLeft(s, " \t\n\r\v\f")
		if strings.HasPrefix(lead, "postgres://") || strings.HasPrefix(lead, "postgresql://") {
			return render(s, marked)
		}
		// pgx reads any other spelling (POSTGRES://…) as keyword/value
		// text, with a key up to the first '=': mask that reading too.
		markKeywordValue(marked, s)
		return render(s, marked)
	}
	if markKeywordValue(marked, s) {
		return render(s, marked)
	}
	out, regions := render(s, marked)
	return Text(out), append(regions, textSecrets(s)...)
}

// render replaces every run of marked bytes of s with Mask and returns the
// runs' text.
func render(s string, marked []bool) (string, []string) {
	var b strings.Builder
	b.Grow(len(s))
	var regions []string
	for i := 0; i < len(s); {
		if !marked[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && marked[j] {
			j++
		}
		regions = append(regions, s[i:j])
		b.WriteString(Mask)
		i = j
	}
	return b.String(), regions
}

// Passwords returns the passwords s holds as a driver may read them: the
// raw text of every masked region and its decoded forms (percent-decoding,
// libpq quoting). Empty ones are left out.
func Passwords(s string) []string {
	_, regions := redactDSN(s)
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, r := range regions {
		add(r)
		add(strings.TrimSpace(r))
		add(percentDecode(r))
		add(percentDecode(strings.TrimSpace(r)))
		add(unquoteKeywordValue(r))
	}
	return out
}

// Secrets returns text with every password the connection string dsn holds
// removed: the DSN itself where text repeats it, then each password of at
// least MinSecretLen bytes wherever it appears, as written, decoded and in
// its URL-escaped and quoted spellings, and the pieces of an ambiguous
// password around a delimiter, a quote or a space (pgx reads
// postgres://u:Pw@Rest@h with the host Rest@h, and quotes an unterminated
// password='a\'b c' up to the escaped quote). Text's fallback runs last.
// Use it on anything a driver or server says about the connection.
func Secrets(text, dsn string) string {
	if dsn == "" {
		return Text(text)
	}
	text = strings.ReplaceAll(text, dsn, DSN(dsn))
	var variants []string
	add := func(p string) {
		if len(p) >= MinSecretLen && p != Mask && !slices.Contains(variants, p) {
			variants = append(variants, p)
		}
	}
	for _, p := range Passwords(dsn) {
		for _, v := range []string{p, url.QueryEscape(p), url.PathEscape(p), url.UserPassword("", p).String()[1:], quoteKeywordValue(p)} {
			add(v)
		}
		// The pieces, in case a driver splits the password where it
		// holds a delimiter, a quote or a space and prints the rest.
		if strings.ContainsAny(p, pieceDelimiters) {
			for piece := range strings.FieldsFuncSeq(p, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(pieceDelimiters, r) }) {
				add(piece)
			}
		}
	}
	// Longest first, so a password is not half-masked by a shorter
	// variant that is part of it.
	slices.SortStableFunc(variants, func(a, b string) int { return len(b) - len(a) })
	for _, v := range variants {
		text = strings.ReplaceAll(text, v, Mask)
	}
	return Text(text)
}

// pieceDelimiters split a password into the pieces Secrets also removes.
const pieceDelimiters = "@/:?#&,;='\"\\"

// Error returns err with Secrets applied to its text; errors.Is and
// errors.As still see err. It returns nil for nil.
func Error(err error, dsn string) error {
	if err == nil {
		return nil
	}
	return &scrubbed{err: err, msg: Secrets(err.Error(), dsn)}
}

type scrubbed struct {
	err error
	msg string
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// HostHasAt reports whether a host read from a DSN contains '@': the sign
// of a password with an unescaped '@' (postgres://app:Pw@Rest@db/app is
// read by pgx and libpq with the password Pw and the host Rest@db).
func HostHasAt(host string) bool { return strings.Contains(host, "@") }

// Host returns host with everything up to its last '@' masked, for
// printing a host a driver read from a DSN: "Rest@db" becomes "xxxxx@db".
func Host(host string) string {
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		return Mask + host[i:]
	}
	return host
}

// HostAdvice is what to say where a host contains '@'.
const HostAdvice = "the host read from the DSN contains '@': the password holds an unescaped '@' and the driver took part of it for the host; percent-encode the password (@ as %40)"

// ErrHostHasAt is returned by checks that refuse such a DSN.
var ErrHostHasAt = errors.New(HostAdvice)
