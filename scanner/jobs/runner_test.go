package jobs_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
	"github.com/dbaudit/dbaudit/scanner/jobs"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
	"github.com/dbaudit/dbaudit/scanner/store"
)

var ctx = context.Background()

type harness struct {
	t      *testing.T
	store  *store.Store
	runner *jobs.Runner
	cfg    config.Config
	dsn    string
	// patience bounds wait.
	patience time.Duration
}

// newHarness starts a runner on a fresh migrated schema. tweak adjusts the
// configuration first.
func newHarness(t *testing.T, tweak func(*config.Config)) *harness {
	t.Helper()
	return newHarnessOn(t, nil, tweak)
}

// newHarnessOn is newHarness on the store open returns (nil: a fresh
// migrated schema).
func newHarnessOn(t *testing.T, open func(config.DB) (*store.Store, string), tweak func(*config.Config)) *harness {
	t.Helper()
	log := testdb.Logger(t)
	cfg := config.Default()
	cfg.Fetch.AllowPrivate = true
	cfg.Fetch.Timeout = 3 * time.Second
	cfg.Jobs.Workers = 4
	cfg.Jobs.InstanceID = "test-" + uuid.NewString()[:8]
	cfg.Jobs.PollInterval = 50 * time.Millisecond
	cfg.Jobs.HeartbeatInterval = 100 * time.Millisecond
	cfg.Jobs.StaleAfter = 10 * time.Second
	cfg.Jobs.JobTimeout = 20 * time.Second
	if tweak != nil {
		tweak(&cfg)
	}
	var st *store.Store
	var dsn string
	if open == nil {
		st, dsn = testdb.Store(t, cfg.DB.MaxConns)
	} else {
		st, dsn = open(cfg.DB)
	}
	runner := jobs.New(cfg.Jobs, st, sitemap.NewScanner(cfg.Fetch, log), log)
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := runner.Shutdown(sctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return &harness{t: t, store: st, runner: runner, cfg: cfg, dsn: dsn, patience: 30 * time.Second}
}

func (h *harness) submit(baseURL string, maxPages int32) uuid.UUID {
	h.t.Helper()
	job, err := h.store.CreateJob(ctx, store.NewJob{BaseURL: baseURL, Host: strings.TrimPrefix(baseURL, "http://"), MaxPages: maxPages})
	if err != nil {
		h.t.Fatal(err)
	}
	h.runner.Notify()
	return job.JobID
}

func (h *harness) wait(id uuid.UUID) store.Job {
	h.t.Helper()
	deadline := time.Now().Add(h.patience)
	for time.Now().Before(deadline) {
		job, err := h.store.GetJob(ctx, id)
		if err != nil {
			h.t.Fatal(err)
		}
		if store.Terminal(job.Status) {
			return job
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("job %s not terminal after %s", id, h.patience)
	return store.Job{}
}

func (h *harness) files(id uuid.UUID) map[string]store.SitemapFile {
	h.t.Helper()
	files, err := h.store.ListFiles(ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]store.SitemapFile{}
	for _, f := range files {
		path := f.URL[strings.Index(f.URL[len("http://"):], "/")+len("http://"):]
		out[path] = f
	}
	return out
}

// countURLs counts the stored URL rows of a job by paging through them.
func (h *harness) countURLs(id uuid.UUID) int {
	h.t.Helper()
	n, after := 0, int64(0)
	for {
		page, err := h.store.ListURLs(ctx, id, after, 1000)
		if err != nil {
			h.t.Fatal(err)
		}
		n += len(page)
		if len(page) < 1000 {
			return n
		}
		after = page[len(page)-1].URLID
	}
}

// checkCounts asserts that the job's counters, its files' url_count and its
// URL rows agree.
func (h *harness) checkCounts(job store.Job) {
	h.t.Helper()
	sum := int64(0)
	for _, f := range h.files(job.JobID) {
		if f.Kind != nil && *f.Kind == store.KindURLSet {
			sum += int64(f.URLCount)
		}
	}
	rows := int64(h.countURLs(job.JobID))
	if sum != job.URLsFound || rows != job.URLsFound {
		h.t.Errorf("job urls_found %d, sum of urlset url_count %d, URL rows %d", job.URLsFound, sum, rows)
	}
}

func TestScanRobotsWithSeveralSitemapsNestedAndGzipped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t)
	a, b, c, d := sitetest.Pages(site.URL("/a"), 30), sitetest.Pages(site.URL("/b"), 20), sitetest.Pages(site.URL("/c"), 10), sitetest.Pages(site.URL("/d"), 5)
	modified := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/index.xml"), site.URL("/c.xml.gz"), site.URL("/moved.xml")), ContentType: "text/plain"}).
		Handle("/index.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/a.xml"), site.URL("/sub-index.xml"))}).
		Handle("/sub-index.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/b.xml"))}).
		Handle("/a.xml", sitetest.Resource{Body: sitetest.URLSet(a...), Encoding: "gzip"}).
		Handle("/b.xml", sitetest.Resource{Body: sitetest.URLSet(append(b, a[:4]...)...)}).
		Handle("/c.xml.gz", sitetest.Resource{Body: sitetest.Gzip(sitetest.URLSet(c...)), ContentType: "application/gzip", LastModified: modified}).
		Handle("/moved.xml", sitetest.Resource{Redirect: "/new/d.xml"}).
		Handle("/new/d.xml", sitetest.Resource{Body: sitetest.URLSet(d...)})

	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusCompleted || job.Error != nil {
		t.Fatalf("job %s: %v", job.Status, *job.Error)
	}
	if job.FilesFound != 6 || job.FilesFailed != 0 || job.URLsFound != 65 || job.MaxPagesReached {
		t.Fatalf("counts: files %d failed %d urls %d reached %v", job.FilesFound, job.FilesFailed, job.URLsFound, job.MaxPagesReached)
	}
	files := h.files(job.JobID)
	want := map[string]struct {
		kind   string
		count  int32
		depth  int32
		source string
	}{
		"/index.xml":     {store.KindSitemapIndex, 2, 0, store.SourceRobots},
		"/c.xml.gz":      {store.KindURLSet, 10, 0, store.SourceRobots},
		"/moved.xml":     {store.KindURLSet, 5, 0, store.SourceRobots},
		"/a.xml":         {store.KindURLSet, 30, 1, store.SourceIndex},
		"/sub-index.xml": {store.KindSitemapIndex, 1, 1, store.SourceIndex},
		"/b.xml":         {store.KindURLSet, 20, 2, store.SourceIndex}, // 4 repeats of a.xml not counted
	}
	for path, w := range want {
		f, ok := files[path]
		if !ok {
			t.Errorf("file %s missing", path)
			continue
		}
		if *f.Kind != w.kind || f.URLCount != w.count || f.Depth != w.depth || f.Source != w.source || f.Error != nil {
			t.Errorf("%s: kind %s count %d depth %d source %s error %v; want %+v", path, *f.Kind, f.URLCount, f.Depth, f.Source, f.Error, w)
		}
	}
	if f := files["/a.xml"]; f.Lastmod == nil || f.ParentURL == nil || !strings.HasSuffix(*f.ParentURL, "/index.xml") {
		t.Errorf("a.xml: lastmod from the index %v, parent %v", f.Lastmod, f.ParentURL)
	}
	if f := files["/c.xml.gz"]; f.Lastmod == nil || !f.Lastmod.Equal(modified) {
		t.Errorf("c.xml.gz: lastmod from Last-Modified = %v", f.Lastmod)
	}
	h.checkCounts(job)
	if dom, err := h.store.GetDomain(ctx, strings.TrimPrefix(site.URL(""), "http://")); err != nil || dom.LastScannedAt == nil {
		t.Errorf("domain: %+v %v", dom, err)
	}
}

