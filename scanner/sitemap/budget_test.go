package sitemap_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
)

// cpuTime is the process's user plus system CPU time so far.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hostileIndexSite serves the reliability report's D3 fixture: robots.txt
// names /amp.xml, and every other path answers with one gzip-encoded index
// listing 50,000 variants of /amp.xml?v=N, so each variant is a new file
// that lists 50,000 more.
func hostileIndexSite(t *testing.T) *httptest.Server {
	t.Helper()
	var idx []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprintf(w, "Sitemap: http://%s/amp.xml\n", r.Host)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(idx)
	}))
	t.Cleanup(srv.Close)
	var b bytes.Buffer
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := range sitemap.MaxEntries {
		fmt.Fprintf(&b, "<sitemap><loc>%s/amp.xml?v=%d</loc></sitemap>", srv.URL, i)
	}
	b.WriteString(`</sitemapindex>`)
	idx = sitetest.Gzip(b.Bytes())
	return srv
}

// TestScanHostileIndexStopsAtJobBudget is D3: with the default settings a
// scan of the self-variant index used to parse 50,000 entries from each of
// 1,000 files (measured at about 160 CPU-seconds a job). Reading an index
// stops once the job's file limit is reached, and the scan says why.
func TestScanHostileIndexStopsAtJobBudget(t *testing.T) {
	srv := hostileIndexSite(t)
	cfg := fetchConfig()
	sc := sitemap.NewScanner(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sink := &memSink{}
	// Far below the 15-minute job timeout, far above what the bounded scan
	// needs even on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	cpu0, start := cpuTime(t), time.Now()
	sum, err := sc.Scan(ctx, sitemap.Request{BaseURL: srv.URL, MaxPages: 10000}, sink)
	cpu, wall := cpuTime(t)-cpu0, time.Since(start)
	t.Logf("hostile index: %d files read, %d failed, stopped=%q; wall %s, CPU %s",
		sum.Files, sum.FailedFiles, sum.Stopped, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
	if err != nil {
		t.Fatalf("scan did not finish within 30s: %v (%d files read)", err, len(sink.files))
	}
	if sum.Files > cfg.MaxFiles {
		t.Errorf("read %d files, more than the limit of %d", sum.Files, cfg.MaxFiles)
	}
	if !strings.Contains(sum.Stopped, fmt.Sprintf("limit of %d sitemap files", cfg.MaxFiles)) {
		t.Errorf("Summary.Stopped = %q, want the file limit", sum.Stopped)
	}
	if len(sum.Failures) == 0 || !strings.Contains(sum.Failures[0].Err.Error(), "limit of 1000 sitemap files") {
		t.Errorf("failures %v do not record the file limit", sum.Failures)
	}
	// Once the limit is reached no index is parsed further, so the whole
	// job parses about one index's worth of entries, not 1,000 of them.
	var children int
	for _, f := range sink.files {
		children += f.End.Children
	}
	if children > 2*cfg.MaxFiles {
		t.Errorf("%d index entries read; reading should stop at the file limit", children)
	}
	if cpu > 20*time.Second {
		t.Errorf("the scan used %s of CPU", cpu)
	}
}

// budgetSite serves robots.txt naming n urlsets of per URLs each.
func budgetSite(t *testing.T, n, per int) *sitetest.Site {
	site := sitetest.New(t)
	var maps []string
	for i := range n {
		p := fmt.Sprintf("/s%d.xml", i)
		maps = append(maps, site.URL(p))
		site.Handle(p, sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(fmt.Sprintf("https://example.com/%d", i), per)...), Encoding: "gzip"})
	}
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(maps...)})
	return site
}

func TestScanJobByteBudget(t *testing.T) {
	t.Parallel()
	site := budgetSite(t, 4, 3000) // about 400 KB uncompressed each
	one := int64(len(sitetest.URLSet(sitetest.Pages("https://example.com/0", 3000)...)))
	sum, sink := scanSite(t, site, 100000, func(c *config.Fetch) { c.MaxJobBytes = int(one + one/2) })
	if !strings.Contains(sum.Stopped, "uncompressed") {
		t.Fatalf("Stopped = %q; summary %+v", sum.Stopped, sum)
	}
	// s0 whole, s1 cut at the budget, s2 and s3 never fetched.
	if sum.Files != 2 || sum.FailedFiles != 1 || site.Hits("/s2.xml") != 0 || site.Hits("/s3.xml") != 0 {
		t.Fatalf("summary %+v; hits s2 %d s3 %d", sum, site.Hits("/s2.xml"), site.Hits("/s3.xml"))
	}
	s1 := sink.file(t, "/s1.xml")
	if s1.End.Err == nil || !strings.Contains(s1.End.Err.Error(), "uncompressed") || s1.URLs == 0 || s1.URLs >= 3000 {
		t.Errorf("s1: err %v, %d URLs", s1.End.Err, s1.URLs)
	}
	if total := sink.file(t, "/s0.xml").End.Bytes + s1.End.Bytes; total > one+one/2+64<<10 {
		t.Errorf("%d bytes read with a budget of %d", total, one+one/2)
	}
}

func TestScanJobEntryBudget(t *testing.T) {
	t.Parallel()
	site := budgetSite(t, 3, 1000)
	sum, sink := scanSite(t, site, 100000, func(c *config.Fetch) { c.MaxJobEntries = 2500 })
	if !strings.Contains(sum.Stopped, "2500 entries") {
		t.Fatalf("Stopped = %q; summary %+v", sum.Stopped, sum)
	}
	if sum.URLs != 2500 || sum.Files != 3 || sum.FailedFiles != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if s2 := sink.file(t, "/s2.xml"); s2.End.Err == nil || s2.URLs != 500 {
		t.Errorf("s2: err %v, %d URLs", s2.End.Err, s2.URLs)
	}
}
