package conncleanup

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// tracked is one path question: from the statement `from` (or from the
// function's entry, for a parameter), is v given back on every path out of
// the function?
type tracked struct {
	v      *types.Var
	errVar *types.Var
	res    dbapi.Resource
	fn     ast.Node
	body   *ast.BlockStmt
	from   ast.Node
	// guard is an integer counter the acquisition is guarded by (if n == 0
	// { tx, err = db.Begin() }), followed along the paths so that a batching
	// loop that begins when n is 0 and commits before setting it back to 0
	// is not taken to begin twice.
	guard *types.Var
	// skip is a function literal whose body is not this path's to judge
	// (the closure that acquired a variable of its enclosing function).
	skip ast.Node
	// param: v is a parameter of the helper being judged; a helper that
	// returns the transaction or connection it was handed (q.WithTx(tx))
	// leaves finishing it to its caller.
	param bool
	// owns: with param, the question is whether the helper takes v over,
	// so returning it (or what holds it) counts as giving it back.
	owns bool
	// via: v is the parameter of a callback handed the transaction or
	// connection that via.t follows (d.Writer.Do(d.DB, txn, func(txn
	// *sql.Tx) error { ... })); what the callback keeps in a variable of
	// via.t's function is then that function's to give back, after
	// via.stmt.
	via *handoff
}

// handoff is where a callback was handed the value a path follows.
type handoff struct {
	t    *tracked
	stmt ast.Node // the node of t.body holding the call
}

// leak is a place where a path leaves with the resource still held.
type leak struct {
	at   ast.Node
	kind leakKind
	body *ast.BlockStmt
	// method and errName, for leakNilErr: the deferred release (Rollback)
	// runs only when errName is non-nil, and the return sets it to nil.
	method, errName string
}

type leakKind int

const (
	leakReturn    leakKind = iota // a return (or the end of the function)
	leakLoop                      // the loop comes back to the acquisition
	leakOverwrite                 // the variable is assigned something else
	leakNilErr                    // a return that sets the error a conditional deferred release needs to nil
	leakParent                    // (related information only) the parent given back under open batch results
	leakNext                      // (related information only) the Next loop whose Err is unchecked
)

// end: the leak is the implicit return at the end of the function.
func (l leak) end() bool {
	ret, ok := l.at.(*ast.ReturnStmt)
	return ok && l.kind == leakReturn && ret.Results == nil && ret.Return == l.body.End()-1
}

// where says, in the one-line message, which path leaks (no line numbers:
// those are in the help and the related information).
func (l leak) where() string {
	switch l.kind {
	case leakLoop:
		return "when the loop takes another"
	case leakOverwrite:
		return "before the variable is overwritten"
	case leakNilErr:
		return "on a return of a nil " + l.errName
	}
	if l.end() {
		return "on the path that reaches the end of the function"
	}
	return "on a path that returns"
}

// related labels the place in the related information.
func (l leak) related() string {
	switch l.kind {
	case leakLoop:
		return "the loop comes back here and takes another"
	case leakOverwrite:
		return "overwritten here"
	case leakNilErr:
		return "returns a nil " + l.errName + " here, so the deferred " + l.method + " does not run"
	case leakParent:
		return "given back here while the batch results are open"
	case leakNext:
		return "the Next loop"
	}
	if l.end() {
		return "the function ends here"
	}
	return "returns here"
}

// describe is the help's first sentence: where the path leaves.
func (l leak) describe(pass *analysis.Pass, a *acquisition) string {
	line := pass.Fset.Position(l.at.Pos()).Line
	switch l.kind {
	case leakLoop:
		return fmt.Sprintf("It is still open when the loop comes back to line %d and takes another.", line)
	case leakOverwrite:
		return fmt.Sprintf("It is still open when %s is overwritten at line %d.", a.name(), line)
	case leakNilErr:
		return fmt.Sprintf("The deferred %s runs only when %s != nil, and the return at line %d sets %s to nil "+
			"(an early return such as the ErrNoRows path), so on that path nothing commits or rolls back.", l.method, l.errName, line, l.errName)
	}
	if l.end() {
		return fmt.Sprintf("It is still open on the path that reaches the end of the function (line %d).", line)
	}
	return fmt.Sprintf("It is still open on the path that returns at line %d.", line)
}

type event int

const (
	none event = iota
	errAssigned
	overwritten
	released
)

