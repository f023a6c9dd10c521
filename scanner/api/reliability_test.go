package api_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/dbaudit/dbaudit/scanner/api"
	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
)

// raw sends a request with the token and returns the status, headers and body.
func (e *env) raw(method, path, body string) (int, http.Header, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestWrongMethodIs405WithAllow is D13: a known path with another method
// answered 404 "no such endpoint"; outside /api the mux's text/plain
// answers were used.
func TestWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	id := uuid.NewString()
	tests := []struct {
		method, path string
		code         int
		allow        string
	}{
		{"GET", "/api/v3/sitemap/scan", 405, "POST"},
		{"DELETE", "/api/v3/sitemap/scan", 405, "POST"},
		{"POST", "/api/v3/sitemap/status/" + id, 405, "GET, HEAD"},
		{"PUT", "/api/v3/sitemap/jobs/" + id + "/files", 405, "GET, HEAD"},
		{"DELETE", "/api/v3/sitemap/jobs/" + id + "/urls", 405, "GET, HEAD"},
		{"GET", "/api/v3/batch", 405, "POST"},
		{"PATCH", "/api/v3/batch/" + id, 405, "GET, HEAD"},
		{"POST", "/healthz", 405, "GET, HEAD"},
		{"DELETE", "/readyz", 405, "GET, HEAD"},
		{"GET", "/api/v3/nothing", 404, ""},
		{"POST", "/api/v2/sitemap/scan", 404, ""},
		{"GET", "/nothing", 404, ""},
		{"POST", "/", 404, ""},
	}
	for _, tt := range tests {
		code, h, body := e.raw(tt.method, tt.path, "")
		if code != tt.code || h.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d Allow %q; want %d Allow %q (%s)", tt.method, tt.path, code, h.Get("Allow"), tt.code, tt.allow, body)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(body), &out); err != nil || out["error"] == nil ||
			!strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: not a JSON error (%s): %q", tt.method, tt.path, h.Get("Content-Type"), body)
		}
	}
	// The right method still works, HEAD included.
	if code, _, body := e.raw("HEAD", "/api/v3/sitemap/status/"+id, ""); code != 404 {
		t.Errorf("HEAD status: %d %s", code, body)
	}
}

// TestHostAndPortValidation is D13: invalid ports passed validation and
// failed later; host names a resolver reads as an IPv4 address (inet_aton
// forms) passed it and became DNS queries under the Go resolver.
func TestHostAndPortValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.Fetch.AllowPrivate = false })
	bad := []struct{ target, msg string }{
		{"a.com:99999", "port"},
		{"a.com:65536", "port"},
		{"a.com:0", "port"},
		{"https://a.com:0/", "port"},
		{"http://[2606:4700::1]:70000/", "port"},
		{"2130706433", "IPv4"},
		{"0x7f000001", "IPv4"},
		{"0", "IPv4"},
		{"127.1", "IPv4"},
		{"0177.0.0.1", "IPv4"},
		{"0x7f.0.0.1", "IPv4"},
		{"10.1", "IPv4"},
		{"1.2.3", "IPv4"},
		{"http://2130706433:8080/", "IPv4"},
		{"example.0x10", "IPv4"},
		{"192.0.2.1", "documentation"},
		{"http://[2001:db8::1]/", "documentation"},
	}
	for _, b := range bad {
		code, body := e.api("POST", "/api/v3/batch", fmt.Sprintf(`{"domains": ["example.com", %q]}`, b.target))
		msg, _ := body["error"].(string)
		if code != 400 || body["field"] != "domains[1]" || !strings.Contains(msg, b.msg) {
			t.Errorf("batch %q: %d %v; want 400 about %q", b.target, code, body, b.msg)
		}
		scanURL := b.target
		if !strings.Contains(scanURL, "://") {
			scanURL = "https://" + scanURL
		}
		code, body = e.api("POST", "/api/v3/sitemap/scan", fmt.Sprintf(`{"base_url": %q}`, scanURL))
		msg, _ = body["error"].(string)
		if code != 400 || body["field"] != "base_url" || !strings.Contains(msg, b.msg) {
			t.Errorf("scan %q: %d %v; want 400 about %q", scanURL, code, body, b.msg)
		}
	}
	if counts, err := e.store.CountByStatus(ctx); err != nil || len(counts) != 0 {
		t.Errorf("rejected requests created jobs: %v %v", counts, err)
	}
}

