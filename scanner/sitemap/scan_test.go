package sitemap_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
)

// memSink records a scan in memory, deduplicating URLs per scan like the
// store does. The store-backed sink is tested in package jobs.
type memSink struct {
	mu    sync.Mutex
	files []memFile
	seen  map[string]bool
}

type memFile struct {
	sitemap.File
	End  sitemap.FileEnd
	URLs int64
}

func (m *memSink) BeginFile(_ context.Context, f sitemap.File) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files = append(m.files, memFile{File: f})
	return int64(len(m.files) - 1), nil
}

func (m *memSink) AddURLs(_ context.Context, id int64, entries []sitemap.Entry) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	var added int64
	for _, e := range entries {
		if !m.seen[e.Loc] {
			m.seen[e.Loc] = true
			added++
		}
	}
	m.files[id].URLs += added
	return added, nil
}

func (m *memSink) EndFile(_ context.Context, id int64, end sitemap.FileEnd) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files[id].End = end
	return nil
}

func (m *memSink) file(t *testing.T, suffix string) memFile {
	t.Helper()
	for _, f := range m.files {
		if strings.HasSuffix(f.URL, suffix) {
			return f
		}
	}
	t.Fatalf("no file %s among %v", suffix, m.urls())
	return memFile{}
}

func (m *memSink) urls() []string {
	var out []string
	for _, f := range m.files {
		out = append(out, f.URL)
	}
	return out
}

func scanSite(t *testing.T, site *sitetest.Site, maxPages int64, tweak func(*config.Fetch)) (sitemap.Summary, *memSink) {
	t.Helper()
	cfg := fetchConfig()
	if tweak != nil {
		tweak(&cfg)
	}
	sc := sitemap.NewScanner(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sink := &memSink{}
	sum, err := sc.Scan(context.Background(), sitemap.Request{BaseURL: site.URL("/some/page"), MaxPages: maxPages}, sink)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return sum, sink
}

func TestScanLoopAndDuplicates(t *testing.T) {
	t.Parallel()
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/a.xml"), site.URL("/a.xml#dup"), "/b.xml")}).
		Handle("/a.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/b.xml"), site.URL("/pages.xml"))}).
		Handle("/b.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/a.xml"), strings.ToUpper(site.URL("/pages.xml")[:4])+site.URL("/pages.xml")[4:])}).
		Handle("/pages.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages("https://example.com", 5)...)})
	sum, sink := scanSite(t, site, 100, nil)
	if sum.Files != 3 || sum.URLs != 5 || sum.FailedFiles != 0 {
		t.Fatalf("summary %+v; files %v", sum, sink.urls())
	}
	// a.xml#dup, b.xml from a.xml, a.xml from b.xml, HTTP://…/pages.xml from b.xml.
	if sum.Revisits != 4 {
		t.Errorf("revisits = %d, want 4", sum.Revisits)
	}
	for _, p := range []string{"/a.xml", "/b.xml", "/pages.xml"} {
		if site.Hits(p) != 1 {
			t.Errorf("%s fetched %d times", p, site.Hits(p))
		}
	}
	if f := sink.file(t, "/a.xml"); f.End.Children != 2 || f.Kind != sitemap.Index || f.Source != sitemap.FromRobots {
		t.Errorf("a.xml: %+v", f)
	}
	if f := sink.file(t, "/b.xml"); f.Source != sitemap.FromRobots {
		t.Errorf("b.xml (relative in robots.txt) source %s", f.Source)
	}
}

func TestScanDepthLimit(t *testing.T) {
	t.Parallel()
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/i0.xml"))})
	for i := range 4 {
		site.Handle("/i"+string(rune('0'+i))+".xml", sitetest.Resource{Body: sitetest.Index(site.URL("/i" + string(rune('1'+i)) + ".xml"))})
	}
	sum, sink := scanSite(t, site, 100, func(c *config.Fetch) { c.MaxDepth = 2 })
	// i0 (depth 0), i1, i2 read; i3 at depth 3 recorded as failed, not fetched.
	if sum.Files != 4 || sum.FailedFiles != 1 || site.Hits("/i3.xml") != 0 {
		t.Fatalf("summary %+v, i3 hits %d", sum, site.Hits("/i3.xml"))
	}
	if f := sink.file(t, "/i3.xml"); f.Depth != 3 || f.End.Err == nil || !strings.Contains(f.End.Err.Error(), "nested more than 2 deep") {
		t.Errorf("i3: %+v", f)
	}
}

