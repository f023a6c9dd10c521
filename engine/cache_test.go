package engine_test

import (
	"go/ast"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/ctrlflow"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// calls is a product: plain data about a package, with what ctrlflow says
// of the functions it calls (facts included).
type calls struct {
	Package  string
	NoReturn []string // callees that never return
	Funcs    int
}

var callsAnalyzer = &analysis.Analyzer{
	Name:       "calls",
	Doc:        "test product: the callees ctrlflow knows never return",
	Requires:   []*analysis.Analyzer{inspect.Analyzer, ctrlflow.Analyzer},
	ResultType: reflect.TypeOf(new(calls)),
	Run: func(pass *analysis.Pass) (any, error) {
		cfgs := pass.ResultOf[ctrlflow.Analyzer].(*ctrlflow.CFGs)
		in := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
		out := &calls{Package: pass.Pkg.Path()}
		seen := map[string]bool{}
		in.Preorder([]ast.Node{(*ast.FuncDecl)(nil), (*ast.CallExpr)(nil)}, func(n ast.Node) {
			switch n := n.(type) {
			case *ast.FuncDecl:
				out.Funcs++
			case *ast.CallExpr:
				var id *ast.Ident
				switch f := n.Fun.(type) {
				case *ast.Ident:
					id = f
				case *ast.SelectorExpr:
					id = f.Sel
				}
				if id == nil {
					return
				}
				if fn, ok := pass.TypesInfo.Uses[id].(*types.Func); ok && cfgs.NoReturn(fn) && !seen[fn.FullName()] {
					seen[fn.FullName()] = true
					out.NoReturn = append(out.NoReturn, fn.FullName())
				}
			}
		})
		sort.Strings(out.NoReturn)
		return out, nil
	},
}

// run runs check-style (streaming, cached) with the calls product.
func run(t *testing.T, dir string, opts engine.Options) *engine.Result {
	t.Helper()
	opts.Dir = dir
	if opts.Config == nil {
		opts.Config = rules.Default(dir)
	}
	opts.Extra = []*analysis.Analyzer{callsAnalyzer}
	res, err := engine.Run(opts)
	mustNoErr(t, err)
	return res
}

func TestCtrlflowFactsReachImporters(t *testing.T) {
	dir := factsModule(t)
	res := run(t, dir, engine.Options{})
	byPath := map[string]*calls{}
	for _, v := range res.Products["calls"] {
		c := v.(*calls)
		byPath[c.Package] = c
	}
	a, ok := byPath["example.com/m/a"]
	if !ok {
		t.Fatalf("no calls product for example.com/m/a: %v", byPath)
	}
	if want := []string{"example.com/m/b.Die"}; !reflect.DeepEqual(a.NoReturn, want) {
		t.Errorf("ctrlflow's fact about b.Die reaches a: got %q, want %q", a.NoReturn, want)
	}
	if a.Funcs != 5 {
		t.Errorf("funcs in a: got %d, want 5", a.Funcs)
	}
}

// The second run reads every package from the cache, loads none, and
// reports the same findings and products; the cache is keyed by content,
// so editing one file re-analyses its package and the packages that import
// it, and nothing else.
func TestCacheWarmRunIsTheColdRun(t *testing.T) {
	dir := reportModule(t)
	cold := run(t, dir, engine.Options{})
	if cold.Timings.Cached != 0 {
		t.Errorf("cold run: cached %d, want 0", cold.Timings.Cached)
	}
	warm := run(t, dir, engine.Options{})
	if len(cold.Findings) == 0 {
		t.Fatal("no findings")
	}
	sameReport(t, "warm", warm, cold)
	if !reflect.DeepEqual(cold.Products, warm.Products) {
		t.Errorf("warm products:\n got %v\nwant %v", warm.Products, cold.Products)
	}
	if len(warm.Products["calls"]) == 0 {
		t.Errorf("no calls products in the warm run")
	}
	// svc and bad have type errors: never cached.
	if want := len(cold.Packages) - 2; warm.Timings.Cached != want {
		t.Errorf("every package without errors comes from the cache: cached %d, want %d", warm.Timings.Cached, want)
	}
	for _, p := range warm.Packages {
		if p.PkgPath == "example.com/m/api" && p.Types != nil {
			t.Errorf("a cached package is not type-checked: %s has types", p.ID)
		}
	}

	none := run(t, dir, engine.Options{NoCache: true})
	if none.Timings.Cached != 0 {
		t.Errorf("NoCache run: cached %d, want 0", none.Timings.Cached)
	}
	if !reflect.DeepEqual(cold.Findings, none.Findings) {
		t.Errorf("NoCache findings:\n got %v\nwant %v", none.Findings, cold.Findings)
	}
}

func TestCacheEditReanalysesThePackageAndItsImporters(t *testing.T) {
	dir := factsModule(t)
	mustNoErr(t, os.MkdirAll(filepath.Join(dir, "c"), 0o755))
	mustNoErr(t, os.MkdirAll(filepath.Join(dir, "d"), 0o755))
	mustNoErr(t, os.WriteFile(filepath.Join(dir, "c", "c.go"), []byte("package c\n\nfunc C() {}\n"), 0o644))
	mustNoErr(t, os.WriteFile(filepath.Join(dir, "d", "d.go"), []byte("package d\n\nimport \"example.com/m/a\"\n\nvar _ = a.IDs\n"), 0o644))
	cold := run(t, dir, engine.Options{})
	if len(cold.Packages) != 4 {
		t.Fatalf("packages: got %d, want 4", len(cold.Packages))
	}
	if got := run(t, dir, engine.Options{}).Timings.Cached; got != 4 {
		t.Errorf("second run: cached %d, want 4", got)
	}

	// b's edit: b, a (imports b) and d (imports a) again; c from the cache.
	// a's findings, which rest on b's facts, are unchanged.
	bgo := filepath.Join(dir, "b", "b.go")
	data, err := os.ReadFile(bgo)
	mustNoErr(t, err)
	mustNoErr(t, os.WriteFile(bgo, append(data, "\nfunc Extra() {}\n"...), 0o644))
	edited := run(t, dir, engine.Options{})
	if edited.Timings.Cached != 1 {
		t.Errorf("only c is untouched: cached %d, want 1", edited.Timings.Cached)
	}
	if !reflect.DeepEqual(cold.Findings, edited.Findings) {
		t.Errorf("findings after b's edit:\n got %v\nwant %v", edited.Findings, cold.Findings)
	}

	// a's edit: a and d again; b and c from the cache, and b's facts from
	// its cache entry (a's findings rest on them).
	ago := filepath.Join(dir, "a", "a.go")
	data, err = os.ReadFile(ago)
	mustNoErr(t, err)
	mustNoErr(t, os.WriteFile(ago, append(data, "\nfunc Extra() {}\n"...), 0o644))
	edited = run(t, dir, engine.Options{})
	if edited.Timings.Cached != 2 {
		t.Errorf("b and c are untouched: cached %d, want 2", edited.Timings.Cached)
	}
	if !reflect.DeepEqual(cold.Findings, edited.Findings) {
		t.Errorf("findings after a's edit:\n got %v\nwant %v", edited.Findings, cold.Findings)
	}
	want := []string{"conncleanup a/a.go:21", "poolconstruct a/a.go:41", "sessioninject a/a.go:49"}
	if got := lines(edited.Findings, "conncleanup", "poolconstruct", "sessioninject"); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCacheIgnoresCorruptEntries(t *testing.T) {
	dir := factsModule(t)
	cold := run(t, dir, engine.Options{})
	cacheDir, err := engine.CacheDir()
	mustNoErr(t, err)
	n := 0
	mustNoErr(t, filepath.Walk(cacheDir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch n % 3 {
		case 0:
			data = data[:len(data)/2] // truncated
		case 1:
			data[len(data)-1] ^= 0xff // one byte changed
		default:
			data = []byte("garbage")
		}
		n++
		return os.WriteFile(path, data, 0o644)
	}))
	if n <= 0 {
		t.Fatal("no cache entries to corrupt")
	}
	again := run(t, dir, engine.Options{})
	if again.Timings.Cached != 0 {
		t.Errorf("no corrupt entry is used: cached %d", again.Timings.Cached)
	}
	if !reflect.DeepEqual(cold.Findings, again.Findings) {
		t.Errorf("findings:\n got %v\nwant %v", again.Findings, cold.Findings)
	}
	if !reflect.DeepEqual(cold.Products, again.Products) {
		t.Errorf("products:\n got %v\nwant %v", again.Products, cold.Products)
	}
	if got := run(t, dir, engine.Options{}).Timings.Cached; got != len(again.Packages) {
		t.Errorf("the entries were written again: cached %d, want %d", got, len(again.Packages))
	}
}

func TestCacheConcurrentRuns(t *testing.T) {
	dir := factsModule(t)
	want := run(t, dir, engine.Options{NoCache: true})
	const n = 4
	results := make([]*engine.Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), Extra: []*analysis.Analyzer{callsAnalyzer}})
			if err != nil {
				t.Errorf("run %d: %v", i, err)
				return
			}
			results[i] = res
		}()
	}
	wg.Wait()
	for i, res := range append(results, run(t, dir, engine.Options{})) {
		if res == nil {
			t.Fatalf("run %d: no result", i)
		}
		if !reflect.DeepEqual(want.Findings, res.Findings) {
			t.Errorf("run %d findings:\n got %v\nwant %v", i, res.Findings, want.Findings)
		}
		if !reflect.DeepEqual(want.Products, res.Products) {
			t.Errorf("run %d products:\n got %v\nwant %v", i, res.Products, want.Products)
		}
	}
}