// leaks follows every path from t.from and returns where the resource is
// still held when the path leaves, in source order of discovery.
func (c *checker) leaks(t *tracked) []leak {
	g := c.cfgOf(t.body)
	start, startIdx := g.Blocks[0], 0
	if t.from != nil {
		if c.releasedByEarlierDefer(t) {
			return nil
		}
		b, i := findNode(g, t.from)
		if b == nil {
			return nil // unreachable code
		}
		start, startIdx = b, i+1
	}
	type key struct {
		block int32
		fresh bool
		guard guardState
		cond  bool
	}
	visited := map[key]bool{}
	var out []leak
	// cond is the deferred release met on the path that runs only when an
	// error result is non-nil (defer func() { if err != nil { tx.Rollback(ctx) } }()).
	var cond *condRelease
	var walk func(b *cfg.Block, from int, fresh bool, g guardState, armed bool)
	visit := func(b *cfg.Block, fresh bool, g guardState, armed bool) {
		k := key{b.Index, fresh, g, armed}
		if !visited[k] {
			visited[k] = true
			walk(b, 0, fresh, g, armed)
		}
	}
	walk = func(b *cfg.Block, from int, fresh bool, g guardState, armed bool) {
		for i := from; i < len(b.Nodes); i++ {
			n := b.Nodes[i]
			if n == t.from {
				out = append(out, leak{at: n, kind: leakLoop, body: t.body})
				return
			}
			g = c.guardStep(t, n, g)
			if d, ok := n.(*ast.DeferStmt); ok && !armed {
				if cr := c.conditionalDefer(t, d); cr != nil {
					cond, armed = cr, true
					continue
				}
			}
			switch c.event(t, n) {
			case released:
				return
			case overwritten:
				out = append(out, leak{at: n, kind: leakOverwrite, body: t.body})
				return
			case errAssigned:
				fresh = false
			}
		}
		if len(b.Nodes) > 0 {
			if ret, ok := b.Nodes[len(b.Nodes)-1].(*ast.ReturnStmt); ok {
				switch {
				case !armed:
					out = append(out, leak{at: ret, kind: leakReturn, body: t.body})
				case c.returnsNil(ret, t.fn, cond.err):
					out = append(out, leak{at: ret, kind: leakNilErr, body: t.body, method: cond.method, errName: cond.err.Name()})
				}
				return // armed: the deferred release runs unless the return sets the error to nil
			}
		}
		if len(b.Succs) == 2 && len(b.Nodes) > 0 {
			if cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr); ok {
				for i, succ := range b.Succs {
					var f facts
					c.facts(t, cond, i == 0, &f)
					if f.errNotNil && fresh || f.vNil || f.vErr || (f.nextFalse || f.rowsErr) && t.res.Exhausts {
						continue // nothing to give back on this branch, or the driver gave it back
					}
					if f.guardZero && g == guardNonZero || f.guardNonZero && g == guardZero {
						continue // the counter cannot be 0 here (or cannot be anything else)
					}
					next := g
					switch {
					case f.guardZero:
						next = guardZero
					case f.guardNonZero:
						next = guardNonZero
					}
					visit(succ, fresh, next, armed)
				}
				return
			}
		}
		// No successors: a call that never returns (panic, log.Fatal, os.Exit).
		for _, succ := range b.Succs {
			visit(succ, fresh, g, armed)
		}
	}
	state := guardUnknown
	if t.guard != nil {
		state = guardZero // the acquisition runs where the guard is 0
	}
	walk(start, startIdx, t.errVar != nil, state, false)
	return out
}

// condRelease is a deferred release that runs only when err is non-nil.
type condRelease struct {
	err    *types.Var // a named error result of the function
	method string     // Rollback, Close, Release
}

// conditionalDefer: d is a deferred closure that gives v back, but only
// under if err != nil for err a named error result of the function (defer
// func() { if err != nil { _ = tx.Rollback(ctx) } }()), and not on every
// path through its body. A return that sets err to nil (return nil, nil
// on the ErrNoRows path) then leaves v held.
func (c *checker) conditionalDefer(t *tracked, d *ast.DeferStmt) *condRelease {
	lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit)
	if !ok || t.v == nil || t.res.Kind == funcValue || !c.closureReleases(t, lit, true) {
		return nil
	}
	if len(c.leaks(&tracked{v: t.v, res: t.res, fn: lit, body: lit.Body})) == 0 {
		return nil // given back on every path through the closure
	}
	var cr *condRelease
	outside := false // a release outside the if err != nil
	var walk func(n ast.Node, under *types.Var)
	walk = func(n ast.Node, under *types.Var) {
		ast.Inspect(n, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.IfStmt:
				if ev := c.errNonNil(x.Cond, t.fn); ev != nil {
					if x.Init != nil {
						walk(x.Init, under)
					}
					walk(x.Body, ev)
					if x.Else != nil {
						walk(x.Else, under)
					}
					return false
				}
			case *ast.CallExpr:
				sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr)
				if ok && c.isVar(sel.X, t.v) && t.res.Releases(sel.Sel.Name) {
					if under == nil {
						outside = true
					} else if cr == nil {
						cr = &condRelease{err: under, method: sel.Sel.Name}
					}
				}
			}
			return true
		})
	}
	walk(lit.Body, nil)
	if outside {
		return nil
	}
	return cr
}

