// Package dsn models PostgreSQL connection strings the way the Go drivers
// read them: the URL form (postgres://, postgresql://) with libpq's URI rules
// as pgconn implements them, the libpq keyword/value form with its quoting
// and escaping, and URLs of other ecosystems (postgresql+asyncpg://,
// jdbc:postgresql://) recognised as foreign. Every setting keeps the byte
// range of its key and value in the text, so a finding can point at the key
// and a fix can replace exactly the bytes it means.
//
// The text may be a fragment: dynamic parts of a string built in Go (a
// variable base, a fmt verb) are holes, written as the byte Hole. A setting
// whose key or value contains a hole is dynamic and is never judged by value.
package dsn

import (
	"fmt"
	"regexp"
	"strings"
)

// Hole stands for a part of the text that is not known statically. The
// drivers reject a literal NUL byte, so it never occurs in a real DSN.
const Hole = '\x00'

// Form is the syntax a connection string is written in.
type Form int

const (
	// NotDSN is text that is no connection string: another URL scheme
	// (https://, redis://) or text without key=value settings.
	NotDSN Form = iota
	// KeywordValue is libpq's "host=h dbname=d" form.
	KeywordValue
	// URL is postgres:// or postgresql://.
	URL
	// ForeignURL is a URL whose scheme names PostgreSQL but that the Go
	// drivers do not recognise (postgresql+asyncpg://, jdbc:postgresql://,
	// pgsql://, POSTGRES://). pgx and lib/pq parse it as keyword/value.
	ForeignURL
)

func (f Form) String() string {
	switch f {
	case KeywordValue:
		return "keyword/value"
	case URL:
		return "URL"
	case ForeignURL:
		return "foreign URL"
	}
	return "not a DSN"
}

// Part says where in the text a setting was written.
type Part int

const (
	PartQuery    Part = iota // ?key=value of a URL
	PartKV                   // key=value of the keyword/value form
	PartUser                 // URL userinfo before ':'
	PartPassword             // URL userinfo after ':'
	PartHost                 // URL netloc host list
	PartPort                 // URL netloc port list
	PartDatabase             // URL path
)

// Range is a byte range [Start, End) of the parsed text.
type Range struct{ Start, End int }

// Len is End-Start.
func (r Range) Len() int { return r.End - r.Start }

// Param is one setting. For the parts of a URL that are not query
// parameters (userinfo, netloc, path) Key is the libpq keyword they set and
// KeyRange is empty at the start of the value.
type Param struct {
	Key   string // decoded, as written (dbname is not folded into database)
	Value string // decoded; holes kept
	Part  Part
	// KeyRange and ValueRange cover the raw (encoded, quoted) text.
	KeyRange, ValueRange Range
	// PairRange covers "key=value" including quotes; the range to delete
	// when the setting is dropped is DSN.RemovalRange.
	PairRange Range
}

// KeyDynamic reports whether a hole is part of the key.
func (p Param) KeyDynamic() bool { return strings.IndexByte(p.Key, Hole) >= 0 }

// ValueDynamic reports whether a hole is part of the value.
func (p Param) ValueDynamic() bool { return strings.IndexByte(p.Value, Hole) >= 0 }

// Canonical is the key pgconn stores the setting under (dbname → database).
func (p Param) Canonical() string { return Canonical(p.Key) }

// Canonical folds libpq keyword aliases the way pgconn does.
func Canonical(key string) string {
	if key == "dbname" {
		return "database"
	}
	return key
}

// SyntaxError is a parse failure, worded as pgconn words it.
type SyntaxError struct {
	Form  Form
	Msg   string
	Range Range
}

func (e *SyntaxError) Error() string {
	if e.Form == URL {
		return "failed to parse as URL (" + e.Msg + ")"
	}
	return "failed to parse as keyword/value (" + e.Msg + ")"
}

// DSN is a parsed connection string.
type DSN struct {
	Input string
	Form  Form
	// Scheme is the URL scheme as written ("postgres", "postgresql+asyncpg",
	// "jdbc:postgresql"); SchemeRange covers it up to and excluding "://".
	Scheme      string
	SchemeRange Range
	Params      []Param
	// Opaque is set when a hole stands where whole settings may be (a
	// dynamic query string, a variable list of key=value pairs): settings
	// beyond Params may exist.
	Opaque bool
	// Err is the first syntax error, nil when the text parses.
	Err *SyntaxError
}

// Partial reports whether the text has holes.
func (d *DSN) Partial() bool { return strings.IndexByte(d.Input, Hole) >= 0 }

