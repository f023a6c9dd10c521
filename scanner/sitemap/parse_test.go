package sitemap

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// readAll parses a whole document, returning its kind, entries and error.
func readAll(t *testing.T, doc string) (Kind, []Entry, *Parser, error) {
	t.Helper()
	p := NewParser(strings.NewReader(doc))
	kind, err := p.Kind()
	if err != nil {
		return 0, nil, p, err
	}
	var out []Entry
	for {
		e, err := p.Next()
		if err == io.EOF {
			return kind, out, p, nil
		}
		if err != nil {
			return kind, out, p, err
		}
		out = append(out, e)
	}
}

func TestParseURLSet(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <!-- a comment -->
  <url>
    <loc> https://example.com/a?x=1&amp;y=2 </loc>
    <lastmod>2024-05-01T10:20:30+02:00</lastmod>
    <changefreq>Weekly</changefreq>
    <priority>0.8</priority>
    <image:image><image:loc>https://example.com/img.png</image:loc></image:image>
    <xhtml:link rel="alternate" hreflang="de" href="https://example.com/de/a"/>
  </url>
  <url><loc>https://example.com/b</loc><lastmod>2024-05</lastmod><priority>7</priority><changefreq>sometimes</changefreq></url>
  <url><loc>/relative</loc></url>
  <url><loc>ftp://example.com/file</loc></url>
  <url><lastmod>2024-01-01</lastmod></url>
  <url><loc>https://example.com/c</loc><lastmod>yesterday</lastmod></url>
</urlset>`
	kind, entries, p, err := readAll(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if kind != URLSet {
		t.Fatalf("kind = %v, want urlset", kind)
	}
	if len(entries) != 3 || p.Skipped != 3 || p.Entries() != 6 {
		t.Fatalf("got %d entries, %d skipped, %d read; want 3, 3, 6: %+v", len(entries), p.Skipped, p.Entries(), entries)
	}
	a := entries[0]
	if a.Loc != "https://example.com/a?x=1&y=2" {
		t.Errorf("loc = %q", a.Loc)
	}
	want := time.Date(2024, 5, 1, 8, 20, 30, 0, time.UTC)
	if a.Lastmod == nil || !a.Lastmod.Equal(want) {
		t.Errorf("lastmod = %v, want %v", a.Lastmod, want)
	}
	if a.Changefreq == nil || *a.Changefreq != "weekly" {
		t.Errorf("changefreq = %v", a.Changefreq)
	}
	if a.Priority == nil || *a.Priority != 0.8 {
		t.Errorf("priority = %v", a.Priority)
	}
	b := entries[1]
	if b.Lastmod == nil || !b.Lastmod.Equal(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("month lastmod = %v", b.Lastmod)
	}
	if b.Priority != nil || b.Changefreq != nil {
		t.Errorf("invalid priority/changefreq kept: %v %v", b.Priority, b.Changefreq)
	}
	if entries[2].Lastmod != nil {
		t.Errorf("invalid lastmod kept: %v", entries[2].Lastmod)
	}
}

func TestParseIndexWithoutNamespace(t *testing.T) {
	doc := `<sitemapindex>
  <sitemap><loc>https://example.com/s1.xml</loc><lastmod>2024-04-01</lastmod></sitemap>
  <sitemap><loc>https://example.com/s2.xml.gz</loc></sitemap>
</sitemapindex>`
	kind, entries, _, err := readAll(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if kind != Index || len(entries) != 2 || entries[1].Loc != "https://example.com/s2.xml.gz" {
		t.Fatalf("kind %v, entries %+v", kind, entries)
	}
	if entries[0].Lastmod == nil || entries[1].Lastmod != nil {
		t.Errorf("lastmods: %v %v", entries[0].Lastmod, entries[1].Lastmod)
	}
}

func TestParseForeignNamespaceEntriesIgnored(t *testing.T) {
	// A <url> in another namespace is not a sitemap entry.
	doc := `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:x="urn:x">
  <x:url><x:loc>https://example.com/not</x:loc></x:url>
  <url><loc>https://example.com/yes</loc></url>
</urlset>`
	_, entries, _, err := readAll(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Loc != "https://example.com/yes" {
		t.Fatalf("entries %+v", entries)
	}
}

func TestParseLegacyCharset(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<urlset><url><loc>https://example.com/caf\xe9</loc></url></urlset>"
	_, entries, _, err := readAll(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Loc != "https://example.com/café" {
		t.Fatalf("entries %+v", entries)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string // substring of the error
		line      int    // for MalformedError; 0: not one
		notSite   bool
	}{
		{name: "mismatched tag", doc: "<urlset>\n<url>\n<loc>https://a.example/</lock>\n</url></urlset>",
			want: "malformed XML on line 3", line: 3},
		{name: "truncated", doc: "<urlset>\n<url><loc>https://a.example/</loc></url>\n<url><loc>https://b.exa",
			want: "malformed XML on line 3", line: 3},
		{name: "html", doc: "<!DOCTYPE html>\n<html><body>Not found</body></html>", want: "root element is <html>", notSite: true},
		{name: "empty", doc: "   ", want: "document is empty", notSite: true},
		{name: "text after root", doc: "<urlset></urlset>\ntrailing", want: "text after the root element", line: 2},
		{name: "second root", doc: "<urlset></urlset><urlset></urlset>", want: "after the root element", line: 1},
		{name: "undefined entity", doc: "<urlset><url><loc>https://a.example/&nbsp;</loc></url></urlset>",
			want: "malformed XML on line 1", line: 1},
		{name: "unknown charset", doc: `<?xml version="1.0" encoding="x-nonsense"?><urlset/>`, want: "x-nonsense"},
		{name: "nesting bomb", doc: "<urlset><x>" + strings.Repeat("<y>", 100) + strings.Repeat("</y>", 100) + "</x></urlset>",
			want: "nested more than", line: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := readAll(t, tt.doc)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
			if errors.Is(err, ErrNotSitemap) != tt.notSite {
				t.Errorf("errors.Is(ErrNotSitemap) = %v", !tt.notSite)
			}
			var me *MalformedError
			if tt.line > 0 && (!errors.As(err, &me) || me.Line != tt.line) {
				t.Errorf("want MalformedError on line %d, got %#v", tt.line, err)
			}
		})
	}
}

func TestParseEntryLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("<urlset>")
	for i := range MaxEntries + 1 {
		fmt.Fprintf(&b, "<url><loc>https://example.com/%d</loc></url>", i)
	}
	b.WriteString("</urlset>")
	_, entries, _, err := readAll(t, b.String())
	if !errors.Is(err, ErrTooManyEntries) {
		t.Fatalf("err = %v, want ErrTooManyEntries", err)
	}
	if len(entries) != MaxEntries {
		t.Fatalf("read %d entries before the limit, want %d", len(entries), MaxEntries)
	}
}

func TestParseTokenLimit(t *testing.T) {
	// One text run of 2 MiB: encoding/xml would buffer it whole.
	doc := "<urlset>\n<url><loc>https://example.com/" + strings.Repeat("a", 2<<20) + "</loc></url></urlset>"
	_, _, _, err := readAll(t, doc)
	if !errors.Is(err, ErrTokenTooLarge) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want ErrTokenTooLarge on line 2", err)
	}
	// Many tokens adding up to more than the limit are fine.
	var b strings.Builder
	b.WriteString("<urlset>")
	for range 3000 {
		b.WriteString("<!-- " + strings.Repeat(" ", 1000) + " -->")
	}
	b.WriteString("<url><loc>https://example.com/x</loc></url></urlset>")
	if _, entries, _, err := readAll(t, b.String()); err != nil || len(entries) != 1 {
		t.Fatalf("3 MB of small comments: %d entries, err %v", len(entries), err)
	}
}

func TestParseLastmodForms(t *testing.T) {
	for in, want := range map[string]string{
		"2024":                        "2024-01-01T00:00:00Z",
		"2024-02":                     "2024-02-01T00:00:00Z",
		"2024-02-03":                  "2024-02-03T00:00:00Z",
		"2024-02-03T04:05Z":           "2024-02-03T04:05:00Z",
		"2024-02-03T04:05+01:00":      "2024-02-03T03:05:00Z",
		"2024-02-03T04:05:06Z":        "2024-02-03T04:05:06Z",
		"2024-02-03T04:05:06.5-02:00": "2024-02-03T06:05:06.5Z",
		"03/02/2024":                  "",
		"2024-02-03 04:05:06":         "",
	} {
		got := parseLastmod([]byte(in))
		switch {
		case want == "" && got != nil:
			t.Errorf("%q parsed as %v, want nil", in, got)
		case want != "" && (got == nil || got.Format(time.RFC3339Nano) != want):
			t.Errorf("%q = %v, want %s", in, got, want)
		}
	}
}
