package conncleanup

import (
	"cmp"
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/cfg"

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
	a.FactTypes = factTypes
	return a
}

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	if dbapi.IsDriverPackage(pass.Pkg.Path()) {
		return // the drivers' own plumbing
	}
	c := newChecker(pass, idx.Classifier, learn(pass))
	c.exportFacts()
	for _, call := range idx.Calls {
		if call.Test && !cfg.CheckTests || call.Enclosing == nil {
			continue
		}
		res, ok := idx.Classifier.ResourceOf(call.API, firstResult(pass.TypesInfo.TypeOf(call.Expr)))
		if !ok || res.Kind == dbapi.Stmt && c.onTx(call.Expr) {
			continue // tx.Stmt, tx.Prepare: database/sql closes the statement with the transaction
		}
		acq, ok := c.acquisition(call, res)
		if !ok {
			continue
		}
		if acq.v == nil {
			report(pass, idx, call.Expr, nil, discardedMessage(acq), discardedHelp(acq))
			continue
		}
		if leaks := c.leaks(acq.track()); len(leaks) > 0 && acq.outer != nil {
			// a closure's acquisition kept in its enclosing function's variable
			if !c.outerReleases(acq) {
				report(pass, idx, call.Expr, nil, outerMessage(acq), outerHelp(acq))
			}
		} else if len(leaks) > 0 {
			first := slices.MinFunc(leaks, func(a, b leak) int { return cmp.Compare(a.at.Pos(), b.at.Pos()) })
			report(pass, idx, call.Expr, &first, leakMessage(acq, first), leakHelp(pass, acq, first))
		} else if res.Kind == dbapi.Results {
			if rel := c.releasedUnder(acq); rel != nil {
				report(pass, idx, call.Expr, &leak{at: rel.at, kind: leakParent}, underMessage(acq, rel), underHelp(pass, acq, rel))
			}
		}
		if res.Kind == dbapi.Rows {
			if next := c.uncheckedErr(acq); next != nil {
				report(pass, idx, call.Expr, &leak{at: next, kind: leakNext}, errMessage(acq), errHelp(pass, acq, next))
			}
		}
	}
}

// report reports msg at n with help; at, when known, is the place the
// finding is about (the return that leaves the resource open), given as
// related information.
func report(pass *analysis.Pass, idx *dbindex.Index, n ast.Node, at *leak, msg, help string) {
	d := analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Message: msg}
	if at != nil {
		d.Related = []analysis.RelatedInformation{{Pos: at.at.Pos(), End: at.at.End(), Message: at.related()}}
	}
	analyzerutil.ReportHelp(pass, idx, d, help)
}

func firstResult(t types.Type) types.Type {
	if tuple, ok := t.(*types.Tuple); ok {
		if tuple.Len() == 0 {
			return nil
		}
		return tuple.At(0).Type()
	}
	return t
}

// acquisition is a call producing a resource and where its result goes.
type acquisition struct {
	call *dbindex.Call
	res  dbapi.Resource
	// v holds the resource; nil when the result is discarded.
	v *types.Var
	// errVar is the error result assigned beside it, if any.
	errVar *types.Var
	// stmt is the statement (an *ast.AssignStmt or *ast.ValueSpec) that
	// assigns the result: a node of the control-flow graph.
	stmt ast.Node
	fn   ast.Node // *ast.FuncDecl or *ast.FuncLit
	body *ast.BlockStmt
	// guard is the counter the acquisition is guarded by, if any.
	guard *types.Var
	// outer is the enclosing function whose variable v is, when fn is a
	// closure assigning it (a connect-retry callback): that function owns
	// the resource.
	outer ast.Node
}

// track is the path question for the acquisition: from just after stmt.
func (a *acquisition) track() *tracked {
	return &tracked{v: a.v, errVar: a.errVar, res: a.res, fn: a.fn, body: a.body, from: a.stmt, guard: a.guard}
}

