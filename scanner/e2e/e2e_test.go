package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
)

const token = "e2e-test-token-0123456789"

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dsn := testdb.NewDatabase(t)
	env := map[string]string{"DATABASE_URL": dsn}
	if code, out := runCommand(t, env, "migrate", "status"); code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("migrate status before: %d\n%s", code, out)
	}
	if code, out := runCommand(t, env, "migrate"); code != 0 || !strings.Contains(out, "migration applied") {
		t.Fatalf("migrate: %d\n%s", code, out)
	}
	code, out := runCommand(t, env, "migrate", "status")
	if code != 0 || strings.Contains(out, "pending") || !strings.Contains(out, "applied  00001_initial.sql") {
		t.Fatalf("migrate status after: %d\n%s", code, out)
	}
	if strings.Contains(out, "postgres://") {
		t.Errorf("the DSN was printed:\n%s", out)
	}
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// scannerBinary builds cmd/scanner once per test run.
func scannerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "scanner-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "scanner")
		out, err := exec.Command("go", "build", "-o", binary, "github.com/dbaudit/dbaudit/scanner/cmd/scanner").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// cleanEnv is the environment of a subprocess: nothing of the test's own
// beyond PATH and HOME, plus env.
func cleanEnv(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// runCommand runs the binary to completion and returns its exit code and
// combined output.
func runCommand(t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(scannerBinary(t), args...)
	cmd.Env = cleanEnv(env)
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// process is a running scanner service.
type process struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan error
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startService runs the binary with a clean environment plus env and waits
// until it listens.
func startService(t *testing.T, env map[string]string) *process {
	t.Helper()
	cmd := exec.Command(scannerBinary(t), "serve")
	cmd.Env = cleanEnv(env)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{t: t, cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.addr = <-addr:
	case err := <-p.done:
		t.Fatalf("scanner exited before listening: %v\n%s", err, p.output())
	case <-time.After(30 * time.Second):
		t.Fatalf("scanner not listening after 30s:\n%s", p.output())
	}
	return p
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// stop sends sig and waits for the exit, returning the exit code.
func (p *process) stop(sig syscall.Signal, within time.Duration) int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(within):
		p.t.Fatalf("scanner did not exit within %s of %v:\n%s", within, sig, p.output())
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *process) scan(baseURL string) string {
	p.t.Helper()
	req, _ := http.NewRequest("POST", "http://"+p.addr+"/api/v3/sitemap/scan", strings.NewReader(fmt.Sprintf(`{"base_url": %q}`, baseURL)))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		JobID string `json:"job_id"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal(raw, &out) != nil {
		p.t.Fatalf("POST scan: %d %s", resp.StatusCode, raw)
	}
	return out.JobID
}

type jobRow struct {
	status           string
	files, attempts  int32
	urls             int64
	err              *string
	urlRows, fileRow int64
}

func readJobs(t *testing.T, dsn string) map[string]jobRow {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT job_id::text, status, files_found, attempts, urls_found, error,
		(SELECT count(*) FROM sitemap_urls u WHERE u.job_id = j.job_id),
		(SELECT count(*) FROM sitemap_files f WHERE f.job_id = j.job_id)
		FROM jobs j`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]jobRow{}
	var id string
	var r jobRow
	if _, err := pgx.ForEachRow(rows, []any{&id, &r.status, &r.files, &r.attempts, &r.urls, &r.err, &r.urlRows, &r.fileRow}, func() error {
		out[id] = r
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func serviceEnv(dsn, instance string) map[string]string {
	return map[string]string{
		"DATABASE_URL":               dsn,
		"API_TOKEN":                  token,
		"ADDR":                       "127.0.0.1:0",
		"SCANNER_ALLOW_PRIVATE":      "true",
		"SCANNER_DB_MAX_CONNS":       "5",
		"SCANNER_WORKERS":            "4",
		"SCANNER_INSTANCE_ID":        instance,
		"SCANNER_POLL_INTERVAL":      "100ms",
		"SCANNER_HEARTBEAT_INTERVAL": "200ms",
		"SCANNER_STALE_AFTER":        "30s",
		"SCANNER_SHUTDOWN_TIMEOUT":   "3s",
		"SCANNER_FETCH_TIMEOUT":      "10s",
	}
}

// slowSite serves robots.txt naming three sitemaps of n URLs, each taking
// delay to answer.
func slowSite(t *testing.T, n int, delay time.Duration) (*sitetest.Site, int) {
	site := sitetest.New(t)
	var refs []string
	for i := range 3 {
		p := fmt.Sprintf("/s%d.xml", i)
		refs = append(refs, site.URL(p))
		site.Handle(p, sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(p), n)...), Delay: delay})
	}
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(refs...)})
	return site, 3 * n
}

