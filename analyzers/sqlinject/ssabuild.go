package sqlinject

import (
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
)

// ssaAnalyzer builds the package's SSA form the way buildssa does (the same
// ssa.NewProgram, CreatePackage and Build, the same *buildssa.SSA result),
// with two differences the rule needs:
//
//   - it does not require ctrlflow, whose facts would make a driver that
//     analyses packages one by one (dbaudit's engine) analyse every
//     dependency from source;
//   - it runs despite type errors and then returns no SSA (the rule stays
//     silent), where buildssa would fail and, with it, the rule: an extra
//     load error for every package that does not compile. It also builds
//     nothing for the standard library and the drivers, whose calls the
//     rule models itself.
var ssaAnalyzer = &analysis.Analyzer{
	Name:             "sqlinjectssa",
	Doc:              "builds SSA form for sqlinject (buildssa without ctrlflow, silent on ill-typed packages)",
	URL:              buildssa.Analyzer.URL,
	Run:              buildSSA,
	ResultType:       reflect.TypeFor[*buildssa.SSA](),
	RunDespiteErrors: true,
}

func buildSSA(pass *analysis.Pass) (any, error) {
	if len(pass.TypeErrors) > 0 || !judged(pass) {
		return (*buildssa.SSA)(nil), nil
	}
	prog := ssa.NewProgram(pass.Fset, ssa.BuilderMode(0))
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(pass.Pkg, pass.Files, pass.TypesInfo, false)
	pkg.Build()
	var funcs []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		funcs = append(funcs, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	for _, file := range pass.Files {
		for _, decl := range file.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					if f := prog.FuncValue(fn); f != nil {
						add(f)
					}
				}
			}
		}
	}
	return &buildssa.SSA{Pkg: pkg, SrcFuncs: funcs}, nil
}

// judged reports whether the rule analyses the pass's package: not the
// standard library (outside any module, no dot in the first path element)
// and not a driver; of the dependencies of the main module, only those that
// import a database API (directly or not), since no other can run SQL or
// build it for a database call the rule sees. A driver that carries facts
// runs the rule on every dependency; this keeps SSA off most of them.
func judged(pass *analysis.Pass) bool {
	path := pass.Pkg.Path()
	m := pass.Module
	inModule := m != nil && m.Path != "" && m.Path != "std"
	if !inModule && isStd(path) || dbapi.IsDriverPackage(path) {
		return false
	}
	// The main module (go vet leaves Main unset but gives it no version).
	if !inModule || m.Main || m.Version == "" {
		return true
	}
	return importsDatabase(pass.Pkg, map[*types.Package]bool{})
}

// importsDatabase reports whether pkg imports a driver, directly or through
// other packages.
func importsDatabase(pkg *types.Package, seen map[*types.Package]bool) bool {
	for _, imp := range pkg.Imports() {
		if seen[imp] {
			continue
		}
		seen[imp] = true
		if dbapi.IsDriverPackage(imp.Path()) || importsDatabase(imp, seen) {
			return true
		}
	}
	return false
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