func TestScanIndexLoop(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t)
	site.Handle("/sitemap_index.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/b.xml"), site.URL("/pages.xml"))}).
		Handle("/b.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/sitemap_index.xml"))}).
		Handle("/pages.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(""), 12)...)})

	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusCompleted || job.FilesFound != 3 || job.URLsFound != 12 {
		t.Fatalf("job %s files %d urls %d error %v", job.Status, job.FilesFound, job.URLsFound, job.Error)
	}
	if site.Hits("/sitemap_index.xml") != 1 || site.Hits("/b.xml") != 1 {
		t.Errorf("loop refetched: index %d, b %d", site.Hits("/sitemap_index.xml"), site.Hits("/b.xml"))
	}
	if f := h.files(job.JobID)["/sitemap_index.xml"]; f.Source != store.SourceWellKnown {
		t.Errorf("index source %s", f.Source)
	}
	h.checkCounts(job)
}

func TestScanMalformedFileFailsJobButKeepsOthers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t)
	bad := []byte("<urlset>\n<url><loc>" + site.URL("/x1") + "</loc></url>\n<url><loc>" + site.URL("/x2") + "</loc>\n</urlset>\n")
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/good.xml"), site.URL("/bad.xml"), site.URL("/good2.xml"))}).
		Handle("/good.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/g"), 7)...)}).
		Handle("/bad.xml", sitetest.Resource{Body: bad}).
		Handle("/good2.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/h"), 3)...)})

	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusFailed || job.Error == nil {
		t.Fatalf("job %s, error %v", job.Status, job.Error)
	}
	if msg := *job.Error; !strings.Contains(msg, "1 of 3 sitemap files failed") || !strings.Contains(msg, "/bad.xml") ||
		!strings.Contains(msg, "malformed XML on line 4") {
		t.Errorf("job error %q", msg)
	}
	files := h.files(job.JobID)
	if files["/good.xml"].URLCount != 7 || files["/good2.xml"].URLCount != 3 {
		t.Errorf("good files: %d, %d URLs", files["/good.xml"].URLCount, files["/good2.xml"].URLCount)
	}
	// The URL read before the error is kept; the file says what went wrong.
	if f := files["/bad.xml"]; f.Error == nil || !strings.Contains(*f.Error, "line 4") || f.URLCount != 1 {
		t.Errorf("bad.xml: count %d, error %v", f.URLCount, f.Error)
	}
	if job.URLsFound != 11 || job.FilesFailed != 1 {
		t.Errorf("urls %d, failed files %d", job.URLsFound, job.FilesFailed)
	}
	h.checkCounts(job)
}