// errNonNil: cond is err != nil for err a named error result of fn.
func (c *checker) errNonNil(cond ast.Expr, fn ast.Node) *types.Var {
	e, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || e.Op != token.NEQ {
		return nil
	}
	x := e.X
	if isNil(c.pass.TypesInfo, e.X) {
		x = e.Y
	} else if !isNil(c.pass.TypesInfo, e.Y) {
		return nil
	}
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || !isError(v.Type()) || resultIndex(c.pass.TypesInfo, fn, v) < 0 {
		return nil
	}
	return v
}

// resultIndex is the position of v among fn's results, or -1.
func resultIndex(info *types.Info, fn ast.Node, v *types.Var) int {
	ft, _ := dbindex.FuncBody(fn)
	if ft == nil || ft.Results == nil {
		return -1
	}
	i := 0
	for _, f := range ft.Results.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, n := range f.Names {
			if info.Defs[n] == v {
				return i
			}
			i++
		}
	}
	return -1
}

// returnsNil: ret sets the named result err to nil (return u, nil).
func (c *checker) returnsNil(ret *ast.ReturnStmt, fn ast.Node, err *types.Var) bool {
	i := resultIndex(c.pass.TypesInfo, fn, err)
	if i < 0 || len(ret.Results) <= i {
		return false // a bare return hands back err as it is
	}
	return isNil(c.pass.TypesInfo, ret.Results[i])
}

// guardState is what a path knows of the guard counter.
type guardState int8

const (
	guardUnknown guardState = iota
	guardZero
	guardNonZero
)

// guardStep: n++ and n += k (k > 0) leave a counter non-zero (counters
// count up from 0), n = 0 sets it to 0, anything else written to it makes
// it unknown.
func (c *checker) guardStep(t *tracked, n ast.Node, g guardState) guardState {
	if t.guard == nil {
		return g
	}
	switch s := n.(type) {
	case *ast.IncDecStmt:
		if c.isVar(s.X, t.guard) {
			if s.Tok == token.INC {
				return guardNonZero
			}
			return guardUnknown
		}
	case *ast.AssignStmt:
		for i, l := range s.Lhs {
			if !c.isVar(l, t.guard) {
				continue
			}
			if len(s.Lhs) != len(s.Rhs) {
				return guardUnknown
			}
			switch k, ok := c.intConst(s.Rhs[i]); {
			case ok && s.Tok == token.ASSIGN && k == 0:
				return guardZero
			case ok && s.Tok == token.ADD_ASSIGN && k > 0:
				return guardNonZero
			}
			return guardUnknown
		}
	}
	return g
}

func (c *checker) intConst(e ast.Expr) (int64, bool) {
	tv, ok := c.pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(tv.Value)
}

// guardOf finds the counter an acquisition is guarded by: the innermost
// if statement around stmt, within fn, whose condition requires a local
// integer variable to be 0 on the branch that holds stmt.
func (c *checker) guardOf(fn ast.Node, stmt ast.Node, v *types.Var) *types.Var {
	var guard *types.Var
	ast.Inspect(fn, func(n ast.Node) bool {
		if n == nil || n.Pos() > stmt.Pos() || n.End() < stmt.End() {
			return false
		}
		if lit, ok := n.(*ast.FuncLit); ok && lit != fn {
			return false
		}
		ifs, ok := n.(*ast.IfStmt)
		if !ok || stmt.Pos() < ifs.Body.Pos() || stmt.End() > ifs.Body.End() {
			return true
		}
		if g := c.zeroTested(ifs.Cond, v); g != nil {
			guard = g
		}
		return true
	})
	return guard
}

// zeroTested: the variable cond requires to be 0 when true (n == 0, 0 == n,
// n == 0 && ...).
func (c *checker) zeroTested(cond ast.Expr, v *types.Var) *types.Var {
	e, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return nil
	}
	switch e.Op {
	case token.LAND:
		if g := c.zeroTested(e.X, v); g != nil {
			return g
		}
		return c.zeroTested(e.Y, v)
	case token.EQL:
		x := e.X
		if k, ok := c.intConst(e.X); ok && k == 0 {
			x = e.Y
		} else if k, ok := c.intConst(e.Y); !ok || k != 0 {
			return nil
		}
		id, ok := ast.Unparen(x).(*ast.Ident)
		if !ok {
			return nil
		}
		g, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
		if !ok || g == v || dbindex.IsPackageLevel(g) {
			return nil
		}
		if b, ok := g.Type().Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
			return g
		}
	}
	return nil
}

func findNode(g *cfg.CFG, n ast.Node) (*cfg.Block, int) {
	for _, b := range g.Blocks {
		if !b.Live {
			continue
		}
		for i, m := range b.Nodes {
			if m == n {
				return b, i
			}
		}
	}
	return nil, 0
}

// releasedByEarlierDefer: a defer written before the acquisition (var tx
// pgx.Tx; defer func() { if tx != nil { tx.Rollback(ctx) } }()) covers it.
func (c *checker) releasedByEarlierDefer(t *tracked) bool {
	found := false
	ast.Inspect(t.body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // its defers are its own
		case *ast.DeferStmt:
			if n.Pos() < t.from.Pos() && c.deferReleases(t, n) {
				found = true
			}
		}
		return true
	})
	return found
}