// Get returns the last setting of key (aliases folded), as the drivers use
// the last occurrence.
func (d *DSN) Get(key string) (Param, bool) {
	key = Canonical(key)
	for i := len(d.Params) - 1; i >= 0; i-- {
		if d.Params[i].Canonical() == key {
			return d.Params[i], true
		}
	}
	return Param{}, false
}

// Password returns the password setting, if any.
func (d *DSN) Password() (Param, bool) { return d.Get("password") }

// HostPort is one host of a (possibly multi-host) connection string.
type HostPort struct {
	Host string // "" when not given; may contain holes
	Port string // "" when not given; may contain holes
}

// Hosts pairs the host and port lists the way pgconn does: one port for
// every host, or one port per host.
func (d *DSN) Hosts() []HostPort {
	h, _ := d.Get("host")
	p, _ := d.Get("port")
	hosts := strings.Split(h.Value, ",")
	ports := strings.Split(p.Value, ",")
	out := make([]HostPort, 0, len(hosts))
	for i, host := range hosts {
		hp := HostPort{Host: host}
		switch {
		case len(ports) == 1:
			hp.Port = ports[0]
		case i < len(ports):
			hp.Port = ports[i]
		}
		out = append(out, hp)
	}
	return out
}

// RemovalRange is the range to delete to drop Params[i] from the text,
// including one separator so the rest stays well-formed. It reports false
// for settings that are not key=value pairs (URL userinfo, netloc, path),
// and when the rest would not parse to the other settings unchanged (libpq
// ends the userinfo at the first '@' before any '/', so dropping
// "?a=/x" from "postgres://h?a=/x&b=c@d" would move the host).
func (d *DSN) RemovalRange(i int) (Range, bool) {
	r, ok := d.removalRange(i)
	if !ok {
		return Range{}, false
	}
	rest := d.Input[:r.Start] + d.Input[r.End:]
	var after *DSN
	if d.Form == KeywordValue {
		after = ParseKeywordValue(rest)
	} else {
		after = Parse(rest)
	}
	if after.Err != nil && d.Err == nil || len(after.Params) != len(d.Params)-1 {
		return Range{}, false
	}
	for j, k := 0, 0; j < len(d.Params); j++ {
		if j == i {
			continue
		}
		if after.Params[k].Key != d.Params[j].Key || after.Params[k].Value != d.Params[j].Value {
			return Range{}, false
		}
		k++
	}
	return r, true
}

func (d *DSN) removalRange(i int) (Range, bool) {
	p := d.Params[i]
	s := d.Input
	switch p.Part {
	case PartQuery:
		r := p.PairRange
		switch {
		case r.End < len(s) && s[r.End] == '&':
			r.End++ // "k=v&" at the start or in the middle
		case r.Start > 0 && s[r.Start-1] == '&':
			r.Start-- // "&k=v" at the end
		case r.Start > 0 && s[r.Start-1] == '?':
			r.Start-- // the only parameter: drop the '?'
		}
		return r, true
	case PartKV:
		r := p.PairRange
		end := r.End
		for end < len(s) && isKVSpace(s[end]) {
			end++
		}
		if end < len(s) {
			return Range{r.Start, end}, true // "k=v   " before the next pair
		}
		// The last pair: eat the separating spaces before it, but not an
		// escaped space ending the previous value.
		start := r.Start
		if i > 0 {
			start = d.Params[i-1].PairRange.End
		}
		return Range{start, r.End}, true
	}
	return Range{}, false
}

// schemeRE matches a URL scheme, allowing one "jdbc:"-style prefix.
var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.\-]*(?::[A-Za-z][A-Za-z0-9+.\-]*)?)://`)

// IsPostgresScheme reports whether a URL scheme names PostgreSQL in some
// ecosystem: SQLAlchemy dialects (postgresql+asyncpg), JDBC, pgsql, postgis,
// golang-migrate's pgx schemes, or a differently cased postgres.
func IsPostgresScheme(scheme string) bool {
	s := strings.ToLower(scheme)
	s = strings.TrimPrefix(s, "jdbc:")
	if base, _, ok := strings.Cut(s, "+"); ok {
		s = base
	}
	switch s {
	case "postgres", "postgresql", "pgsql", "pg", "postgis", "psql", "pgx", "pgx4", "pgx5", "timescale", "timescaledb":
		return true
	}
	return false
}

