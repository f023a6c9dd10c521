package inventory_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/inventory"
)

func write(t *testing.T, inv *inventory.Inventory, opts inventory.WriteOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := inventory.Write(&buf, inv, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJSONShape checks DESIGN.md's contract: exactly these keys, findings
// always a list, the summary adding up.
func TestJSONShape(t *testing.T) {
	_, inv, _ := loadFixture(t)
	out := write(t, inv, inventory.WriteOptions{Format: "json"})
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if keys := sortedKeys(doc); !slices.Equal(keys, []string{"summary", "touchpoints", "version"}) {
		t.Fatalf("top-level keys %v", keys)
	}
	if string(doc["version"]) != "1" {
		t.Errorf("version %s", doc["version"])
	}
	var tps []map[string]any
	if err := json.Unmarshal(doc["touchpoints"], &tps); err != nil {
		t.Fatal(err)
	}
	if len(tps) != len(inv.Touchpoints) {
		t.Fatalf("%d touchpoints in JSON, %d collected", len(tps), len(inv.Touchpoints))
	}
	for _, tp := range tps {
		if keys := sortedKeys(tp); !slices.Equal(keys, []string{"api", "component", "file", "findings", "function", "kind", "line"}) {
			t.Fatalf("touchpoint keys %v", keys)
		}
		if _, ok := tp["findings"].([]any); !ok {
			t.Fatalf("findings is %T, want a list: %v", tp["findings"], tp)
		}
	}
	var summary map[string]any
	if err := json.Unmarshal(doc["summary"], &summary); err != nil {
		t.Fatal(err)
	}
	if keys := sortedKeys(summary); !slices.Equal(keys, []string{"by_component", "by_kind", "compliant", "non_compliant"}) {
		t.Fatalf("summary keys %v", keys)
	}
	if int(summary["compliant"].(float64)+summary["non_compliant"].(float64)) != len(tps) {
		t.Errorf("summary %v does not add up to %d", summary, len(tps))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestCSV(t *testing.T) {
	_, inv, _ := loadFixture(t)
	records, err := csv.NewReader(bytes.NewReader(write(t, inv, inventory.WriteOptions{Format: "csv"}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(inv.Touchpoints)+1 {
		t.Fatalf("%d records for %d touchpoints", len(records), len(inv.Touchpoints))
	}
	if strings.Join(records[0], ",") != "kind,package,file,line,function,api,component,compliant,findings" {
		t.Errorf("header %v", records[0])
	}
	bad := 0
	for _, r := range records[1:] {
		if r[7] == "false" {
			bad++
			if r[8] == "" {
				t.Errorf("non-compliant row without findings: %v", r)
			}
		}
	}
	if bad != inv.Summary().NonCompliant {
		t.Errorf("%d non-compliant rows, summary says %d", bad, inv.Summary().NonCompliant)
	}
}

func TestMarkdown(t *testing.T) {
	dir, inv, _ := loadFixture(t)
	out := string(write(t, inv, inventory.WriteOptions{Dir: dir, Output: filepath.Join(dir, "docs", "INVENTORY.md")}))
	for _, want := range []string{
		"# Database touchpoints\n",
		"| component | construct | query | exec | begin | acquire | batch | copy | prepare | inject | global | total | non-compliant |\n",
		"\n### example.com/app/api\n",
		// non-compliant marked, linked relative to the report's directory
		"| ✗ | construct | [api/api.go:62](../api/api.go#L62) | `perRequest` | `pgxpool.New` | handler | poolconstruct |\n",
		"|  | query | [store/helpers.go:16](../store/helpers.go#L16) | `countRows` | `sqlx.QueryerContext.QueryxContext` | service |  |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
	withBase := string(write(t, inv, inventory.WriteOptions{Dir: dir, LinkBase: "https://example.com/app/blob/main/"}))
	if !strings.Contains(withBase, "(https://example.com/app/blob/main/api/api.go#L62)") {
		t.Errorf("--link-base not used")
	}
}

// TestDeterministic writes every format twice from separately collected
// inventories of the same run and expects the same bytes.
func TestDeterministic(t *testing.T) {
	dir, inv, res := loadFixture(t)
	again, err := inventory.Collect(res, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range inventory.Formats {
		opts := inventory.WriteOptions{Format: format, Dir: dir}
		a, b := write(t, inv, opts), write(t, again, opts)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writes differ", format)
		}
		for _, banned := range []string{"2025-", "2026-", "UTC"} {
			if bytes.Contains(a, []byte(banned)) {
				t.Errorf("%s output holds a timestamp-like %q", format, banned)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	_, inv, _ := loadFixture(t)
	fresh := write(t, inv, inventory.WriteOptions{})
	dir := t.TempDir()
	path := filepath.Join(dir, "INVENTORY.md")
	if err := os.WriteFile(path, fresh, 0o644); err != nil {
		t.Fatal(err)
	}
	if diff, err := inventory.Check(path, fresh); err != nil || diff != "" {
		t.Fatalf("fresh file: diff %q, err %v", diff, err)
	}
	crlf := bytes.ReplaceAll(fresh, []byte("\n"), []byte("\r\n"))
	os.WriteFile(path, crlf, 0o644)
	if diff, _ := inventory.Check(path, fresh); diff != "" {
		t.Errorf("a CRLF checkout counts as stale:\n%s", diff)
	}
	stale := bytes.Replace(fresh, []byte("`(*Store).Get`"), []byte("`(*Store).Fetch`"), 1)
	os.WriteFile(path, stale, 0o644)
	diff, err := inventory.Check(path, fresh)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{path + ": 1 touchpoint removed, 1 touchpoint added", "\n- store/store.go:", "in (*Store).Fetch (service)", "\n+ store/store.go:", "in (*Store).Get (service)"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if diff, _ := inventory.Check(filepath.Join(dir, "missing.md"), fresh); !strings.Contains(diff, "+# Database touchpoints") {
		t.Errorf("a missing file is not reported stale: %q", diff)
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]string{
		"INVENTORY.md": "markdown", "x.markdown": "markdown", "a/b.JSON": "json",
		"t.csv": "csv", "r.html": "html", "r.htm": "html", "noext": "", "x.txt": "",
	} {
		if got := inventory.FormatOf(name); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestHistory(t *testing.T) {
	_, inv, _ := loadFixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "history.jsonl")
	if h, err := inventory.ReadHistory(path); err != nil || h != nil {
		t.Fatalf("missing history: %v, %v", h, err)
	}

	// Outside git: no commit. In a git work tree: HEAD and its date.
	e := inventory.NewHistoryEntry(inv, dir)
	if e.Commit != "" {
		t.Errorf("commit %q outside a git work tree", e.Commit)
	}
	if e.Touchpoints != len(inv.Touchpoints) || e.Compliant+e.NonCompliant != e.Touchpoints || e.ByKind["inject"] == 0 || e.ByComponent["handler"] == 0 {
		t.Errorf("entry %+v", e)
	}
	if err := inventory.AppendHistory(path, e); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("git"); err == nil {
		repo := t.TempDir()
		gitCmd := func(args ...string) string {
			cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
			cmd.Dir = repo
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("git %v: %v\n%s", args, err, out)
			}
			return strings.TrimSpace(string(out))
		}
		gitCmd("init", "-q")
		gitCmd("commit", "-q", "--allow-empty", "-m", "x")
		e2 := inventory.NewHistoryEntry(inv, repo)
		if want := gitCmd("rev-parse", "HEAD"); e2.Commit != want || e2.Date == "" {
			t.Errorf("commit %q date %q, want commit %q and a date", e2.Commit, e2.Date, want)
		}
		if err := inventory.AppendHistory(path, e2); err != nil {
			t.Fatal(err)
		}
	}
	h, err := inventory.ReadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) < 1 || h[0].NonCompliant != e.NonCompliant {
		t.Errorf("read back %+v", h)
	}
	data, _ := os.ReadFile(path)
	if lines := strings.Count(string(data), "\n"); lines != len(h) {
		t.Errorf("%d lines for %d entries:\n%s", lines, len(h), data)
	}

	os.WriteFile(path, append(data, []byte("{\"compliant\": \"many\"}\n")...), 0o644)
	if _, err := inventory.ReadHistory(path); err == nil || !strings.Contains(err.Error(), path+":"+strconv.Itoa(len(h)+1)+":") {
		t.Errorf("a bad line: error %v, want one naming %s:%d", err, path, len(h)+1)
	}
}

// TestEmpty: a module without touchpoints still gets a report in every
// format, with empty lists rather than nulls.
func TestEmpty(t *testing.T) {
	empty := &inventory.Inventory{}
	for _, format := range inventory.Formats {
		out := write(t, empty, inventory.WriteOptions{Format: format})
		if len(out) == 0 {
			t.Errorf("%s: empty output", format)
		}
	}
	if out := string(write(t, empty, inventory.WriteOptions{Format: "json"})); !strings.Contains(out, `"touchpoints": []`) || !strings.Contains(out, `"by_kind": {}`) {
		t.Errorf("empty JSON:\n%s", out)
	}
	if out := string(write(t, empty, inventory.WriteOptions{})); !strings.Contains(out, "0 touchpoints in 0 packages") {
		t.Errorf("empty markdown:\n%s", out)
	}
}