func TestScanMaxPagesAndMaxFiles(t *testing.T) {
	t.Parallel()
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/a.xml"), site.URL("/b.xml"), site.URL("/c.xml"))}).
		Handle("/a.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages("https://example.com/a", 1500)...)}).
		Handle("/b.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages("https://example.com/b", 1500)...)}).
		Handle("/c.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages("https://example.com/c", 10)...)})

	sum, sink := scanSite(t, site, 2100, nil)
	if sum.URLs != 2100 || !sum.MaxPagesReached || sum.Files != 2 || site.Hits("/c.xml") != 0 {
		t.Fatalf("max_pages: summary %+v, c.xml hits %d", sum, site.Hits("/c.xml"))
	}
	if sink.file(t, "/b.xml").URLs != 600 {
		t.Errorf("b.xml recorded %d URLs, want 600", sink.file(t, "/b.xml").URLs)
	}

	sum, _ = scanSite(t, site, 10000, func(c *config.Fetch) { c.MaxFiles = 2 })
	if sum.Files != 2 || sum.FailedFiles != 1 || len(sum.Failures) != 1 ||
		!strings.Contains(sum.Failures[0].Err.Error(), "limit of 2 sitemap files") {
		t.Fatalf("max files: summary %+v", sum)
	}
}

func TestScanProbesWellKnownPaths(t *testing.T) {
	t.Parallel()
	// No robots.txt: /sitemap.xml is an HTML soft 404, /sitemap_index.xml
	// the real index.
	site := sitetest.New(t)
	site.Handle("/sitemap.xml", sitetest.Resource{Body: []byte("<html><body>nothing here</body></html>"), ContentType: "text/html"}).
		Handle("/sitemap_index.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/p.xml.gz"))}).
		Handle("/p.xml.gz", sitetest.Resource{Body: sitetest.Gzip(sitetest.URLSet("https://example.com/x"))})
	sum, sink := scanSite(t, site, 100, nil)
	if sum.Files != 2 || sum.URLs != 1 || sum.FailedFiles != 0 {
		t.Fatalf("summary %+v, files %v", sum, sink.urls())
	}
	if f := sink.file(t, "/sitemap_index.xml"); f.Source != sitemap.FromWellKnown {
		t.Errorf("index source %s", f.Source)
	}
	if !slices.ContainsFunc(sum.NotFound, func(s string) bool { return strings.Contains(s, "/sitemap.xml: not a sitemap") }) {
		t.Errorf("NotFound %q does not explain /sitemap.xml", sum.NotFound)
	}

	// Nothing at all: the summary says what was tried.
	empty := sitetest.New(t)
	sum, _ = scanSite(t, empty, 100, nil)
	if sum.Files != 0 || len(sum.NotFound) != 3 {
		t.Fatalf("empty site: %+v", sum)
	}
	if !strings.Contains(strings.Join(sum.NotFound, "; "), "/sitemap_index.xml: HTTP 404") {
		t.Errorf("NotFound %q", sum.NotFound)
	}
}

func TestScanRespectsRobotsDisallowForProbes(t *testing.T) {
	t.Parallel()
	site := sitetest.New(t).
		Handle("/robots.txt", sitetest.Resource{Body: []byte("User-agent: *\nDisallow: /sitemap_index.xml\n")}).
		Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet("https://example.com/x")}).
		Handle("/sitemap_index.xml", sitetest.Resource{Body: sitetest.Index("https://example.com/never.xml")})
	sum, _ := scanSite(t, site, 100, nil)
	if sum.Files != 1 || site.Hits("/sitemap_index.xml") != 0 {
		t.Fatalf("summary %+v, index hits %d", sum, site.Hits("/sitemap_index.xml"))
	}
}

func TestScanContextCancelled(t *testing.T) {
	t.Parallel()
	site := sitetest.New(t).Handle("/robots.txt", sitetest.Resource{Body: []byte("Sitemap: /s.xml\n")})
	sc := sitemap.NewScanner(fetchConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sc.Scan(ctx, sitemap.Request{BaseURL: site.URL("/"), MaxPages: 10}, &memSink{}); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