// Parse parses s as the Go drivers do: as a URL when it starts with
// postgres:// or postgresql://, else as keyword/value. A URL with another
// PostgreSQL-ish scheme is ForeignURL (parsed as a URL so its parts are
// known); any other URL is NotDSN.
func Parse(s string) *DSN {
	d := &DSN{Input: s}
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		d.Form = URL
		n := strings.Index(s, "://")
		d.Scheme, d.SchemeRange = s[:n], Range{0, n}
		parseURL(d, n+3)
		return d
	}
	if m := schemeRE.FindStringSubmatch(s); m != nil {
		d.Scheme, d.SchemeRange = m[1], Range{0, len(m[1])}
		if !IsPostgresScheme(m[1]) {
			d.Form = NotDSN
			return d
		}
		d.Form = ForeignURL
		parseURL(d, len(m[0]))
		return d
	}
	if fragmentQuery(s) {
		// A dynamic base followed by "?k=v&…" or "&k=v": the query of a URL.
		d.Form = URL
		d.Opaque = true
		i := strings.IndexAny(s, "?&")
		parseQuery(d, i+1, len(s))
		return d
	}
	d.Form = KeywordValue
	parseKeywordValue(d)
	return d
}

// ParseKeywordValue parses s in the keyword/value form whatever it looks
// like, as pgx and lib/pq do with any string that does not start with
// postgres:// or postgresql://.
func ParseKeywordValue(s string) *DSN {
	d := &DSN{Input: s, Form: KeywordValue}
	parseKeywordValue(d)
	return d
}

// fragmentQuery reports whether s is a hole followed by the query part of a
// URL: "\x00?k=v", "\x00/db?k=v", "\x00:5432/db?k=v" or "\x00&k=v" — the
// first '?' or '&' comes before any '=' or space.
func fragmentQuery(s string) bool {
	if len(s) == 0 || s[0] != Hole {
		return false
	}
	i := strings.IndexAny(s, "?&= \t\n\r\v\f")
	return i >= 0 && (s[i] == '?' || s[i] == '&')
}

// parseURL mirrors pgconn's parseURLSettings (libpq's conninfo_uri_parse)
// from offset p, just past "://".
func parseURL(d *DSN, p int) {
	s := d.Input
	fail := func(r Range, format string, args ...any) {
		if d.Err == nil {
			d.Err = &SyntaxError{Form: URL, Msg: fmt.Sprintf(format, args...), Range: r}
		}
	}

	// Userinfo: only a '/' stops the search for '@'.
	if i := strings.IndexAny(s[p:], "@/"); i >= 0 && s[p+i] == '@' {
		at := p + i
		userEnd := at
		if c := strings.IndexByte(s[p:at], ':'); c >= 0 {
			userEnd = p + c
		}
		if userEnd > p {
			v, err := uriDecode(s[p:userEnd])
			if err != "" {
				fail(Range{p, userEnd}, "%s", err)
			}
			d.Params = append(d.Params, Param{Key: "user", Value: v, Part: PartUser,
				KeyRange: Range{p, p}, ValueRange: Range{p, userEnd}, PairRange: Range{p, userEnd}})
		}
		if userEnd < at && userEnd+1 < at {
			v, err := uriDecode(s[userEnd+1 : at])
			if err != "" {
				fail(Range{userEnd + 1, at}, "%s", "invalid percent-encoded token in password")
			}
			d.Params = append(d.Params, Param{Key: "password", Value: v, Part: PartPassword,
				KeyRange: Range{userEnd + 1, userEnd + 1}, ValueRange: Range{userEnd + 1, at}, PairRange: Range{userEnd + 1, at}})
		}
		p = at + 1
	}

	// Netloc: host[:port] list. Collect raw host and port lists with their
	// ranges; like pgconn, both lists get a comma per separator.
	var hostBuf, portBuf strings.Builder
	netStart := p
	hostStart, hostEnd, portStart, portEnd := -1, -1, -1, -1
	mark := func(start, end int, s0, e0 *int) {
		if *s0 < 0 {
			*s0 = start
		}
		*e0 = end
	}
	for {
		if p < len(s) && s[p] == '[' {
			end := strings.IndexByte(s[p:], ']')
			if end < 0 {
				fail(Range{p, len(s)}, `end of string reached when looking for matching "]" in IPv6 host address in URI`)
				return
			}
			if end == 1 {
				fail(Range{p, p + 2}, "IPv6 host address may not be empty in URI")
				return
			}
			hostBuf.WriteString(s[p+1 : p+end])
			mark(p+1, p+end, &hostStart, &hostEnd)
			p += end + 1
			if p < len(s) {
				if c := s[p]; c != ':' && c != '/' && c != '?' && c != ',' {
					fail(Range{p, p + 1}, `unexpected character "%c" at position %d in URI (expected ":" or "/")`, c, p+1)
					return
				}
			}
		} else {
			i := strings.IndexAny(s[p:], ":/?,")
			if i < 0 {
				i = len(s) - p
			}
			hostBuf.WriteString(s[p : p+i])
			if i > 0 {
				mark(p, p+i, &hostStart, &hostEnd)
			}
			p += i
		}
		if p < len(s) && s[p] == ':' {
			p++
			i := strings.IndexAny(s[p:], "/?,")
			if i < 0 {
				i = len(s) - p
			}
			portBuf.WriteString(s[p : p+i])
			mark(p, p+i, &portStart, &portEnd)
			p += i
		}
		if p >= len(s) || s[p] != ',' {
			break
		}
		p++
		hostBuf.WriteByte(',')
		portBuf.WriteByte(',')
	}
	if hostBuf.Len() > 0 {
		v, err := uriDecode(hostBuf.String())
		if err != "" {
			fail(Range{netStart, p}, "%s", err)
		}
		r := Range{netStart, netStart}
		if hostStart >= 0 {
			r = Range{hostStart, hostEnd}
		}
		d.Params = append(d.Params, Param{Key: "host", Value: v, Part: PartHost, KeyRange: Range{r.Start, r.Start}, ValueRange: r, PairRange: r})
	}
	if portBuf.Len() > 0 {
		v, err := uriDecode(portBuf.String())
		if err != "" {
			fail(Range{netStart, p}, "%s", err)
		}
		r := Range{netStart, netStart}
		if portStart >= 0 {
			r = Range{portStart, portEnd}
		}
		d.Params = append(d.Params, Param{Key: "port", Value: v, Part: PartPort, KeyRange: Range{r.Start, r.Start}, ValueRange: r, PairRange: r})
	}

	if p < len(s) && s[p] == '/' {
		p++
		end := len(s)
		if i := strings.IndexByte(s[p:], '?'); i >= 0 {
			end = p + i
		}
		if end > p {
			v, err := uriDecode(s[p:end])
			if err != "" {
				fail(Range{p, end}, "%s", err)
			}
			d.Params = append(d.Params, Param{Key: "dbname", Value: v, Part: PartDatabase,
				KeyRange: Range{p, p}, ValueRange: Range{p, end}, PairRange: Range{p, end}})
		}
		p = end
	}
	if p < len(s) && s[p] == '?' {
		parseQuery(d, p+1, len(s))
	}
}

