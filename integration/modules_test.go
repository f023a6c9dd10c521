package integration

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// lightRequirements are the only modules the root module (what golangci-lint
// custom compiles) may require, with what they require in turn.
var lightRequirements = []string{"golang.org/x/tools", "gopkg.in/yaml.v3", "github.com/golangci/plugin-module-register"}

// checkLight judges the `go mod graph` lines that start at the root module:
// each requirement is one of lightRequirements or a module they require,
// directly or further down (yaml.v3's go.mod predates graph pruning, so its
// test requirements come along), and the go directive is the highest of the
// light requirements', the lowest the module can state (issue 15 #7).
// graph is every line of the graph, for the requirements' own edges.
func checkLight(t *testing.T, graph []string) {
	t.Helper()
	pathOf := func(node string) string { p, _, _ := strings.Cut(node, "@"); return p }
	isRoot := func(node string) bool { return pathOf(node) == "github.com/dbaudit/dbaudit" } // at v0.0.0 in another build
	next := map[string][]string{}                                                            // module path -> the nodes it requires
	var own []string                                                                         // the root module's edges
	for _, line := range graph {
		from, to, ok := strings.Cut(line, " ")
		switch {
		case !ok:
		case isRoot(from):
			own = append(own, to)
		default:
			next[pathOf(from)] = append(next[pathOf(from)], to)
		}
	}
	require.NotEmpty(t, own, "no edge starts at github.com/dbaudit/dbaudit")

	reached := map[string]bool{} // modules the light requirements require, transitively
	lightGo := ""                // the highest go directive among the light requirements
	queue := slices.Clone(lightRequirements)
	for _, p := range lightRequirements {
		for _, to := range next[p] {
			if v := "v" + strings.TrimPrefix(to, "go@"); pathOf(to) == "go" && (lightGo == "" || semver.Compare(v, lightGo) > 0) {
				lightGo = v
			}
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, to := range next[p] {
			if q := pathOf(to); q != "go" && q != "toolchain" && !reached[q] && !isRoot(to) {
				reached[q] = true
				queue = append(queue, q)
			}
		}
	}
	for _, to := range own {
		p := pathOf(to)
		switch {
		case p == "go":
			assert.Equal(t, lightGo, "v"+strings.TrimPrefix(to, "go@"), "the root module's go directive is the highest of its requirements'")
		case slices.Contains(lightRequirements, p), reached[p]:
		default:
			t.Errorf("the root module requires %s, which neither x/tools, yaml.v3 nor the register module requires", to)
		}
	}
}

// TestRootModuleIsLight reads the root module's own module graph.
func TestRootModuleIsLight(t *testing.T) {
	t.Parallel()
	r := run(t, repoRoot, append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod"), "go", "mod", "graph")
	require.Equal(t, 0, r.code, "%s", r.stderr)
	checkLight(t, strings.Split(r.stdout, "\n"))
}

// TestWorkspaceHoldsEveryModule: every go.mod of the repository outside
// testdata and the examples is in go.work (else the README's test command
// would skip it), and every nested module replaces the dbaudit modules it
// requires with their directories, so that it builds with GOWORK=off too.
func TestWorkspaceHoldsEveryModule(t *testing.T) {
	t.Parallel()
	work, err := modfile.ParseWork("go.work", mustRead(t, filepath.Join(repoRoot, "go.work")), nil)
	require.NoError(t, err)
	var used []string
	for _, u := range work.Use {
		used = append(used, filepath.Clean(u.Path))
	}
	var found []string
	require.NoError(t, filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || rel == filepath.Join("docs", "examples") || rel == filepath.Join("tools", "custom-gcl")) {
			return filepath.SkipDir
		}
		if d.Name() == "go.mod" {
			found = append(found, filepath.Dir(rel))
		}
		return nil
	}))
	slices.Sort(used)
	slices.Sort(found)
	assert.Equal(t, found, used, "go.work's use list and the repository's go.mod files")

	for _, dir := range found {
		gomod := filepath.Join(repoRoot, dir, "go.mod")
		f, err := modfile.Parse(gomod, mustRead(t, gomod), nil)
		require.NoError(t, err)
		replaced := map[string]string{}
		for _, r := range f.Replace {
			replaced[r.Old.Path] = r.New.Path
		}
		for _, r := range f.Require {
			if !isDbaudit(r.Mod.Path) {
				continue
			}
			want, err := filepath.Rel(filepath.Join(repoRoot, dir), filepath.Join(repoRoot, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(r.Mod.Path, "github.com/dbaudit/dbaudit"), "/"))))
			require.NoError(t, err)
			assert.Equal(t, filepath.ToSlash(want), replaced[r.Mod.Path], "%s/go.mod replaces %s with its directory", dir, r.Mod.Path)
		}
	}
}
