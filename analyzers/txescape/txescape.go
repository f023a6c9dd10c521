package txescape

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/analyzers/internal/launch"
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
	return analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		run(pass, cfg, idx)
		return nil
	})
}

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	if dbapi.IsDriverPackage(pass.Pkg.Path()) {
		return // the drivers' own plumbing
	}
	c := &checker{pass: pass, idx: idx, tracked: map[ast.Node]map[*types.Var]*tracked{}, reported: map[token.Pos]bool{}}
	filter := []ast.Node{(*ast.GoStmt)(nil), (*ast.CallExpr)(nil), (*ast.SendStmt)(nil), (*ast.AssignStmt)(nil)}
	for cur := range idx.Inspector.Root().Preorder(filter...) {
		if idx.IsTest(cur.Node().Pos()) && !cfg.CheckTests {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.GoStmt:
			c.goStmt(cur, n)
		case *ast.CallExpr:
			c.runnerCall(cur, n)
			c.syncStore(cur, n)
		case *ast.SendStmt:
			c.send(cur, n)
		case *ast.AssignStmt:
			c.store(cur, n)
		}
	}
	c.handlerConns(!cfg.CheckTests)
}

type checker struct {
	pass *analysis.Pass
	idx  *dbindex.Index
	// tracked holds, per outermost function, the variables that must not
	// outlive it.
	tracked  map[ast.Node]map[*types.Var]*tracked
	reported map[token.Pos]bool
}

// goStmt: go func() { ... tx ... }(), go work(tx), go q.Run(ctx).
func (c *checker) goStmt(cur inspector.Cursor, g *ast.GoStmt) {
	fns := launch.Enclosing(cur)
	if len(fns) == 0 {
		return
	}
	lit := c.launchedLit(g.Call.Fun, fns[0])
	refs := launch.Refs(c.pass.TypesInfo, g.Call, lit)
	joined := launch.Joined(c.pass.TypesInfo, fns, g.Pos(), refs)
	c.sharedGo(cur, g, g.Call, lit, refs, joined)
	m := c.trackedIn(fns[len(fns)-1])
	if len(m) == 0 {
		return
	}
	var esc *escape
	if sel, ok := ast.Unparen(g.Call.Fun).(*ast.SelectorExpr); ok {
		if t := c.carried(m, sel.X); t != nil {
			esc = &escape{at: sel.X, t: t, how: "runs a method of it on a goroutine this function does not wait for"}
		}
	}
	for _, arg := range g.Call.Args {
		if t := c.carried(m, arg); t != nil && esc == nil {
			esc = &escape{at: arg, t: t, how: "is passed to a goroutine this function does not wait for"}
		}
	}
	if lit != nil && esc == nil {
		if id, t := c.captured(m, lit); t != nil {
			esc = &escape{at: id, t: t, how: "is captured by a goroutine this function does not wait for"}
		}
	}
	if esc == nil || joined || c.ownedByStruct(fns[len(fns)-1], esc.at, g.Pos()) {
		return
	}
	c.report(esc)
}

// runnerCall: g.Go(func() error { ... tx ... }) without g.Wait(), and
// time.AfterFunc(d, func() { ... tx ... }).
func (c *checker) runnerCall(cur inspector.Cursor, call *ast.CallExpr) {
	fn := dbindex.CalleeFunc(c.pass.TypesInfo, call)
	if fn == nil {
		return
	}
	name := dbapi.FullName(fn)
	runner, ok := launch.Runners[name]
	if !ok || len(call.Args) == 0 {
		return
	}
	fns := launch.Enclosing(cur)
	if len(fns) == 0 {
		return
	}
	lit := c.launchedLit(call.Args[len(call.Args)-1], fns[0])
	if lit == nil {
		return
	}
	// joined: the task's group is waited for (errgroup, WaitGroup; never a
	// time.AfterFunc callback).
	joined, isGroup := false, false
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && runner.Waitable {
		refs := []launch.SyncRef{launch.RefOf(c.pass.TypesInfo, sel.X)}
		joined, isGroup = launch.Joined(c.pass.TypesInfo, fns, call.Pos(), refs), true
		c.sharedGo(cur, call, call, lit, refs, joined)
	}
	m := c.trackedIn(fns[len(fns)-1])
	if len(m) == 0 {
		return
	}
	id, t := c.captured(m, lit)
	if t == nil {
		return
	}
	if !runner.Waitable {
		c.report(&escape{at: id, t: t, how: "is captured by a " + runner.Label + " callback, which runs after this function returns"})
		return
	}
	if !isGroup || joined || c.ownedByStruct(fns[len(fns)-1], id, call.Pos()) {
		return
	}
	c.report(&escape{at: id, t: t, how: "is captured by a task started with " + runner.Label + " and not waited for"})
}

