// Package sitemap finds and reads a site's sitemaps: robots.txt Sitemap
// lines, the well-known /sitemap.xml and /sitemap_index.xml, and sitemap
// indexes followed recursively. Documents are read as a token stream, never
// whole, within the sitemaps.org limits (50,000 URLs and 50 MB uncompressed
// per file). Fetching refuses private, loopback and link-local addresses at
// dial time unless configured otherwise.
package sitemap

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"
)

// Limits from https://www.sitemaps.org/protocol.html.
const (
	// MaxEntries is the most URLs (or child sitemaps) one file may list.
	MaxEntries = 50000
	// MaxBytes is the largest uncompressed size of one file.
	MaxBytes = 50 << 20
	// MaxLocLength is the longest <loc> accepted, in bytes.
	MaxLocLength = 2048
	// maxNesting bounds element nesting; real sitemaps use four levels.
	maxNesting = 64
	// MaxTokenBytes bounds one XML token (a text run, comment or tag).
	// encoding/xml holds a whole token in memory, so without this bound a
	// file of 50 MB of whitespace would be buffered whole.
	MaxTokenBytes = 1 << 20
)

// Kind is what a sitemap document lists.
type Kind int

const (
	// URLSet is a <urlset> of page URLs.
	URLSet Kind = iota + 1
	// Index is a <sitemapindex> of child sitemaps.
	Index
)

func (k Kind) String() string {
	switch k {
	case URLSet:
		return "urlset"
	case Index:
		return "sitemapindex"
	}
	return "unknown"
}

// Entry is one <url> of a urlset or one <sitemap> of an index. Optional
// fields are nil when absent or invalid.
type Entry struct {
	Loc        string
	Lastmod    *time.Time
	Changefreq *string // urlset only
	Priority   *float32
}

// ErrNotSitemap is returned by Parser.Kind when the document's root is
// neither <urlset> nor <sitemapindex> (an HTML error page, say).
var ErrNotSitemap = errors.New("not a sitemap")

// ErrTooManyEntries is returned when a file lists more than MaxEntries.
var ErrTooManyEntries = fmt.Errorf("more than %d entries, the sitemaps.org limit per file", MaxEntries)

// Parser reads a sitemap document entry by entry. It keeps only the entry
// being read in memory, whatever the document's size.
type Parser struct {
	dec     *xml.Decoder
	guard   *tokenGuard
	open    []xml.Name // elements opened and not yet closed
	kind    Kind
	space   string // the root element's namespace prefix; entries must match it
	entries int
	// Skipped counts entries dropped for a missing or invalid <loc>.
	Skipped int
	done    bool
	text    []byte
}

// NewParser returns a parser reading r. r should already be size-capped and
// decompressed (see Fetcher).
func NewParser(r io.Reader) *Parser {
	guard := &tokenGuard{r: r}
	dec := xml.NewDecoder(guard)
	dec.Strict = true
	dec.CharsetReader = charsetReader
	return &Parser{dec: dec, guard: guard}
}

// token reads the next token, resetting the per-token byte budget. It uses
// RawToken, which skips the namespace translation and copying of Token
// (a quarter of the allocations), and checks tag nesting itself. Names keep
// their prefixes: p.space is the root's prefix, and entries must share it.
func (p *Parser) token() (xml.Token, error) {
	p.guard.since = 0
	tok, err := p.dec.RawToken()
	if err == io.EOF && len(p.open) > 0 {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case xml.StartElement:
		p.open = append(p.open, t.Name)
	case xml.EndElement:
		n := len(p.open)
		if n == 0 {
			return nil, p.errorf("unexpected end element </%s>", qualified(t.Name))
		}
		if top := p.open[n-1]; top != t.Name {
			return nil, p.errorf("element <%s> closed by </%s>", qualified(top), qualified(t.Name))
		}
		p.open = p.open[:n-1]
	}
	return tok, nil
}

func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// tokenGuard fails a read once more than MaxTokenBytes were read since the
// last token boundary: the decoder is then buffering one oversized token.
// It deliberately has no ReadByte, so the decoder reads it through its own
// buffer in 4 KiB chunks.
type tokenGuard struct {
	r     io.Reader
	since int
}

