// Package launch answers, for the rules, how a function literal runs
// relative to the function that writes it: started in the background (a go
// statement, errgroup's Go, sync.WaitGroup.Go, time.AfterFunc, a rules.yaml
// job runner) and waited for or not, or run before the writer returns.
//
// The waiting test follows txescape's (joined, syncRefs): a goroutine is
// waited for when a sync.WaitGroup or errgroup.Group it refers to is waited
// on after it starts (or in a defer) in the function that declares the
// group, or the group is a parameter (the caller waits), or it reports on a
// local channel that function receives from after it starts.
package launch

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// How says how a function literal runs.
type How int

const (
	// Unknown: handed to a function the rules do not know (it may keep it
	// and run it later), or stored.
	Unknown How = iota
	// Inline: runs before the writing function returns — called in place,
	// deferred, passed to a database API that calls it (pgx.BeginFunc,
	// AcquireFunc, gorm's Transaction), or started in the background and
	// waited for.
	Inline
	// Background: started by a go statement, a runner or a job runner and
	// not waited for: it outlives the writing function.
	Background
)

// Runner is a function that starts its function argument on a goroutine
// of its own.
type Runner struct {
	// Label names it in messages.
	Label string
	// Waitable: the group the task belongs to (its receiver) can be
	// waited for.
	Waitable bool
}

// Runners are the runners, by dbapi.FullName.
var Runners = map[string]Runner{
	"golang.org/x/sync/errgroup.Group.Go":    {"errgroup's Go", true},
	"golang.org/x/sync/errgroup.Group.TryGo": {"errgroup's TryGo", true},
	"sync.WaitGroup.Go":                      {"WaitGroup.Go", true},
	"time.AfterFunc":                         {"time.AfterFunc", false},
}

// Lit is how the function literal at cur runs (info is its package's type
// information). Launch is the go statement's
// call or the runner call that starts it, when it is started in the
// background (waited for or not).
func Lit(idx *dbindex.Index, info *types.Info, cur inspector.Cursor) (how How, launch *ast.CallExpr) {
	lit := cur.Node().(*ast.FuncLit)
	parent := cur.Parent()
	switch p := parent.Node().(type) {
	case *ast.CallExpr:
		if ast.Unparen(p.Fun) == lit {
			switch gp := parent.Parent().Node().(type) {
			case *ast.GoStmt:
				if Joined(info, Enclosing(parent.Parent()), gp.Pos(), Refs(info, p, lit)) {
					return Inline, p
				}
				return Background, p
			}
			return Inline, p // called in place, or deferred
		}
		fn := dbindex.CalleeFunc(info, p)
		if fn == nil {
			return Unknown, nil
		}
		if idx.JobLits[lit] {
			return Background, p
		}
		name := dbapi.FullName(fn)
		if r, ok := Runners[name]; ok {
			sel, isSel := ast.Unparen(p.Fun).(*ast.SelectorExpr)
			if r.Waitable && isSel && Joined(info, Enclosing(parent), p.Pos(), []SyncRef{RefOf(info, sel.X)}) {
				return Inline, p
			}
			return Background, p
		}
		if _, ok := idx.Classifier.Call(fn, nil); ok {
			return Inline, nil // BeginFunc, AcquireFunc, Transaction: the driver calls it
		}
	}
	return Unknown, nil
}

// Enclosing lists the functions around cur, innermost first (cur itself
// excluded).
func Enclosing(cur inspector.Cursor) []ast.Node {
	var out []ast.Node
	for anc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if anc == cur {
			continue
		}
		out = append(out, anc.Node())
	}
	return out
}

// SyncRef is a WaitGroup, errgroup or channel a goroutine refers to.
type SyncRef struct {
	key     string // the expression, & and parentheses removed
	root    *types.Var
	chanVar bool
}

// RefOf is the WaitGroup or errgroup e names.
func RefOf(info *types.Info, e ast.Expr) SyncRef {
	return SyncRef{key: exprKey(e), root: dbindex.RootVar(info, e)}
}

func exprKey(e ast.Expr) string {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	return types.ExprString(e)
}

