package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/dbaudit/dbaudit/scanner/api"
	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
	"github.com/dbaudit/dbaudit/scanner/jobs"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
	"github.com/dbaudit/dbaudit/scanner/store"
)

const token = "test-token-0123456789abcdef"

var ctx = context.Background()

type env struct {
	t      testing.TB
	srv    *httptest.Server
	store  *store.Store
	runner *jobs.Runner
	dsn    string
}

func newEnv(t testing.TB, tweak func(*config.Config)) *env {
	t.Helper()
	log := testdb.Logger(t)
	cfg := config.Default()
	cfg.API.Token = token
	cfg.Fetch.AllowPrivate = true
	cfg.Jobs.InstanceID = "api-test-" + uuid.NewString()[:8]
	cfg.Jobs.PollInterval = 50 * time.Millisecond
	cfg.Jobs.HeartbeatInterval = 200 * time.Millisecond
	cfg.Fetch.Timeout = 5 * time.Second
	if tweak != nil {
		tweak(&cfg)
	}
	cfg.Sync()
	st, dsn := testdb.Store(t, cfg.DB.MaxConns)
	runner := jobs.New(cfg.Jobs, st, sitemap.NewScanner(cfg.Fetch, log), log)
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(cfg.API, st, runner, log).Handler())
	t.Cleanup(func() {
		srv.Close()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := runner.Shutdown(sctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return &env{t: t, srv: srv, store: st, runner: runner, dsn: dsn}
}

// call sends a request with the token (auth "" sends none) and decodes the
// JSON answer.
func (e *env) call(method, path, body, auth string) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s %s: %d, body not a JSON object: %q", method, path, resp.StatusCode, raw)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		e.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, out
}

func (e *env) api(method, path, body string) (int, map[string]any) {
	e.t.Helper()
	return e.call(method, path, body, "Bearer "+token)
}

// waitJob polls the status endpoint until the job is terminal.
func (e *env) waitJob(statusURL string) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		code, body := e.api("GET", statusURL, "")
		if code != http.StatusOK {
			e.t.Fatalf("GET %s: %d %v", statusURL, code, body)
		}
		if store.Terminal(body["status"].(string)) {
			return body
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("%s not terminal after 30s", statusURL)
	return nil
}

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, auth := range []string{"", "Bearer", "Bearer wrong-token", "Basic " + token, "Bearer " + token + "x", "Bearer " + token[:10]} {
		for _, path := range []string{"/api/v3/sitemap/status/" + uuid.NewString(), "/api/v3/batch/" + uuid.NewString(), "/api/v3/nothing"} {
			code, body := e.call("GET", path, "", auth)
			if code != http.StatusUnauthorized || body["error"] == nil {
				t.Errorf("auth %q on %s: %d %v", auth, path, code, body)
			}
		}
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v3/sitemap/scan", strings.NewReader(`{"base_url":"http://example.com"}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("POST with auth %q: %d, WWW-Authenticate %q", auth, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	if counts, _ := e.store.CountByStatus(ctx); len(counts) != 0 {
		t.Errorf("unauthenticated requests created jobs: %v", counts)
	}
	// Health endpoints need no token; lower-case "bearer" is accepted.
	if code, body := e.call("GET", "/healthz", "", ""); code != http.StatusOK || body["status"] != "ok" {
		t.Errorf("healthz: %d %v", code, body)
	}
	if code, body := e.call("GET", "/readyz", "", ""); code != http.StatusOK || body["database"] != "ok" {
		t.Errorf("readyz: %d %v", code, body)
	}
	if code, _ := e.call("GET", "/api/v3/sitemap/status/"+uuid.NewString(), "", "bearer "+token); code != http.StatusNotFound {
		t.Errorf("lower-case scheme: %d", code)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config.Config) { c.Fetch.AllowPrivate = false; c.API.MaxBatchDomains = 3 })
	tests := []struct {
		name, path, body string
		code             int
		field, msg       string
	}{
		{"empty body", "/api/v3/sitemap/scan", "", 400, "", "request body is empty"},
		{"syntax", "/api/v3/sitemap/scan", `{"base_url": "https://example.com",}`, 400, "", "not valid JSON"},
		{"truncated", "/api/v3/sitemap/scan", `{"base_url": "https://exa`, 400, "", "not valid JSON"},
		{"array", "/api/v3/sitemap/scan", `["https://example.com"]`, 400, "", "must be a JSON object"},
		{"trailing", "/api/v3/sitemap/scan", `{"base_url": "https://example.com"} {}`, 400, "", "nothing after it"},
		{"unknown field", "/api/v3/sitemap/scan", `{"base_url": "https://example.com", "maxpages": 5}`, 400, "maxpages", "unknown field"},
		{"wrong type", "/api/v3/sitemap/scan", `{"base_url": "https://example.com", "max_pages": "ten"}`, 400, "max_pages", "must be an integer"},
		{"fraction", "/api/v3/sitemap/scan", `{"base_url": "https://example.com", "max_pages": 1.5}`, 400, "max_pages", "must be an integer"},
		{"url type", "/api/v3/sitemap/scan", `{"base_url": 42}`, 400, "base_url", "must be a string"},
		{"missing url", "/api/v3/sitemap/scan", `{"max_pages": 5}`, 400, "base_url", "base_url is required"},
		{"blank url", "/api/v3/sitemap/scan", `{"base_url": "  "}`, 400, "base_url", "is required"},
		{"ftp", "/api/v3/sitemap/scan", `{"base_url": "ftp://example.com"}`, 400, "base_url", "http:// or https://"},
		{"no scheme", "/api/v3/sitemap/scan", `{"base_url": "example.com"}`, 400, "base_url", "http:// or https://"},
		{"credentials", "/api/v3/sitemap/scan", `{"base_url": "https://u:p@example.com"}`, 400, "base_url", "credentials"},
		{"bad host", "/api/v3/sitemap/scan", `{"base_url": "https://exa mple.com"}`, 400, "base_url", "not a valid URL"},
		{"loopback", "/api/v3/sitemap/scan", `{"base_url": "http://127.0.0.1:8080/"}`, 400, "base_url", "loopback address"},
		{"metadata", "/api/v3/sitemap/scan", `{"base_url": "http://169.254.169.254/latest"}`, 400, "base_url", "link-local address"},
		{"private v6", "/api/v3/sitemap/scan", `{"base_url": "http://[fd00::1]/"}`, 400, "base_url", "private address"},
		{"localhost", "/api/v3/sitemap/scan", `{"base_url": "http://localhost:8000"}`, 400, "base_url", "localhost"},
		{"max_pages 0", "/api/v3/sitemap/scan", `{"base_url": "https://example.com", "max_pages": 0}`, 400, "max_pages", "from 1 to"},
		{"max_pages huge", "/api/v3/sitemap/scan", `{"base_url": "https://example.com", "max_pages": 99999999}`, 400, "max_pages", "from 1 to"},
		{"batch empty", "/api/v3/batch", `{"domains": []}`, 400, "domains", "at least one"},
		{"batch missing", "/api/v3/batch", `{}`, 400, "domains", "at least one"},
		{"batch too many", "/api/v3/batch", `{"domains": ["a.com","b.com","c.com","d.com"]}`, 400, "domains", "at most 3"},
		{"batch bad domain", "/api/v3/batch", `{"domains": ["a.com", "http://127.0.0.1", "c.com"]}`, 400, "domains[1]", "loopback"},
		{"batch bad name", "/api/v3/batch", `{"domains": ["a.com", "b..com"]}`, 400, "domains[1]", "invalid host name"},
		{"batch duplicate", "/api/v3/batch", `{"domains": ["a.com", "https://A.com/x"]}`, 400, "domains[1]", "repeats domains[0]"},
		{"batch domain type", "/api/v3/batch", `{"domains": ["a.com", 7]}`, 400, "domains", "must be"},
		{"batch concurrency", "/api/v3/batch", `{"domains": ["a.com"], "max_concurrent_jobs": 0}`, 400, "max_concurrent_jobs", "from 1 to 20"},
		{"batch max_pages", "/api/v3/batch", `{"domains": ["a.com"], "max_pages": -1}`, 400, "max_pages", "from 1 to"},
		{"too large", "/api/v3/sitemap/scan", `{"base_url": "` + strings.Repeat("a", 2<<20) + `"}`, 413, "", "larger than"},
	}
	for _, tt := range tests {
		code, body := e.api("POST", tt.path, tt.body)
		msg, _ := body["error"].(string)
		field, _ := body["field"].(string)
		if code != tt.code || field != tt.field || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %d field %q error %q; want %d field %q error containing %q", tt.name, code, field, msg, tt.code, tt.field, tt.msg)
		}
	}
	// Nothing was half-created.
	if counts, err := e.store.CountByStatus(ctx); err != nil || len(counts) != 0 {
		t.Errorf("bad requests created jobs: %v %v", counts, err)
	}
	for path, field := range map[string]string{
		"/api/v3/sitemap/status/not-a-uuid":                          "job_id",
		"/api/v3/sitemap/jobs/123/files":                             "job_id",
		"/api/v3/batch/xyz":                                          "batch_id",
		"/api/v3/sitemap/jobs/" + uuid.NewString() + "/urls?limit=0": "limit",
	} {
		if code, body := e.api("GET", path, ""); code != http.StatusBadRequest || body["field"] != field {
			t.Errorf("GET %s: %d %v", path, code, body)
		}
	}
	for _, path := range []string{"/api/v3/sitemap/status/" + uuid.NewString(), "/api/v3/batch/" + uuid.NewString(),
		"/api/v3/sitemap/jobs/" + uuid.NewString() + "/files"} {
		if code, _ := e.api("GET", path, ""); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}
}