// parseQuery mirrors pgconn's parseURLQueryParams on s[start:end]:
// '&'-separated pairs with exactly one raw '=', both halves percent-decoded.
func parseQuery(d *DSN, start, end int) {
	s := d.Input
	for p := start; p < end; {
		pairEnd := end
		if i := strings.IndexByte(s[p:end], '&'); i >= 0 {
			pairEnd = p + i
		}
		pair := s[p:pairEnd]
		eq := strings.IndexByte(pair, '=')
		switch {
		case eq < 0 && strings.IndexByte(pair, Hole) >= 0:
			// A hole where pairs belong: "?%s" or "&" + extra.
			d.Opaque = true
		case eq < 0:
			d.fail(URL, Range{p, pairEnd}, `missing key/value separator "=" in URI query parameter: "%s"`, pair)
		case strings.IndexByte(pair[eq+1:], '=') >= 0:
			d.fail(URL, Range{p, pairEnd}, `extra key/value separator "=" in URI query parameter: "%s"`, pair[:eq])
		default:
			key, kerr := uriDecode(pair[:eq])
			val, verr := uriDecode(pair[eq+1:])
			if kerr != "" {
				d.fail(URL, Range{p, p + eq}, "%s", kerr)
			}
			if verr != "" {
				d.fail(URL, Range{p + eq + 1, pairEnd}, "%s", verr)
			}
			d.Params = append(d.Params, Param{Key: key, Value: val, Part: PartQuery,
				KeyRange: Range{p, p + eq}, ValueRange: Range{p + eq + 1, pairEnd}, PairRange: Range{p, pairEnd}})
		}
		p = pairEnd + 1
		if pairEnd == end {
			break
		}
	}
}

func (d *DSN) fail(form Form, r Range, format string, args ...any) {
	if d.Err == nil {
		d.Err = &SyntaxError{Form: form, Msg: fmt.Sprintf(format, args...), Range: r}
	}
}