// TestDuplicateJSONKeysRejected is D13: with duplicate keys the last one
// won, so a front end that reads the first saw another request.
func TestDuplicateJSONKeysRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.Fetch.AllowPrivate = false })
	for _, tt := range []struct{ path, body, field string }{
		{"/api/v3/sitemap/scan", `{"base_url": "https://example.com", "base_url": "https://example.org"}`, "base_url"},
		{"/api/v3/sitemap/scan", `{"base_url": "https://example.com", "BASE_URL": "https://example.org"}`, "BASE_URL"},
		{"/api/v3/sitemap/scan", `{"max_pages": 5, "base_url": "https://example.com", "max_pages": 6}`, "max_pages"},
		{"/api/v3/batch", `{"domains": ["example.com"], "domains": ["example.org"]}`, "domains"},
		{"/api/v3/batch", `{"domains": ["example.com"], "max_concurrent_jobs": 1, "Max_Concurrent_Jobs": 2}`, "Max_Concurrent_Jobs"},
	} {
		code, body := e.api("POST", tt.path, tt.body)
		msg, _ := body["error"].(string)
		if code != 400 || body["field"] != tt.field || !strings.Contains(msg, "duplicate") {
			t.Errorf("%s: %d %v", tt.body, code, body)
		}
	}
	if counts, err := e.store.CountByStatus(ctx); err != nil || len(counts) != 0 {
		t.Errorf("rejected requests created jobs: %v %v", counts, err)
	}
}

// TestSitemapCredentialsNeverReturned is D14 through the API and the
// database: userinfo in robots.txt, index and page URLs is stripped before
// it is stored, so /files, /urls and the status never return it.
func TestSitemapCredentialsNeverReturned(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	site := sitetest.New(t)
	withUser := func(userinfo, path string) string {
		return strings.Replace(site.URL(path), "://", "://"+userinfo+"@", 1)
	}
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(withUser("robotuser:robotpw", "/index.xml"))}).
		Handle("/index.xml", sitetest.Resource{Body: sitetest.Index(withUser("indexuser:indexpw", "/pages.xml"), withUser("failuser:failpw", "/missing.xml"))}).
		Handle("/pages.xml", sitetest.Resource{Body: sitetest.URLSet("https://pageuser:pagepw@example.com/a", "https://tokenuser@example.com/b")})

	code, accepted := e.api("POST", "/api/v3/sitemap/scan", fmt.Sprintf(`{"base_url": %q}`, site.URL("/")))
	if code != 202 {
		t.Fatalf("scan: %d %v", code, accepted)
	}
	status := e.waitJob(accepted["status_url"].(string))
	var all strings.Builder
	for _, path := range []string{accepted["status_url"].(string), accepted["files_url"].(string),
		"/api/v3/sitemap/jobs/" + accepted["job_id"].(string) + "/urls"} {
		code, _, body := e.raw("GET", path, "")
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, body)
		}
		all.WriteString(body)
	}
	for _, s := range []string{"robotpw", "indexpw", "failpw", "pagepw", "robotuser", "indexuser", "failuser", "pageuser", "tokenuser"} {
		if strings.Contains(all.String(), s) {
			t.Errorf("%q returned by the API:\n%s", s, all.String())
		}
	}
	if !strings.Contains(all.String(), `"loc": "https://example.com/a"`) || !strings.Contains(all.String(), `"loc": "https://example.com/b"`) {
		t.Errorf("URLs not recorded without their userinfo:\n%s", all.String())
	}
	if counts := status["counts"].(map[string]any); counts["urls"] != float64(2) || counts["files"] != float64(3) {
		t.Errorf("counts %v", counts)
	}
}

