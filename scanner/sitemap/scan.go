package sitemap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/dbaudit/dbaudit/scanner/config"
)

// Source says how a sitemap file was found.
type Source string

const (
	// FromRobots files are named by a robots.txt Sitemap: line.
	FromRobots Source = "robots"
	// FromWellKnown files are /sitemap.xml and /sitemap_index.xml, probed
	// when robots.txt names no sitemap.
	FromWellKnown Source = "well-known"
	// FromIndex files are listed by a sitemap index.
	FromIndex Source = "index"
)

// File describes a sitemap file about to be read.
type File struct {
	URL     string
	Kind    Kind // 0 when the file failed before its root element was read
	Source  Source
	Parent  string // the index listing it, if any
	Depth   int    // 0 for files found through robots.txt or probing
	Lastmod *time.Time
}

// FileEnd is how reading a file ended.
type FileEnd struct {
	Kind Kind
	// Children is how many sitemaps an index lists; once the job's file
	// limit is reached indexes are read no further, and it counts those
	// read before.
	Children int
	Bytes    int64
	Lastmod  *time.Time // from Last-Modified
	Err      error      // why the file was not read completely
}

// Sink receives what a scan finds. The job layer stores it; an error from
// the sink stops the scan.
type Sink interface {
	BeginFile(ctx context.Context, f File) (fileID int64, err error)
	// AddURLs records entries of a urlset and returns how many were new.
	AddURLs(ctx context.Context, fileID int64, entries []Entry) (added int64, err error)
	EndFile(ctx context.Context, fileID int64, end FileEnd) error
}

// Progress is a scan's state, reported after every file and URL batch.
type Progress struct {
	FilesDone    int
	FilesFailed  int
	FilesPending int
	URLs         int64
}

// FileFailure is a sitemap file that could not be read completely.
type FileFailure struct {
	URL string
	Err error
}

// Summary is the result of a scan that was not stopped by its context or
// its sink.
type Summary struct {
	Files           int
	FailedFiles     int
	URLs            int64
	MaxPagesReached bool
	// Revisits counts sitemap references skipped because the file was
	// already read or queued: loops and duplicates.
	Revisits int
	// Failures are the first few failed files.
	Failures []FileFailure
	// NotFound explains, when no file was found, what discovery tried.
	NotFound []string
	// Stopped says which of the job's budgets (files, uncompressed bytes,
	// entries) ended the scan before everything found was read; "" when
	// none did. The file that hit the budget is among Failures.
	Stopped string
	// CutShortBytes is how much of the file being read was read when the
	// context or the sink stopped the scan (the sink's BeginFile without
	// EndFile), so the job layer can record it.
	CutShortBytes int64
}

// BudgetError is the failure of a file that a job's budget left unread or
// cut short.
type BudgetError struct {
	// Budget is "files", "bytes" or "entries".
	Budget string
	Limit  int
}

func (e *BudgetError) Error() string {
	switch e.Budget {
	case "files":
		return fmt.Sprintf("not read: the job's limit of %d sitemap files was reached", e.Limit)
	case "bytes":
		return fmt.Sprintf("not read completely: the job's budget of %s of uncompressed sitemap data was reached", sizeText(e.Limit))
	}
	return fmt.Sprintf("not read completely: the job's budget of %d entries was reached", e.Limit)
}