func TestToolIDIsTheBuildID(t *testing.T) {
	exe, err := os.Executable()
	mustNoErr(t, err)
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	mustNoErr(t, err)
	if got, want := engine.BuildID(exe), strings.TrimSpace(string(out)); got != want {
		t.Errorf("build ID: got %q, want %q", got, want)
	}
}

// With an empty build cache the dependencies are checked from source; the
// result cache then keeps their export data, so a run after an edit needs
// neither the go command nor their source for them, and says the same.
func TestCacheKeepsDependencyTypes(t *testing.T) {
	dir := factsModule(t)
	t.Setenv("GOCACHE", t.TempDir())
	cold := run(t, dir, engine.Options{})
	if len(cold.LoadErrors) != 0 {
		t.Fatalf("load errors: %v", cold.LoadErrors)
	}
	ago := filepath.Join(dir, "a", "a.go")
	data, err := os.ReadFile(ago)
	mustNoErr(t, err)
	mustNoErr(t, os.WriteFile(ago, append(data, "\nfunc Extra() {}\n"...), 0o644))
	before := engine.LoadDepsCalls()
	edited := run(t, dir, engine.Options{})
	if after := engine.LoadDepsCalls(); after != before {
		t.Errorf("the dependencies' types came from the cache: listed %d times, want none", after-before)
	}
	if len(edited.LoadErrors) != 0 {
		t.Errorf("load errors after the edit: %v", edited.LoadErrors)
	}
	if edited.Timings.Cached != 1 {
		t.Errorf("b from the cache, a again: cached %d, want 1", edited.Timings.Cached)
	}
	if !reflect.DeepEqual(cold.Findings, edited.Findings) {
		t.Errorf("findings:\n got %v\nwant %v", edited.Findings, cold.Findings)
	}
	if got, want := edited.Products["calls"]["example.com/m/b"], cold.Products["calls"]["example.com/m/b"]; !reflect.DeepEqual(got, want) {
		t.Errorf("b's calls product: got %+v, want %+v", got, want)
	}
	if got, want := edited.Products["calls"]["example.com/m/a"].(*calls).NoReturn, []string{"example.com/m/b.Die"}; !reflect.DeepEqual(got, want) {
		t.Errorf("a's NoReturn: got %q, want %q", got, want)
	}
}

