package engine

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// listMode asks the go command for names, files, imports and modules of
// the named packages and everything they import: no compilation, no cgo
// processing (-compiled costs as much again as the listing at 1,000
// packages), and, on a warm cache, all a run needs.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps |
	packages.NeedModule | packages.NeedForTest

// listPackages lists the named packages, with their test variants, and
// their dependencies, as go vet sees them; the generated test mains are
// dropped.
func listPackages(cfg *packages.Config, patterns []string) ([]*packages.Package, error) {
	listCfg := *cfg
	listCfg.Mode = listMode
	roots, err := packages.Load(&listCfg, patterns...)
	if err != nil {
		return nil, err
	}
	return dropTestMains(roots), nil
}

// checkPackages type-checks the listed packages in full (by ID) for
// analysis, and what they need for it, as cheaply as the analyzers allow:
// the other named packages they import are checked for their declarations
// only (function bodies skipped, syntax dropped at once), and dependencies
// outside the named packages come from export data when the build cache
// holds all of it, else are checked for their declarations too, so nothing
// is compiled. go/packages' own NeedTypes mode compiles every package to
// produce export data; compiling just the dependencies (the standard
// library and the drivers) still took three quarters of a cold run at
// 1,000 packages (bench/), while checking their declarations takes a
// second or two of CPU, which only reading cached export data beats.
//
// A package is checked once everything it imports is finished, and checked
// is called for each package in full as soon as it is type-checked, in its
// checking slot (one of GOMAXPROCS): analysing there lets the caller drop
// its syntax at once, so only about a slot's worth is held at any time.
// A package is finished when checked is done with it: a package that
// imports it can then read its facts. A named package that is not analysed
// itself because its test variant is ("a" beside "a [a.test]") is finished
// once the variant is.
func checkPackages(cfg *packages.Config, patterns []string, roots []*packages.Package, full map[string]bool, checked func(p *packages.Package), tc typesCache) error {
	if len(roots) == 0 || len(full) == 0 {
		return nil
	}
	if err := compiledFiles(cfg, patterns, roots); err != nil {
		return err
	}
	byID := map[string]*packages.Package{}
	for _, p := range roots {
		byID[p.ID] = p
	}
	variants := testVariants(roots, byID)

	// The named packages (and variants) that the ones in full need: their
	// imports among them, transitively.
	needed := map[string]bool{}
	var need func(p *packages.Package)
	need = func(p *packages.Package) {
		if needed[p.ID] {
			return
		}
		needed[p.ID] = true
		for _, imp := range p.Imports {
			if dep := resolveVariant(byID, imp); dep != nil && dep.ID != p.ID {
				need(dep)
			}
		}
	}
	for _, p := range roots {
		if full[p.ID] {
			need(p)
		}
	}
	var named []*packages.Package
	for _, p := range append(append([]*packages.Package(nil), roots...), variants...) {
		if needed[p.ID] {
			named = append(named, p)
		}
	}

	// Dependencies outside the named packages come from export data or are
	// checked for their declarations only, except those that themselves
	// import a named package (possible when only part of a module is named):
	// export data would bring a second copy of the named package's types, so
	// they are checked from source like the named ones.
	external := map[string]bool{}
	for _, p := range named {
		for _, imp := range p.Imports {
			if resolveVariant(byID, imp) == nil && imp.PkgPath != "unsafe" && imp.PkgPath != "C" {
				external[imp.PkgPath] = true
			}
		}
	}
	// Export data this engine cached for all of them spares listing them
	// again and checking them.
	var (
		deps       []*packages.Package
		fromExport bool
		err        error
	)
	cached := cachedDeps(tc, named, byID)
	if cached == nil {
		deps, fromExport, err = loadDeps(cfg, external)
		if err != nil {
			return err
		}
	}
	goErrors := map[string]string{}
	var sizes types.Sizes
	for _, d := range deps {
		if msg := goCommandError(d); msg != "" {
			goErrors[d.PkgPath] = msg
		}
		if sizes == nil && d.TypesSizes != nil {
			sizes = d.TypesSizes
		}
	}
	if sizes == nil {
		if sizes, err = typesSizes(cfg); err != nil {
			return err
		}
	}
	between := dependentsOf(deps, byID)
	isBetween := map[string]bool{}
	for _, p := range between {
		isBetween[p.ID] = true
	}
	exports := map[string]string{}
	var declsOnly []*packages.Package
	for _, d := range deps {
		switch {
		case isBetween[d.ID] || byID[d.ID] != nil || d.PkgPath == "unsafe":
		case fromExport:
			exports[d.PkgPath] = d.ExportFile
		default:
			declsOnly = append(declsOnly, d)
		}
	}

	fset := token.NewFileSet()
	cfg.Fset = fset
	ld := &sourceLoader{
		fset:      fset,
		byID:      byID,
		exports:   exports,
		imports:   map[string]*types.Package{},
		declsOnly: map[string]bool{},
		done:      map[string]chan struct{}{},
		cpu:       make(chan struct{}, runtime.GOMAXPROCS(0)),
		checked:   checked,
		full:      full,
		goErrors:  goErrors,
		cached:    cached,
		tc:        tc,
		named:     map[string]bool{},
	}
	for _, p := range named {
		ld.named[p.ID] = true
	}
	all := append(append(append([]*packages.Package(nil), named...), between...), declsOnly...)
	for _, p := range between {
		byID[p.ID] = p
	}
	for _, p := range declsOnly {
		byID[p.ID] = p
	}
	for _, p := range all {
		if !full[p.ID] {
			ld.declsOnly[p.ID] = true
		}
		if p.TypesSizes == nil {
			p.TypesSizes = sizes
		}
		p.Fset = fset
		ld.done[p.ID] = make(chan struct{})
	}
	ld.after = factWaits(all, full, byID)
	var wg sync.WaitGroup
	for _, p := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ld.check(p)
		}()
	}
	wg.Wait()
	return nil
}

