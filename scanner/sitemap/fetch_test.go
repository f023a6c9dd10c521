package sitemap_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
)

func fetchConfig() config.Fetch {
	cfg := config.Default().Fetch
	cfg.AllowPrivate = true // fixtures are on loopback
	cfg.Timeout = 2 * time.Second
	return cfg
}

func get(t *testing.T, f *sitemap.Fetcher, url string, limit int64) (string, *sitemap.Response, error) {
	t.Helper()
	resp, err := f.Get(context.Background(), url, limit, false)
	if err != nil {
		return "", nil, err
	}
	defer resp.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), resp, err
}

func TestFetchGzipBothWays(t *testing.T) {
	t.Parallel()
	doc := sitetest.URLSet("https://example.com/a")
	site := sitetest.New(t).
		Handle("/plain.xml", sitetest.Resource{Body: doc}).
		Handle("/file.xml.gz", sitetest.Resource{Body: sitetest.Gzip(doc), ContentType: "application/x-gzip"}).
		Handle("/encoded.xml", sitetest.Resource{Body: doc, Encoding: "gzip"}).
		// A .gz file served with Content-Encoding: gzip is compressed twice.
		Handle("/both.xml.gz", sitetest.Resource{Body: sitetest.Gzip(doc), Encoding: "gzip"})
	f := sitemap.NewFetcher(fetchConfig())
	for _, path := range []string{"/plain.xml", "/file.xml.gz", "/encoded.xml", "/both.xml.gz"} {
		body, resp, err := get(t, f, site.URL(path), sitemap.MaxBytes)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if body != string(doc) {
			t.Errorf("%s: body %q", path, body)
		}
		if want := path != "/plain.xml"; resp.Compressed != want {
			t.Errorf("%s: Compressed = %v, want %v", path, resp.Compressed, want)
		}
		if resp.BytesRead() != int64(len(doc)) {
			t.Errorf("%s: BytesRead = %d, want %d", path, resp.BytesRead(), len(doc))
		}
	}
}

func TestFetchDecompressionCap(t *testing.T) {
	t.Parallel()
	// 51 MB of zeros gzip to about 50 KB: a small bomb.
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 51 {
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	if bomb.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes", bomb.Len())
	}
	site := sitetest.New(t).
		Handle("/bomb.xml.gz", sitetest.Resource{Body: bomb.Bytes()}).
		Handle("/big.xml", sitetest.Resource{Body: bytes.Repeat([]byte("x"), 4097)}).
		Handle("/exact.xml", sitetest.Resource{Body: bytes.Repeat([]byte("x"), 4096)})
	cfg := fetchConfig()
	cfg.Timeout = time.Minute // inflating 50 MB is slow under the race detector
	f := sitemap.NewFetcher(cfg)

	_, resp, err := get(t, f, site.URL("/bomb.xml.gz"), sitemap.MaxBytes)
	var tooLarge *sitemap.TooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("bomb: err = %v, want TooLargeError", err)
	}
	if !strings.Contains(err.Error(), "larger than 50 MB uncompressed") {
		t.Errorf("bomb: message %q", err)
	}
	_ = resp

	if _, _, err := get(t, f, site.URL("/big.xml"), 4096); !errors.As(err, &tooLarge) {
		t.Errorf("4097 bytes with limit 4096: err = %v", err)
	}
	if body, _, err := get(t, f, site.URL("/exact.xml"), 4096); err != nil || len(body) != 4096 {
		t.Errorf("4096 bytes with limit 4096: %d bytes, err %v", len(body), err)
	}
}

