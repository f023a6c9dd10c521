package dbindex

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/rules"
)

// TestSupportFlag names the index analyzer's flag carrying the packages that
// only tests import. go/analysis shows a pass its package's imports, never
// its importers, so only a driver that loads the whole program can tell; it
// sets the flag (see TestSupportPackages) before the analysis starts. Other
// drivers leave it empty and the rest of the evidence still applies.
const TestSupportFlag = "test_support"

// testFrameworks are imports that make a non-test file test support.
var testFrameworks = []string{
	"github.com/testcontainers/testcontainers-go",
	"github.com/ory/dockertest",
	"github.com/onsi/ginkgo",
	"github.com/onsi/gomega",
	"github.com/stretchr/testify",
}

// isTestFramework reports whether an import path is testing, or a test
// framework or one of its packages (testcontainers-go/modules/postgres,
// dockertest/v3, ginkgo/v2).
func isTestFramework(path string) bool {
	if path == "testing" || strings.HasPrefix(path, "testing/") {
		return true
	}
	for _, f := range testFrameworks {
		if path == f || strings.HasPrefix(path, f+"/") {
			return true
		}
	}
	return false
}

// testEvidence says why the package is test support, or "". "imports
// testing" makes it test code for every rule, as rules.yaml test_packages
// and the naming conventions of rules.IsTestPackage do.
func (x *Index) testEvidence(cfg *rules.Config, testOnly *pathSet) string {
	if x.testPkg {
		return "test package"
	}
	framework := ""
	for _, f := range x.pass.Files {
		if x.testFiles[x.pass.Fset.File(f.Pos())] {
			continue // a _test.go file's imports say nothing about the package
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				continue
			}
			if p == "testing" {
				return "imports testing"
			}
			if isTestFramework(p) && framework == "" {
				framework = "imports " + p
			}
		}
	}
	path := x.pass.Pkg.Path()
	switch {
	case framework != "":
		return framework
	case x.isMainPkg:
		return ""
	case inTestDir(path, x.modulePath()):
		return "under a test directory"
	case testOnly.has(path):
		return "imported only by tests"
	}
	return ""
}

// inTestDir is rules.InTestDir for the part of the path inside its module:
// a module named like a test directory (github.com/acme/e2e) does not make
// all of its code test support.
func inTestDir(path, module string) bool {
	if module != "" && (path == module || strings.HasPrefix(path, module+"/")) {
		path = strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
	}
	return rules.InTestDir(path)
}

func (x *Index) modulePath() string {
	if m := x.pass.Module; m != nil {
		return m.Path
	}
	return ""
}

// TestSupportPackages returns the import paths of the packages in pkgs (as
// go list lists them with tests: p, p [p.test], p_test [p.test]) that only
// test code imports: some other package's tests import them, and every
// importer outside test files is test support itself (a helper of a
// helper). A package's own tests do not count, or every tested library
// would qualify; a package nothing imports is production code. Packages
// that are test support by their own evidence (a testing import, a test
// directory, rules.yaml test_packages) seed the set, so what only they
// import is test support too.
func TestSupportPackages(cfg *rules.Config, pkgs []*packages.Package) []string {
	type node struct {
		main        bool
		testUsers   bool            // imported by another package's test files
		prodUsers   map[string]bool // import paths of importers outside test files
		testSupport bool
	}
	nodes := map[string]*node{}
	get := func(path string) *node {
		n := nodes[path]
		if n == nil {
			n = &node{prodUsers: map[string]bool{}}
			nodes[path] = n
		}
		return n
	}
	plain := map[string]bool{}
	for _, p := range pkgs {
		if p.ForTest != "" && p.PkgPath != p.ForTest && !strings.HasSuffix(p.PkgPath, "_test") {
			continue // q recompiled for p's test: q's plain package says the same
		}
		if p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test") {
			continue // a test binary's generated main
		}
		if p.ForTest == "" {
			plain[p.PkgPath] = true
			n := get(p.PkgPath)
			n.main = p.Name == "main"
			for imp := range p.Imports {
				if isTestFramework(imp) {
					n.testSupport = true
				}
			}
			mod := ""
			if p.Module != nil {
				mod = p.Module.Path
			}
			if cfg.IsTestPackage(p.PkgPath) || inTestDir(p.PkgPath, mod) {
				n.testSupport = true
			}
		}
		under := strings.TrimSuffix(p.PkgPath, "_test")
		for _, imp := range p.Imports {
			if imp.PkgPath == under {
				continue // a package's own tests
			}
			n := get(imp.PkgPath)
			if p.ForTest != "" {
				n.testUsers = true
			} else {
				n.prodUsers[p.PkgPath] = true
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for path, n := range nodes {
			if n.testSupport || n.main || !plain[path] || !n.testUsers && len(n.prodUsers) == 0 {
				continue
			}
			all := true
			for user := range n.prodUsers {
				if u := nodes[user]; u == nil || !u.testSupport {
					all = false
					break
				}
			}
			if all {
				n.testSupport, changed = true, true
			}
		}
	}
	var out []string
	for path, n := range nodes {
		if n.testSupport && plain[path] && !n.main {
			out = append(out, path)
		}
	}
	sort.Strings(out)
	return out
}

// pathSet is a flag.Value holding import paths. It is written once, before
// the analysis starts, and read concurrently afterwards.
type pathSet struct {
	mu    sync.RWMutex
	paths map[string]bool
}

func (s *pathSet) String() string {
	if s == nil {
		return ""
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for p := range s.paths {
		out = append(out, p)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// Set replaces the set with the comma-separated paths.
func (s *pathSet) Set(v string) error {
	m := map[string]bool{}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			m[p] = true
		}
	}
	s.mu.Lock()
	s.paths = m
	s.mu.Unlock()
	return nil
}

func (s *pathSet) list() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.paths))
	for p := range s.paths {
		out = append(out, p)
	}
	return out
}

func (s *pathSet) has(p string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.paths[p]
}

// SQLDriverPackages returns the driver packages (see DriverOfPackage) that
// the packages outside test files import directly: where a program's main
// package blank-imports its database/sql driver.
func SQLDriverPackages(pkgs []*packages.Package) []string {
	seen := map[string]bool{}
	for _, p := range pkgs {
		if p.ForTest != "" {
			continue
		}
		for imp := range p.Imports {
			if DriverOfPackage(imp) != DriverUnknown {
				seen[imp] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
