package poolconstruct

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// entryKind says how often a function runs: per request or per job.
type entryKind int

const (
	handlerEntry entryKind = iota
	jobEntry
)

// graph is the package's static call graph over function declarations and
// literals, with what runs per request (HTTP handlers and what they call)
// and per job (functions handed to a job runner and what they call).
type graph struct {
	pass *analysis.Pass
	idx  *dbindex.Index
	// edges: a function to the functions and literals it calls or holds
	// (a literal inside a function runs when and as often as it does,
	// except under sync.Once).
	edges map[ast.Node][]ast.Node
	// direct: functions that construct a pool themselves, by the
	// constructor's name; via: through a function of another package.
	direct, via map[ast.Node]string
	factCalls   []factCall
	// reached maps each function run per request (per job) to the entry it
	// is reached from.
	reached [2]map[ast.Node]string
}

// factCall is a call of another package's function that builds a pool.
type factCall struct {
	call *ast.CallExpr
	node ast.Node // the enclosing function
	fn   *types.Func
	fact *ConstructsFact
}

func newGraph(pass *analysis.Pass, idx *dbindex.Index) *graph {
	g := &graph{pass: pass, idx: idx, edges: map[ast.Node][]ast.Node{}, direct: map[ast.Node]string{}, via: map[ast.Node]string{}}
	facts := len(pass.Analyzer.FactTypes) > 0
	var entries [2][]ast.Node
	for cur := range idx.Inspector.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.CallExpr)(nil)) {
		switch n := cur.Node().(type) {
		case *ast.FuncDecl:
			fn, _ := pass.TypesInfo.Defs[n.Name].(*types.Func)
			if idx.IsHandlerSig(n.Type) || fn != nil && idx.FuncRoles[fn] == dbindex.RoleHandler {
				entries[handlerEntry] = append(entries[handlerEntry], n)
			}
			if fn != nil && idx.JobFuncs[fn] || isJobSig(pass, n.Type) {
				entries[jobEntry] = append(entries[jobEntry], n)
			}
		case *ast.FuncLit:
			if idx.IsHandlerSig(n.Type) || idx.LitRoles[n] == dbindex.RoleHandler {
				entries[handlerEntry] = append(entries[handlerEntry], n)
			}
			if idx.JobLits[n] || isJobSig(pass, n.Type) {
				entries[jobEntry] = append(entries[jobEntry], n)
			}
			if outer := enclosingFunc(cur); outer != nil && !isOnceLit(pass, cur) {
				g.edges[outer] = append(g.edges[outer], n)
			}
		case *ast.CallExpr:
			outer := enclosingFunc(cur)
			fn := dbindex.CalleeFunc(pass.TypesInfo, n)
			if outer == nil || fn == nil {
				continue
			}
			kept := keptForReuse(pass, cur)
			if decl := idx.Decls[fn]; decl != nil {
				if !kept {
					g.edges[outer] = append(g.edges[outer], decl)
				}
				continue
			}
			if !facts || fn.Pkg() == nil || fn.Pkg() == pass.Pkg {
				continue
			}
			if _, known := idx.Classifier.Call(fn, nil); known {
				continue
			}
			fact := new(ConstructsFact)
			if pass.ImportObjectFact(fn, fact) && !kept {
				g.factCalls = append(g.factCalls, factCall{call: n, node: outer, fn: fn, fact: fact})
				g.via[outer] = dbapi.ShortName(fn)
			}
		}
	}
	for _, call := range idx.Calls {
		if call.API.Kind == dbapi.Construct && call.Enclosing != nil && !onlyObtainsDriver(pass, call) &&
			idx.ConstructDriver(call) != dbindex.DriverOther && !keptForReuse(pass, call.Cursor) {
			g.direct[call.Enclosing] = dbapi.ShortName(call.Func)
		}
	}
	for kind, list := range entries {
		g.reached[kind] = map[ast.Node]string{}
		for _, e := range list {
			g.mark(entryKind(kind), e, g.name(e))
		}
	}
	return g
}

// mark records that n and everything it calls run as often as entry.
func (g *graph) mark(kind entryKind, n ast.Node, entry string) {
	if _, ok := g.reached[kind][n]; ok {
		return
	}
	g.reached[kind][n] = entry
	for _, m := range g.edges[n] {
		g.mark(kind, m, entry)
	}
}

// entry names the handler (job) that runs fn, or "".
func (g *graph) entry(fn ast.Node, kind entryKind) string {
	if fn == nil {
		return ""
	}
	return g.reached[kind][fn]
}

func (g *graph) name(n ast.Node) string {
	switch f := n.(type) {
	case *ast.FuncDecl:
		if f.Recv != nil && len(f.Recv.List) == 1 {
			if t := g.pass.TypesInfo.TypeOf(f.Recv.List[0].Type); t != nil {
				if p, ok := t.(*types.Pointer); ok {
					return "(*" + types.TypeString(p.Elem(), types.RelativeTo(g.pass.Pkg)) + ")." + f.Name.Name
				}
				return types.TypeString(t, types.RelativeTo(g.pass.Pkg)) + "." + f.Name.Name
			}
		}
		return f.Name.Name
	case *ast.FuncLit:
		return "a func literal"
	}
	return ""
}

