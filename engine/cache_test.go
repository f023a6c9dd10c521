package engine_test

import (
	"go/ast"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	require.NoError(t, err)
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
	require.Contains(t, byPath, "example.com/m/a")
	assert.Equal(t, []string{"example.com/m/b.Die"}, byPath["example.com/m/a"].NoReturn, "ctrlflow's fact about b.Die reaches a")
	assert.Equal(t, 5, byPath["example.com/m/a"].Funcs)
}

// The second run reads every package from the cache, loads none, and
// reports the same findings and products; the cache is keyed by content,
// so editing one file re-analyses its package and the packages that import
// it, and nothing else.
func TestCacheWarmRunIsTheColdRun(t *testing.T) {
	dir := reportModule(t)
	cold := run(t, dir, engine.Options{})
	assert.Zero(t, cold.Cached)
	warm := run(t, dir, engine.Options{})
	require.NotEmpty(t, cold.Findings)
	assert.Equal(t, cold.Findings, warm.Findings)
	assert.ElementsMatch(t, cold.LoadErrors, warm.LoadErrors)
	assert.Equal(t, cold.Files, warm.Files)
	assert.Equal(t, cold.Products, warm.Products)
	assert.NotEmpty(t, warm.Products["calls"])
	// svc and bad have type errors: never cached.
	assert.Equal(t, len(cold.Packages)-2, warm.Cached, "every package without errors comes from the cache")
	for _, p := range warm.Packages {
		if p.PkgPath == "example.com/m/api" {
			assert.Nil(t, p.Types, "a cached package is not type-checked")
		}
	}

	none := run(t, dir, engine.Options{NoCache: true})
	assert.Zero(t, none.Cached)
	assert.Equal(t, cold.Findings, none.Findings)
}

func TestCacheEditReanalysesThePackageAndItsImporters(t *testing.T) {
	dir := factsModule(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "c"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "d"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c", "c.go"), []byte("package c\n\nfunc C() {}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d", "d.go"), []byte("package d\n\nimport \"example.com/m/a\"\n\nvar _ = a.IDs\n"), 0o644))
	cold := run(t, dir, engine.Options{})
	require.Len(t, cold.Packages, 4)
	assert.Equal(t, 4, run(t, dir, engine.Options{}).Cached)

	// b's edit: b, a (imports b) and d (imports a) again; c from the cache.
	// a's findings, which rest on b's facts, are unchanged.
	bgo := filepath.Join(dir, "b", "b.go")
	data, err := os.ReadFile(bgo)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bgo, append(data, "\nfunc Extra() {}\n"...), 0o644))
	edited := run(t, dir, engine.Options{})
	assert.Equal(t, 1, edited.Cached, "only c is untouched")
	assert.Equal(t, cold.Findings, edited.Findings)

	// a's edit: a and d again; b and c from the cache, and b's facts from
	// its cache entry (a's findings rest on them).
	ago := filepath.Join(dir, "a", "a.go")
	data, err = os.ReadFile(ago)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(ago, append(data, "\nfunc Extra() {}\n"...), 0o644))
	edited = run(t, dir, engine.Options{})
	assert.Equal(t, 2, edited.Cached, "b and c are untouched")
	assert.Equal(t, cold.Findings, edited.Findings)
	assert.Equal(t, []string{"conncleanup a/a.go:21", "poolconstruct a/a.go:41", "sessioninject a/a.go:49"}, lines(edited.Findings, "conncleanup", "poolconstruct", "sessioninject"))
}

func TestCacheIgnoresCorruptEntries(t *testing.T) {
	dir := factsModule(t)
	cold := run(t, dir, engine.Options{})
	cacheDir, err := engine.CacheDir()
	require.NoError(t, err)
	n := 0
	require.NoError(t, filepath.Walk(cacheDir, func(path string, info os.FileInfo, err error) error {
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
	require.Positive(t, n)
	again := run(t, dir, engine.Options{})
	assert.Zero(t, again.Cached, "no corrupt entry is used")
	assert.Equal(t, cold.Findings, again.Findings)
	assert.Equal(t, cold.Products, again.Products)
	assert.Equal(t, len(again.Packages), run(t, dir, engine.Options{}).Cached, "the entries were written again")
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
			if assert.NoError(t, err) {
				results[i] = res
			}
		}()
	}
	wg.Wait()
	for _, res := range append(results, run(t, dir, engine.Options{})) {
		require.NotNil(t, res)
		assert.Equal(t, want.Findings, res.Findings)
		assert.Equal(t, want.Products, res.Products)
	}
}

func TestToolIDIsTheBuildID(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(out)), engine.BuildID(exe))
}

// With an empty build cache the dependencies are checked from source; the
// result cache then keeps their export data, so a run after an edit needs
// neither the go command nor their source for them, and says the same.
func TestCacheKeepsDependencyTypes(t *testing.T) {
	dir := factsModule(t)
	t.Setenv("GOCACHE", t.TempDir())
	cold := run(t, dir, engine.Options{})
	require.Empty(t, cold.LoadErrors)
	ago := filepath.Join(dir, "a", "a.go")
	data, err := os.ReadFile(ago)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(ago, append(data, "\nfunc Extra() {}\n"...), 0o644))
	before := engine.LoadDepsCalls()
	edited := run(t, dir, engine.Options{})
	assert.Equal(t, before, engine.LoadDepsCalls(), "the dependencies' types came from the cache")
	assert.Empty(t, edited.LoadErrors)
	assert.Equal(t, 1, edited.Cached, "b from the cache, a again")
	assert.Equal(t, cold.Findings, edited.Findings)
	assert.Equal(t, cold.Products["calls"]["example.com/m/b"], edited.Products["calls"]["example.com/m/b"])
	assert.Equal(t, []string{"example.com/m/b.Die"}, edited.Products["calls"]["example.com/m/a"].(*calls).NoReturn)
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
	require.NoError(t, err)
	assert.Same(t, res.Suite.Index, shared)
	assert.Empty(t, res.Findings, "no rules ran")
	assert.Empty(t, res.Rules)
	assert.Equal(t, map[string]any{"example.com/m/a": 1, "example.com/m/b": 1}, res.Products["indexed"])
}

// Entries unused for days go, once a day; entries a run reads are used,
// however old, and stay.
func TestCacheTrimsOldEntries(t *testing.T) {
	dir := factsModule(t)
	cold := run(t, dir, engine.Options{})
	cacheDir, err := engine.CacheDir()
	require.NoError(t, err)
	age := func() (n int) {
		old := time.Now().Add(-10 * 24 * time.Hour)
		require.NoError(t, filepath.WalkDir(cacheDir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
				return os.Chtimes(path, old, old)
			}
			return err
		}))
		return n
	}
	count := func() (n int) {
		require.NoError(t, filepath.WalkDir(cacheDir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return err
		}))
		return n
	}
	n := age()
	require.Greater(t, n, 2)
	run(t, dir, engine.Options{}) // reads the old entries (marking them used), then trims
	assert.Equal(t, len(cold.Packages), run(t, dir, engine.Options{}).Cached, "the entries read are kept")

	age()
	run(t, dir, engine.Options{NoTests: true}) // another configuration: uses none of them, then trims
	left := count()
	assert.Zero(t, run(t, dir, engine.Options{}).Cached, "the trimmed entries are gone")
	assert.Less(t, left, n+2, "new entries only")
}
