// Package sitetest serves fixture web sites for the scanner's tests: robots
// files, sitemaps and indexes (plain or gzipped), slow and broken responses,
// all on loopback httptest servers.
package sitetest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Resource is what a path serves.
type Resource struct {
	Body        []byte
	ContentType string // default application/xml
	// Encoding "gzip" compresses Body on the wire with Content-Encoding: gzip.
	Encoding string
	Status   int // default 200
	// Delay is waited before the headers, or between chunks when Chunks > 1.
	Delay  time.Duration
	Chunks int
	// Redirect, when set, answers 302 to this location.
	Redirect string
	// LastModified, when set, is sent as the Last-Modified header.
	LastModified time.Time
}

// Site is a fixture web site.
type Site struct {
	*httptest.Server
	mu    sync.Mutex
	paths map[string]Resource
	hits  map[string]int
	stop  chan struct{}
}

// New starts an empty site, closed when the test ends.
func New(t testing.TB) *Site {
	s := &Site{paths: map[string]Resource{}, hits: map[string]int{}, stop: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Close unblocks slow responses and stops the server.
func (s *Site) Close() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	s.Server.CloseClientConnections()
	s.Server.Close()
}

// Handle makes path serve r.
func (s *Site) Handle(path string, r Resource) *Site {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths[path] = r
	return s
}

// URL is the absolute URL of path on the site.
func (s *Site) URL(path string) string { return s.Server.URL + path }

// Hits is how often path was requested.
func (s *Site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	res, ok := s.paths[r.URL.Path]
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if res.Redirect != "" {
		http.Redirect(w, r, res.Redirect, http.StatusFound)
		return
	}
	body := res.Body
	if res.Encoding == "gzip" {
		body = Gzip(body)
		w.Header().Set("Content-Encoding", "gzip")
	}
	ct := res.ContentType
	if ct == "" {
		ct = "application/xml"
	}
	w.Header().Set("Content-Type", ct)
	if !res.LastModified.IsZero() {
		w.Header().Set("Last-Modified", res.LastModified.UTC().Format(http.TimeFormat))
	}
	chunks := max(res.Chunks, 1)
	if chunks == 1 && res.Delay > 0 && !s.wait(r, res.Delay) {
		return
	}
	status := res.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if chunks == 1 {
		_, _ = w.Write(body)
		return
	}
	// Trickle the body: headers arrive at once, the rest slowly.
	size := (len(body) + chunks - 1) / chunks
	for len(body) > 0 {
		n := min(size, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		body = body[n:]
		if len(body) > 0 && !s.wait(r, res.Delay) {
			return
		}
	}
}

// wait sleeps d unless the client or the site goes away first.
func (s *Site) wait(r *http.Request, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	case <-s.stop:
		return false
	}
}

// URLSet renders a <urlset> of locs.
func URLSet(locs ...string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, l := range locs {
		fmt.Fprintf(&b, "  <url><loc>%s</loc><lastmod>2024-05-01</lastmod><changefreq>weekly</changefreq><priority>0.5</priority></url>\n", escape(l))
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

// Index renders a <sitemapindex> of locs.
func Index(locs ...string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, l := range locs {
		fmt.Fprintf(&b, "  <sitemap><loc>%s</loc><lastmod>2024-04-01T10:00:00+00:00</lastmod></sitemap>\n", escape(l))
	}
	b.WriteString("</sitemapindex>\n")
	return b.Bytes()
}

// Robots renders a robots.txt listing sitemaps.
func Robots(sitemaps ...string) []byte {
	var b strings.Builder
	b.WriteString("User-agent: *\nDisallow: /private/\n\n")
	for _, s := range sitemaps {
		b.WriteString("Sitemap: " + s + "\n")
	}
	return []byte(b.String())
}

// Pages returns n page URLs under prefix.
func Pages(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s/page-%d", prefix, i)
	}
	return out
}

// Gzip compresses b.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func escape(s string) string {
	var b bytes.Buffer
	_ = xmlEscape(&b, s)
	return b.String()
}

func xmlEscape(b *bytes.Buffer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	_, err := r.WriteString(b, s)
	return err
}