// keys returns the sorted keys of a JSON object, nested objects as a.b.
func keys(m map[string]any, prefix string) []string {
	var out []string
	for k, v := range m {
		out = append(out, prefix+k)
		if sub, ok := v.(map[string]any); ok {
			out = append(out, keys(sub, prefix+k+".")...)
		}
	}
	slices.Sort(out)
	return out
}

func TestScanFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/index.xml"))}).
		Handle("/index.xml", sitetest.Resource{Body: sitetest.Index(site.URL("/a.xml"), site.URL("/b.xml.gz"))}).
		Handle("/a.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/a"), 150)...)}).
		// b.xml.gz is slow so the job can be watched while it runs.
		Handle("/b.xml.gz", sitetest.Resource{Body: sitetest.Gzip(sitetest.URLSet(sitetest.Pages(site.URL("/b"), 40)...)), Delay: 600 * time.Millisecond})

	code, accepted := e.api("POST", "/api/v3/sitemap/scan", fmt.Sprintf(`{"base_url": %q, "max_pages": 500}`, site.URL("/some/page?q=1")))
	if code != http.StatusAccepted {
		t.Fatalf("POST scan: %d %v", code, accepted)
	}
	id := accepted["job_id"].(string)
	statusURL := accepted["status_url"].(string)
	if statusURL != "/api/v3/sitemap/status/"+id || accepted["status"] != "pending" || accepted["base_url"] != site.URL("") ||
		accepted["created_at"] == nil || accepted["max_pages"] != 500.0 {
		t.Fatalf("accepted: %v", accepted)
	}

	// While running, the status comes from memory.
	var live map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for live == nil {
		_, body := e.api("GET", statusURL, "")
		if body["source"] == "memory" && body["counts"].(map[string]any)["urls"] == 150.0 {
			live = body
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw live progress; last %v", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if live["status"] != "running" || live["progress"].(map[string]any)["files_pending"] != 1.0 {
		t.Errorf("live status: %v", live)
	}

	done := e.waitJob(statusURL)
	if done["source"] != "database" || done["status"] != "completed" || done["error"] != nil {
		t.Fatalf("final status: %v", done)
	}
	if !slices.Equal(keys(live, ""), keys(done, "")) {
		t.Errorf("memory and database answers differ in shape:\n%v\n%v", keys(live, ""), keys(done, ""))
	}
	counts := done["counts"].(map[string]any)
	if counts["files"] != 3.0 || counts["urls"] != 190.0 || counts["files_failed"] != 0.0 {
		t.Errorf("counts %v", counts)
	}
	timings := done["timings"].(map[string]any)
	if timings["started_at"] == nil || timings["finished_at"] == nil || timings["run_ms"].(float64) < 500 {
		t.Errorf("timings %v", timings)
	}
	if p := done["progress"].(map[string]any); p["percent"] != 100.0 || p["files_done"] != 3.0 {
		t.Errorf("progress %v", p)
	}

	code, files := e.api("GET", "/api/v3/sitemap/jobs/"+id+"/files", "")
	if code != http.StatusOK || files["count"] != 3.0 {
		t.Fatalf("files: %d %v", code, files)
	}
	byPath := map[string]map[string]any{}
	for _, f := range files["files"].([]any) {
		f := f.(map[string]any)
		byPath[strings.TrimPrefix(f["url"].(string), site.URL(""))] = f
	}
	for path, want := range map[string]float64{"/index.xml": 2, "/a.xml": 150, "/b.xml.gz": 40} {
		if got := byPath[path]["url_count"]; got != want {
			t.Errorf("%s url_count %v, want %v", path, got, want)
		}
	}

	// URLs page through by url_id.
	seen := 0
	next := "/api/v3/sitemap/jobs/" + id + "/urls?limit=100"
	for next != "" {
		code, page := e.api("GET", next, "")
		if code != http.StatusOK {
			t.Fatalf("urls: %d %v", code, page)
		}
		seen += len(page["urls"].([]any))
		next = ""
		if after, ok := page["next_after"].(float64); ok {
			next = fmt.Sprintf("/api/v3/sitemap/jobs/%s/urls?limit=100&after=%d", id, int64(after))
		}
	}
	if seen != 190 {
		t.Errorf("paged through %d URLs, want 190", seen)
	}
}

func TestBatchFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	var domains []string
	for i := range 4 {
		site := sitetest.New(t)
		site.Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(""), 10+i)...)})
		domains = append(domains, site.URL(""))
	}
	body, _ := json.Marshal(map[string]any{"domains": domains, "max_pages": 12, "max_concurrent_jobs": 2})
	code, accepted := e.api("POST", "/api/v3/batch", string(body))
	if code != http.StatusAccepted || len(accepted["jobs"].([]any)) != 4 || accepted["max_concurrent_jobs"] != 2.0 {
		t.Fatalf("POST batch: %d %v", code, accepted)
	}
	statusURL := accepted["status_url"].(string)
	var batch map[string]any
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, batch = e.api("GET", statusURL, "")
		if batch["status"] == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch not completed: %v", batch)
		}
		time.Sleep(20 * time.Millisecond)
	}
	counts := batch["counts"].(map[string]any)
	// 10 + 11 + 12 + 12 (the fourth site's 13 URLs are capped at max_pages).
	if counts["completed"] != 4.0 || batch["urls"] != 45.0 || batch["finished_at"] == nil {
		t.Fatalf("batch: %v", batch)
	}
	for _, j := range batch["jobs"].([]any) {
		if j.(map[string]any)["batch_id"] != accepted["batch_id"] {
			t.Errorf("job %v not linked to the batch", j)
		}
	}
}

func TestReadyzWithoutDatabase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.store.Close()
	if code, body := e.call("GET", "/readyz", "", ""); code != http.StatusServiceUnavailable || body["database"] != "unreachable" {
		t.Errorf("readyz with the pool closed: %d %v", code, body)
	}
	if code, _ := e.call("GET", "/healthz", "", ""); code != http.StatusOK {
		t.Errorf("healthz: %d", code)
	}
}

// TestResponsesNeverLeakTheToken is a guard: error answers must not echo
// credentials back.
func TestResponsesNeverLeakTheToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v3/sitemap/scan", bytes.NewReader([]byte(`{"base_url": "nope"}`)))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if bytes.Contains(raw, []byte(token)) {
		t.Errorf("response contains the token: %s", raw)
	}
}
