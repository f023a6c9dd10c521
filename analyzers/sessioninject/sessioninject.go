package sessioninject

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"regexp"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	a := analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		run(pass, cfg, idx)
		return nil
	})
	a.FactTypes = []analysis.Fact{new(AccessorFact)}
	return a
}

// AccessorFact marks a function that takes nothing and returns a
// package-level handle (func GetDB() *sql.DB { return db }): a query
// through its result in any package is a query through the global.
type AccessorFact struct{}

func (*AccessorFact) AFact() {}

func (*AccessorFact) String() string { return "accessor" }

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	r := &reacher{pass: pass, idx: idx, accessors: map[*types.Func]bool{}, facts: len(pass.Analyzer.FactTypes) > 0}
	if r.facts && idx.TestSupport() == "" {
		for fn, decl := range idx.Decls {
			if fn.Exported() && fn.Pkg() == pass.Pkg && !idx.IsTest(decl.Pos()) && r.isAccessor(fn) {
				pass.ExportObjectFact(fn, new(AccessorFact))
			}
		}
	}
	for _, call := range idx.Calls {
		if idx.IsTestSupport(call.Expr.Pos()) && !cfg.CheckTests || !isSessionUse(call.API.Kind) || compositionRoot(pass, call) {
			continue
		}
		for _, h := range r.handleExprs(call) {
			if via := r.global(h, call, 0); via != "" {
				msg, help := message(pass, call, h, via)
				analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: call.Expr.Pos(), End: call.Expr.End(), Message: msg}, help)
				break
			}
		}
	}
}

// isSessionUse: the kinds that run statements or take a session from the pool.
func isSessionUse(k dbapi.Kind) bool {
	switch k {
	case dbapi.Query, dbapi.Exec, dbapi.Begin, dbapi.Acquire, dbapi.Batch, dbapi.Copy, dbapi.Prepare:
		return true
	}
	return false
}

// compositionRoot: package-level initializers, init functions and
// main.main build the handles and hand them out. Closures inside them (an
// http.HandleFunc literal) run later, per request, and are judged.
func compositionRoot(pass *analysis.Pass, call *dbindex.Call) bool {
	if call.Enclosing == nil {
		return true
	}
	decl, ok := call.Enclosing.(*ast.FuncDecl)
	if !ok || decl.Recv != nil {
		return false
	}
	return decl.Name.Name == "init" || decl.Name.Name == "main" && pass.Pkg.Name() == "main"
}

// reacher decides whether an expression reaches a package-level handle.
type reacher struct {
	pass *analysis.Pass
	idx  *dbindex.Index
	// accessors memoizes same-package functions found to return a global.
	accessors map[*types.Func]bool
	// facts: the driver passes facts between packages (go vet, golangci-lint).
	facts bool
}

// handleExprs are the expressions the call reaches the database through:
// the receiver of a method, else the handle arguments of a function
// (sqlx.Select(db, ...), pgx.BeginFunc(ctx, pool, ...)).
func (r *reacher) handleExprs(call *dbindex.Call) []ast.Expr {
	if call.Recv != nil {
		return []ast.Expr{call.Recv}
	}
	var out []ast.Expr
	for _, arg := range call.Expr.Args {
		if h, ok := r.handle(arg); ok && h.Session() {
			out = append(out, arg)
		}
	}
	return out
}

func (r *reacher) handle(e ast.Expr) (dbapi.HandleKind, bool) {
	return r.idx.Classifier.Handle(r.pass.TypesInfo.TypeOf(e))
}

const maxDepth = 4

// global describes how e reaches a package-level handle ("package-level
// variable DB", "db.Get()"), or returns "".
func (r *reacher) global(e ast.Expr, call *dbindex.Call, depth int) string {
	if depth > maxDepth {
		return ""
	}
	info := r.pass.TypesInfo
	e = ast.Unparen(e)
	if c, ok := e.(*ast.CallExpr); ok {
		fn := dbindex.CalleeFunc(info, c)
		if fn == nil {
			return ""
		}
		if r.isAccessor(fn) {
			return "accessor " + qualified(r.pass, fn) + "()"
		}
		// A builder method returning the same kind of handle (gorm's
		// db.Where(...).Model(...)): follow it back to its start.
		if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
			if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodVal {
				if h, ok := r.handle(sel.X); ok && h.Session() {
					if h2, ok := r.handle(c); ok && h2 == h {
						return r.global(sel.X, call, depth+1)
					}
				}
			}
		}
		return ""
	}
	v := dbindex.RootVar(info, e)
	if v == nil {
		return ""
	}
	if dbindex.IsPackageLevel(v) {
		name := qualified(r.pass, v)
		if text := types.ExprString(e); text != name {
			return "global " + name + " (" + text + ")"
		}
		return "global " + name
	}
	// A local copy of a global: db := store.DB; db.Query(...).
	fn := call.Decl
	if fn == nil || isParam(fn, v) || dbindex.Reassigned(info, fn, v) {
		return ""
	}
	sources := dbindex.AssignedTo(info, fn, v)
	if len(sources) == 0 {
		return ""
	}
	var via string
	for _, src := range sources {
		if via = r.global(src, call, depth+1); via == "" {
			return "" // some assignment is not global: the copy may be injected
		}
	}
	return via + " (copied into " + v.Name() + ")"
}

