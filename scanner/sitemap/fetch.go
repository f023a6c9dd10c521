package sitemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/dbaudit/dbaudit/scanner/config"
)

// Fetcher fetches documents over HTTP(S) with the scanner's safety rules:
// a dial-time address check, a per-host concurrency limit, a timeout
// covering the whole body, limited redirects, and transparent gzip (both as
// Content-Encoding and as .gz files) with a cap on the decompressed size.
type Fetcher struct {
	client  *http.Client
	cfg     config.Fetch
	limiter *hostLimiter
}

// NewFetcher returns a Fetcher for cfg.
func NewFetcher(cfg config.Fetch) *Fetcher {
	dialer := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control:   addressGuard(cfg.AllowPrivate),
	}
	transport := &http.Transport{
		// No proxy: with one, the dial check would judge the proxy's address
		// and not the target's.
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    cfg.PerHost,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		// We ask for gzip ourselves and decode it by its magic bytes, so a
		// .xml.gz served with Content-Encoding: gzip is handled too.
		DisableCompression: true,
	}
	maxRedirects := cfg.MaxRedirects
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to unsupported scheme %q", req.URL.Scheme)
			}
			return nil
		},
	}
	return &Fetcher{client: client, cfg: cfg, limiter: newHostLimiter(cfg.PerHost)}
}

// CloseIdle closes idle keep-alive connections.
func (f *Fetcher) CloseIdle() { f.client.CloseIdleConnections() }

// Response is a fetched document. Body yields the decompressed content and
// fails with ErrTooLarge past the size limit. Close it.
type Response struct {
	// URL is the final URL after redirects.
	URL          *url.URL
	StatusCode   int
	Status       string
	LastModified *time.Time
	Body         io.Reader
	// Compressed reports whether the body was gzip-compressed.
	Compressed bool

	counter *countingReader
	close   func()
}

// BytesRead is the uncompressed size read from Body so far.
func (r *Response) BytesRead() int64 { return r.counter.n }

// Close releases the connection and the per-host slot.
func (r *Response) Close() { r.close() }

// TooLargeError is returned by a Body read past its limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	if e.Limit%(1<<20) == 0 {
		return fmt.Sprintf("larger than %d MB uncompressed, the sitemaps.org limit per file", e.Limit>>20)
	}
	return fmt.Sprintf("larger than %d bytes uncompressed", e.Limit)
}

// TimeoutError is returned when a fetch, body included, takes longer than
// the configured timeout.
type TimeoutError struct {
	URL     string
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("GET %s: no complete response within %s", e.URL, e.Timeout)
}