// send: ch <- tx, jobs <- Job{Tx: tx}.
func (c *checker) send(cur inspector.Cursor, s *ast.SendStmt) {
	fns := launch.Enclosing(cur)
	if len(fns) == 0 {
		return
	}
	if t := c.carried(c.trackedIn(fns[len(fns)-1]), s.Value); t != nil && !c.awaitsReply(fns[0], s) {
		c.report(&escape{at: s.Value, t: t, how: "is sent on a channel, for code that runs after this function to use"})
	}
}

// awaitsReply: the value sent carries a channel (task{txn: txn, wait:
// make(chan error, 1)}, or a local channel var) that this function
// receives from after the send — a synchronous hand-off to a worker that
// runs the task and reports back (w.todo <- task; return <-task.wait).
func (c *checker) awaitsReply(fn ast.Node, s *ast.SendStmt) bool {
	info := c.pass.TypesInfo
	// roots: the variable sent (task), and channel variables inside the value.
	roots := map[*types.Var]bool{}
	if v := identVar(info, s.Value); v != nil {
		roots[v] = true
	}
	ast.Inspect(s.Value, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Uses[id].(*types.Var); ok {
				if _, isChan := v.Type().Underlying().(*types.Chan); isChan {
					roots[v] = true
				}
			}
		}
		return true
	})
	if len(roots) == 0 || !c.holdsChan(info.TypeOf(s.Value)) && len(roots) == 1 && identVar(info, s.Value) != nil {
		return false
	}
	_, body := dbindex.FuncBody(fn)
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok && lit != fn {
			return false
		}
		u, ok := n.(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW || u.Pos() < s.End() {
			return true
		}
		if root := dbindex.RootVar(info, u.X); root != nil && roots[root] {
			found = true
		}
		return true
	})
	return found
}

// holdsChan: a struct (or pointer to one) with a channel field.
func (c *checker) holdsChan(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for f := range st.Fields() {
		if _, ok := f.Type().Underlying().(*types.Chan); ok {
			return true
		}
	}
	return false
}

// store: a package-level variable (or a field or element of one), or a
// field of an HTTP handler's receiver, assigned a tracked value.
func (c *checker) store(cur inspector.Cursor, a *ast.AssignStmt) {
	if len(a.Lhs) != len(a.Rhs) {
		return
	}
	fns := launch.Enclosing(cur)
	if len(fns) == 0 {
		return
	}
	m := c.trackedIn(fns[len(fns)-1])
	if len(m) == 0 {
		return
	}
	for i, lhs := range a.Lhs {
		t := c.carried(m, a.Rhs[i])
		if t == nil {
			continue
		}
		root := dbindex.RootVar(c.pass.TypesInfo, lhs)
		switch {
		case dbindex.IsPackageLevel(root):
			c.report(&escape{at: a.Rhs[i], t: t, how: fmt.Sprintf(
				"is stored in package-level variable %s, which outlives this function", root.Name())})
		case c.handlerReceiver(fns[len(fns)-1], root) && !isIdent(lhs):
			c.report(&escape{at: a.Rhs[i], t: t, how: fmt.Sprintf(
				"is stored in %s, a field of the HTTP handler every request shares", types.ExprString(lhs))})
		}
	}
}

