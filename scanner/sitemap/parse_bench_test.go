package sitemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"
)

// writeSitemap50k writes a urlset of 50,000 URLs with every optional
// field, the largest file sitemaps.org allows by count (10.3 MB).
func writeSitemap50k(w io.Writer) {
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	bw.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i := range MaxEntries {
		fmt.Fprintf(bw, "  <url>\n    <loc>https://www.example.com/products/category-%d/item-%d.html</loc>\n"+
			"    <lastmod>2024-05-%02dT10:20:30+00:00</lastmod>\n    <changefreq>weekly</changefreq>\n"+
			"    <priority>0.%d</priority>\n  </url>\n", i%100, i, i%28+1, i%10)
	}
	bw.WriteString("</urlset>\n")
	bw.Flush()
}

func sitemap50k() []byte {
	var b bytes.Buffer
	writeSitemap50k(&b)
	return b.Bytes()
}

// parseAll parses a whole urlset and returns how many URLs it lists.
func parseAll(b *testing.B, r io.Reader) int {
	p := NewParser(r)
	n := 0
	for {
		_, err := p.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// BenchmarkParse50k parses a 50,000-URL sitemap as a stream and reports
// URLs parsed per second.
func BenchmarkParse50k(b *testing.B) {
	doc := sitemap50k()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if n := parseAll(b, bytes.NewReader(doc)); n != MaxEntries {
			b.Fatalf("parsed %d URLs, want %d", n, MaxEntries)
		}
	}
	b.ReportMetric(float64(MaxEntries*b.N)/b.Elapsed().Seconds(), "urls/s")
}

// BenchmarkParse50kGzip is the production path: a gzipped 50,000-URL
// sitemap streamed through the fetcher's decompression and size cap into
// the parser. The plain document never exists in memory, so the process's
// peak RSS here is what parsing such a file costs.
func BenchmarkParse50kGzip(b *testing.B) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	writeSitemap50k(zw)
	zw.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		body, _, err := decompress(bytes.NewReader(gz.Bytes()), 2)
		if err != nil {
			b.Fatal(err)
		}
		capped := &countingReader{r: body, limit: MaxBytes}
		if n := parseAll(b, capped); n != MaxEntries {
			b.Fatalf("parsed %d URLs, want %d", n, MaxEntries)
		}
	}
	b.ReportMetric(float64(MaxEntries*b.N)/b.Elapsed().Seconds(), "urls/s")
	b.ReportMetric(float64(gz.Len()), "gzip-bytes")
}