// factWaits returns, for each package checked but not analysed whose
// package path an analysed package has ("a" beside "a [a.test]", or
// "b [a.test]" beside "b"), the analysed one: its facts are that path's,
// so the package is finished only once it is. An edge that would close a
// cycle is left out (the facts are then absent, never a deadlock).
func factWaits(all []*packages.Package, full map[string]bool, byID map[string]*packages.Package) map[string][]string {
	analysed := map[string]string{} // package path → ID
	for _, p := range all {
		if full[p.ID] {
			analysed[p.PkgPath] = p.ID
		}
	}
	after := map[string][]string{}
	// reaches reports whether from waits, directly or not, for to.
	var reaches func(from, to string, seen map[string]bool) bool
	reaches = func(from, to string, seen map[string]bool) bool {
		if from == to {
			return true
		}
		if seen[from] {
			return false
		}
		seen[from] = true
		p := byID[from]
		if p == nil {
			return false
		}
		for _, imp := range p.Imports {
			if dep := resolveVariant(byID, imp); dep != nil && dep.ID != from && reaches(dep.ID, to, seen) {
				return true
			}
		}
		for _, id := range after[from] {
			if reaches(id, to, seen) {
				return true
			}
		}
		return false
	}
	for _, p := range all {
		id, ok := analysed[p.PkgPath]
		if !ok || full[p.ID] || byID[id] == nil {
			continue
		}
		if !reaches(id, p.ID, map[string]bool{}) {
			after[p.ID] = append(after[p.ID], id)
		}
	}
	return after
}

// loadDepsCalls counts loadDeps' listings, for tests.
var loadDepsCalls atomic.Int64

// typesCache keeps the export data of dependencies checked from source
// (their declarations), so that a later run needs neither the go command
// nor their source for them.
type typesCache interface {
	exportData(p *packages.Package) ([]byte, bool)
	putExportData(p *packages.Package, fset *token.FileSet)
}