// syncStores are the methods that park a value in a concurrent container.
var syncStores = map[string]bool{
	"sync.Map.Store": true, "sync.Map.LoadOrStore": true, "sync.Map.Swap": true,
	"sync/atomic.Value.Store": true, "sync/atomic.Value.Swap": true,
	"sync/atomic.Pointer.Store": true, "sync/atomic.Pointer.Swap": true,
}

// syncStore: cache.Store(id, tx) on a package-level sync.Map or atomic.Value.
func (c *checker) syncStore(cur inspector.Cursor, call *ast.CallExpr) {
	fn := dbindex.CalleeFunc(c.pass.TypesInfo, call)
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if fn == nil || !ok || !syncStores[dbapi.FullName(fn)] {
		return
	}
	root := dbindex.RootVar(c.pass.TypesInfo, sel.X)
	if !dbindex.IsPackageLevel(root) {
		return
	}
	fns := launch.Enclosing(cur)
	if len(fns) == 0 {
		return
	}
	m := c.trackedIn(fns[len(fns)-1])
	for _, arg := range call.Args {
		if t := c.carried(m, arg); t != nil {
			c.report(&escape{at: arg, t: t, how: fmt.Sprintf(
				"is stored in package-level %s, which outlives this function", root.Name())})
			return
		}
	}
}

// releaseMethods give back a connection or finish a transaction.
var releaseMethods = map[string]bool{"Release": true, "Hijack": true, "Close": true, "Commit": true, "Rollback": true}

// ownedByStruct: the value at is (a long-lived LISTEN connection, say) is
// stored in a field of a struct whose own method gives it back (Close), and
// this function never gives it back itself once the goroutine started at
// start runs — no deferred release, no release after it. The struct owns
// it; the goroutine does not outlive its owner's use of it.
func (c *checker) ownedByStruct(outer ast.Node, at ast.Node, start token.Pos) bool {
	info := c.pass.TypesInfo
	id, ok := at.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		return false
	}
	_, body := dbindex.FuncBody(outer)
	var field *types.Var
	releasedHere := false
	var deferred []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeferStmt:
			deferred = append(deferred, n)
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, lhs := range n.Lhs {
				sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
				if !ok || identVar(info, n.Rhs[i]) != v {
					continue
				}
				if s, ok := info.Selections[sel]; ok && s.Kind() == types.FieldVal {
					field, _ = s.Obj().(*types.Var)
				}
			}
		case *ast.CallExpr:
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if ok && releaseMethods[sel.Sel.Name] && identVar(info, sel.X) == v && (n.Pos() > start || within(deferred, n)) {
				releasedHere = true
			}
		}
		return true
	})
	return field != nil && !releasedHere && c.fieldReleasedByMethod(field, outer)
}

// fieldReleasedByMethod: a method of the package other than outer gives back
// what field holds (func (l *Listener) Close() { l.conn.Release() }).
func (c *checker) fieldReleasedByMethod(field *types.Var, outer ast.Node) bool {
	info := c.pass.TypesInfo
	for _, decl := range c.idx.Decls {
		if decl == outer || decl.Recv == nil || decl.Body == nil {
			continue
		}
		found := false
		ast.Inspect(decl.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if found || !ok {
				return !found
			}
			sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
			if !ok || !releaseMethods[sel.Sel.Name] {
				return true
			}
			if fsel, ok := ast.Unparen(sel.X).(*ast.SelectorExpr); ok {
				if s, ok := info.Selections[fsel]; ok && s.Obj() == field {
					found = true
				}
			}
			return true
		})
		if found {
			return true
		}
	}
	return false
}

// handlerReceiver: v is the receiver of a method with an HTTP handler's
// signature (or registered as a handler).
func (c *checker) handlerReceiver(outer ast.Node, v *types.Var) bool {
	decl, ok := outer.(*ast.FuncDecl)
	if !ok || decl.Recv == nil || v == nil || len(decl.Recv.List) == 0 || len(decl.Recv.List[0].Names) == 0 {
		return false
	}
	if c.pass.TypesInfo.Defs[decl.Recv.List[0].Names[0]] != v {
		return false
	}
	if c.idx.IsHandlerSig(decl.Type) {
		return true
	}
	fn, _ := c.pass.TypesInfo.Defs[decl.Name].(*types.Func)
	return fn != nil && c.idx.RoleOf(fn) == dbindex.RoleHandler
}