// event says what node n does to the tracked value.
func (c *checker) event(t *tracked, n ast.Node) event {
	if d, ok := n.(*ast.DeferStmt); ok {
		if c.deferReleases(t, d) {
			return released
		}
		return none
	}
	ev := none
	note := func(e event) {
		if e > ev {
			ev = e
		}
	}
	switch s := n.(type) {
	case *ast.ReturnStmt:
		// A helper that returns what it was handed leaves finishing it to
		// its caller, unless the question is whether it takes it over.
		handsBack := !t.param || t.owns || takenByUnknown(t.res)
		if len(s.Results) == 0 && isResult(t) && handsBack {
			return released // a bare return hands back the named result
		}
		for _, r := range s.Results {
			if c.carries(t, r) || c.wrappedResult(t, r) {
				if !handsBack {
					continue
				}
				return released
			}
		}
	case *ast.AssignStmt:
		for i, l := range s.Lhs {
			if c.isVar(l, t.v) && n != t.from && !c.rewraps(t, s, i) {
				note(overwritten)
			}
			if t.errVar != nil && c.isVar(l, t.errVar) {
				note(errAssigned)
			}
		}
		if len(s.Rhs) == 1 && len(s.Lhs) > 0 && c.ownerCall(t, s.Rhs[0]) && c.keptOwner(t, s, s.Lhs[0], s.Lhs[len(s.Lhs)-1]) {
			note(released) // u, err := NewRoomUpdater(ctx, d, txn): u holds it now
		}
		for i, r := range s.Rhs {
			if len(s.Lhs) == len(s.Rhs) && isBlank(s.Lhs[i]) {
				continue // _ = rows keeps nothing
			}
			if c.carries(t, r) {
				note(released) // stored or copied: owned by what holds it now
			}
		}
	case *ast.ValueSpec:
		for _, id := range s.Names {
			if t.errVar != nil && c.pass.TypesInfo.Defs[id] == t.errVar {
				note(errAssigned)
			}
		}
		if len(s.Values) == 1 && c.ownerCall(t, s.Values[0]) && c.keptOwner(t, s, s.Names[0], s.Names[len(s.Names)-1]) {
			note(released)
		}
		for _, r := range s.Values {
			if c.carries(t, r) {
				note(released)
			}
		}
	case *ast.SendStmt:
		if c.carries(t, s.Value) {
			note(released)
		}
	}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			if x == t.skip {
				return false
			}
			if c.closureReleases(t, x, false) {
				note(released)
			}
			return false
		case *ast.CallExpr:
			if c.callReleases(t, x, false) || c.callbackTakes(t, x, n) {
				note(released)
			}
		}
		return true
	})
	return ev
}

// ownerCall: e is a call handed v that owns it (see argOwns): on every
// path it gives v back or keeps it in what it returns, one value or one
// value and an error (u, err := NewRoomUpdater(ctx, d, txn)), so that
// value is what holds v.
func (c *checker) ownerCall(t *tracked, e ast.Expr) bool {
	if t.v == nil || takenByUnknown(t.res) {
		return false
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	rt := c.pass.TypesInfo.TypeOf(call)
	if tuple, ok := rt.(*types.Tuple); ok {
		if tuple.Len() != 2 || !isError(tuple.At(1).Type()) {
			return false
		}
		rt = tuple.At(0).Type()
	}
	if rt == nil || isError(rt) {
		return false
	}
	fn := dbindex.CalleeFunc(c.pass.TypesInfo, call)
	for i, a := range call.Args {
		if c.isVar(a, t.v) && c.argOwns(fn, call, i, t.res) {
			return true
		}
	}
	return false
}

// keptOwner: stmt, a node of t.body, keeps the result of an owner of v in
// lhs (and its error in errLhs): v is given back if that result is. Kept
// in a field or an element, it is owned by what holds it, as v itself
// would be; dropped (_), it is not given back. Kept in a variable, the
// same path question is asked of the variable from stmt on: in t's
// function, or, for a callback's variable of the function that handed it
// v, in that function after the call.
func (c *checker) keptOwner(t *tracked, stmt ast.Node, lhs, errLhs ast.Expr) bool {
	if isBlank(lhs) {
		return false
	}
	info := c.pass.TypesInfo
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		return true // u.room = NewRoomUpdater(...): stored
	}
	w, ok := info.ObjectOf(id).(*types.Var)
	if !ok {
		return false
	}
	if dbindex.IsPackageLevel(w) {
		return true
	}
	var errVar *types.Var
	if eid, ok := ast.Unparen(errLhs).(*ast.Ident); ok && errLhs != lhs && eid.Name != "_" {
		if ev, ok := info.ObjectOf(eid).(*types.Var); ok && isError(ev.Type()) {
			errVar = ev
		}
	}
	in := func(fn ast.Node) bool { return fn.Pos() <= w.Pos() && w.Pos() < fn.End() }
	next := &tracked{v: w, errVar: errVar, res: t.res, fn: t.fn, body: t.body, from: stmt, param: t.param, owns: t.owns, via: t.via}
	if !in(t.fn) {
		if t.via == nil || !in(t.via.t.fn) {
			return false // a variable of a function further out
		}
		o := t.via.t
		next = &tracked{v: w, errVar: errVar, res: t.res, fn: o.fn, body: o.body, from: t.via.stmt, param: o.param, owns: o.owns, via: o.via}
	}
	key := moveKey{w, next.from}
	if c.moving[key] {
		return false // already being followed: a cycle of owners
	}
	c.moving[key] = true
	defer delete(c.moving, key)
	return len(c.leaks(next)) == 0
}