// cachedDeps returns the cached export data of every dependency outside
// the named packages that they import, by path, or nil unless all of it
// is cached and none of them imports a named package.
func cachedDeps(tc typesCache, named []*packages.Package, byID map[string]*packages.Package) map[string][]byte {
	if tc == nil {
		return nil
	}
	reachesNamed := importsAny(byID)
	out := map[string][]byte{}
	for _, p := range named {
		for _, imp := range p.Imports {
			if resolveVariant(byID, imp) != nil || imp.PkgPath == "unsafe" || imp.PkgPath == "C" {
				continue
			}
			if _, ok := out[imp.PkgPath]; ok {
				continue
			}
			if imp.Name == "" || reachesNamed(imp) {
				return nil // not listed in full, or between named packages
			}
			data, ok := tc.exportData(imp)
			if !ok {
				return nil
			}
			out[imp.PkgPath] = data
		}
	}
	return out
}

// compiledFiles sets the CompiledGoFiles of the named packages, which the
// listing leaves out: the Go files, except for packages that use cgo,
// whose compiled files the go command makes (listed again, then).
func compiledFiles(cfg *packages.Config, patterns []string, roots []*packages.Package) error {
	cgo := false
	for _, p := range roots {
		if len(p.CompiledGoFiles) == 0 {
			p.CompiledGoFiles = p.GoFiles
			cgo = cgo || usesCgo(p.GoFiles)
		}
	}
	if !cgo {
		return nil
	}
	listCfg := *cfg
	listCfg.Mode = packages.NeedName | packages.NeedCompiledGoFiles | packages.NeedForTest
	again, err := packages.Load(&listCfg, patterns...)
	if err != nil {
		return err
	}
	byID := map[string]*packages.Package{}
	for _, p := range again {
		byID[p.ID] = p
	}
	for _, p := range roots {
		if q, ok := byID[p.ID]; ok {
			// Running cgo may fail (a missing header): the go command's
			// errors then come with the compiled files it could make.
			p.CompiledGoFiles, p.Errors = q.CompiledGoFiles, q.Errors
		}
	}
	return nil
}

