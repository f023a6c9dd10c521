package inventory_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/inventory"
)

// chromiumPath finds a headless-capable Chromium: Debian's chromium package,
// which .ci/run installs.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium); CI=true requires it")
	}
	t.Skip("chromium is not installed (apt-get install chromium): skipping the HTML report's browser test")
	return ""
}

// runChromium opens url headless, offline, with a throw-away profile.
func runChromium(t *testing.T, chromium, url string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, chromium, append(append(base, args...), url)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

// consoleProblems are the lines of Chromium's log about page scripts: the
// dashboard logs nothing, so any console line is a problem.
var consoleProblems = regexp.MustCompile(`(?m)^.*(Uncaught|:CONSOLE\(|console error).*$`)

// TestHTMLInChromium opens the dashboard in headless Chromium: no console
// errors, every chart drawn (the script marks the page when it finishes),
// one table row per touchpoint; and it takes a screenshot (kept in
// $DBAUDIT_SCREENSHOT_DIR when set).
func TestHTMLInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	dir, inv, _ := loadFixture(t)
	s := inv.Summary()
	history := []inventory.HistoryEntry{
		{Commit: "1111111aaaaaaa", Date: "2026-09-01T10:00:00Z", Summary: inventory.Summary{Touchpoints: 50, Compliant: 30, NonCompliant: 20}},
		{Commit: "2222222bbbbbbb", Date: "2026-10-01T10:00:00Z", Summary: inventory.Summary{Touchpoints: 60, Compliant: 48, NonCompliant: 12}},
		{Commit: "3333333ccccccc", Date: "2026-11-01T10:00:00Z", Summary: s},
	}
	out := t.TempDir()
	page := filepath.Join(out, "inventory.html")
	html := write(t, inv, inventory.WriteOptions{Format: "html", Dir: dir, Output: page, History: history})
	if bytes.Contains(html, []byte("http://")) || bytes.Contains(html, []byte("https://")) {
		if m := regexp.MustCompile(`https?://[^"' )]+`).FindAll(html, -1); len(m) > 0 {
			for _, u := range m {
				if string(u) != "http://www.w3.org/2000/svg" {
					t.Errorf("the dashboard refers to %s: it must be self-contained", u)
				}
			}
		}
	}
	if err := os.WriteFile(page, html, 0o644); err != nil {
		t.Fatal(err)
	}

	dom, log := runChromium(t, chromium, "file://"+page, "--enable-logging=stderr", "--v=0", "--dump-dom")
	if problems := consoleProblems.FindAllString(log, -1); len(problems) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(problems, "\n"))
	}
	if !strings.Contains(dom, `data-charts-drawn="4"`) {
		t.Errorf("the charts were not all drawn (want data-charts-drawn=\"4\" on <html>):\n%.2000s", dom)
	}
	if regexp.MustCompile(`<html[^>]*data-error`).MatchString(dom) {
		t.Errorf("the script reported an error:\n%.2000s", dom)
	}
	if rows := strings.Count(dom, `<tr class="`); rows != len(inv.Touchpoints) {
		t.Errorf("%d table rows for %d touchpoints", rows, len(inv.Touchpoints))
	}
	if bars := strings.Count(dom, `<rect class="bad"`); bars < 10 {
		t.Errorf("only %d chart bars drawn", bars)
	}
	if points := strings.Count(dom, `<circle class="point"`); points != len(history) {
		t.Errorf("%d trend points for %d history entries", points, len(history))
	}
	// A filter in the fragment applies on load.
	filteredDOM, _ := runChromium(t, chromium, "file://"+page+"#status=bad", "--dump-dom")
	if rows := strings.Count(filteredDOM, `<tr class="`); rows != s.NonCompliant {
		t.Errorf("#status=bad shows %d rows, want the %d non-compliant touchpoints", rows, s.NonCompliant)
	}
	if !strings.Contains(filteredDOM, "showing "+strconv.Itoa(s.NonCompliant)+" of "+strconv.Itoa(len(inv.Touchpoints))) {
		t.Errorf("the row count line does not say the filter applies")
	}

	rel, _ := filepath.Rel(out, filepath.Join(dir, "api", "api.go"))
	if link := `href="` + filepath.ToSlash(rel) + `#L62"`; !strings.Contains(dom, link) {
		t.Errorf("no link %s relative to the report", link)
	}

	shotDir := os.Getenv("DBAUDIT_SCREENSHOT_DIR")
	if shotDir == "" {
		shotDir = out
	}
	shot, err := filepath.Abs(filepath.Join(shotDir, "inventory.png"))
	if err != nil {
		t.Fatal(err)
	}
	runChromium(t, chromium, "file://"+page, "--hide-scrollbars", "--window-size=1280,2000", "--screenshot="+shot)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 20_000 {
		t.Fatalf("screenshot %s: %v (size %d): expected a drawn page", shot, err, sizeOf(st))
	}
	t.Logf("screenshot: %s (%s bytes)", shot, strconv.FormatInt(st.Size(), 10))
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}

// TestChromiumSeesScriptErrors checks the browser test can fail: a page
// whose script throws is caught by the console check.
func TestChromiumSeesScriptErrors(t *testing.T) {
	chromium := chromiumPath(t)
	page := filepath.Join(t.TempDir(), "broken.html")
	os.WriteFile(page, []byte(`<!DOCTYPE html><html><body><script>drawCharts();</script></body></html>`), 0o644)
	_, log := runChromium(t, chromium, "file://"+page, "--enable-logging=stderr", "--v=0", "--dump-dom")
	if !consoleProblems.MatchString(log) {
		t.Errorf("a throwing script went unnoticed; chromium's log:\n%s", log)
	}
}