// callbackTakes: call hands v, a transaction or connection, to a function
// together with a function literal taking a value of v's type (dendrite's
// d.Writer.Do(d.DB, txn, func(txn *sql.Tx) error { ... })): the callback
// is taken to be called with v, and takes it over if on every path it
// gives it back or keeps it, in what an owner returns, for its enclosing
// function to give back. stmt is the node of t.body holding the call.
func (c *checker) callbackTakes(t *tracked, call *ast.CallExpr, stmt ast.Node) bool {
	if t.v == nil || takenByUnknown(t.res) {
		return false
	}
	if !c.handed(call, t.v) {
		return false
	}
	for _, a := range call.Args {
		lit, ok := ast.Unparen(a).(*ast.FuncLit)
		if !ok || lit == t.skip {
			continue
		}
		p := c.soleParam(lit, t.v.Type())
		if p == nil {
			continue
		}
		cb := &tracked{v: p, res: t.res, fn: lit, body: lit.Body, param: true, via: &handoff{t: t, stmt: stmt}}
		if len(c.leaks(cb)) == 0 {
			return true
		}
	}
	return false
}

// soleParam is lit's one named parameter of type typ, if it has exactly
// one of that type.
func (c *checker) soleParam(lit *ast.FuncLit, typ types.Type) *types.Var {
	var p *types.Var
	for _, f := range lit.Type.Params.List {
		for _, n := range f.Names {
			v, ok := c.pass.TypesInfo.Defs[n].(*types.Var)
			if !ok || !types.Identical(v.Type(), typ) {
				continue
			}
			if p != nil || n.Name == "_" {
				return nil
			}
			p = v
		}
	}
	return p
}

func isBlank(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "_"
}

func isResult(t *tracked) bool {
	ft, _ := dbindex.FuncBody(t.fn)
	if ft == nil || ft.Results == nil {
		return false
	}
	return t.v.Pos() >= ft.Results.Pos() && t.v.Pos() < ft.Results.End()
}

func (c *checker) isVar(e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && v != nil && c.pass.TypesInfo.ObjectOf(id) == v
}

// carries reports whether e evaluates to v or to a value holding it (&v,
// T{v}, append(xs, v), any(v)) — not through a call, which callReleases
// judges, and not v.Method() or v.Field.
func (c *checker) carries(t *tracked, e ast.Expr) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			return isConversion(info, n) || isBuiltin(info, n, "append")
		case *ast.SelectorExpr:
			if dbindex.RootVar(info, n) == t.v && c.isHandle(info.TypeOf(n)) {
				found = true // tx.Statement.ConnPool: the session inside it
			}
			if c.isReleaseValue(t, n) {
				found = true // rows.Close as a value: whoever holds it gives them back
			}
			return false // v.Method(), v.Field: uses of v, not v
		case *ast.Ident:
			if info.Uses[n] == t.v {
				found = true
			}
		}
		return true
	})
	return found
}

func (c *checker) isHandle(t types.Type) bool {
	h, ok := c.classifier.Handle(t)
	return ok && h.Session()
}

func isConversion(info *types.Info, call *ast.CallExpr) bool {
	tv, ok := info.Types[call.Fun]
	return ok && tv.IsType()
}

func isBuiltin(info *types.Info, call *ast.CallExpr, name string) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// deferReleases: defer v.Close(), defer cleanup(v), defer func() { ... v.Rollback(ctx) ... }().
func (c *checker) deferReleases(t *tracked, d *ast.DeferStmt) bool {
	if lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit); ok {
		if c.closureReleases(t, lit, true) {
			return true
		}
	}
	return c.callReleases(t, d.Call, true)
}

