package sitetest

import (
	"fmt"
	"testing"
)

// Truth is what a scan of a generated site must find.
type Truth struct {
	Files int // sitemap files, indexes included
	URLs  int // distinct page URLs
}

// Generated starts site number i of a family of sites whose shapes vary
// with i: robots.txt with several sitemaps or none (then /sitemap.xml is
// probed), nested indexes, gzip as a .gz file and as Content-Encoding, and
// URLs repeated across files (counted once).
func Generated(t testing.TB, i int) (*Site, Truth) {
	s := New(t)
	n := 20 + (i*37)%80 // 20..99 URLs per file
	pages := func(file string, count int) []string { return Pages(s.URL("/"+file), count) }
	var truth Truth
	switch i % 4 {
	case 0: // robots → index → two urlsets (one .gz), plus a plain urlset
		a, b, c := pages("a", n), pages("b", n+1), pages("c", n+2)
		s.Handle("/robots.txt", Resource{Body: Robots(s.URL("/sitemap_index.xml"), s.URL("/extra.xml")), ContentType: "text/plain"})
		s.Handle("/sitemap_index.xml", Resource{Body: Index(s.URL("/a.xml"), s.URL("/b.xml.gz"))})
		s.Handle("/a.xml", Resource{Body: URLSet(a...)})
		s.Handle("/b.xml.gz", Resource{Body: Gzip(URLSet(b...)), ContentType: "application/gzip"})
		s.Handle("/extra.xml", Resource{Body: URLSet(c...), Encoding: "gzip"})
		truth = Truth{Files: 4, URLs: len(a) + len(b) + len(c)}
	case 1: // no robots.txt: /sitemap.xml probed, a urlset repeating some URLs
		a := pages("p", n)
		dup := append(append([]string{}, a...), a[:5]...)
		s.Handle("/sitemap.xml", Resource{Body: URLSet(dup...)})
		truth = Truth{Files: 1, URLs: len(a)}
	case 2: // two-level nesting, a second reference to the same file
		a, b := pages("x", n), pages("y", n/2+1)
		s.Handle("/robots.txt", Resource{Body: Robots(s.URL("/top.xml")), ContentType: "text/plain"})
		s.Handle("/top.xml", Resource{Body: Index(s.URL("/mid.xml"), s.URL("/x.xml"))})
		s.Handle("/mid.xml", Resource{Body: Index(s.URL("/y.xml"), s.URL("/x.xml"))})
		s.Handle("/x.xml", Resource{Body: URLSet(a...)})
		s.Handle("/y.xml", Resource{Body: URLSet(append(b, a[:3]...)...), Encoding: "gzip"})
		truth = Truth{Files: 4, URLs: len(a) + len(b)}
	case 3: // robots with three urlsets, overlapping
		a, b, c := pages("m", n), pages("n", n), pages("o", 7)
		s.Handle("/robots.txt", Resource{Body: Robots(s.URL("/m.xml"), s.URL("/n.xml"), s.URL("/o.xml")), ContentType: "text/plain"})
		s.Handle("/m.xml", Resource{Body: URLSet(a...)})
		s.Handle("/n.xml", Resource{Body: URLSet(append(b, a[:10]...)...)})
		s.Handle("/o.xml", Resource{Body: Gzip(URLSet(c...))})
		truth = Truth{Files: 3, URLs: len(a) + len(b) + len(c)}
	}
	if truth.Files == 0 {
		panic(fmt.Sprintf("generated site %d has no shape", i))
	}
	return s, truth
}