// ErrTokenTooLarge is returned for a text run, comment or tag larger than
// MaxTokenBytes.
var ErrTokenTooLarge = fmt.Errorf("an XML token (text, comment or tag) is larger than %d KiB; sitemap values are at most %d characters",
	MaxTokenBytes>>10, MaxLocLength)

func (g *tokenGuard) Read(b []byte) (int, error) {
	if g.since > MaxTokenBytes {
		return 0, ErrTokenTooLarge
	}
	n, err := g.r.Read(b)
	g.since += n
	return n, err
}

// charsetReader decodes the legacy encodings an XML declaration may name.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return enc.NewDecoder().Reader(input), nil
}

// Kind reads up to the root element and reports what the document lists.
func (p *Parser) Kind() (Kind, error) {
	if p.kind != 0 {
		return p.kind, nil
	}
	for {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				return 0, fmt.Errorf("%w: the document is empty", ErrNotSitemap)
			}
			return 0, p.syntaxError(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "urlset":
				p.kind = URLSet
			case "sitemapindex":
				p.kind = Index
			default:
				return 0, fmt.Errorf("%w: the root element is <%s>, not <urlset> or <sitemapindex>", ErrNotSitemap, se.Name.Local)
			}
			p.space = se.Name.Space
			return p.kind, nil
		}
	}
}

// Next returns the next entry, or io.EOF after the root element closed and
// the document ended cleanly. An entry without a valid absolute http(s)
// <loc> is skipped and counted in Skipped.
func (p *Parser) Next() (Entry, error) {
	if _, err := p.Kind(); err != nil {
		return Entry{}, err
	}
	if p.done {
		return Entry{}, io.EOF
	}
	entryName := "url"
	if p.kind == Index {
		entryName = "sitemap"
	}
	for {
		tok, err := p.token()
		if err != nil {
			return Entry{}, p.syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != entryName || t.Name.Space != p.space {
				// Foreign elements (extensions, comments in markup) are
				// skipped whole.
				if err := p.skip(); err != nil {
					return Entry{}, err
				}
				continue
			}
			p.entries++
			if p.entries > MaxEntries {
				return Entry{}, ErrTooManyEntries
			}
			e, ok, err := p.readEntry()
			if err != nil {
				return Entry{}, err
			}
			if !ok {
				p.Skipped++
				continue
			}
			return e, nil
		case xml.EndElement:
			// The root closed: make sure nothing but whitespace, comments
			// and processing instructions follows.
			for {
				tok, err := p.token()
				if err == io.EOF {
					p.done = true
					return Entry{}, io.EOF
				}
				if err != nil {
					return Entry{}, p.syntaxError(err)
				}
				switch t := tok.(type) {
				case xml.CharData:
					if len(bytes.TrimSpace(t)) > 0 {
						return Entry{}, p.errorf("text after the root element")
					}
				case xml.StartElement:
					return Entry{}, p.errorf("element <%s> after the root element", t.Name.Local)
				}
			}
		}
	}
}

// Entries reports how many entries were read so far, skipped ones included.
func (p *Parser) Entries() int { return p.entries }

// readEntry reads the children of a <url> or <sitemap> up to its end tag.
func (p *Parser) readEntry() (e Entry, ok bool, err error) {
	var loc string
	for {
		tok, err := p.token()
		if err != nil {
			return Entry{}, false, p.syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != p.space {
				if err := p.skip(); err != nil {
					return Entry{}, false, err
				}
				continue
			}
			field := t.Name.Local
			switch field {
			case "loc", "lastmod", "changefreq", "priority":
			default:
				if err := p.skip(); err != nil {
					return Entry{}, false, err
				}
				continue
			}
			text, err := p.readText()
			if err != nil {
				return Entry{}, false, err
			}
			switch field {
			case "loc":
				loc = string(text)
			case "lastmod":
				e.Lastmod = parseLastmod(text)
			case "changefreq":
				e.Changefreq = parseChangefreq(text)
			case "priority":
				e.Priority = parsePriority(text)
			}
		case xml.EndElement:
			loc, ok := cleanLoc(loc)
			if !ok {
				return Entry{}, false, nil
			}
			e.Loc = loc
			if p.kind == Index {
				e.Changefreq, e.Priority = nil, nil
			}
			return e, true, nil
		}
	}
}