// callReleases says whether call gives v back or takes it over. A deferred
// call of a function the analyzer cannot read, handed v, is taken to be its
// cleanup; one of this package, or of a package the driver gave facts for,
// is judged by its body.
func (c *checker) callReleases(t *tracked, call *ast.CallExpr, deferred bool) bool {
	info := c.pass.TypesInfo
	if t.res.Kind == funcValue && c.isVar(call.Fun, t.v) {
		return true // the func value is called
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && c.isVar(sel.X, t.v) {
		return t.res.Releases(sel.Sel.Name)
	}
	fn := dbindex.CalleeFunc(info, call)
	for i, arg := range call.Args {
		if c.isReleaseValue(t, arg) {
			// LogOnError(ctx, rows.Close), DeferRollback(ctx, tx.Rollback):
			// given back if the callee calls what it is handed.
			if c.argCalls(fn, call, i) {
				return true
			}
			continue
		}
		if !c.carries(t, arg) {
			continue
		}
		if !c.isVar(arg, t.v) {
			return true // wrapped (adapter{tx}, &job{rows}): handed on with what holds it
		}
		if t.res.Kind == funcValue {
			if c.argCalls(fn, call, i) {
				return true
			}
			continue
		}
		if fn != nil && (t.res.Kind == dbapi.Rows || t.res.Kind == dbapi.Results) {
			switch dbapi.RowsArg(fn, i) {
			case dbapi.RowsClosed:
				return true
			case dbapi.RowsBorrowed:
				continue
			}
		}
		if deferred && !c.readable(fn) {
			return true // a deferred call we cannot read: take it to be the cleanup
		}
		if c.argReleases(t, fn, call, i) {
			return true
		}
	}
	return false
}

// isReleaseValue: e is the method value that gives v back (rows.Close,
// tx.Rollback, conn.Release), not called here.
func (c *checker) isReleaseValue(t *tracked, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok || !c.isVar(sel.X, t.v) || !t.res.Releases(sel.Sel.Name) {
		return false
	}
	s, ok := c.pass.TypesInfo.Selections[sel]
	return ok && s.Kind() == types.MethodVal
}

// handed: v itself is one of call's arguments.
func (c *checker) handed(call *ast.CallExpr, v *types.Var) bool {
	return slices.ContainsFunc(call.Args, func(a ast.Expr) bool { return c.isVar(a, v) })
}

// wrappedResult: e is a call handed v whose result can hold it (return
// i.txInterceptor(tx), nil; return newRepo(tx)): the caller gets it.
func (c *checker) wrappedResult(t *tracked, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || t.res.Kind == funcValue {
		return false
	}
	if !c.handed(call, t.v) {
		return false
	}
	rt := firstResult(c.pass.TypesInfo.TypeOf(call))
	if rt == nil || isError(rt) {
		return false
	}
	if it, ok := rt.Underlying().(*types.Interface); ok && it.NumMethods() == 0 {
		return false // any: not evidence of a wrapper
	}
	if types.AssignableTo(t.v.Type(), rt) {
		return true
	}
	if p, ok := rt.Underlying().(*types.Pointer); ok {
		rt = p.Elem()
	}
	st, ok := rt.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for f := range st.Fields() {
		if h, ok := c.classifier.Handle(f.Type()); ok && h.Session() || types.AssignableTo(t.v.Type(), f.Type()) {
			return true
		}
	}
	return false
}

// rewraps: the assignment's i-th target is v and its value is v passed
// through a call that returns it, or a value holding it (tx =
// withLockTimeout(ctx, tx)): still the same resource.
func (c *checker) rewraps(t *tracked, s *ast.AssignStmt, i int) bool {
	switch {
	case len(s.Lhs) == len(s.Rhs):
		return c.wrappedResult(t, s.Rhs[i])
	case len(s.Rhs) == 1 && i == 0:
		return c.wrappedResult(t, s.Rhs[0])
	}
	return false
}

// readable: fn's body is this package's, or its package's facts say what
// it does.
func (c *checker) readable(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	fn = fn.Origin()
	if c.know.decls[fn] != nil {
		return true
	}
	return !isAbstract(fn) && fn.Pkg() != c.pass.Pkg && c.know.known(fn.Pkg())
}

// takenByUnknown: rows, batch results and statements handed to code the
// analyzer cannot read are assumed to be consumed there (scan helpers
// close what they read); transactions and connections are not (helpers
// run statements on them; the caller finishes them).
func takenByUnknown(res dbapi.Resource) bool {
	return res.Kind != dbapi.Tx && res.Kind != dbapi.Conn
}

func (c *checker) argReleases(t *tracked, fn *types.Func, call *ast.CallExpr, i int) bool {
	if fn == nil {
		return takenByUnknown(t.res) // a function value: unknown
	}
	fn = fn.Origin()
	i = c.paramIndex(call, i) // T.Method(recv, args...)
	decl := c.know.decls[fn]
	if decl == nil || decl.Body == nil {
		if closes, ok := c.argCloses(fn, i, t.res); ok {
			return closes // another package's function, read by the facts pass
		}
		return takenByUnknown(t.res) // an interface method, a package known by its types only
	}
	return c.calleeReleases(fn, decl, i, t.res)
}

// calleeReleases: does fn give back, on every path, the resource passed as
// its parameter i? The same path analysis, run on its body.
func (c *checker) calleeReleases(fn *types.Func, decl *ast.FuncDecl, i int, res dbapi.Resource) bool {
	key := calleeKey{fn, i, res.Kind, res.Pgx, false}
	if got, ok := c.callee[key]; ok {
		return got
	}
	c.callee[key] = true // a recursive call is assumed to do what the outer one does
	sig := fn.Type().(*types.Signature)
	n := sig.Params().Len()
	if i < 0 || i >= n || sig.Variadic() && i == n-1 {
		c.callee[key] = takenByUnknown(res)
		return c.callee[key]
	}
	p := sig.Params().At(i)
	if p.Name() == "" || p.Name() == "_" {
		c.callee[key] = false
		return false
	}
	got := len(c.leaks(&tracked{v: p, res: res, fn: decl, body: decl.Body, param: true})) == 0
	c.callee[key] = got
	return got
}

// calleeOwns: does fn take over, on every path, the transaction or
// connection passed as its parameter i: give it back, or keep it in what
// it returns (NewRoomUpdater rolls back on its error paths and returns
// &RoomUpdater{transaction{ctx, txn}, ...})?
func (c *checker) calleeOwns(fn *types.Func, decl *ast.FuncDecl, i int, res dbapi.Resource) bool {
	key := calleeKey{fn, i, res.Kind, res.Pgx, true}
	if got, ok := c.callee[key]; ok {
		return got
	}
	c.callee[key] = true // a recursive call is assumed to do what the outer one does
	sig := fn.Type().(*types.Signature)
	n := sig.Params().Len()
	if i < 0 || i >= n || sig.Variadic() && i == n-1 || takenByUnknown(res) {
		c.callee[key] = false
		return false
	}
	p := sig.Params().At(i)
	if p.Name() == "" || p.Name() == "_" {
		c.callee[key] = false
		return false
	}
	got := len(c.leaks(&tracked{v: p, res: res, fn: decl, body: decl.Body, param: true, owns: true})) == 0
	c.callee[key] = got
	return got
}

// closureReleases: a function literal that refers to v. A deferred one
// releases it if it calls a releasing method or hands v to a function; any
// other closure (a goroutine, an errgroup task, a callback) takes over rows
// it captures, and a transaction or connection only if it finishes it.
func (c *checker) closureReleases(t *tracked, lit *ast.FuncLit, deferred bool) bool {
	info := c.pass.TypesInfo
	refers, finishes, handsOn := false, false, false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if info.Uses[n] == t.v {
				refers = true
			}
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && c.isVar(sel.X, t.v) {
				if t.res.Releases(sel.Sel.Name) {
					finishes = true
				}
			}
			if t.res.Kind == funcValue && c.isVar(n.Fun, t.v) {
				finishes = true
			}
			for _, a := range n.Args {
				if c.carries(t, a) {
					handsOn = true
				}
			}
		}
		return true
	})
	switch {
	case !refers:
		return false
	case finishes:
		return true
	case deferred:
		return handsOn
	}
	return takenByUnknown(t.res)
}

