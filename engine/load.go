package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// listMode asks the go command for files and imports only: no compilation.
const listMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedModule | packages.NeedTypesSizes | packages.NeedForTest

// loadPackages loads the named packages as go vet sees them, and as cheaply:
// the packages themselves are parsed and type-checked from source, and their
// dependencies come from export data. go/packages' own NeedTypes mode would
// also compile every named package to produce export data nobody reads
// (three times slower than go vet on a cold cache); here only the
// dependencies are compiled, as go vet does.
func loadPackages(cfg *packages.Config, patterns []string) ([]*packages.Package, error) {
	listCfg := *cfg
	listCfg.Mode = listMode
	roots, err := packages.Load(&listCfg, patterns...)
	if err != nil {
		return nil, err
	}
	roots = dropTestMains(roots)
	if len(roots) == 0 {
		return nil, nil
	}
	byID := map[string]*packages.Package{}
	for _, p := range roots {
		byID[p.ID] = p
	}

	// Dependencies outside the named packages come from export data, except
	// those that themselves import a named package (possible when only part
	// of a module is named): their export data would bring a second copy of
	// the named package's types, so they are checked from source too.
	external := map[string]bool{}
	for _, p := range roots {
		for _, imp := range p.Imports {
			if byID[imp.ID] == nil && imp.PkgPath != "unsafe" && imp.PkgPath != "C" {
				external[imp.PkgPath] = true
			}
		}
	}
	deps, err := loadDeps(cfg, external)
	if err != nil {
		return nil, err
	}
	exports := map[string]string{}
	between := dependentsOf(deps, byID)
	for _, d := range deps {
		if d.ExportFile != "" {
			exports[d.PkgPath] = d.ExportFile
		}
	}

	fset := token.NewFileSet()
	cfg.Fset = fset
	ld := &sourceLoader{
		fset:    fset,
		byID:    byID,
		exports: exports,
		imports: map[string]*types.Package{},
		done:    map[string]chan struct{}{},
		cpu:     make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
	checked := append(append([]*packages.Package(nil), roots...), between...)
	for _, p := range between {
		byID[p.ID] = p
	}
	for _, p := range checked {
		p.Fset = fset
		ld.done[p.ID] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for _, p := range checked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ld.check(p)
		}()
	}
	wg.Wait()
	return roots, nil
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
// export data files, compiling what the build cache does not have.
func loadDeps(cfg *packages.Config, paths map[string]bool) ([]*packages.Package, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	list := make([]string, 0, len(paths))
	for p := range paths {
		list = append(list, p)
	}
	sort.Strings(list)
	depCfg := *cfg
	depCfg.Mode = packages.NeedName | packages.NeedExportFile | packages.NeedImports | packages.NeedDeps |
		packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedModule | packages.NeedTypesSizes
	depCfg.Tests = false
	top, err := packages.Load(&depCfg, list...)
	if err != nil {
		return nil, err
	}
	var all []*packages.Package
	packages.Visit(top, nil, func(p *packages.Package) { all = append(all, p) })
	return all, nil
}

// dependentsOf returns the dependencies that import, directly or not, one
// of the named packages.
func dependentsOf(deps []*packages.Package, named map[string]*packages.Package) []*packages.Package {
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
	var out []*packages.Package
	for _, d := range deps {
		if named[d.ID] == nil && reaches(d) {
			out = append(out, d)
		}
	}
	return out
}

type sourceLoader struct {
	fset    *token.FileSet
	byID    map[string]*packages.Package
	exports map[string]string
	done    map[string]chan struct{}
	cpu     chan struct{}

	mu      sync.Mutex // guards imports; gcexportdata.Read mutates it
	imports map[string]*types.Package
}

// check parses and type-checks p once the named packages it imports are
// checked, then closes its done channel.
func (ld *sourceLoader) check(p *packages.Package) {
	defer close(ld.done[p.ID])
	for _, imp := range p.Imports {
		if ch, ok := ld.done[imp.ID]; ok && imp.ID != p.ID {
			<-ch
		}
	}
	ld.cpu <- struct{}{}
	defer func() { <-ld.cpu }()

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
			p.Errors = append(p.Errors, packages.Error{Pos: pos.String(), Msg: te.Msg, Kind: packages.TypeError})
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		tc.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types = types.NewPackage(p.PkgPath, p.Name)
	_ = types.NewChecker(tc, ld.fset, p.Types, p.TypesInfo).Files(p.Syntax)
	p.IllTyped = len(p.Errors) > 0
}

// importFor resolves an import of p: a named package from its source check,
// anything else from export data.
func (ld *sourceLoader) importFor(p *packages.Package, path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	imp, ok := p.Imports[path]
	if !ok {
		return nil, fmt.Errorf("%s does not import %q", p.PkgPath, path)
	}
	if root, ok := ld.byID[imp.ID]; ok && root.Types != nil {
		return root.Types, nil
	}
	ld.mu.Lock()
	defer ld.mu.Unlock()
	if pkg, ok := ld.imports[imp.PkgPath]; ok && pkg.Complete() {
		return pkg, nil
	}
	file, ok := ld.exports[imp.PkgPath]
	if !ok {
		return nil, fmt.Errorf("no export data for %q", imp.PkgPath)
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

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func parseErrors(err error) []packages.Error {
	var out []packages.Error
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