func TestFetchTimeouts(t *testing.T) {
	t.Parallel()
	doc := sitetest.URLSet(sitetest.Pages("https://example.com", 50)...)
	site := sitetest.New(t).
		Handle("/slow-headers.xml", sitetest.Resource{Body: doc, Delay: 5 * time.Second}).
		Handle("/slow-body.xml", sitetest.Resource{Body: doc, Delay: time.Second, Chunks: 10})
	cfg := fetchConfig()
	cfg.Timeout = 300 * time.Millisecond
	f := sitemap.NewFetcher(cfg)
	for _, path := range []string{"/slow-headers.xml", "/slow-body.xml"} {
		start := time.Now()
		_, _, err := get(t, f, site.URL(path), sitemap.MaxBytes)
		var timeout *sitemap.TimeoutError
		if !errors.As(err, &timeout) {
			t.Fatalf("%s: err = %v, want TimeoutError", path, err)
		}
		if !strings.Contains(err.Error(), "no complete response within 300ms") {
			t.Errorf("%s: message %q", path, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: took %s to time out", path, d)
		}
	}
}

func TestFetchRedirects(t *testing.T) {
	t.Parallel()
	doc := sitetest.URLSet("https://example.com/a")
	site := sitetest.New(t)
	site.Handle("/final.xml", sitetest.Resource{Body: doc}).
		Handle("/r1", sitetest.Resource{Redirect: "/r2"}).
		Handle("/r2", sitetest.Resource{Redirect: site.URL("/final.xml")}).
		Handle("/loop", sitetest.Resource{Redirect: "/loop"}).
		Handle("/ftp", sitetest.Resource{Redirect: "ftp://example.com/x"})
	cfg := fetchConfig()
	cfg.MaxRedirects = 3
	f := sitemap.NewFetcher(cfg)

	body, resp, err := get(t, f, site.URL("/r1"), sitemap.MaxBytes)
	if err != nil || body != string(doc) || resp.URL.Path != "/final.xml" {
		t.Fatalf("redirected fetch: body %q, err %v", body, err)
	}
	if _, _, err := get(t, f, site.URL("/loop"), sitemap.MaxBytes); err == nil || !strings.Contains(err.Error(), "stopped after 3 redirects") {
		t.Errorf("redirect loop: err = %v", err)
	}
	if site.Hits("/loop") != 4 {
		t.Errorf("redirect loop: %d requests, want 4 (1 + 3 redirects)", site.Hits("/loop"))
	}
	if _, _, err := get(t, f, site.URL("/ftp"), sitemap.MaxBytes); err == nil || !strings.Contains(err.Error(), "unsupported scheme") {
		t.Errorf("redirect to ftp: err = %v", err)
	}
}

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	site := sitetest.New(t).Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet("https://example.com/a")})
	cfg := fetchConfig()
	cfg.AllowPrivate = false
	f := sitemap.NewFetcher(cfg)
	port := site.Listener.Addr().(interface{ AddrPort() netip.AddrPort }).AddrPort().Port()
	for _, u := range []string{
		site.URL("/sitemap.xml"), // 127.0.0.1
		"http://localhost:" + strconv.Itoa(int(port)) + "/sitemap.xml", // a name resolving to loopback
	} {
		_, _, err := get(t, f, u, sitemap.MaxBytes)
		var blocked *sitemap.BlockedAddressError
		if !errors.As(err, &blocked) {
			t.Fatalf("%s: err = %v, want BlockedAddressError", u, err)
		}
		if blocked.Reason != "loopback" || !strings.Contains(err.Error(), "SCANNER_ALLOW_PRIVATE") {
			t.Errorf("%s: %v", u, err)
		}
	}
	if site.Hits("/sitemap.xml") != 0 {
		t.Errorf("the blocked server was reached %d times", site.Hits("/sitemap.xml"))
	}

	cfg.AllowPrivate = true
	allowed := sitemap.NewFetcher(cfg)
	if _, _, err := get(t, allowed, site.URL("/sitemap.xml"), sitemap.MaxBytes); err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
}

func TestBlockedReason(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1":       "loopback",
		"::1":             "loopback",
		"10.1.2.3":        "private",
		"172.16.0.1":      "private",
		"192.168.1.1":     "private",
		"fd00::1":         "private",
		"169.254.169.254": "link-local",
		"fe80::1":         "link-local",
		"0.0.0.0":         "unspecified",
		"::":              "unspecified",
		"239.1.2.3":       "multicast",
		"100.64.0.1":      "shared (carrier-grade NAT)",
		"::ffff:10.0.0.1": "private",
		"64:ff9b::a00:1":  "NAT64-translated private",
		"255.255.255.255": "broadcast",
		"192.0.2.1":       "documentation",
		"93.184.216.34":   "",
		"2606:4700::1111": "",
		"8.8.8.8":         "",
	} {
		if got := sitemap.BlockedReason(netip.MustParseAddr(addr)); got != want {
			t.Errorf("BlockedReason(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestFetchPerHostLimit(t *testing.T) {
	t.Parallel()
	var current, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := current.Add(1)
		defer current.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	cfg := fetchConfig()
	cfg.PerHost = 2
	f := sitemap.NewFetcher(cfg)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := get(t, f, srv.URL+"/x", 100); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrent requests to one host = %d, want 2", p)
	}
}

func TestFetchSendsUserAgentAndAcceptsGzip(t *testing.T) {
	t.Parallel()
	var ua, ae string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua, ae = r.UserAgent(), r.Header.Get("Accept-Encoding")
	}))
	defer srv.Close()
	cfg := fetchConfig()
	if _, _, err := get(t, sitemap.NewFetcher(cfg), srv.URL, 100); err != nil {
		t.Fatal(err)
	}
	if ua != cfg.UserAgent || ae != "gzip" {
		t.Errorf("User-Agent %q, Accept-Encoding %q", ua, ae)
	}
}
