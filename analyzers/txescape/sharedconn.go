package txescape

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/analyzers/internal/launch"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// A *pgx.Conn is one connection running one statement at a time, not safe
// for concurrent use (pgx issues #1256, #1226, #2428): a statement started
// while another is in progress on it fails with "conn busy". Shared
// between goroutines — a goroutine and the function that starts it, the
// goroutines a loop starts, or the requests an HTTP handler serves, each
// on its own goroutine — it fails as soon as two uses overlap. A pool
// (*pgxpool.Pool, *sql.DB) shared the same way is fine: each use takes a
// connection of its own.

// singleConnTypes are the connection types that run one statement at a
// time: a *pgx.Conn, and what runs on one (a pgx transaction, an acquired
// pool connection). The last two are only judged here for goroutines the
// function waits for; one it does not wait for is an escape (see goStmt).
var singleConnTypes = map[string]string{
	"*github.com/jackc/pgx/v5.Conn":         "*pgx.Conn",
	"*github.com/jackc/pgx/v4.Conn":         "*pgx.Conn",
	"github.com/jackc/pgx/v5.Tx":            "pgx.Tx",
	"github.com/jackc/pgx/v4.Tx":            "pgx.Tx",
	"*github.com/jackc/pgx/v5/pgxpool.Conn": "*pgxpool.Conn",
	"*github.com/jackc/pgx/v4/pgxpool.Conn": "*pgxpool.Conn",
}

// singleConn returns how messages name t when it is one of
// singleConnTypes; all admits the transaction and acquired connection
// types, not only *pgx.Conn.
func singleConn(t types.Type, all bool) (string, bool) {
	key := dbapi.TypeName(t)
	if p, ok := t.(*types.Pointer); ok {
		key = "*" + dbapi.TypeName(p.Elem())
	} else if _, isNamed := t.(*types.Named); !isNamed || !types.IsInterface(t) {
		return "", false // a struct value copied is not the connection
	}
	label, ok := singleConnTypes[key]
	if !ok || !all && label != "*pgx.Conn" {
		return "", false
	}
	return label, true
}

// connRef names a shared connection: a variable, or a field of the value a
// variable holds (s.conn).
type connRef struct {
	root  *types.Var
	field *types.Var
}

// connRefOf returns the connection e names, if e is a variable or field
// of a single-connection type (all: see singleConn).
func (c *checker) connRefOf(e ast.Expr, all bool) (connRef, bool) {
	info := c.pass.TypesInfo
	t := info.TypeOf(e)
	if t == nil {
		return connRef{}, false
	}
	if _, ok := singleConn(t, all); !ok {
		return connRef{}, false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		return connRef{root: v}, ok
	case *ast.SelectorExpr:
		s, ok := info.Selections[x]
		if !ok || s.Kind() != types.FieldVal {
			return connRef{}, false
		}
		root := dbindex.RootVar(info, x.X)
		f, _ := s.Obj().(*types.Var)
		return connRef{root: root, field: f}, root != nil && f != nil
	}
	return connRef{}, false
}

// connRefs lists the *pgx.Conn references in n, with the first expression
// naming each, skipping variables declared inside n itself (the
// connection a handler or goroutine opens for itself).
func (c *checker) connRefs(n ast.Node, all bool) (map[connRef]ast.Expr, []connRef) {
	out := map[connRef]ast.Expr{}
	var order []connRef
	passive := passiveRecvs(n)
	ast.Inspect(n, func(x ast.Node) bool {
		e, ok := x.(ast.Expr)
		if !ok || passive[e] {
			return !passive[e]
		}
		switch e.(type) {
		case *ast.Ident, *ast.SelectorExpr:
		default:
			return true
		}
		r, ok := c.connRefOf(e, all)
		if !ok {
			return true
		}
		if r.root.Pos() >= n.Pos() && r.root.Pos() < n.End() {
			return false // declared in n: its own connection
		}
		if _, seen := out[r]; !seen {
			out[r] = e
			order = append(order, r)
		}
		return false
	})
	return out, order
}