// Get fetches rawURL, without its userinfo if it has any. limit caps the decompressed body; when truncate is
// true, reading stops quietly at the limit instead of failing (robots.txt
// is read that way: the first 500 KiB count).
func (f *Fetcher) Get(ctx context.Context, rawURL string, limit int64, truncate bool) (*Response, error) {
	// Userinfo is neither sent (as basic auth) nor repeated in errors.
	rawURL = RedactURL(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("GET %s: not an absolute http(s) URL", rawURL)
	}
	release, err := f.limiter.acquire(ctx, u.Host)
	if err != nil {
		return nil, err
	}
	fetchCtx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	done := func() { cancel(); release() }

	req, err := http.NewRequestWithContext(fetchCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		done()
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", "application/xml, text/xml;q=0.9, text/plain;q=0.5, */*;q=0.1")
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := f.client.Do(req)
	if err != nil {
		err = f.explain(ctx, fetchCtx, rawURL, err)
		done()
		return nil, err
	}

	raw := &timeoutReader{r: io.LimitReader(resp.Body, limit+1), ctx: ctx, fetchCtx: fetchCtx,
		err: &TimeoutError{URL: rawURL, Timeout: f.cfg.Timeout}}
	out := &Response{
		URL:        resp.Request.URL,
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		close: func() {
			// Drain a little so the connection can be reused, then close.
			_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
			resp.Body.Close()
			done()
		},
	}
	if lm, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		lm = lm.UTC()
		out.LastModified = &lm
	}
	body, compressed, err := decompress(raw, 2)
	if err != nil {
		out.Close()
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	out.Compressed = compressed
	out.counter = &countingReader{r: body, limit: limit, truncate: truncate}
	out.Body = out.counter
	return out, nil
}

// explain turns a client error into one that says what happened.
func (f *Fetcher) explain(ctx, fetchCtx context.Context, rawURL string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var blocked *BlockedAddressError
	if errors.As(err, &blocked) {
		return fmt.Errorf("GET %s: %w", rawURL, blocked)
	}
	if errors.Is(fetchCtx.Err(), context.DeadlineExceeded) || isTimeout(err) {
		return &TimeoutError{URL: rawURL, Timeout: f.cfg.Timeout}
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return fmt.Errorf("GET %s: %w", rawURL, uerr.Err)
	}
	return fmt.Errorf("GET %s: %w", rawURL, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// decompress peels up to layers gzip layers, recognised by their magic
// bytes whatever the headers or the file name say.
func decompress(r io.Reader, layers int) (io.Reader, bool, error) {
	br := bufio.NewReaderSize(r, 32<<10)
	compressed := false
	for range layers {
		magic, err := br.Peek(2)
		if err != nil || !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
			break
		}
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, false, fmt.Errorf("bad gzip data: %w", err)
		}
		compressed = true
		br = bufio.NewReaderSize(gz, 32<<10)
	}
	return br, compressed, nil
}

// countingReader counts bytes and enforces the decompressed-size cap: this is
// what stops a gzip bomb, since a few kilobytes can inflate to gigabytes.
type countingReader struct {
	r        io.Reader
	n        int64
	limit    int64
	truncate bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		if c.truncate {
			return 0, io.EOF
		}
		// Read one byte more to tell "exactly at the limit" from "over it".
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, &TooLargeError{Limit: c.limit}
		}
		return 0, err
	}
	if rest := c.limit - c.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && errors.Is(err, gzip.ErrChecksum) {
		err = fmt.Errorf("corrupt gzip data: %w", err)
	}
	return n, err
}

// timeoutReader reports a body read cut by the fetch timeout as a
// TimeoutError instead of "context deadline exceeded".
type timeoutReader struct {
	r             io.Reader
	ctx, fetchCtx context.Context
	err           error
}

func (t *timeoutReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF && t.ctx.Err() == nil && t.fetchCtx.Err() != nil {
		return n, t.err
	}
	return n, err
}

// BlockedAddressError is returned when a fetch would connect to an address
// the scanner refuses.
type BlockedAddressError struct {
	Addr   netip.Addr
	Reason string
}

func (e *BlockedAddressError) Error() string {
	return fmt.Sprintf("refusing to connect to %s: %s address (set SCANNER_ALLOW_PRIVATE=true to allow private targets)", e.Addr, e.Reason)
}

// addressGuard runs after DNS resolution, on the address actually dialled,
// so a hostname resolving (or re-resolving) to an internal address is caught.
func addressGuard(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("refusing to connect to %q: %w", address, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("refusing to connect to %q: not an IP address", address)
		}
		if reason := BlockedReason(ip); reason != "" {
			return &BlockedAddressError{Addr: ip, Reason: reason}
		}
		return nil
	}
}

// hostLimiter bounds concurrent requests per host across all jobs, so a
// batch of scans cannot hammer one site. Entries are dropped when unused.
type hostLimiter struct {
	mu    sync.Mutex
	limit int
	hosts map[string]*hostSlots
}

type hostSlots struct {
	sem   chan struct{}
	users int
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: max(limit, 1), hosts: make(map[string]*hostSlots)}
}

func (h *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	h.mu.Lock()
	slots := h.hosts[host]
	if slots == nil {
		slots = &hostSlots{sem: make(chan struct{}, h.limit)}
		h.hosts[host] = slots
	}
	slots.users++
	h.mu.Unlock()

	leave := func() {
		h.mu.Lock()
		slots.users--
		if slots.users == 0 {
			delete(h.hosts, host)
		}
		h.mu.Unlock()
	}
	select {
	case slots.sem <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-slots.sem
			leave()
		})
	}, nil
}