func sizeText(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// maxFailuresKept bounds Summary.Failures.
const maxFailuresKept = 10

// urlBatch is how many URLs go to the sink at once.
const urlBatch = 1000

// Scanner discovers and reads a site's sitemaps.
type Scanner struct {
	fetch *Fetcher
	cfg   config.Fetch
	agent string
	log   *slog.Logger
}

// NewScanner returns a Scanner fetching with cfg.
func NewScanner(cfg config.Fetch, log *slog.Logger) *Scanner {
	defaults := config.Default().Fetch
	if cfg.MaxJobBytes <= 0 {
		cfg.MaxJobBytes = defaults.MaxJobBytes
	}
	if cfg.MaxJobEntries <= 0 {
		cfg.MaxJobEntries = defaults.MaxJobEntries
	}
	return &Scanner{fetch: NewFetcher(cfg), cfg: cfg, agent: agentToken(cfg.UserAgent), log: log}
}

// Fetcher returns the scanner's fetcher.
func (s *Scanner) Fetcher() *Fetcher { return s.fetch }

// Request is one scan.
type Request struct {
	BaseURL  string
	MaxPages int64
	// OnProgress, if set, is called from the scanning goroutine.
	OnProgress func(Progress)
}

// queued is a sitemap reference waiting to be read.
type queued struct {
	url     string
	source  Source
	parent  string
	depth   int
	lastmod *time.Time
}

// scan is the state of one Scan call.
type scan struct {
	*Scanner
	req     Request
	sink    Sink
	sum     Summary
	queue   []queued
	visited map[string]bool
	full    bool // MaxFiles reached; further references are dropped
	// bytes and entries are what the job read so far, against
	// cfg.MaxJobBytes and cfg.MaxJobEntries; exhausted stops the scan.
	bytes     int64
	entries   int64
	exhausted bool
}

// Scan reads the sitemaps of req.BaseURL's host into sink. It returns an
// error only when ctx ends or the sink fails; problems with the site or its
// files are in the Summary.
func (s *Scanner) Scan(ctx context.Context, req Request, sink Sink) (Summary, error) {
	base, err := url.Parse(req.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return Summary{}, fmt.Errorf("base URL %q is not an absolute http(s) URL", req.BaseURL)
	}
	root := &url.URL{Scheme: base.Scheme, Host: base.Host}
	sc := &scan{Scanner: s, req: req, sink: sink, visited: map[string]bool{}}

	robots, reachable, err := sc.robots(ctx, root)
	if err != nil {
		return sc.sum, err
	}
	if !reachable {
		// No HTTP answer at all (DNS, refused address, timeout): probing
		// the same host twice more would only repeat the error.
		return sc.sum, nil
	}
	if len(robots.Sitemaps) > 0 {
		for _, u := range robots.Sitemaps {
			sc.enqueue(queued{url: u, source: FromRobots})
		}
	} else {
		for _, p := range []string{"/sitemap.xml", "/sitemap_index.xml"} {
			if !robots.Allowed(p, s.agent) {
				sc.sum.NotFound = append(sc.sum.NotFound, p+": disallowed by robots.txt")
				continue
			}
			sc.enqueue(queued{url: root.JoinPath(p).String(), source: FromWellKnown})
		}
	}

	for len(sc.queue) > 0 && !sc.sum.MaxPagesReached && !sc.exhausted {
		if err := ctx.Err(); err != nil {
			return sc.sum, err
		}
		next := sc.queue[0]
		sc.queue = sc.queue[1:]
		if err := sc.read(ctx, next); err != nil {
			return sc.sum, err
		}
		sc.progress()
	}
	if sc.exhausted && len(sc.queue) > 0 {
		sc.sum.Stopped += fmt.Sprintf("; %d queued sitemap files not read", len(sc.queue))
	}
	return sc.sum, nil
}

// robots fetches and parses robots.txt. Only the context ending is an
// error; anything else means "no robots.txt" and is noted. reachable is
// false when the host gave no HTTP answer at all.
func (sc *scan) robots(ctx context.Context, root *url.URL) (_ Robots, reachable bool, _ error) {
	robotsURL := root.JoinPath("/robots.txt")
	resp, err := sc.fetch.Get(ctx, robotsURL.String(), robotsLimit, true)
	if err != nil {
		if ctx.Err() != nil {
			return Robots{}, false, ctx.Err()
		}
		sc.sum.NotFound = append(sc.sum.NotFound, "robots.txt: "+err.Error())
		return Robots{}, false, nil
	}
	defer resp.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		if ctx.Err() != nil {
			return Robots{}, false, ctx.Err()
		}
		sc.sum.NotFound = append(sc.sum.NotFound, "robots.txt: "+err.Error())
		return Robots{}, true, nil
	}
	robots := ParseRobots(resp.URL, resp.StatusCode, body)
	if len(robots.Sitemaps) == 0 {
		note := "robots.txt: no Sitemap lines"
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			note = "robots.txt: HTTP " + resp.Status
		}
		sc.sum.NotFound = append(sc.sum.NotFound, note)
	}
	return robots, true, nil
}