func isIdent(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.Ident)
	return ok
}

// launchedLit is the function literal a go statement or runner starts:
// written in place, or held in a local variable assigned only that literal.
func (c *checker) launchedLit(fun ast.Expr, fn ast.Node) *ast.FuncLit {
	switch f := ast.Unparen(fun).(type) {
	case *ast.FuncLit:
		return f
	case *ast.Ident:
		v, ok := c.pass.TypesInfo.Uses[f].(*types.Var)
		if !ok || dbindex.IsPackageLevel(v) {
			return nil
		}
		srcs := dbindex.AssignedTo(c.pass.TypesInfo, fn, v)
		if len(srcs) != 1 {
			return nil
		}
		lit, _ := ast.Unparen(srcs[0]).(*ast.FuncLit)
		return lit
	}
	return nil
}

// captured returns the first use, inside lit, of a tracked variable
// declared outside it.
func (c *checker) captured(m map[*types.Var]*tracked, lit *ast.FuncLit) (*ast.Ident, *tracked) {
	var id *ast.Ident
	var t *tracked
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if t != nil {
			return false
		}
		if x, ok := n.(*ast.Ident); ok {
			if v, ok := c.pass.TypesInfo.Uses[x].(*types.Var); ok && m[v] != nil && (v.Pos() < lit.Pos() || v.Pos() >= lit.End()) {
				id, t = x, m[v]
			}
		}
		return true
	})
	return id, t
}

// carried returns the tracked value e evaluates to or holds: tx, &tx,
// Job{Tx: tx}, any(tx), append(txs, tx), or a wrapper built around it
// (sqlc's q.WithTx(tx), db.New(tx)) — not the result of calling a method
// on it, and not through other calls.
func (c *checker) carried(m map[*types.Var]*tracked, e ast.Expr) *tracked {
	if len(m) == 0 {
		return nil
	}
	info := c.pass.TypesInfo
	var t *tracked
	ast.Inspect(e, func(n ast.Node) bool {
		if t != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && tv.IsType() {
				return true // conversion
			}
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "append" {
					return true
				}
			}
			if c.wrapsHandle(info.TypeOf(n)) {
				for _, arg := range n.Args {
					if v := identVar(info, arg); v != nil && m[v] != nil {
						t = m[v]
					}
				}
			}
			return false
		case *ast.SelectorExpr:
			return false // tx.Conn(), job.Tx: reads of it, judged where they are stored
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok && m[v] != nil {
				t = m[v]
			}
		}
		return true
	})
	return t
}

func identVar(info *types.Info, e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, _ := info.Uses[id].(*types.Var)
	return v
}

// wrapsHandle: a struct (or pointer to one) with a field holding a session
// handle — sqlc's Queries{db DBTX}, a repository over a tx.
func (c *checker) wrapsHandle(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		if h, ok := c.idx.Classifier.Handle(st.Field(i).Type()); ok && h.Session() {
			return true
		}
	}
	return false
}

// escape is one finding.
type escape struct {
	at  ast.Node
	t   *tracked
	how string
}

func (c *checker) report(e *escape) {
	if c.reported[e.at.Pos()] {
		return
	}
	c.reported[e.at.Pos()] = true
	msg := analyzerutil.OneLine(e.t.label()+" "+e.how, e.t.shortFailure())
	help := e.t.failure() + " Fix: " + e.t.fix() + "."
	analyzerutil.ReportHelp(c.pass, c.idx, analysis.Diagnostic{Pos: e.at.Pos(), End: e.at.End(), Message: msg}, help)
}

// within reports whether n lies inside one of nodes.
func within(nodes []ast.Node, n ast.Node) bool {
	for _, d := range nodes {
		if n.Pos() >= d.Pos() && n.End() <= d.End() {
			return true
		}
	}
	return false
}