// constructors returns the package's exported functions and methods that
// build a pool each time they are called, with the constructor each ends
// in: what other packages may call. Test code and main packages are left out.
func (g *graph) constructors() map[*types.Func]string {
	memo := map[ast.Node]string{}
	var builds func(n ast.Node) string
	builds = func(n ast.Node) string {
		if v, ok := memo[n]; ok {
			return v
		}
		memo[n] = "" // recursion
		v := g.direct[n]
		if v == "" {
			v = g.via[n]
		}
		for _, m := range g.edges[n] {
			if v != "" {
				break
			}
			v = builds(m)
		}
		memo[n] = v
		return v
	}
	out := map[*types.Func]string{}
	if g.idx.IsMain() || g.idx.TestSupport() != "" {
		return out
	}
	for fn, decl := range g.idx.Decls {
		if fn.Pkg() != g.pass.Pkg || !fn.Exported() || g.idx.IsTest(decl.Pos()) {
			continue
		}
		if _, handler := g.reached[handlerEntry][decl]; handler {
			continue // its pools are reported here already
		}
		if _, job := g.reached[jobEntry][decl]; job {
			continue
		}
		if v := builds(decl); v != "" {
			out[fn] = v
		}
	}
	return out
}

// enclosingFunc is the innermost function declaration or literal around cur.
func enclosingFunc(cur inspector.Cursor) ast.Node {
	for anc := range cur.Parent().Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return anc.Node()
	}
	return nil
}

// onceFuncs run their function argument once however often they are called.
var onceFuncs = map[string]bool{
	"sync.Once.Do":    true,
	"sync.OnceFunc":   true,
	"sync.OnceValue":  true,
	"sync.OnceValues": true,
}

// isOnceLit reports whether the function literal at cur is handed to
// sync.Once.Do or sync.OnceValue(s)/OnceFunc.
func isOnceLit(pass *analysis.Pass, cur inspector.Cursor) bool {
	call, ok := cur.Parent().Node().(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := dbindex.CalleeFunc(pass.TypesInfo, call)
	return fn != nil && onceFuncs[dbapi.FullName(fn)]
}

// keptForReuse reports whether what the call at cur returns is built once
// and kept: inside sync.Once, or stored (directly or through a local
// variable) in a field, a map or a package-level variable — the lazy
// singleton (if s.db == nil { s.db, err = sql.Open(...) }) and the
// per-tenant cache (pools[tenant] = pool).
func keptForReuse(pass *analysis.Pass, cur inspector.Cursor) bool {
	for anc := range cur.Parent().Enclosing((*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		if _, ok := anc.Node().(*ast.FuncDecl); ok {
			break
		}
		if isOnceLit(pass, anc) {
			return true
		}
	}
	call := cur.Node()
	as, ok := cur.Parent().Node().(*ast.AssignStmt)
	if !ok || len(as.Lhs) == 0 {
		return false
	}
	target := as.Lhs[0]
	if len(as.Lhs) == len(as.Rhs) {
		for i, r := range as.Rhs {
			if r == call {
				target = as.Lhs[i]
			}
		}
	}
	if nonLocal(pass, target) {
		return true
	}
	// pool, err := pgxpool.New(...); ...; s.pool = pool
	id, ok := ast.Unparen(target).(*ast.Ident)
	if !ok {
		return false
	}
	v, _ := pass.TypesInfo.ObjectOf(id).(*types.Var)
	fn := enclosingFunc(cur)
	if v == nil || fn == nil {
		return false
	}
	kept := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if s, ok := n.(*ast.AssignStmt); ok && len(s.Lhs) == len(s.Rhs) {
			for i, r := range s.Rhs {
				if rid, ok := ast.Unparen(r).(*ast.Ident); ok && pass.TypesInfo.ObjectOf(rid) == v && nonLocal(pass, s.Lhs[i]) {
					kept = true
				}
			}
		}
		return !kept
	})
	return kept
}

// nonLocal: a field, a map or slice element, or a package-level variable.
func nonLocal(pass *analysis.Pass, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if sel, ok := pass.TypesInfo.Selections[x]; ok {
			return sel.Kind() == types.FieldVal
		}
		v, _ := pass.TypesInfo.Uses[x.Sel].(*types.Var)
		return dbindex.IsPackageLevel(v)
	case *ast.IndexExpr:
		return true
	case *ast.Ident:
		v, _ := pass.TypesInfo.ObjectOf(x).(*types.Var)
		return dbindex.IsPackageLevel(v)
	case *ast.StarExpr:
		return true
	}
	return false
}

// jobTypes are the job parameters of queue libraries' worker functions:
// river's Work(ctx, *river.Job[T]) and asynq's func(ctx, *asynq.Task).
var jobTypes = map[string]bool{
	"github.com/riverqueue/river.Job": true,
	"github.com/hibiken/asynq.Task":   true,
}

func isJobSig(pass *analysis.Pass, ft *ast.FuncType) bool {
	if ft == nil || ft.Params == nil {
		return false
	}
	for _, f := range ft.Params.List {
		if t := pass.TypesInfo.TypeOf(f.Type); t != nil {
			if _, ptr := t.(*types.Pointer); ptr && jobTypes[dbapi.TypeName(t)] {
				return true
			}
		}
	}
	return false
}