// enqueue queues a reference unless it was seen before (a loop or a
// duplicate) or the file budget is spent.
func (sc *scan) enqueue(q queued) {
	key := visitKey(q.url)
	if sc.visited[key] {
		sc.sum.Revisits++
		return
	}
	if len(sc.visited) >= sc.cfg.MaxFiles {
		if !sc.full {
			sc.full = true
			err := &BudgetError{Budget: "files", Limit: sc.cfg.MaxFiles}
			sc.sum.Stopped = err.Error()
			sc.fail(q.url, err)
		}
		return
	}
	sc.visited[key] = true
	sc.queue = append(sc.queue, q)
}

// read fetches and reads one queued file. It returns an error only when the
// scan must stop.
func (sc *scan) read(ctx context.Context, q queued) error {
	probe := q.source == FromWellKnown
	file := File{URL: q.url, Source: q.source, Parent: q.parent, Depth: q.depth, Lastmod: q.lastmod}

	if q.depth > sc.cfg.MaxDepth {
		return sc.record(ctx, file, FileEnd{Err: fmt.Errorf("not read: sitemap indexes nested more than %d deep", sc.cfg.MaxDepth)})
	}
	resp, err := sc.fetch.Get(ctx, q.url, MaxBytes, false)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if probe {
			sc.sum.NotFound = append(sc.sum.NotFound, pathOf(q.url)+": "+err.Error())
			return nil
		}
		return sc.record(ctx, file, FileEnd{Err: err})
	}
	defer resp.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := fmt.Errorf("HTTP %s", resp.Status)
		if probe {
			sc.sum.NotFound = append(sc.sum.NotFound, pathOf(q.url)+": "+err.Error())
			return nil
		}
		return sc.record(ctx, file, FileEnd{Err: err, Lastmod: resp.LastModified})
	}

	parser := NewParser(&budgetReader{r: resp.Body, sc: sc})
	kind, err := parser.Kind()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if probe && errors.Is(err, ErrNotSitemap) {
			// A soft 404: an HTML page served for any path.
			sc.sum.NotFound = append(sc.sum.NotFound, pathOf(q.url)+": "+err.Error())
			return nil
		}
		sc.noteBudget(err)
		return sc.record(ctx, file, FileEnd{Err: err, Bytes: resp.BytesRead(), Lastmod: resp.LastModified})
	}
	file.Kind = kind
	fileID, err := sc.sink.BeginFile(ctx, file)
	if err != nil {
		return err
	}

	end := FileEnd{Kind: kind, Lastmod: resp.LastModified}
	var readErr error
	entriesBefore := sc.entries
	if kind == Index {
		end.Children, readErr = sc.readIndex(parser, q, entriesBefore)
	} else {
		readErr = sc.readURLSet(ctx, parser, fileID, entriesBefore)
		var sinkErr *sinkError
		if errors.As(readErr, &sinkErr) {
			sc.sum.CutShortBytes = resp.BytesRead()
			return sinkErr.err
		}
	}
	if readErr != nil && ctx.Err() != nil {
		sc.sum.CutShortBytes = resp.BytesRead()
		return ctx.Err()
	}
	sc.noteBudget(readErr)
	end.Bytes = resp.BytesRead()
	end.Err = readErr
	return sc.end(ctx, fileID, q.url, end)
}

// sinkError marks an error from the sink inside file reading, which stops
// the scan instead of failing the file.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }

// readURLSet streams a urlset's entries to the sink in batches, stopping at
// the job's max_pages.
func (sc *scan) readURLSet(ctx context.Context, parser *Parser, fileID int64, entriesBefore int64) error {
	batch := make([]Entry, 0, urlBatch)
	flush := func() error {
		pending := batch
		batch = batch[:0]
		for len(pending) > 0 {
			room := sc.req.MaxPages - sc.sum.URLs
			if room <= 0 {
				sc.sum.MaxPagesReached = true
				return nil
			}
			n := int(min(int64(len(pending)), room))
			added, err := sc.sink.AddURLs(ctx, fileID, pending[:n])
			if err != nil {
				return &sinkError{err}
			}
			sc.sum.URLs += added
			pending = pending[n:]
		}
		if sc.sum.URLs >= sc.req.MaxPages {
			sc.sum.MaxPagesReached = true
		}
		sc.progress()
		return nil
	}
	for !sc.sum.MaxPagesReached {
		e, err := parser.Next()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = sc.countEntries(parser, entriesBefore)
		}
		if err != nil {
			// Keep what was read before the error.
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return err
		}
		batch = append(batch, e)
		if len(batch) == urlBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// readIndex queues an index's children and returns how many it lists. Once
// the job's file limit is reached nothing more could be queued, so the rest
// of the index is not read: a hostile index of 50,000 self-variants costs
// one parse, not one per file.
func (sc *scan) readIndex(parser *Parser, q queued, entriesBefore int64) (int, error) {
	children := 0
	for !sc.full {
		e, err := parser.Next()
		if err == io.EOF {
			return children, nil
		}
		if err == nil {
			err = sc.countEntries(parser, entriesBefore)
		}
		if err != nil {
			return children, err
		}
		children++
		sc.enqueue(queued{url: e.Loc, source: FromIndex, parent: q.url, depth: q.depth + 1, lastmod: e.Lastmod})
	}
	return children, nil
}

// countEntries adds the file's entries so far to the job's and fails once
// they pass the job's budget.
func (sc *scan) countEntries(parser *Parser, entriesBefore int64) error {
	sc.entries = entriesBefore + int64(parser.Entries())
	if sc.entries > int64(sc.cfg.MaxJobEntries) {
		return &BudgetError{Budget: "entries", Limit: sc.cfg.MaxJobEntries}
	}
	return nil
}

// noteBudget stops the scan when err is a job budget running out.
func (sc *scan) noteBudget(err error) {
	var budget *BudgetError
	if errors.As(err, &budget) && !sc.exhausted {
		sc.exhausted = true
		sc.sum.Stopped = budget.Error()
	}
}

// budgetReader counts a job's uncompressed sitemap bytes and fails a read
// past cfg.MaxJobBytes.
type budgetReader struct {
	r  io.Reader
	sc *scan
}

func (b *budgetReader) Read(p []byte) (int, error) {
	rest := int64(b.sc.cfg.MaxJobBytes) - b.sc.bytes
	if rest <= 0 {
		// One byte more tells "ends exactly at the budget" from "goes on".
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, &BudgetError{Budget: "bytes", Limit: b.sc.cfg.MaxJobBytes}
	}
	if int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.sc.bytes += int64(n)
	return n, err
}

// record stores a file that failed before it could be read.
func (sc *scan) record(ctx context.Context, f File, end FileEnd) error {
	fileID, err := sc.sink.BeginFile(ctx, f)
	if err != nil {
		return err
	}
	return sc.end(ctx, fileID, f.URL, end)
}

func (sc *scan) end(ctx context.Context, fileID int64, fileURL string, end FileEnd) error {
	if err := sc.sink.EndFile(ctx, fileID, end); err != nil {
		return err
	}
	sc.sum.Files++
	if end.Err != nil {
		sc.fail(fileURL, end.Err)
	}
	return nil
}

func (sc *scan) fail(fileURL string, err error) {
	sc.sum.FailedFiles++
	if len(sc.sum.Failures) < maxFailuresKept {
		sc.sum.Failures = append(sc.sum.Failures, FileFailure{URL: fileURL, Err: err})
	}
	sc.log.Debug("sitemap file failed", "url", fileURL, "error", err)
}

func (sc *scan) progress() {
	if sc.req.OnProgress != nil {
		sc.req.OnProgress(Progress{
			FilesDone:    sc.sum.Files,
			FilesFailed:  sc.sum.FailedFiles,
			FilesPending: len(sc.queue),
			URLs:         sc.sum.URLs,
		})
	}
}

// visitKey normalises a URL for loop detection: scheme and host lower-case,
// default port and fragment dropped.
func visitKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

func pathOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Path != "" {
		return u.Path
	}
	return raw
}