// readText returns the trimmed character data of a simple element and
// consumes its end tag. Nested elements are skipped.
func (p *Parser) readText() ([]byte, error) {
	p.text = p.text[:0]
	for {
		tok, err := p.token()
		if err != nil {
			return nil, p.syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(p.text)+len(t) > MaxLocLength*4 {
				// Longer than any valid value: keep reading but stop growing.
				continue
			}
			p.text = append(p.text, t...)
		case xml.StartElement:
			if err := p.skip(); err != nil {
				return nil, err
			}
		case xml.EndElement:
			return bytes.TrimSpace(p.text), nil
		}
	}
}

// skip consumes the element whose start tag was just read, bounding its
// nesting so a hostile document cannot make the decoder's stack grow.
func (p *Parser) skip() error {
	depth := 1
	for depth > 0 {
		tok, err := p.token()
		if err != nil {
			return p.syntaxError(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxNesting {
				return p.errorf("elements nested more than %d deep", maxNesting)
			}
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// syntaxError turns the decoder's errors into ones that name the line.
func (p *Parser) syntaxError(err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &MalformedError{Line: se.Line, Msg: se.Msg}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		line, _ := p.dec.InputPos()
		return &MalformedError{Line: line, Msg: "unexpected end of document"}
	}
	if errors.Is(err, ErrTokenTooLarge) {
		line, _ := p.dec.InputPos()
		return fmt.Errorf("line %d: %w", line, err)
	}
	return err
}

func (p *Parser) errorf(format string, args ...any) error {
	line, _ := p.dec.InputPos()
	return &MalformedError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// MalformedError reports a document that is not well-formed XML.
type MalformedError struct {
	Line int
	Msg  string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("malformed XML on line %d: %s", e.Line, e.Msg)
}

// cleanLoc accepts loc when it is an absolute http(s) URL of acceptable
// length, and returns it without userinfo: credentials a third-party site
// embeds (https://user:pw@host/) are neither stored nor sent.
func cleanLoc(loc string) (string, bool) {
	if loc == "" || len(loc) > MaxLocLength {
		return "", false
	}
	u, err := url.Parse(loc) // lower-cases the scheme
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	if u.User == nil {
		return loc, true
	}
	return stripUserinfo(u), true
}

// stripUserinfo returns u as a string without its userinfo; u is changed.
func stripUserinfo(u *url.URL) string {
	u.User = nil
	return u.String()
}

// RedactURL returns raw without userinfo when it parses as a URL with
// some, for error texts and logs; otherwise raw unchanged.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err == nil {
		if u.User == nil {
			return raw
		}
		return stripUserinfo(u)
	}
	// Unparsable: drop whatever sits between "://" and an "@" in the
	// authority.
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
			return raw[:i+3] + rest[at+1:]
		}
	}
	return raw
}

// lastmodLayouts are the W3C Datetime forms sitemaps.org allows, longest first.
var lastmodLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	"2006-01",
	"2006",
}

// parseLastmod parses a W3C Datetime; nil when it is not one.
func parseLastmod(b []byte) *time.Time {
	if len(b) == 0 || len(b) > 40 {
		return nil
	}
	s := string(b)
	for _, layout := range lastmodLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

var changefreqs = map[string]string{
	"always": "always", "hourly": "hourly", "daily": "daily", "weekly": "weekly",
	"monthly": "monthly", "yearly": "yearly", "never": "never",
}

func parseChangefreq(b []byte) *string {
	if v, ok := changefreqs[strings.ToLower(string(b))]; ok {
		return &v
	}
	return nil
}

func parsePriority(b []byte) *float32 {
	f, err := strconv.ParseFloat(string(b), 32)
	if err != nil || f < 0 || f > 1 {
		return nil
	}
	v := float32(f)
	return &v
}