// sharedGo: a *pgx.Conn the started goroutine uses is also used, while it
// may run, by the function that starts it, or by the other goroutines the
// same loop starts; so is a pgx transaction or acquired connection, when
// the goroutine is waited for (joined). Goroutines that lock a mutex
// around their use are left alone.
func (c *checker) sharedGo(cur inspector.Cursor, start ast.Node, call *ast.CallExpr, lit *ast.FuncLit, refs []launch.SyncRef, joined bool) {
	fns := launch.Enclosing(cur)
	if len(fns) == 0 {
		return
	}
	var scope []ast.Node // what runs on the goroutine: the literal, the call's arguments
	if lit != nil {
		scope = append(scope, lit.Body)
	}
	if _, ok := start.(*ast.GoStmt); ok {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			scope = append(scope, sel.X) // go conn.Exec(...), go s.work()
		}
		for _, a := range call.Args {
			scope = append(scope, a)
		}
	}
	if lit != nil && c.locks(lit.Body) {
		return
	}
	home := fns[0]
	_, body := dbindex.FuncBody(home)
	if body == nil {
		return
	}
	loop := enclosingLoop(cur, home)
	waited := launch.WaitedAt(c.pass.TypesInfo, fns, start.End(), refs)
	for _, s := range scope {
		found, order := c.connRefs(s, joined)
		for _, r := range order {
			at := found[r]
			switch {
			case loop != nil && (r.root.Pos() < loop.Pos() || r.root.Pos() >= loop.End()):
				c.reportShared(at, "is used by every goroutine this loop starts, all at once")
			case c.usedWhileRunning(body, r, start, waited):
				c.reportShared(at, "is used by this goroutine and by the function that starts it, at once")
			default:
				continue
			}
			return
		}
	}
}

// usedWhileRunning: body uses r after the goroutine started at start, before
// waited (the first point it is known to have finished; NoPos: never).
func (c *checker) usedWhileRunning(body *ast.BlockStmt, r connRef, start ast.Node, waited token.Pos) bool {
	found := false
	passive := passiveRecvs(body)
	ast.Inspect(body, func(x ast.Node) bool {
		if found || x == nil {
			return false
		}
		if x.End() <= start.End() {
			return false // before the goroutine starts, or the go statement itself
		}
		e, ok := x.(ast.Expr)
		if !ok || passive[e] {
			return !passive[e]
		}
		if got, ok := c.connRefOf(e, true); ok && got == r && e.Pos() >= start.End() && (waited == token.NoPos || e.Pos() < waited) {
			found = true
		}
		return !found
	})
	return found
}

// passiveMethods do not run a statement on the connection: Close is how
// another goroutine interrupts it (pgconn's Close does not take the
// connection's lock that makes a second statement fail with "conn busy").
var passiveMethods = map[string]bool{"Close": true, "IsClosed": true, "Config": true, "TypeMap": true}

// passiveRecvs are the receivers of calls of passiveMethods in n.
func passiveRecvs(n ast.Node) map[ast.Expr]bool {
	out := map[ast.Expr]bool{}
	ast.Inspect(n, func(x ast.Node) bool {
		if call, ok := x.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && passiveMethods[sel.Sel.Name] {
				out[sel.X] = true
			}
		}
		return true
	})
	return out
}

// enclosingLoop is the innermost for or range statement around cur inside
// home, or nil.
func enclosingLoop(cur inspector.Cursor, home ast.Node) ast.Node {
	for anc := range cur.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch n := anc.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if n.Pos() >= home.Pos() && n.End() <= home.End() {
				return n
			}
			return nil
		default:
			if n != cur.Node() {
				return nil
			}
		}
	}
	return nil
}

// locks: body calls Lock or RLock on a sync.Mutex or sync.RWMutex before
// it uses the connection.
func (c *checker) locks(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(x ast.Node) bool {
		call, ok := x.(*ast.CallExpr)
		if found || !ok {
			return !found
		}
		fn := dbindex.CalleeFunc(c.pass.TypesInfo, call)
		if fn == nil {
			return true
		}
		switch dbapi.FullName(fn) {
		case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock":
			found = true
		}
		return !found
	})
	return found
}

