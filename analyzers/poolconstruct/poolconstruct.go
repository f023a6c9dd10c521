package poolconstruct

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

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
	a.FactTypes = []analysis.Fact{new(ConstructsFact)}
	return a
}

// ConstructsFact marks a function that builds a pool or connection each time
// it is called, directly or through the functions it calls: a handler in
// another package that calls it builds a pool per request.
type ConstructsFact struct {
	// Via is the constructor it ends in, as messages name it ("pgxpool.New").
	Via string
}

func (*ConstructsFact) AFact() {}

func (f *ConstructsFact) String() string { return "constructs(" + f.Via + ")" }

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	g := newGraph(pass, idx)
	approved := cfg.Approved(pass.Pkg.Path(), idx.IsMain())
	for _, call := range idx.Calls {
		if call.API.Kind != dbapi.Construct || onlyObtainsDriver(pass, call) || idx.ConstructDriver(call) == dbindex.DriverOther {
			continue
		}
		if idx.IsTestSupport(call.Expr.Pos()) && !cfg.CheckTests {
			continue
		}
		name := dbapi.ShortName(call.Func)
		kept := keptForReuse(pass, call.Cursor)
		switch {
		case call.InHandler && !kept:
			report(pass, idx, call.Expr, name+" inside an HTTP handler builds a new pool for every request", tooManyClients+
				"\nFix: build the pool once at start-up and inject it into the handler's struct.")
		case !kept && g.entry(call.Enclosing, handlerEntry) != "":
			report(pass, idx, call.Expr, fmt.Sprintf("%s in %s, which the HTTP handler %s calls, builds a new pool for every request",
				name, g.name(call.Enclosing), g.entry(call.Enclosing, handlerEntry)), tooManyClients+
				"\nFix: build the pool once at start-up and inject it.")
		case call.Loop != nil && !endsLoop(pass, call):
			report(pass, idx, call.Expr, name+" inside a loop builds a new pool on every iteration",
				"Each pool opens its own connections and keeps them until it is closed.\n"+
					"Fix: build one pool before the loop (or in the approved package) and reuse it.")
		case !kept && g.entry(call.Enclosing, jobEntry) != "":
			where := g.name(call.Enclosing)
			if entry := g.entry(call.Enclosing, jobEntry); entry != where {
				where += " (run by " + entry + ")"
			}
			report(pass, idx, call.Expr, fmt.Sprintf("%s in %s, which runs for every job, builds a new pool per job", name, where),
				"Each pool opens its own connections; with many jobs in flight they exceed max_connections.\n"+
					"Fix: build the pool once at start-up and hand it to the workers.")
		case cfg.HasPoolPolicy() && !approved:
			report(pass, idx, call.Expr, fmt.Sprintf("%s in package %s, which is not approved to build pools", name, pass.Pkg.Path()),
				"Every extra pool has its own connection limit, and together they exceed the server's max_connections.\n"+
					"Fix: build one pool in an approved package (rules.yaml approved_packages: "+strings.Join(cfg.ApprovedPackages, ", ")+") and inject it here.")
		}
	}
	// Functions of other packages that build a pool when called.
	for _, c := range g.factCalls {
		if idx.IsTestSupport(c.call.Pos()) && !cfg.CheckTests {
			continue
		}
		callee := dbapi.ShortName(c.fn)
		if h := g.entry(c.node, handlerEntry); h != "" {
			report(pass, idx, c.call, fmt.Sprintf("%s builds a new pool each time it is called, and the HTTP handler %s calls it", callee, h),
				callee+" builds the pool with "+c.fact.Via+": a pool for every request.\n"+tooManyClients+
					"\nFix: build the pool once at start-up and inject it.")
		} else if j := g.entry(c.node, jobEntry); j != "" {
			report(pass, idx, c.call, fmt.Sprintf("%s builds a new pool each time it is called, and it runs for every job (%s)", callee, j),
				callee+" builds the pool with "+c.fact.Via+": a pool per job.\n"+
					"Fix: build the pool once at start-up and hand it to the workers.")
		}
	}
	if len(pass.Analyzer.FactTypes) > 0 {
		for fn, via := range g.constructors() {
			pass.ExportObjectFact(fn, &ConstructsFact{Via: via})
		}
	}
}

