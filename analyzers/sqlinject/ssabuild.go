package sqlinject

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// buildSSA builds the package's SSA form the way buildssa does (the same
// ssa.NewProgram, CreatePackage and Build, the same *buildssa.SSA result),
// but on demand, from run, for the packages the rule judges (see judged):
// building SSA for every package costs about as much as loading it. It is
// never asked for a package with type errors (the rule stays silent there,
// where buildssa would fail and the rule with it), and it does not require
// ctrlflow, whose facts would make a driver analyse every dependency for
// them.
//
// Only the files judged is given are built (the package's test files are
// left out unless rules.yaml checks tests): a function declared in a file
// left out is external to the SSA program, like an import's.
func buildSSA(pass *analysis.Pass, judgedFile func(*ast.File) bool) *buildssa.SSA {
	files := slices.DeleteFunc(slices.Clone(pass.Files), func(f *ast.File) bool { return !judgedFile(f) })
	// BareInits: the package initializer does not call the imports' (the
	// rule never reads it), so imports used for their types alone need no
	// SSA package.
	prog := ssa.NewProgram(pass.Fset, ssa.BareInits)
	// The builder needs the SSA members of an import only where the package
	// names one of its functions or variables; methods and types it makes on
	// demand. Creating every member of every import (net/http, pgx) cost
	// more than building the package itself.
	needed := map[*types.Package]bool{}
	for _, obj := range pass.TypesInfo.Uses {
		switch obj.(type) {
		case *types.Func, *types.Var:
			if p := obj.Pkg(); p != nil && p != pass.Pkg && obj.Parent() == p.Scope() {
				needed[p] = true
			}
		}
	}
	for _, p := range pass.Pkg.Imports() {
		if needed[p] {
			prog.CreatePackage(p, nil, nil, true)
		}
	}
	pkg := prog.CreatePackage(pass.Pkg, files, pass.TypesInfo, false)
	pkg.Build()
	var funcs []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		funcs = append(funcs, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	for _, file := range files {
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
	return &buildssa.SSA{Pkg: pkg, SrcFuncs: funcs}
}

// judged reports whether the rule analyses the pass's package: one that
// compiles, outside the standard library and the drivers, that holds a
// database call whose SQL text is not a constant (outside test code, unless
// rules.yaml checks tests) or calls a helper of another package whose fact
// says it runs SQL. Only those can hold a finding; the facts of the others'
// helpers (a package of string helpers, or one whose every statement is a
// constant) are given up, since building SSA costs about as much as
// loading, and most data-access packages pass only constant SQL.
func judged(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index, facts func(*types.Func) *summary) bool {
	path := pass.Pkg.Path()
	m := pass.Module
	inModule := m != nil && m.Path != "" && m.Path != "std"
	if len(pass.TypeErrors) > 0 || !inModule && isStd(path) || dbapi.IsDriverPackage(path) {
		return false
	}
	for _, call := range idx.Calls {
		if a := call.SQLArg(); a >= 0 && (!call.Test || cfg.CheckTests) && !isConstant(pass, call.Expr.Args[a]) {
			return true
		}
	}
	if facts != nil {
		for _, obj := range pass.TypesInfo.Uses {
			if fn, ok := obj.(*types.Func); ok && fn.Pkg() != nil && fn.Pkg() != pass.Pkg {
				if f := facts(fn); f != nil && len(f.SQL) > 0 {
					return true
				}
			}
		}
	}
	return false
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// isConstant reports whether e is a compile-time constant: SQL that no
// input can reach.
func isConstant(pass *analysis.Pass, e ast.Expr) bool {
	tv, ok := pass.TypesInfo.Types[e]
	return ok && tv.Value != nil
}