// uriDecode mirrors pgconn's uriDecode (libpq's conninfo_uri_decode):
// %XX escapes, %00 forbidden, leading and trailing spaces skipped, interior
// spaces rejected. On error it returns the raw text and the message.
func uriDecode(raw string) (string, string) {
	var b strings.Builder
	i := 0
	for i < len(raw) && raw[i] == ' ' {
		i++
	}
	for i < len(raw) && raw[i] != ' ' {
		if raw[i] != '%' {
			b.WriteByte(raw[i])
			i++
			continue
		}
		var hi, lo byte
		var ok1, ok2 bool
		if i+1 < len(raw) {
			hi, ok1 = hexDigit(raw[i+1])
		}
		if i+2 < len(raw) {
			lo, ok2 = hexDigit(raw[i+2])
		}
		if !ok1 || !ok2 {
			return raw, fmt.Sprintf(`invalid percent-encoded token: "%s"`, raw)
		}
		c := hi<<4 | lo
		if c == 0 {
			return raw, fmt.Sprintf(`forbidden value %%00 in percent-encoded value: "%s"`, raw)
		}
		b.WriteByte(c)
		i += 3
	}
	for i < len(raw) && raw[i] == ' ' {
		i++
	}
	if i < len(raw) {
		return raw, fmt.Sprintf(`unexpected spaces found in "%s", use percent-encoded spaces (%%20) instead`, raw)
	}
	return b.String(), ""
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func isKVSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f':
		return true
	}
	return false
}

// parseKeywordValue mirrors pgconn's parseKeywordValueSettings (libpq's
// conninfo_parse): keywords up to '=', values either bare (backslash
// escapes, up to whitespace) or single-quoted (backslash escapes).
func parseKeywordValue(d *DSN) {
	s := d.Input
	p := skipKVSpace(s, 0)
	for p < len(s) {
		eq := strings.IndexByte(s[p:], '=')
		if eq < 0 {
			if strings.IndexByte(s[p:], Hole) >= 0 {
				d.Opaque = true // "%s" standing for more pairs
			} else {
				d.fail(KeywordValue, Range{p, len(s)}, "invalid keyword/value")
			}
			return
		}
		eq += p
		keyStart, keyEnd := p, eq
		for keyEnd > keyStart && isKVSpace(s[keyEnd-1]) {
			keyEnd--
		}
		key := s[keyStart:keyEnd]
		if i := strings.IndexAny(key, " \t\n\r\v\f"); i >= 0 {
			if strings.IndexByte(key[:i], Hole) >= 0 {
				// "%s dbname=x": a hole standing for pairs before this one.
				d.Opaque = true
				keyStart = skipKVSpace(s, keyStart+i)
				key = s[keyStart:keyEnd]
			} else {
				d.fail(KeywordValue, Range{keyStart, keyEnd}, `missing "=" after %q in connection info string`, key[:i])
				return
			}
		}
		p = skipKVSpace(s, eq+1)
		var valStart, valEnd, pairEnd int
		var val string
		switch {
		case p >= len(s):
			valStart, valEnd, pairEnd = p, p, p
		case s[p] != '\'':
			end := p
			for ; end < len(s); end++ {
				if isKVSpace(s[end]) {
					break
				}
				if s[end] == '\\' {
					end++
					if end == len(s) {
						break
					}
				}
			}
			if end > len(s) {
				end = len(s)
			}
			valStart, valEnd, pairEnd = p, end, end
			val = unescapeKV(s[p:end])
		default:
			q := p + 1
			end := q
			for ; end < len(s); end++ {
				if s[end] == '\'' {
					break
				}
				if s[end] == '\\' {
					end++
					if end == len(s) {
						break
					}
				}
			}
			if end >= len(s) {
				d.fail(KeywordValue, Range{p, len(s)}, "unterminated quoted string in connection info string")
				return
			}
			valStart, valEnd, pairEnd = q, end, end+1
			val = unescapeKV(s[q:end])
		}
		if key == "" {
			d.fail(KeywordValue, Range{keyStart, eq + 1}, "invalid keyword/value")
			return
		}
		if !(key == "user" && val == "") { // pgconn drops an empty user
			d.Params = append(d.Params, Param{Key: key, Value: val, Part: PartKV,
				KeyRange: Range{keyStart, keyEnd}, ValueRange: Range{valStart, valEnd}, PairRange: Range{keyStart, pairEnd}})
		}
		p = skipKVSpace(s, pairEnd)
	}
}

func skipKVSpace(s string, p int) int {
	for p < len(s) && isKVSpace(s[p]) {
		p++
	}
	return p
}

// unescapeKV drops each backslash and keeps the byte after it.
func unescapeKV(s string) string {
	if !strings.ContainsRune(s, '\\') {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			if i == len(s) {
				break
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// QuoteKV quotes a value for the keyword/value form when it needs it.
func QuoteKV(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\r\v\f'\\") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(v) + "'"
}