// Extra analyzers built on the run's index share it; with NoRules only
// they (and the index) run.
func TestExtraForSharesTheIndex(t *testing.T) {
	dir := factsModule(t)
	var shared *analysis.Analyzer
	product := &analysis.Analyzer{
		Name:       "indexed",
		Doc:        "test product on the shared index",
		ResultType: reflect.TypeOf(0),
		Run:        func(pass *analysis.Pass) (any, error) { return len(pass.Files), nil },
	}
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoRules: true,
		ExtraFor: func(index *analysis.Analyzer) []*analysis.Analyzer {
			shared = index
			product.Requires = []*analysis.Analyzer{index}
			return []*analysis.Analyzer{product}
		}})
	mustNoErr(t, err)
	if res.Suite.Index != shared {
		t.Errorf("the index handed to ExtraFor (%p) is not the suite's (%p)", shared, res.Suite.Index)
	}
	if len(res.Findings) != 0 {
		t.Errorf("no rules ran, yet findings: %v", res.Findings)
	}
	if len(res.Rules) != 0 {
		t.Errorf("no rules ran, yet rules: %v", res.Rules)
	}
	if got, want := res.Products["indexed"], (map[string]any{"example.com/m/a": 1, "example.com/m/b": 1}); !reflect.DeepEqual(got, want) {
		t.Errorf("indexed products: got %v, want %v", got, want)
	}
}

// Entries unused for days go, once a day; entries a run reads are used,
// however old, and stay.
func TestCacheTrimsOldEntries(t *testing.T) {
	dir := factsModule(t)
	cold := run(t, dir, engine.Options{})
	cacheDir, err := engine.CacheDir()
	mustNoErr(t, err)
	age := func() (n int) {
		old := time.Now().Add(-10 * 24 * time.Hour)
		mustNoErr(t, filepath.WalkDir(cacheDir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
				return os.Chtimes(path, old, old)
			}
			return err
		}))
		return n
	}
	count := func() (n int) {
		mustNoErr(t, filepath.WalkDir(cacheDir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return err
		}))
		return n
	}
	n := age()
	if n <= 2 {
		t.Fatalf("cache entries: got %d, want more than 2", n)
	}
	run(t, dir, engine.Options{}) // reads the old entries (marking them used), then trims
	if got := run(t, dir, engine.Options{}).Timings.Cached; got != len(cold.Packages) {
		t.Errorf("the entries read are kept: cached %d, want %d", got, len(cold.Packages))
	}

	age()
	run(t, dir, engine.Options{NoTests: true}) // another configuration: uses none of them, then trims
	left := count()
	if got := run(t, dir, engine.Options{}).Timings.Cached; got != 0 {
		t.Errorf("the trimmed entries are gone: cached %d, want 0", got)
	}
	if left >= n+2 {
		t.Errorf("new entries only: %d left, want fewer than %d", left, n+2)
	}
}