func TestScanOversizedFile(t *testing.T) {
	t.Parallel()
	// Inflating 50 MB takes a while under the race detector.
	h := newHarness(t, func(c *config.Config) { c.Fetch.Timeout = time.Minute; c.Jobs.JobTimeout = 2 * time.Minute })
	h.patience = 2 * time.Minute
	site := sitetest.New(t)
	// Valid XML that inflates past 50 MB in tokens of 100 KB (comments),
	// so the size cap and not the token cap stops it.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	_, _ = zw.Write([]byte("<urlset><url><loc>" + site.URL("/first") + "</loc></url>"))
	comment := []byte("<!--" + strings.Repeat(" ", 100<<10) + "-->")
	for range 530 {
		_, _ = zw.Write(comment)
	}
	_, _ = zw.Write([]byte("</urlset>"))
	_ = zw.Close()
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/huge.xml.gz"), site.URL("/ok.xml"))}).
		Handle("/huge.xml.gz", sitetest.Resource{Body: bomb.Bytes()}).
		Handle("/ok.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/ok"))})

	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusFailed || !strings.Contains(*job.Error, "larger than 50 MB uncompressed") {
		t.Fatalf("job %s: %v", job.Status, job.Error)
	}
	files := h.files(job.JobID)
	if f := files["/huge.xml.gz"]; f.Error == nil || f.Bytes != 50<<20 || f.URLCount != 1 {
		t.Errorf("huge file: bytes %d, count %d, error %v", f.Bytes, f.URLCount, f.Error)
	}
	if files["/ok.xml"].URLCount != 1 {
		t.Errorf("ok.xml not stored")
	}
}

func TestScanSlowServerTimesOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config.Config) { c.Fetch.Timeout = 300 * time.Millisecond })
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/slow.xml"), site.URL("/trickle.xml"), site.URL("/fast.xml"))}).
		Handle("/slow.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/s")), Delay: 10 * time.Second}).
		Handle("/trickle.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/t"), 100)...), Delay: 200 * time.Millisecond, Chunks: 20}).
		Handle("/fast.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/f"))})

	start := time.Now()
	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusFailed || !strings.Contains(*job.Error, "2 of 3 sitemap files failed") {
		t.Fatalf("job %s: %v", job.Status, job.Error)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("job took %s despite a 300ms fetch timeout", d)
	}
	files := h.files(job.JobID)
	for _, p := range []string{"/slow.xml", "/trickle.xml"} {
		if f := files[p]; f.Error == nil || !strings.Contains(*f.Error, "no complete response within 300ms") {
			t.Errorf("%s: error %v", p, f.Error)
		}
	}
	if files["/fast.xml"].URLCount != 1 {
		t.Errorf("fast.xml not stored")
	}
	h.checkCounts(job)
}

func TestScanRefusesPrivateAddress(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config.Config) { c.Fetch.AllowPrivate = false })
	site := sitetest.New(t).Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet("https://example.com/")})

	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusFailed || job.Error == nil ||
		!strings.Contains(*job.Error, "no sitemap found (robots.txt: ") ||
		!strings.Contains(*job.Error, "refusing to connect to 127.0.0.1: loopback address") ||
		strings.Contains(*job.Error, "/sitemap.xml") {
		t.Fatalf("job %s: %v", job.Status, deref(job.Error))
	}
	if site.Hits("/robots.txt")+site.Hits("/sitemap.xml") != 0 {
		t.Errorf("the private server was reached")
	}
}

func TestScanNoSitemapExplainsWhatWasTried(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t).Handle("/robots.txt", sitetest.Resource{Body: []byte("User-agent: *\nAllow: /\n")})
	job := h.wait(h.submit(site.URL(""), 1000))
	want := "no sitemap found (robots.txt: no Sitemap lines; /sitemap.xml: HTTP 404 Not Found; /sitemap_index.xml: HTTP 404 Not Found)"
	if job.Status != store.StatusFailed || deref(job.Error) != want {
		t.Fatalf("job %s: %q\nwant %q", job.Status, deref(job.Error), want)
	}
}

func TestScanMaxPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t)
	site.Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(""), 2500)...)})
	job := h.wait(h.submit(site.URL(""), 1234))
	if job.Status != store.StatusCompleted || job.URLsFound != 1234 || !job.MaxPagesReached {
		t.Fatalf("job %s urls %d reached %v", job.Status, job.URLsFound, job.MaxPagesReached)
	}
	h.checkCounts(job)
}

func TestJobTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config.Config) { c.Jobs.JobTimeout = time.Second })
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/a.xml"), site.URL("/slow.xml"))}).
		Handle("/a.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/a"))}).
		Handle("/slow.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/s")), Delay: 10 * time.Second})
	job := h.wait(h.submit(site.URL(""), 1000))
	// On a loaded machine the second may run out while a.xml is still being
	// stored: then it is kept cut short, and the counts still equal the rows.
	msg := deref(job.Error)
	if job.Status != store.StatusFailed || !strings.HasPrefix(msg, "timed out after 1s; 1 files") ||
		!strings.HasSuffix(msg, "and 1 URLs read so far are kept") {
		t.Fatalf("job %s: %v", job.Status, msg)
	}
	h.checkCounts(job)
	if rows := h.rowCounts(job.JobID); rows.files != 1 || int64(job.FilesFound) != 1 {
		t.Errorf("files_found %d, file rows %d; want 1", job.FilesFound, rows.files)
	}
}

func TestLiveProgressAndGracefulShutdown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t)
	var refs []string
	for i := range 6 {
		p := "/part-" + string(rune('a'+i)) + ".xml"
		refs = append(refs, site.URL(p))
		site.Handle(p, sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(p), 10)...)})
	}
	// The fourth file never finishes: the job is running when we shut down.
	site.Handle("/part-d.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/d")), Delay: time.Minute})
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(refs...)})

	id := h.submit(site.URL(""), 1000)
	var snap jobs.Snapshot
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, ok := h.runner.Live(id)
		if ok && s.Progress.FilesDone == 3 {
			snap = s
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("live progress never reached 3 files: %+v %v", s, ok)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if snap.Job.Status != store.StatusRunning || snap.Job.URLsFound != 30 || snap.Progress.FilesPending != 3 {
		t.Errorf("snapshot %+v", snap)
	}
	if h.runner.Running() != 1 {
		t.Errorf("Running() = %d", h.runner.Running())
	}

	start := time.Now()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := h.runner.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown took %s", d)
	}
	job, err := h.store.GetJob(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != store.StatusInterrupted || job.URLsFound != 30 || job.FilesFound != 3 || job.FinishedAt == nil ||
		!strings.Contains(deref(job.Error), "3 files and 30 URLs read so far are kept") {
		t.Fatalf("after shutdown: %s files %d urls %d error %q", job.Status, job.FilesFound, job.URLsFound, deref(job.Error))
	}
	if _, ok := h.runner.Live(id); ok {
		t.Error("job still live after shutdown")
	}
}

func TestBatchConcurrencyLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config.Config) { c.Jobs.Workers = 6 })
	var newJobs []store.NewJob
	for range 5 {
		site := sitetest.New(t)
		site.Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(""), 5)...), Delay: 300 * time.Millisecond})
		newJobs = append(newJobs, store.NewJob{BaseURL: site.URL(""), Host: strings.TrimPrefix(site.URL(""), "http://")})
	}
	batch, _, err := h.store.CreateBatch(ctx, 100, 2, newJobs)
	if err != nil {
		t.Fatal(err)
	}
	h.runner.Notify()
	peak := 0
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, jobs, err := h.store.GetBatch(ctx, batch.BatchID)
		if err != nil {
			t.Fatal(err)
		}
		running, done := 0, 0
		for _, j := range jobs {
			switch {
			case j.Status == store.StatusRunning:
				running++
			case store.Terminal(j.Status):
				done++
				if j.Status != store.StatusCompleted || j.URLsFound != 5 {
					t.Fatalf("batch job %s urls %d error %v", j.Status, j.URLsFound, deref(j.Error))
				}
			}
		}
		peak = max(peak, running)
		if done == len(jobs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch not done: %d of %d", done, len(jobs))
		}
		time.Sleep(15 * time.Millisecond)
	}
	if peak > 2 {
		t.Errorf("%d batch jobs ran at once; max_concurrent_jobs is 2", peak)
	}
	if peak < 2 {
		t.Errorf("peak concurrency %d: the limit was never reached, so the test proves nothing", peak)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