// isAccessor: a rules.yaml global accessor, or a function of this package
// that takes no arguments and returns a package-level handle (the lazy
// singleton: func DB() *sql.DB { once.Do(open); return db }).
func (r *reacher) isAccessor(fn *types.Func) bool {
	if r.idx.Classifier.IsAccessor(fn) {
		return true
	}
	if got, ok := r.accessors[fn]; ok {
		return got
	}
	r.accessors[fn] = false // guards recursion
	if fn.Pkg() != r.pass.Pkg {
		r.accessors[fn] = r.importedAccessor(fn)
		return r.accessors[fn]
	}
	decl := r.idx.Decls[fn]
	sig, _ := fn.Type().(*types.Signature)
	if decl == nil || sig == nil || sig.Params().Len() != 0 || sig.Results().Len() == 0 {
		return false
	}
	if h, ok := r.idx.Classifier.Handle(sig.Results().At(0).Type()); !ok || !h.Session() {
		return false
	}
	returns, global := 0, true
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns++
			if len(n.Results) == 0 {
				global = false
				return false
			}
			if c, ok := ast.Unparen(n.Results[0]).(*ast.CallExpr); ok {
				// return otherpkg.Get(): an accessor of an accessor.
				if callee := dbindex.CalleeFunc(r.pass.TypesInfo, c); callee == nil || len(c.Args) > 0 || !r.isAccessor(callee) {
					global = false
				}
				return false
			}
			v := dbindex.RootVar(r.pass.TypesInfo, n.Results[0])
			if !dbindex.IsPackageLevel(v) {
				global = false
			}
		}
		return true
	})
	r.accessors[fn] = returns > 0 && global
	return r.accessors[fn]
}

// accessorName is what singleton accessors are called: GetDB, DB, Pool,
// GetConnection, Instance.
var accessorName = regexp.MustCompile(`^(Get)?(DB|Db|Database|Conn|Connection|Pool|Instance|Default|Session|Client)$`)

// importedAccessor judges a function of another package: by its fact where
// the driver passes facts, else (dbaudit's engine analyses each package on
// its own) by its shape and name: no parameters, a session handle returned,
// named like a singleton accessor.
func (r *reacher) importedAccessor(fn *types.Func) bool {
	if r.facts {
		return r.pass.ImportObjectFact(fn, new(AccessorFact))
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() != nil || sig.Params().Len() != 0 || sig.Results().Len() == 0 || !accessorName.MatchString(fn.Name()) {
		return false
	}
	h, ok := r.idx.Classifier.Handle(sig.Results().At(0).Type())
	return ok && h.Session()
}

func isParam(fn *ast.FuncDecl, v *types.Var) bool {
	return v.Pos() >= fn.Type.Pos() && v.Pos() < fn.Type.End() ||
		fn.Recv != nil && v.Pos() >= fn.Recv.Pos() && v.Pos() < fn.Recv.End()
}

func qualified(pass *analysis.Pass, obj types.Object) string {
	if obj.Pkg() == nil || obj.Pkg() == pass.Pkg {
		return obj.Name()
	}
	return obj.Pkg().Name() + "." + obj.Name()
}

func message(pass *analysis.Pass, call *dbindex.Call, h ast.Expr, via string) (msg, help string) {
	t := pass.TypesInfo.TypeOf(h)
	typ := types.TypeString(t, func(p *types.Package) string { return p.Name() })
	msg = fmt.Sprintf("%s through %s: tests cannot swap it and a transaction cannot reach it", dbapi.ShortName(call.Func), via)
	help = "A package-level handle cannot be swapped for a test database or handed a transaction, " +
		"is nil until main sets it (`panic: runtime error: invalid memory address or nil pointer dereference`), " +
		"and pins the process to one database.\n" +
		"Fix: receive it as a struct field or parameter (struct{ db " + typ + " }) and pass it from main."
	return msg, help
}