// acquisition finds where the call's result goes. ok is false when the
// result is not the function's to give back: stored in a field, passed
// straight to another call, returned.
func (c *checker) acquisition(call *dbindex.Call, res dbapi.Resource) (*acquisition, bool) {
	_, body := dbindex.FuncBody(call.Enclosing)
	if body == nil {
		return nil, false
	}
	a := &acquisition{call: call, res: res, fn: call.Enclosing, body: body}
	info := c.pass.TypesInfo
	parent := call.Cursor.Parent()
	kind, _ := call.Cursor.ParentEdge()
	var names []ast.Expr
	switch p := parent.Node().(type) {
	case *ast.ExprStmt:
		a.stmt = p
		return a, true // the result is dropped entirely
	case *ast.AssignStmt:
		if kind != edge.AssignStmt_Rhs || len(p.Rhs) != 1 {
			return nil, false
		}
		a.stmt, names = p, p.Lhs
	case *ast.ValueSpec:
		if kind != edge.ValueSpec_Values || len(p.Values) != 1 {
			return nil, false
		}
		a.stmt = p
		for _, n := range p.Names {
			names = append(names, n)
		}
	default:
		return nil, false
	}
	id, ok := ast.Unparen(names[0]).(*ast.Ident)
	if !ok {
		return nil, false // stored in a field or an element: owned elsewhere
	}
	if id.Name == "_" {
		return a, true
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || dbindex.IsPackageLevel(v) {
		return nil, false
	}
	a.v = v
	if v.Pos() < a.fn.Pos() || v.Pos() >= a.fn.End() {
		for anc := range call.Cursor.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			if n := anc.Node(); n.Pos() <= v.Pos() && v.Pos() < n.End() {
				a.outer = n
				break
			}
		}
	}
	a.guard = c.guardOf(a.fn, a.stmt, v)
	if len(names) > 1 {
		if eid, ok := ast.Unparen(names[len(names)-1]).(*ast.Ident); ok && eid.Name != "_" {
			if ev, ok := info.ObjectOf(eid).(*types.Var); ok && isError(ev.Type()) {
				a.errVar = ev
			}
		}
	}
	return a, true
}

// onTx: the call is a method of a transaction (tx.Stmt, tx.PrepareContext).
func (c *checker) onTx(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	h, ok := c.classifier.Handle(c.pass.TypesInfo.TypeOf(sel.X))
	return ok && h == dbapi.Tx
}

// outerReleases: the enclosing function that owns v gives it back somewhere
// outside the closure that acquired it — a deferred func, a Close call,
// returning or storing it.
func (c *checker) outerReleases(a *acquisition) bool {
	_, body := dbindex.FuncBody(a.outer)
	if body == nil {
		return false
	}
	t := &tracked{v: a.v, res: a.res, fn: a.outer, body: body, skip: a.fn}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found || n == nil || n == a.fn {
			return false
		}
		switch n.(type) {
		case *ast.DeferStmt, *ast.ExprStmt, *ast.AssignStmt, *ast.ReturnStmt, *ast.SendStmt, *ast.GoStmt, *ast.DeclStmt:
			if c.event(t, n) == released {
				found = true
			}
			if d, ok := n.(*ast.DeferStmt); ok && c.deferReleases(t, d) {
				found = true
			}
			return false
		}
		return true
	})
	return found
}