// serve starts the API the way cmd/scanner does: the server from
// Server.HTTPServer on a listener capped by LimitListener.
func serve(t *testing.T, e *env, maxConns int) string {
	t.Helper()
	cfg := config.Default().API
	cfg.Token = token
	cfg.MaxConnections = maxConns
	s := api.New(cfg, e.store, e.runner, testdb.Logger(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer(nil)
	go func() { _ = srv.Serve(api.LimitListener(ln, cfg.MaxConnections)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// TestUnauthenticatedSlowBodyIsCutOff is D17: a client trickling a request
// body without a token held its connection for ReadTimeout (30 s) before it
// got its 401, since the server read the body to reuse the connection.
func TestUnauthenticatedSlowBodyIsCutOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	addr := serve(t, e, 16)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /api/v3/batch HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{", addr)
	stop := make(chan struct{})
	defer close(stop)
	go func() { // one byte every 100 ms: 1,000 s for the whole body
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response after %s: %v", time.Since(start).Round(time.Millisecond), err)
	}
	answered := time.Since(start)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// The server closes the connection instead of reading the body.
	_, err = conn.Read(make([]byte, 1))
	closed := time.Since(start)
	t.Logf("401 after %s, connection closed after %s (err %v)", answered.Round(time.Microsecond), closed.Round(time.Microsecond), err)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d", resp.StatusCode)
	}
	if answered > 2*time.Second || closed > 3*time.Second {
		t.Errorf("answered after %s, closed after %s; want both within a few seconds", answered, closed)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("connection still open after %s", closed)
	}
}

// TestConnectionLimit: connections beyond MaxConnections wait to be
// accepted until one closes.
func TestConnectionLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	addr := serve(t, e, 2)
	var idle []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	client := &http.Client{Timeout: 700 * time.Millisecond}
	if resp, err := client.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatalf("a third connection was served with two held (status %d)", resp.StatusCode)
	}
	idle[0].Close()
	client.Timeout = 5 * time.Second
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("after one closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz %d", resp.StatusCode)
	}
}

// TestHostileIndexJobRecordsWhyItStopped is D3 through the job runner and
// the database: a site whose index lists 50,000 variants of itself ends at
// the job's file limit quickly, and the job's error says so.
func TestHostileIndexJobRecordsWhyItStopped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.Fetch.MaxFiles = 50 })
	var idx []byte
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprintf(w, "Sitemap: http://%s/amp.xml\n", r.Host)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(idx)
	}))
	t.Cleanup(site.Close)
	var b strings.Builder
	b.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := range 50000 {
		fmt.Fprintf(&b, "<sitemap><loc>%s/amp.xml?v=%d</loc></sitemap>", site.URL, i)
	}
	b.WriteString(`</sitemapindex>`)
	idx = sitetest.Gzip([]byte(b.String()))

	start := time.Now()
	code, accepted := e.api("POST", "/api/v3/sitemap/scan", fmt.Sprintf(`{"base_url": %q}`, site.URL))
	if code != 202 {
		t.Fatalf("scan: %d %v", code, accepted)
	}
	status := e.waitJob(accepted["status_url"].(string))
	t.Logf("job %s after %s: %v", status["status"], time.Since(start).Round(time.Millisecond), status["error"])
	msg, _ := status["error"].(string)
	if !strings.Contains(msg, "limit of 50 sitemap files was reached") {
		t.Errorf("job error %q does not say why it stopped", msg)
	}
	if counts := status["counts"].(map[string]any); counts["files"] != float64(50) {
		t.Errorf("counts %v", counts)
	}
}
