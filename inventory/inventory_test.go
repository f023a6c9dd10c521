package inventory_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/inventory"
	"github.com/dbaudit/dbaudit/rules"
)

// The fixture module is assembled and loaded once for all tests.
var (
	fixtureDir  string
	fixtureOnce sync.Once
	fixtureInv  *inventory.Inventory
	fixtureRes  *engine.Result
	fixtureErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(filepath.Dir(fixtureDir))
	}
	os.Exit(code)
}

// loadFixture copies testdata/app beside the stubs it replaces its drivers
// with (see testdata/README.md) and runs the inventory over it with the
// real go command.
func loadFixture(t *testing.T) (string, *inventory.Inventory, *engine.Result) {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = assembleFixture()
		if fixtureErr != nil {
			return
		}
		cfg, err := rules.Resolve(fixtureDir, "")
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureInv, fixtureRes, fixtureErr = inventory.Run(engine.Options{Dir: fixtureDir, Patterns: []string{"./..."}, Config: cfg})
	})
	if fixtureErr != nil {
		t.Fatalf("loading the fixture module: %v", fixtureErr)
	}
	if len(fixtureRes.LoadErrors) > 0 {
		t.Fatalf("the fixture module does not load cleanly: %+v", fixtureRes.LoadErrors)
	}
	return fixtureDir, fixtureInv, fixtureRes
}

func assembleFixture() (string, error) {
	tmp, err := os.MkdirTemp("", "dbaudit-inventory-")
	if err != nil {
		return "", err
	}
	stubs, app := filepath.Join(tmp, "stubs"), filepath.Join(tmp, "app")
	for _, c := range [][2]string{{"../testdata/src", stubs}, {"testdata/stubs", stubs}, {"testdata/app", app}} {
		if err := copyTree(c[0], c[1]); err != nil {
			return "", err
		}
	}
	data, err := os.ReadFile(filepath.Join(app, "go.mod"))
	if err != nil {
		return "", err
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return "", err
	}
	for _, r := range mf.Replace {
		gomod := fmt.Sprintf("module %s\n\ngo 1.22\n", r.Old.Path)
		if err := os.WriteFile(filepath.Join(app, r.New.Path, "go.mod"), []byte(gomod), 0o644); err != nil {
			return "", fmt.Errorf("stub for %s: %v", r.Old.Path, err)
		}
	}
	return app, nil
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// expectation is one "// touch:" comment of the fixture.
type expectation struct {
	kind, component, function, api string
	findings                       []string
}

func (e expectation) String() string {
	s := e.kind + " " + e.component + " " + e.function
	if e.api != "" {
		s += " api=" + e.api
	}
	if len(e.findings) > 0 {
		s += " findings=" + strings.Join(e.findings, ",")
	}
	return s
}

var touchComment = regexp.MustCompile(`// touch: (.*)$`)

// readExpectations maps "file:line" to what the fixture says is there; an
// empty slice for "// touch: none".
func readExpectations(t *testing.T, dir string) map[string][]expectation {
	t.Helper()
	out := map[string][]expectation{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		pkg := "example.com/app/" + filepath.ToSlash(filepath.Dir(rel))
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			m := touchComment.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			key := fmt.Sprintf("%s:%d", rel, line)
			out[key] = []expectation{}
			if strings.TrimSpace(m[1]) == "none" {
				continue
			}
			for _, one := range strings.Split(m[1], ";") {
				fields := strings.Fields(one)
				if len(fields) < 3 {
					t.Fatalf("%s: malformed expectation %q", key, one)
				}
				e := expectation{kind: fields[0], component: fields[1], function: fields[2]}
				if !strings.Contains(e.function, "/") {
					e.function = pkg + "." + e.function
				}
				for _, opt := range fields[3:] {
					name, value, _ := strings.Cut(opt, "=")
					switch name {
					case "api":
						e.api = value
					case "findings":
						e.findings = strings.Split(value, ",")
					default:
						t.Fatalf("%s: unknown option %q", key, opt)
					}
				}
				out[key] = append(out[key], e)
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTouchpoints checks every touchpoint of the fixture module against the
// "// touch:" comment on its line: kind, component, function, API and
// findings, and that look-alikes marked "none" are not reported.
func TestTouchpoints(t *testing.T) {
	dir, inv, _ := loadFixture(t)
	want := readExpectations(t, dir)
	got := map[string][]inventory.Touchpoint{}
	for _, tp := range inv.Touchpoints {
		key := fmt.Sprintf("%s:%d", tp.File, tp.Line)
		got[key] = append(got[key], tp)
	}
	for key, tps := range got {
		exps, ok := want[key]
		if !ok {
			for _, tp := range tps {
				t.Errorf("%s: unexpected touchpoint %s %s %s api=%s findings=%v", key, tp.Kind, tp.Component, tp.Function, tp.API, tp.Findings)
			}
			continue
		}
		remaining := slices.Clone(exps)
		for _, tp := range tps {
			i := slices.IndexFunc(remaining, func(e expectation) bool { return matches(e, tp) })
			if i < 0 {
				t.Errorf("%s: got %s %s %s api=%s findings=%v; want one of %v", key, tp.Kind, tp.Component, tp.Function, tp.API, tp.Findings, remaining)
				continue
			}
			remaining = slices.Delete(remaining, i, i+1)
		}
		for _, e := range remaining {
			t.Errorf("%s: missing touchpoint %v", key, e)
		}
	}
	for key, exps := range want {
		if _, ok := got[key]; !ok && len(exps) > 0 {
			t.Errorf("%s: no touchpoint reported; want %v", key, exps)
		}
	}

	// Every kind and every built-in component is exercised.
	s := inv.Summary()
	for _, k := range inventory.Kinds {
		if s.ByKind[k] == 0 {
			t.Errorf("the fixture has no %s touchpoint", k)
		}
	}
	for _, c := range append(slices.Clone(inventory.Components), "reporting") {
		if c != "" && s.ByComponent[c] == 0 {
			t.Errorf("the fixture has no touchpoint in component %s", c)
		}
	}
	if s.NonCompliant == 0 || s.Compliant+s.NonCompliant != len(inv.Touchpoints) {
		t.Errorf("summary %+v does not add up over %d touchpoints", s, len(inv.Touchpoints))
	}
}

func matches(e expectation, tp inventory.Touchpoint) bool {
	return e.kind == tp.Kind && e.component == tp.Component && e.function == tp.Function &&
		(e.api == "" || e.api == tp.API) && slices.Equal(e.findings, tp.Findings)
}

// TestSinglePass checks the inventory comes from the run's own index: the
// findings it attaches are the run's, and no package was loaded twice.
func TestSinglePass(t *testing.T) {
	_, inv, res := loadFixture(t)
	seen := map[string]bool{}
	for _, p := range res.Packages {
		if seen[p.ID] {
			t.Errorf("package %s loaded twice", p.ID)
		}
		seen[p.ID] = true
	}
	attached := 0
	for _, tp := range inv.Touchpoints {
		attached += len(tp.Findings)
	}
	if attached == 0 || len(res.Findings) == 0 {
		t.Fatalf("no findings attached (%d in the run)", len(res.Findings))
	}
}
