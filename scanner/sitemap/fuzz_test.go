package sitemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net/url"
	"strings"
	"testing"
)

// checkURL fails unless raw is an absolute http(s) URL without userinfo,
// the contract for every URL the parser and robots.txt handling return.
func checkURL(t *testing.T, what, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s %q does not parse: %v", what, raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.Fatalf("%s %q is not an absolute http(s) URL", what, raw)
	}
	if u.User != nil {
		t.Fatalf("%s %q carries userinfo", what, raw)
	}
}

// fuzzSeeds are documents from the parser's tests and the hostile shapes of
// the reliability report.
var fuzzSeeds = []string{
	`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://example.com/a?x=1&amp;y=2 </loc><lastmod>2024-05-01T10:20:30+02:00</lastmod><changefreq>Weekly</changefreq><priority>0.8</priority></url><url><loc>/relative</loc></url></urlset>`,
	`<sitemapindex><sitemap><loc>https://example.com/s1.xml</loc><lastmod>2024-04</lastmod></sitemap></sitemapindex>`,
	`<urlset><url><loc>https://user:pw@example.com/a</loc></url><url><loc>http://@example.com/b</loc></url><url><loc>HTTPS://EXAMPLE.COM:443/c#f</loc></url></urlset>`,
	`<s:urlset xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9"><s:url><s:loc>https://example.com/x</s:loc></s:url><url><loc>https://example.com/foreign</loc></url></s:urlset>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><urlset><url><loc>https://example.com/caf` + "\xe9" + `</loc></url></urlset>`,
	"<urlset>\n<url>\n<loc>https://a.example/</lock>\n</url></urlset>",
	"<urlset><x>" + strings.Repeat("<y>", 70) + strings.Repeat("</y>", 70) + "</x></urlset>",
	"<urlset><url><loc><![CDATA[https://example.com/cdata]]></loc></url><!-- c --><?pi x?></urlset>\n",
	"<!DOCTYPE html><html><body>Not found</body></html>",
	"<urlset></urlset><urlset></urlset>",
}

// FuzzParseSitemap: on any input (gzipped or not, as the fetcher passes
// both) the parser does not panic, stays within its entry and nesting
// bounds, and returns only absolute http(s) URLs without userinfo.
func FuzzParseSitemap(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(fuzzSeeds[0]))
	_ = zw.Close()
	f.Add(gz.Bytes())

	f.Fuzz(func(t *testing.T, data []byte) {
		body, _, err := decompress(bytes.NewReader(data), 2)
		if err != nil {
			return
		}
		// The fetcher's cap, at a size that keeps the fuzzer fast: a gzip
		// input may inflate far past the input's size.
		p := NewParser(&countingReader{r: body, limit: 4 << 20})
		kind, err := p.Kind()
		if err != nil {
			return
		}
		if kind != URLSet && kind != Index {
			t.Fatalf("kind %v without an error", kind)
		}
		returned := 0
		var endErr error
		for {
			e, err := p.Next()
			if len(p.open) > maxNesting+4 {
				t.Fatalf("%d elements open", len(p.open))
			}
			if err != nil {
				endErr = err
				break
			}
			returned++
			if returned > MaxEntries || p.Entries() > MaxEntries {
				t.Fatalf("%d entries returned, %d read", returned, p.Entries())
			}
			if len(e.Loc) > MaxLocLength {
				t.Fatalf("loc of %d bytes", len(e.Loc))
			}
			checkURL(t, "loc", e.Loc)
			if e.Priority != nil && (*e.Priority < 0 || *e.Priority > 1) {
				t.Fatalf("priority %v", *e.Priority)
			}
			if kind == Index && (e.Priority != nil || e.Changefreq != nil) {
				t.Fatalf("index entry with urlset fields: %+v", e)
			}
		}
		// A document read to its end accounts for every entry.
		if endErr == io.EOF && returned+p.Skipped != p.Entries() {
			t.Fatalf("%d returned + %d skipped != %d read", returned, p.Skipped, p.Entries())
		}
	})
}

// FuzzRobots: robots.txt handling does not panic on any body, and every
// Sitemap URL it returns is absolute http(s) without userinfo, once, and
// no more of them than the body has lines.
func FuzzRobots(f *testing.F) {
	for _, s := range []string{
		"User-agent: *\nDisallow: /private/\n\nSitemap: https://example.com/s.xml\n",
		"\ufeffSITEMAP : /relative.xml # comment\nsitemap:https://example.com/s.xml#frag\nSitemap: https://example.com/s.xml\n",
		"Sitemap: https://user:pw@example.com/s.xml\nSitemap: //other.example/t.xml\nSitemap: ftp://example.com/x\nSitemap: \nSitemap: http://[::1\n",
		"User-agent: dbaudit-sitemap-scanner\nAllow: /sitemap.xml\nDisallow: /\nCrawl-delay: 10\n",
		"User-agent: *\nDisallow: /*.xml$\nAllow: /sitemap_index.xml\n",
		"<html><body>not robots</body></html>",
	} {
		f.Add([]byte(s), 200)
	}
	f.Add([]byte("Sitemap: /s.xml\n"), 404)
	f.Add([]byte(""), 500)
	base, _ := url.Parse("https://example.com/robots.txt")

	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if len(body) > robotsLimit {
			body = body[:robotsLimit]
		}
		r := ParseRobots(base, status, body)
		lines := 0
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 0, 4096), robotsLimit)
		for sc.Scan() {
			lines++
		}
		if len(r.Sitemaps) > lines {
			t.Fatalf("%d sitemaps from %d lines", len(r.Sitemaps), lines)
		}
		seen := map[string]bool{}
		for _, s := range r.Sitemaps {
			checkURL(t, "sitemap", s)
			if seen[s] {
				t.Fatalf("sitemap %q listed twice", s)
			}
			seen[s] = true
		}
		for _, path := range []string{"/", "/sitemap.xml", "/sitemap_index.xml", "/private/x"} {
			r.Allowed(path, agentToken("dbaudit-sitemap-scanner/1.0"))
		}
	})
}