// onlyObtainsDriver: sql.Open("postgres", "") obtains a driver; it never connects.
func onlyObtainsDriver(pass *analysis.Pass, call *dbindex.Call) bool {
	i := call.API.DSNArg
	if call.API.DriverArg < 0 || i < 0 || i >= len(call.Expr.Args) {
		return false
	}
	tv, ok := pass.TypesInfo.Types[call.Expr.Args[i]]
	return ok && tv.Value != nil && tv.Value.Kind() == constant.String && constant.StringVal(tv.Value) == ""
}

// endsLoop reports whether the loop around the call stops once the pool is
// built — the shape of connect-retry and fail-over loops: a break or return
// that is not the failure branch of the construction's own error check. A
// loop that returns only when a construction fails (for each of N lock
// connections: connect, if err != nil return err) builds N pools.
func endsLoop(pass *analysis.Pass, call *dbindex.Call) bool {
	var body *ast.BlockStmt
	switch l := call.Loop.(type) {
	case *ast.ForStmt:
		body = l.Body
	case *ast.RangeStmt:
		body = l.Body
	}
	errVar := constructErr(pass, call.Cursor)
	if f, ok := call.Loop.(*ast.ForStmt); ok && f.Cond != nil && errVar != nil && mentions(pass, f.Cond, errVar) {
		return true // for err != nil { pool, err = connect() }: retries until one is built
	}
	failure := func(cond ast.Expr) bool {
		if errVar == nil {
			return false
		}
		found := false
		ast.Inspect(cond, func(n ast.Node) bool {
			if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.NEQ {
				for _, side := range []ast.Expr{b.X, b.Y} {
					if id, ok := ast.Unparen(side).(*ast.Ident); ok && pass.TypesInfo.ObjectOf(id) == errVar {
						found = true
					}
				}
			}
			return !found
		})
		return found
	}
	found := false
	var visit func(n ast.Node, breakable bool)
	visit = func(n ast.Node, breakable bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			if found || n == nil {
				return false
			}
			switch s := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.IfStmt:
				if failure(s.Cond) {
					// The then-branch is the failure path: a return there
					// leaves the loop without a pool.
					if s.Init != nil {
						visit(s.Init, breakable)
					}
					if s.Else != nil {
						visit(s.Else, breakable)
					}
					return false
				}
			case *ast.ReturnStmt:
				found = true
			case *ast.BranchStmt:
				if s.Tok == token.BREAK && (s.Label != nil || breakable) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != body {
					// An unlabeled break in here leaves the inner statement, not our loop.
					for _, child := range children(s) {
						visit(child, false)
					}
					return false
				}
			}
			return true
		})
	}
	visit(body, true)
	return found
}

// constructErr is the error variable a construction's result is assigned
// to (pool, err := pgxpool.New(...)), or nil.
func constructErr(pass *analysis.Pass, cur inspector.Cursor) *types.Var {
	var lhs []ast.Expr
	switch p := cur.Parent().Node().(type) {
	case *ast.AssignStmt:
		if len(p.Rhs) == 1 {
			lhs = p.Lhs
		}
	case *ast.ValueSpec:
		if len(p.Values) == 1 {
			for _, id := range p.Names {
				lhs = append(lhs, id)
			}
		}
	}
	if len(lhs) < 2 {
		return nil
	}
	id, ok := ast.Unparen(lhs[len(lhs)-1]).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := pass.TypesInfo.ObjectOf(id).(*types.Var)
	return v
}

func children(n ast.Node) []ast.Node {
	switch s := n.(type) {
	case *ast.ForStmt:
		return []ast.Node{s.Body}
	case *ast.RangeStmt:
		return []ast.Node{s.Body}
	case *ast.SwitchStmt:
		return []ast.Node{s.Body}
	case *ast.TypeSwitchStmt:
		return []ast.Node{s.Body}
	case *ast.SelectStmt:
		return []ast.Node{s.Body}
	}
	return nil
}

func mentions(pass *analysis.Pass, e ast.Expr, v *types.Var) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && pass.TypesInfo.ObjectOf(id) == v {
			found = true
		}
		return !found
	})
	return found
}

// tooManyClients is what the server answers once the pools' connections
// reach max_connections.
const tooManyClients = "The connections pile up until the server refuses more: " +
	"`FATAL: sorry, too many clients already (SQLSTATE 53300)`."

func report(pass *analysis.Pass, idx *dbindex.Index, node ast.Node, msg, help string) {
	analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: node.Pos(), End: node.End(), Message: msg}, help)
}