// facts are what a branch of a condition tells about the tracked value.
type facts struct {
	errNotNil bool // the call's error is non-nil: the resource was never handed out
	vNil      bool // v == nil
	vErr      bool // gorm: v.Error != nil after Begin
	nextFalse bool // v.Next() returned false: the driver closed the rows
	// v.Err() != nil: the rows failed, and the driver closed them (database/sql
	// Rows.Next and close(err), pgx baseRows.fatal)
	rowsErr bool
	// the guard counter is 0, or is not
	guardZero, guardNonZero bool
}

// facts collects what holds on the branch of cond where cond == truth.
func (c *checker) facts(t *tracked, cond ast.Expr, truth bool, f *facts) {
	info := c.pass.TypesInfo
	switch e := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			c.facts(t, e.X, !truth, f)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			if truth {
				c.facts(t, e.X, true, f)
				c.facts(t, e.Y, true, f)
			}
		case token.LOR:
			if !truth {
				c.facts(t, e.X, false, f)
				c.facts(t, e.Y, false, f)
			}
		case token.EQL, token.NEQ, token.GTR, token.LSS:
			if c.guardFacts(t, e, truth, f) || e.Op == token.GTR || e.Op == token.LSS {
				return
			}
			var x ast.Expr
			switch {
			case isNil(info, e.Y):
				x = e.X
			case isNil(info, e.X):
				x = e.Y
			default:
				// err == sql.ErrNoRows: equal to a sentinel error, so not nil
				if t.errVar != nil && (e.Op == token.EQL) == truth &&
					(c.isVar(e.X, t.errVar) && isSentinel(info, e.Y) || c.isVar(e.Y, t.errVar) && isSentinel(info, e.X)) {
					f.errNotNil = true
				}
				return
			}
			nonNil := (e.Op == token.NEQ) == truth
			switch {
			case t.errVar != nil && (c.isVar(x, t.errVar) || c.wrapsErr(x, t.errVar)):
				f.errNotNil = f.errNotNil || nonNil
			case c.isVar(x, t.v):
				f.vNil = f.vNil || !nonNil
			case c.isRowsErr(t, x):
				f.rowsErr = f.rowsErr || nonNil
			default:
				if sel, ok := ast.Unparen(x).(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" && c.isVar(sel.X, t.v) {
					f.vErr = f.vErr || nonNil
				}
			}
		}
	case *ast.CallExpr:
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Next" && c.isVar(sel.X, t.v) && len(e.Args) == 0 {
			f.nextFalse = f.nextFalse || !truth
		}
		if fn := dbindex.CalleeFunc(info, e); truth && fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "errors" &&
			(fn.Name() == "Is" || fn.Name() == "As") && len(e.Args) > 0 && t.errVar != nil && c.isVar(e.Args[0], t.errVar) {
			f.errNotNil = true
		}
	}
}