// usesCgo reports whether one of the files imports "C" (the listing
// drops that import, and merges cgo files into the Go files).
func usesCgo(files []string) bool {
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil || !bytes.Contains(data, []byte(`"C"`)) {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, data, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` {
				return true
			}
		}
	}
	return false
}

// typesSizes asks the go command for the target architecture.
func typesSizes(cfg *packages.Config) (types.Sizes, error) {
	cmd := exec.Command("go", "env", "GOARCH")
	cmd.Dir, cmd.Env = cfg.Dir, cfg.Env
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOARCH: %v", err)
	}
	return types.SizesFor("gc", strings.TrimSpace(string(out))), nil
}

// dropTestMains drops the generated main packages of test binaries: they
// hold no code of the user's and would only cost a type-check.
func dropTestMains(pkgs []*packages.Package) []*packages.Package {
	out := pkgs[:0]
	for _, p := range pkgs {
		if p.Name == "main" && strings.HasSuffix(p.PkgPath, ".test") && p.ForTest == "" {
			continue
		}
		out = append(out, p)
	}
	return out
}

// loadDeps lists the given packages and everything they import, with
// their export data when the build cache holds it for all of them
// (fromExport), else with files and imports only: nothing is compiled.
func loadDeps(cfg *packages.Config, paths map[string]bool) (deps []*packages.Package, fromExport bool, err error) {
	if len(paths) == 0 {
		return nil, false, nil
	}
	loadDepsCalls.Add(1)
	list := make([]string, 0, len(paths))
	for p := range paths {
		list = append(list, p)
	}
	sort.Strings(list)
	depCfg := *cfg
	depCfg.Mode = packages.NeedName | packages.NeedImports | packages.NeedDeps |
		packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedModule | packages.NeedTypesSizes
	fromExport = exportDataCached(cfg, list)
	if fromExport {
		depCfg.Mode |= packages.NeedExportFile
	}
	depCfg.Tests = false
	top, err := packages.Load(&depCfg, list...)
	if err != nil {
		return nil, false, err
	}
	packages.Visit(top, nil, func(p *packages.Package) {
		deps = append(deps, p)
		if p.ExportFile == "" && p.PkgPath != "unsafe" {
			fromExport = false // the go command disagreed: check them from source
		}
	})
	return deps, fromExport, nil
}

// exportDataCached asks the go command whether the build cache is up to
// date for the packages and all they import (no package is Stale), which it
// answers from file hashes without building anything.
func exportDataCached(cfg *packages.Config, pkgs []string) bool {
	args := append([]string{"list", "-e", "-deps", "-f", "{{.Stale}}"}, cfg.BuildFlags...)
	cmd := exec.Command("go", append(append(args, "--"), pkgs...)...)
	cmd.Dir, cmd.Env = cfg.Dir, cfg.Env
	out, err := cmd.Output()
	return err == nil && !bytes.Contains(out, []byte("true"))
}

// dependentsOf returns the dependencies that import, directly or not, one
// of the named packages.
func dependentsOf(deps []*packages.Package, named map[string]*packages.Package) []*packages.Package {
	reaches := importsAny(named)
	var out []*packages.Package
	for _, d := range deps {
		if named[d.ID] == nil && reaches(d) {
			out = append(out, d)
		}
	}
	return out
}

// importsAny returns a function that reports whether a package imports,
// directly or not, one of the given packages.
func importsAny(named map[string]*packages.Package) func(p *packages.Package) bool {
	memo := map[*packages.Package]bool{}
	var reaches func(p *packages.Package) bool
	reaches = func(p *packages.Package) bool {
		if v, ok := memo[p]; ok {
			return v
		}
		memo[p] = false // cycles cannot happen in Go, but be safe
		for _, imp := range p.Imports {
			if named[imp.ID] != nil || reaches(imp) {
				memo[p] = true
				return true
			}
		}
		return false
	}
	return reaches
}

type sourceLoader struct {
	fset    *token.FileSet
	byID    map[string]*packages.Package
	exports map[string]string // export data files of the dependencies, when used

	mu      sync.Mutex // guards imports; gcexportdata.Read mutates it
	imports map[string]*types.Package

	// declsOnly holds the dependencies checked for their declarations only.
	declsOnly map[string]bool
	done      map[string]chan struct{}
	cpu       chan struct{}
	// full are the packages checked in full; checked is called for each,
	// in its checking slot.
	full    map[string]bool
	checked func(p *packages.Package)
	// after are the packages each must wait for before it is finished
	// (factWaits).
	after map[string][]string
	// cached is the export data of the dependencies, by path, when the
	// result cache held all of them; tc stores what checkDecls makes.
	cached map[string][]byte
	tc     typesCache
	named  map[string]bool // the named packages and their variants
	// goErrors are the go command's reasons, by import path, why a
	// dependency could not be loaded (no module provides it, the proxy
	// refuses its version): what an importer's "could not import" means.
	goErrors map[string]string
}

// goCommandError is the go command's error about a package it could not
// load, or "".
func goCommandError(p *packages.Package) string {
	for _, e := range p.Errors {
		if e.Kind == packages.ListError {
			return e.Msg
		}
	}
	return ""
}

// couldNotImport is go/types' prefix for an import the importer failed.
const couldNotImport = "could not import "

// explainImport replaces a type checker's "could not import X (...)" by the
// go command's reason when it gave one: "could not import X (invalid
// package name: \"\")" says nothing, "no required module provides package X"
// says what to do.
func (ld *sourceLoader) explainImport(msg string) (string, bool) {
	rest, ok := strings.CutPrefix(msg, couldNotImport)
	if !ok {
		return msg, false
	}
	path, _, _ := strings.Cut(rest, " ")
	if why, ok := ld.goErrors[path]; ok {
		return why, true
	}
	return msg, false
}

// check parses and type-checks p once the packages it imports are finished,
// hands it to ld.checked, and closes its done channel once it is finished
// (see checkPackages). A package not checked in full is checked for its
// declarations only, and keeps no syntax.
func (ld *sourceLoader) check(p *packages.Package) {
	defer close(ld.done[p.ID])
	for _, imp := range p.Imports {
		if dep := resolveVariant(ld.byID, imp); dep != nil && dep.ID != p.ID {
			if ch, ok := ld.done[dep.ID]; ok {
				<-ch
			}
		}
	}
	ld.cpu <- struct{}{}
	if ld.declsOnly[p.ID] {
		ld.checkDecls(p)
		if ld.tc != nil && ld.byID[p.ID] == p && !ld.named[p.ID] && len(p.Errors) == 0 {
			ld.tc.putExportData(p, ld.fset)
		}
	} else {
		ld.checkFull(p)
		if ld.checked != nil {
			ld.checked(p)
		}
	}
	<-ld.cpu
	for _, id := range ld.after[p.ID] {
		<-ld.done[id]
	}
}

func (ld *sourceLoader) checkFull(p *packages.Package) {
	for _, name := range p.CompiledGoFiles {
		f, err := parser.ParseFile(ld.fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if f != nil {
			p.Syntax = append(p.Syntax, f)
		}
		if err != nil {
			p.Errors = append(p.Errors, parseErrors(err)...)
		}
	}
	p.TypesInfo = &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Scopes:       map[ast.Node]*types.Scope{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		FileVersions: map[*ast.File]string{},
	}
	tc := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) { return ld.importFor(p, path) }),
		Sizes:    p.TypesSizes,
		Error: func(err error) {
			te, ok := err.(types.Error)
			if !ok {
				p.Errors = append(p.Errors, packages.Error{Msg: err.Error(), Kind: packages.TypeError})
				return
			}
			p.TypeErrors = append(p.TypeErrors, te)
			pos := te.Fset.Position(te.Pos)
			e := packages.Error{Pos: pos.String(), Msg: te.Msg, Kind: packages.TypeError}
			if why, ok := ld.explainImport(te.Msg); ok {
				e.Msg, e.Kind = why, packages.ListError
			}
			p.Errors = append(p.Errors, e)
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	_ = types.NewChecker(tc, ld.fset, p.Types, p.TypesInfo).Files(p.Syntax)
	p.IllTyped = len(p.Errors) > 0
}

// checkDecls type-checks a dependency's declarations: what its importers
// need. Function bodies are not checked and no syntax is kept, so checking
// the standard library's part of a program costs a few seconds and little
// memory. Its errors stay on the dependency, as go vet reports none for it.
func (ld *sourceLoader) checkDecls(p *packages.Package) {
	var files []*ast.File
	for _, name := range p.CompiledGoFiles {
		f, err := parser.ParseFile(ld.fset, name, nil, parser.SkipObjectResolution)
		if f != nil {
			files = append(files, f)
		}
		if err != nil {
			p.Errors = append(p.Errors, parseErrors(err)...)
		}
	}
	tc := &types.Config{
		Importer:         importerFunc(func(path string) (*types.Package, error) { return ld.importFor(p, path) }),
		Sizes:            p.TypesSizes,
		IgnoreFuncBodies: true,
		Error: func(err error) {
			p.Errors = append(p.Errors, packages.Error{Msg: err.Error(), Kind: packages.TypeError})
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	p.Fset = ld.fset
	_ = types.NewChecker(tc, ld.fset, p.Types, nil).Files(files)
	p.IllTyped = len(p.Errors) > 0
}

// importFor resolves an import of p: a package checked from source, or
// else one read from export data.
func (ld *sourceLoader) importFor(p *packages.Package, path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	imp, ok := p.Imports[path]
	if !ok {
		return nil, fmt.Errorf("%s does not import %q", p.PkgPath, path)
	}
	if dep := resolveVariant(ld.byID, imp); dep != nil && dep.Types != nil {
		return dep.Types, nil
	}
	ld.mu.Lock()
	defer ld.mu.Unlock()
	if pkg, ok := ld.imports[imp.PkgPath]; ok && pkg.Complete() {
		return pkg, nil
	}
	if data, ok := ld.cached[imp.PkgPath]; ok {
		return gcexportdata.Read(bytes.NewReader(data), ld.fset, ld.imports, imp.PkgPath)
	}
	file, ok := ld.exports[imp.PkgPath]
	if !ok {
		return nil, fmt.Errorf("%q was not loaded", imp.PkgPath)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading export data for %q: %v", imp.PkgPath, err)
	}
	return gcexportdata.Read(r, ld.fset, ld.imports, imp.PkgPath)
}

// testVariants makes the named packages that go list recompiles for another
// package's test but does not list: when a's external test imports b and b
// imports a, b is compiled again as "b [a.test]" against "a [a.test]". Each
// such variant is b's files with its imports of a (or of packages that
// import a) redirected to their variants; without them a test that passes
// a's types through b would not type-check. The variants are added to byID
// and returned, to be checked but not analysed.
func testVariants(roots []*packages.Package, byID map[string]*packages.Package) []*packages.Package {
	var made []*packages.Package
	var variant func(id string) *packages.Package
	// reaches reports whether the named package base imports, directly or
	// not, the package under test.
	memo := map[string]bool{}
	var reaches func(base *packages.Package, under string) bool
	reaches = func(base *packages.Package, under string) bool {
		key := base.ID + "\x00" + under
		if v, ok := memo[key]; ok {
			return v
		}
		memo[key] = false
		for _, imp := range base.Imports {
			if imp.PkgPath == under {
				memo[key] = true
				return true
			}
			if dep := byID[imp.ID]; dep != nil && reaches(dep, under) {
				memo[key] = true
				return true
			}
		}
		return false
	}
	variant = func(id string) *packages.Package {
		if p, ok := byID[id]; ok {
			return p
		}
		path, rest, ok := strings.Cut(id, " [")
		under := strings.TrimSuffix(strings.TrimSuffix(rest, "]"), ".test")
		base := byID[path]
		if !ok || base == nil || !strings.HasSuffix(rest, ".test]") {
			return nil
		}
		v := *base
		v.ID = id
		v.ForTest = under
		v.Imports = map[string]*packages.Package{}
		byID[id] = &v
		made = append(made, &v)
		for ipath, imp := range base.Imports {
			v.Imports[ipath] = imp
			dep := byID[imp.ID]
			if dep == nil || (imp.PkgPath != under && !reaches(dep, under)) {
				continue
			}
			if rv := variant(imp.PkgPath + " [" + rest); rv != nil {
				v.Imports[ipath] = rv
			}
		}
		return &v
	}
	for _, p := range roots {
		for _, imp := range p.Imports {
			if byID[imp.ID] == nil && strings.Contains(imp.ID, " [") {
				variant(imp.ID)
			}
		}
	}
	return made
}

// resolveVariant returns the checked package for an import: the package of
// that ID, or, for a named package recompiled for another package's test
// ("b [a.test]", which go list does not list), the named package itself.
// Its types then stand in for the variant's; that differs from the compiler
// only where a test passes a's test-only declarations through b.
func resolveVariant(byID map[string]*packages.Package, imp *packages.Package) *packages.Package {
	if p, ok := byID[imp.ID]; ok {
		return p
	}
	if !strings.Contains(imp.ID, " [") {
		return nil
	}
	if p, ok := byID[imp.PkgPath]; ok {
		return p
	}
	for _, p := range byID {
		if p.PkgPath == imp.PkgPath && p.Name != "main" {
			return p
		}
	}
	return nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func parseErrors(err error) []packages.Error {
	var out []packages.Error
	if list, ok := err.(scanner.ErrorList); ok {
		for _, e := range list {
			out = append(out, packages.Error{Pos: e.Pos.String(), Msg: e.Msg, Kind: packages.ParseError})
		}
		return out
	}
	if list, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range list.Unwrap() {
			out = append(out, parseErrors(e)...)
		}
		return out
	}
	msg := err.Error()
	pos := ""
	// scanner errors read "file:line:col: msg".
	if i := strings.Index(msg, ": "); i > 0 && strings.Count(msg[:i], ":") >= 2 {
		pos, msg = msg[:i], msg[i+2:]
	}
	return []packages.Error{{Pos: pos, Msg: msg, Kind: packages.ParseError}}
}