// TestKillAndRestart kills the service with SIGKILL while jobs run, starts it
// again, and shows that no job stays running: the jobs the dead process
// owned are reset (their partial files removed) and run to completion.
func TestKillAndRestart(t *testing.T) {
	t.Parallel()
	dsn := testdb.New(t)
	env := serviceEnv(dsn, "kill-test")
	first := startService(t, env)

	want := map[string]int{}
	for i := range 6 {
		site, urls := slowSite(t, 10+i, 400*time.Millisecond)
		want[first.scan(site.URL(""))] = urls
	}
	// Wait until jobs are mid-way: running, with some files stored.
	deadline := time.Now().Add(20 * time.Second)
	for {
		running, partial := 0, 0
		for _, j := range readJobs(t, dsn) {
			if j.status == "running" {
				running++
				if j.files > 0 {
					partial++
				}
			}
		}
		if running >= 3 && partial >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs never got going:\n%s", first.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.stop(syscall.SIGKILL, 5*time.Second)

	orphans := map[string]bool{}
	for id, j := range readJobs(t, dsn) {
		if j.status == "running" {
			orphans[id] = true
		}
	}
	if len(orphans) == 0 {
		t.Fatal("no job was left running by the kill; the test proves nothing")
	}

	second := startService(t, env)
	deadline = time.Now().Add(30 * time.Second)
	for {
		done := 0
		jobs := readJobs(t, dsn)
		for _, j := range jobs {
			if j.status != "pending" && j.status != "running" {
				done++
			}
		}
		if done == len(jobs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs not terminal 30s after the restart: %+v\n%s", jobs, second.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for id, j := range readJobs(t, dsn) {
		if j.status != "completed" || int(j.urls) != want[id] || j.urlRows != j.urls || j.files != 3 || j.fileRow != 3 {
			t.Errorf("job %s: %s, urls %d (rows %d, want %d), files %d (rows %d), error %v",
				id, j.status, j.urls, j.urlRows, want[id], j.files, j.fileRow, j.err)
		}
		if orphans[id] && j.attempts != 2 {
			t.Errorf("job %s was running at the kill but ran %d times", id, j.attempts)
		}
	}
	if !strings.Contains(second.output(), "recovered jobs left running by an earlier crash") ||
		!strings.Contains(second.output(), fmt.Sprintf("resumed=%d", len(orphans))) {
		t.Errorf("the restart did not report the recovery:\n%s", second.output())
	}
	if code := second.stop(syscall.SIGTERM, 10*time.Second); code != 0 {
		t.Errorf("exit code after SIGTERM: %d", code)
	}
}

// TestSIGTERMInterruptsRunningJobs shows a graceful shutdown: running jobs
// are marked interrupted (keeping what they stored) within the timeout,
// queued jobs stay queued for the next start, and the process exits 0.
func TestSIGTERMInterruptsRunningJobs(t *testing.T) {
	t.Parallel()
	dsn := testdb.New(t)
	env := serviceEnv(dsn, "term-test")
	env["SCANNER_WORKERS"] = "2"
	p := startService(t, env)

	var ids []string
	for range 4 {
		site := sitetest.New(t)
		site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/a.xml"), site.URL("/hang.xml"))}).
			Handle("/a.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL(""), 5)...)}).
			Handle("/hang.xml", sitetest.Resource{Body: sitetest.URLSet(site.URL("/x")), Delay: time.Minute})
		ids = append(ids, p.scan(site.URL("")))
	}
	waitJobsStuckOnHang(t, dsn, p)

	start := time.Now()
	if code := p.stop(syscall.SIGTERM, 8*time.Second); code != 0 {
		t.Errorf("exit code %d:\n%s", code, p.output())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %s, more than SCANNER_SHUTDOWN_TIMEOUT", d)
	}
	statuses := map[string]int{}
	for id, j := range readJobs(t, dsn) {
		statuses[j.status]++
		switch j.status {
		case "interrupted":
			if j.urls != 5 || j.urlRows != 5 || j.err == nil || !strings.Contains(*j.err, "interrupted") {
				t.Errorf("interrupted job %s: urls %d rows %d error %v", id, j.urls, j.urlRows, j.err)
			}
		case "pending":
		default:
			t.Errorf("job %s is %s after SIGTERM", id, j.status)
		}
	}
	if statuses["interrupted"] != 2 || statuses["pending"] != 2 {
		t.Errorf("statuses after SIGTERM: %v", statuses)
	}
	if !strings.Contains(p.output(), "stopped cleanly") {
		t.Errorf("no clean stop logged:\n%s", p.output())
	}
}

// waitJobsStuckOnHang waits until two jobs are running with one file read,
// each held by the site's hang.xml.
func waitJobsStuckOnHang(t *testing.T, dsn string, p *process) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		busy := 0
		for _, j := range readJobs(t, dsn) {
			if j.status == "running" && j.files == 1 {
				busy++
			}
		}
		if busy == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("two jobs never got stuck on hang.xml:\n%s", p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
