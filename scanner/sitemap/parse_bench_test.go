package sitemap

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// sitemap50k renders a urlset of 50,000 URLs with every optional field, the
// largest file sitemaps.org allows by count (about 7 MB).
func sitemap50k() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i := range MaxEntries {
		fmt.Fprintf(&b, "  <url>\n    <loc>https://www.example.com/products/category-%d/item-%d.html</loc>\n"+
			"    <lastmod>2024-05-%02dT10:20:30+00:00</lastmod>\n    <changefreq>weekly</changefreq>\n"+
			"    <priority>0.%d</priority>\n  </url>\n", i%100, i, i%28+1, i%10)
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// BenchmarkParse50k parses a 50,000-URL sitemap as a stream and reports
// URLs parsed per second.
func BenchmarkParse50k(b *testing.B) {
	doc := sitemap50k()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p := NewParser(bytes.NewReader(doc))
		n := 0
		for {
			_, err := p.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != MaxEntries {
			b.Fatalf("parsed %d URLs, want %d", n, MaxEntries)
		}
	}
	b.ReportMetric(float64(MaxEntries*b.N)/b.Elapsed().Seconds(), "urls/s")
}