func isError(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// checker holds what is shared across the acquisitions of one package.
type checker struct {
	pass       *analysis.Pass
	classifier *dbapi.Classifier
	// know is what the facts pass found: declarations, control flow, the
	// facts of other packages' functions.
	know *knowledge
	cfgs map[*ast.BlockStmt]*cfg.CFG
	// callee memoizes whether a same-package function gives back (or,
	// with owns, takes over) the resource passed as one of its parameters
	// on every path.
	callee map[calleeKey]bool
	// moving holds the owners' results being followed (see keptOwner), so
	// that a cycle of them is not followed forever.
	moving map[moveKey]bool
}

type calleeKey struct {
	fn    *types.Func
	param int
	kind  dbapi.HandleKind
	pgx   bool
	owns  bool
}

type moveKey struct {
	v    *types.Var
	from ast.Node
}

func newChecker(pass *analysis.Pass, classifier *dbapi.Classifier, know *knowledge) *checker {
	return &checker{pass: pass, classifier: classifier, know: know, cfgs: map[*ast.BlockStmt]*cfg.CFG{}, callee: map[calleeKey]bool{}, moving: map[moveKey]bool{}}
}

func (c *checker) cfgOf(body *ast.BlockStmt) *cfg.CFG {
	g, ok := c.cfgs[body]
	if !ok {
		g = cfg.New(body, c.mayReturn)
		c.cfgs[body] = g
	}
	return g
}

func (a *acquisition) what() string {
	switch a.res.Kind {
	case dbapi.Rows:
		return "rows"
	case dbapi.Results:
		return "batch results"
	case dbapi.Stmt:
		return "prepared statement"
	case dbapi.Tx:
		return "transaction"
	}
	return "connection"
}

// name is the variable holding the resource, or x.
func (a *acquisition) name() string {
	if a.v != nil {
		return a.v.Name()
	}
	return "x"
}

// advice is the line to write, with the variable's own name.
func (a *acquisition) advice() string {
	name := a.name()
	switch a.res.Kind {
	case dbapi.Tx:
		if a.res.Pgx {
			return fmt.Sprintf("defer %s.Rollback(ctx) right after the error check (after Commit it is a no-op)", name)
		}
		return fmt.Sprintf("defer %s.Rollback() right after the error check (after Commit it is a no-op)", name)
	case dbapi.Conn:
		if a.res.Pgx {
			return fmt.Sprintf("defer %s.Release() right after the error check", name)
		}
		return fmt.Sprintf("defer %s.Close() right after the error check", name)
	case dbapi.Rows:
		if a.res.Pgx {
			return fmt.Sprintf("defer %s.Close() right after the error check, or hand them to pgx.CollectRows", name)
		}
		return fmt.Sprintf("defer %s.Close() right after the error check", name)
	case dbapi.Results:
		return fmt.Sprintf("defer %s.Close() right after SendBatch", name)
	}
	return fmt.Sprintf("defer %s.Close() right after the error check", name)
}

// cost says what an unreturned resource does at run time, with the
// measured driver or server error.
func (a *acquisition) cost() string {
	switch a.res.Kind {
	case dbapi.Rows:
		if a.res.Pgx {
			return "Open rows keep their connection busy: on a *pgx.Conn the next statement fails with \"conn busy\", " +
				"and a pool connection is not returned, so the pool runs dry and Acquire waits until its context expires."
		}
		return "Open rows hold their connection: the pool runs dry, and then every query waits for a free connection " +
			"(forever under SetMaxOpenConns; without it, connections pile up until the server refuses more: FATAL: sorry, too many clients already)."
	case dbapi.Results:
		return "The connection stays busy until Close reads the remaining results; the next statement on it fails with \"conn busy\" " +
			"(and a pool's SendBatch keeps its connection checked out)."
	case dbapi.Stmt:
		return "The statement stays prepared on every connection that ran it, holding server memory, until the pool is closed."
	case dbapi.Tx:
		return "Its connection stays checked out, idle in transaction and holding its locks, so the pool runs dry and other sessions wait on those locks."
	}
	if a.res.Pgx {
		return "The pool never gets it back; once all MaxConns connections are out, every Acquire waits until its context expires."
	}
	return "database/sql never gets it back; once the pool's connections are all out, every query waits for a free one."
}

// shortCost is cost in a few words, for the one-line message.
func (a *acquisition) shortCost() string {
	switch a.res.Kind {
	case dbapi.Rows:
		if a.res.Pgx {
			return `the connection stays busy ("conn busy")`
		}
		return "they hold their connection from the pool"
	case dbapi.Results:
		return `the connection stays busy ("conn busy")`
	case dbapi.Stmt:
		return "it stays prepared on the server"
	case dbapi.Tx:
		return "its connection stays idle in transaction"
	}
	if a.res.Pgx {
		return "the pool never gets it back"
	}
	return "database/sql never gets it back"
}

func (a *acquisition) notDone() string {
	switch a.res.Kind {
	case dbapi.Tx:
		return "left open"
	case dbapi.Conn:
		if a.res.Pgx {
			return "not released"
		}
	}
	return "not closed"
}

func verb(a *acquisition) string {
	if a.res.Kind == dbapi.Rows || a.res.Kind == dbapi.Results {
		return "are"
	}
	return "is"
}

func leakMessage(a *acquisition, l leak) string {
	head := fmt.Sprintf("%s from %s %s %s %s", a.what(), dbapi.ShortName(a.call.Func), verb(a), a.notDone(), l.where())
	if l.kind == leakNilErr {
		return analyzerutil.OneLine(head, fmt.Sprintf("the deferred %s needs %s != nil", l.method, l.errName))
	}
	return analyzerutil.OneLine(head, a.shortCost())
}

func leakHelp(pass *analysis.Pass, a *acquisition, l leak) string {
	return fmt.Sprintf("%s %s Fix: %s.", l.describe(pass, a), a.cost(), a.advice())
}

func discardedMessage(a *acquisition) string {
	name := dbapi.ShortName(a.call.Func)
	switch a.res.Kind {
	case dbapi.Rows, dbapi.Results:
		return analyzerutil.OneLine(fmt.Sprintf("the %s returned by %s are discarded, so nothing can close them", a.what(), name), a.shortCost())
	case dbapi.Tx:
		return analyzerutil.OneLine(fmt.Sprintf("the transaction returned by %s is discarded, so it is never committed or rolled back", name), "")
	}
	return analyzerutil.OneLine(fmt.Sprintf("the %s returned by %s is discarded, so it can never be given back", a.what(), name), a.shortCost())
}

func discardedHelp(a *acquisition) string {
	switch a.res.Kind {
	case dbapi.Results:
		return a.cost() + " Fix: keep them (br := conn.SendBatch(ctx, b)), read each result and call br.Close(), or call Close right away."
	case dbapi.Rows:
		return a.cost() + " Fix: use Exec for statements whose rows you do not read, or QueryRow(...).Scan for one row."
	case dbapi.Tx:
		return a.cost() + " Fix: keep it (tx, err := ...) and defer tx.Rollback."
	}
	return a.cost() + " Fix: keep it and defer its Close or Release."
}

func outerMessage(a *acquisition) string {
	return analyzerutil.OneLine(fmt.Sprintf("%s from %s %s assigned to %s, a variable of the enclosing function, which never gives it back",
		a.what(), dbapi.ShortName(a.call.Func), verb(a), a.v.Name()), a.shortCost())
}

func outerHelp(a *acquisition) string {
	return fmt.Sprintf("%s Fix: in the enclosing function, %s.", a.cost(), a.advice())
}

func errMessage(a *acquisition) string {
	return fmt.Sprintf("%s.Err() is never checked after the Next loop: an error ends the loop like the end of the result", a.v.Name())
}

func errHelp(pass *analysis.Pass, a *acquisition, next ast.Node) string {
	return fmt.Sprintf("The Next loop at line %d ends both at the end of the result and on an error (a broken connection, "+
		"a failed decode, a statement timeout), so an error looks like a short result. "+
		"Fix: after the loop add if err := %s.Err(); err != nil { return err }.", pass.Fset.Position(next.Pos()).Line, a.v.Name())
}