// isRowsErr: x is v.Err(), or a variable only ever assigned v.Err() (if err
// := rows.Err(); err != nil).
func (c *checker) isRowsErr(t *tracked, x ast.Expr) bool {
	isErrCall := func(e ast.Expr) bool {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok || len(call.Args) != 0 {
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "Err" && c.isVar(sel.X, t.v)
	}
	if t.res.Kind != dbapi.Rows || t.v == nil {
		return false
	}
	if isErrCall(x) {
		return true
	}
	id, ok := ast.Unparen(x).(*ast.Ident)
	if !ok {
		return false
	}
	ev, ok := c.pass.TypesInfo.Uses[id].(*types.Var)
	if !ok || ev == t.v || dbindex.IsPackageLevel(ev) {
		return false
	}
	info := c.pass.TypesInfo
	only, seen := true, false
	ast.Inspect(t.fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if c.isVar(l, ev) {
					seen = true
					only = only && len(n.Lhs) == len(n.Rhs) && isErrCall(n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if info.Defs[id] == ev && len(n.Values) > 0 {
					seen = true
					only = only && i < len(n.Values) && isErrCall(n.Values[i])
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && c.isVar(n.X, ev) {
				only = false // written through a pointer
			}
		}
		return only
	})
	return seen && only
}

// wrapsErr: a call handed the error, compared with nil as the error itself
// would be (if db.AddError(err) == nil, if check(err) != nil).
func (c *checker) wrapsErr(x ast.Expr, errVar *types.Var) bool {
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		return false
	}
	for _, a := range call.Args {
		if c.isVar(a, errVar) {
			return true
		}
	}
	return false
}

// isSentinel: a package-level error variable (sql.ErrNoRows, io.EOF).
func isSentinel(info *types.Info, e ast.Expr) bool {
	var id *ast.Ident
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	return ok && dbindex.IsPackageLevel(v) && isError(v.Type())
}

func isNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	_, isNil := info.Uses[id].(*types.Nil)
	return isNil
}

// guardFacts: what g == 0, g != 0, g > 0 and 0 < g say of the guard
// counter on the branch where they are truth (counters are not negative).
func (c *checker) guardFacts(t *tracked, e *ast.BinaryExpr, truth bool, f *facts) bool {
	if t.guard == nil {
		return false
	}
	x, op := e.X, e.Op
	if k, ok := c.intConst(e.X); ok && k == 0 {
		x = e.Y
		switch op { // 0 < g is g > 0
		case token.LSS:
			op = token.GTR
		case token.GTR:
			op = token.LSS
		}
	} else if k, ok := c.intConst(e.Y); !ok || k != 0 {
		return false
	}
	if !c.isVar(x, t.guard) {
		return false
	}
	zero := false
	switch op {
	case token.EQL:
		zero = truth
	case token.NEQ, token.GTR:
		zero = !truth
	default:
		return false
	}
	if zero {
		f.guardZero = true
	} else {
		f.guardNonZero = true
	}
	return true
}

// mayReturn is the CFG's view of calls that end the path: panic, and
// functions whose control flow never returns (see noReturn: os.Exit,
// log.Fatal, testing's t.Fatal through runtime.Goexit, wrappers of them).
// Where no body or fact can be read (an interface method, or a package the
// driver loaded from export data), the usual names of such functions
// decide: Fatal*, Panic, FailNow, Skip.
func (c *checker) mayReturn(call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	if isBuiltin(info, call, "panic") {
		return false
	}
	fn := dbindex.CalleeFunc(info, call)
	if fn == nil {
		return true
	}
	return !c.noReturn(fn)
}

// namedNoReturn is the fallback where control flow cannot be read.
func namedNoReturn(fn *types.Func) bool {
	switch name := fn.Name(); {
	case strings.HasPrefix(name, "Fatal"): // log.Fatal, logrus, zap's Fatalw, testing.T.Fatalf
		return true
	case name == "Panic" || name == "Panicf" || name == "Panicln" || name == "Panicw":
		return true
	case name == "FailNow" || name == "SkipNow" || name == "Skip" || name == "Skipf":
		return true
	}
	return false
}