// handlerConns: an HTTP handler (a function or method with a handler's
// signature, or one registered as a handler) that uses a *pgx.Conn it did
// not open — a field of its receiver, a package-level variable, a variable
// its literal captures — shares that connection between the requests it
// serves, each on its own goroutine. The package's functions and methods a
// handler calls (s.listUsers(ctx)), and theirs, are judged the same way.
func (c *checker) handlerConns(skipTests bool) {
	type reached struct {
		decl    *ast.FuncDecl
		handler string
	}
	var queue []reached
	judged := map[*ast.FuncDecl]bool{}
	judge := func(fn ast.Node, body *ast.BlockStmt, how string) bool {
		if body == nil || skipTests && c.idx.IsTest(fn.Pos()) || c.locks(body) {
			return false
		}
		found, order := c.connRefs(body, false)
		for _, r := range order {
			if launch.IsParamOf(fn, r.root) {
				continue // handed in by the caller, judged there
			}
			c.reportShared(found[r], how)
			break
		}
		return true
	}
	follow := func(body *ast.BlockStmt, handler string) {
		ast.Inspect(body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if fn := dbindex.CalleeFunc(c.pass.TypesInfo, call); fn != nil {
					if d := c.idx.Decls[fn.Origin()]; d != nil && d.Body != nil {
						queue = append(queue, reached{d, handler})
					}
				}
			}
			return true
		})
	}
	const direct = "is shared by every request this handler serves, each on its own goroutine"
	var handlers []*ast.FuncDecl
	for fn, decl := range c.idx.Decls {
		if c.idx.IsHandlerSig(decl.Type) || c.idx.RoleOf(fn) == dbindex.RoleHandler {
			handlers = append(handlers, decl)
		}
	}
	slices.SortFunc(handlers, func(a, b *ast.FuncDecl) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, decl := range handlers {
		judged[decl] = true
		if judge(decl, decl.Body, direct) {
			follow(decl.Body, decl.Name.Name)
		}
	}
	for cur := range c.idx.Inspector.Root().Preorder((*ast.FuncLit)(nil)) {
		lit := cur.Node().(*ast.FuncLit)
		if c.idx.LitRoles[lit] == dbindex.RoleHandler || c.idx.IsHandlerSig(lit.Type) {
			if judge(lit, lit.Body, direct) {
				follow(lit.Body, "func literal")
			}
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		if judged[r.decl] {
			continue
		}
		judged[r.decl] = true
		how := fmt.Sprintf("is shared by the requests handler %s serves, each on its own goroutine", r.handler)
		if judge(r.decl, r.decl.Body, how) {
			follow(r.decl.Body, r.handler)
		}
	}
}

func (c *checker) reportShared(at ast.Expr, how string) {
	if c.reported[at.Pos()] {
		return
	}
	c.reported[at.Pos()] = true
	label, _ := singleConn(c.pass.TypesInfo.TypeOf(at), true)
	msg := analyzerutil.OneLine(fmt.Sprintf("%s (%s) %s", types.ExprString(at), label, how), `"conn busy"`)
	var help string
	switch label {
	case "*pgx.Conn":
		help = `A *pgx.Conn is one connection that runs one statement at a time and is not safe for concurrent use: ` +
			`a statement started while another is in progress on it fails with "conn busy" (pgx issues #1256, #1226, #2428). ` +
			`Fix: share a *pgxpool.Pool instead (each use acquires a connection of its own), give each goroutine its own connection, ` +
			`or hold a sync.Mutex around every use.`
	case "pgx.Tx":
		help = `A pgx transaction runs on one connection, one statement at a time: a statement started while another is in progress ` +
			`fails with "conn busy" (and a Commit that meets it fails the same way). ` +
			`Fix: run the transaction's statements one after another (a pgx.Batch sends many in one round trip), ` +
			`or give each goroutine its own transaction from the pool if they need not commit together.`
	default:
		help = `An acquired connection runs one statement at a time: a statement started while another is in progress on it fails with "conn busy". ` +
			`Fix: let each goroutine run its statements on the pool (or acquire its own connection), or run them one after another.`
	}
	analyzerutil.ReportHelp(c.pass, c.idx, analysis.Diagnostic{Pos: at.Pos(), End: at.End(), Message: msg}, help)
}