// Refs collects the WaitGroups, errgroups and local channels a go
// statement's call and body refer to.
func Refs(info *types.Info, call *ast.CallExpr, lit *ast.FuncLit) []SyncRef {
	var out []SyncRef
	visit := func(n ast.Node) bool {
		e, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		switch ast.Unparen(e).(type) {
		case *ast.Ident, *ast.SelectorExpr:
		default:
			return true
		}
		t := info.TypeOf(e)
		if t == nil {
			return true
		}
		switch dbapi.TypeName(t) {
		case "sync.WaitGroup", "golang.org/x/sync/errgroup.Group":
			out = append(out, RefOf(info, e))
			return false
		}
		if _, ok := t.Underlying().(*types.Chan); ok {
			if id, ok := ast.Unparen(e).(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok {
					out = append(out, SyncRef{root: v, chanVar: true})
				}
			}
		}
		return true
	}
	for _, arg := range call.Args {
		ast.Inspect(arg, visit)
	}
	if lit != nil {
		ast.Inspect(lit.Body, visit)
	}
	return out
}

// Joined reports whether the goroutine started at pos is waited for (see
// the package doc). fns are the functions around pos, innermost first.
func Joined(info *types.Info, fns []ast.Node, pos token.Pos, refs []SyncRef) bool {
	for _, r := range refs {
		if r.root == nil {
			continue
		}
		home := declaringFunc(fns, r.root)
		if home == nil {
			continue // a field or a global: waited on elsewhere, if at all
		}
		if IsParamOf(home, r.root) {
			return true // the caller's WaitGroup: the caller waits
		}
		if waitedAfter(info, home, pos, r) {
			return true
		}
	}
	return false
}

// WaitedAt is the position from which the goroutine started at pos is
// known to have finished, in the function that starts it: the first Wait
// of a WaitGroup or errgroup it refers to, or receive from a channel it
// reports on, after pos in that function. token.NoPos when there is none
// there: not waited for, or waited for only by the caller (a group handed
// in as a parameter) or by a deferred Wait, which runs as the function
// returns.
func WaitedAt(info *types.Info, fns []ast.Node, pos token.Pos, refs []SyncRef) token.Pos {
	first := token.NoPos
	for _, r := range refs {
		if r.root == nil {
			continue
		}
		home := declaringFunc(fns, r.root)
		if home == nil || IsParamOf(home, r.root) {
			continue
		}
		waits(info, home, pos, r, func(at token.Pos, deferred bool) {
			if !deferred && (first == token.NoPos || at < first) {
				first = at
			}
		})
	}
	return first
}

func waitedAfter(info *types.Info, home ast.Node, pos token.Pos, r SyncRef) bool {
	found := false
	waits(info, home, pos, r, func(token.Pos, bool) { found = true })
	return found
}

// waits calls found for each place in home's body that waits for the
// goroutine started at pos through r: a Wait of r after pos or in a defer,
// a receive from r's channel after pos, or a range over it (at is where it
// has finished: the range's end). deferred: the place is in a defer
// statement, which runs as home returns.
func waits(info *types.Info, home ast.Node, pos token.Pos, r SyncRef, found func(at token.Pos, deferred bool)) {
	_, body := dbindex.FuncBody(home)
	var walk func(n ast.Node, deferred bool)
	walk = func(n ast.Node, deferred bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.DeferStmt:
				if !deferred {
					walk(n.Call, true)
					return false
				}
			case *ast.CallExpr:
				sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
				if ok && !r.chanVar && sel.Sel.Name == "Wait" && exprKey(sel.X) == r.key && (n.Pos() > pos || deferred) {
					found(n.Pos(), deferred)
				}
			case *ast.UnaryExpr:
				if r.chanVar && n.Op == token.ARROW && n.Pos() > pos && rootIs(info, n.X, r.root) {
					found(n.Pos(), deferred)
				}
			case *ast.RangeStmt:
				if r.chanVar && n.Pos() > pos && rootIs(info, n.X, r.root) {
					found(n.End(), deferred) // the range ends when the channel is closed
				}
			}
			return true
		})
	}
	walk(body, false)
}

func rootIs(info *types.Info, e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == v
}

// declaringFunc is the innermost of fns whose body declares v.
func declaringFunc(fns []ast.Node, v *types.Var) ast.Node {
	for _, f := range fns {
		if v.Pos() >= f.Pos() && v.Pos() < f.End() {
			return f
		}
	}
	return nil
}

// IsParamOf reports whether v is a parameter (not the receiver) of fn.
func IsParamOf(fn ast.Node, v *types.Var) bool {
	ft, _ := dbindex.FuncBody(fn)
	return ft != nil && ft.Params != nil && v.Pos() >= ft.Params.Pos() && v.Pos() < ft.Params.End()
}
