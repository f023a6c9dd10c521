package ctxscope

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

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
		return
	}
	c := &checker{pass: pass, idx: idx, cfg: cfg, vars: map[varKey]ctxKind{}, decls: map[*ast.FuncDecl]*requestFunc{}}
	for _, call := range idx.Calls {
		if (call.Test && !cfg.CheckTests) || !statement(call.API.Kind) || call.API.Context && len(call.Expr.Args) == 0 {
			continue
		}
		where := c.placeOf(call.Cursor)
		if where.request == nil {
			continue // not code that runs for a request, or run by code the rule cannot see
		}
		api := dbapi.ShortName(call.Func)
		switch {
		case where.background:
			if arg := call.Expr.Args; call.API.Context && c.kindOf(arg[0], where) == requestCtx {
				c.report(arg[0], rules.SeverityError, c.withoutCancel(call.File, arg[0]), "%s in %s uses the request's context: "+
					`"context canceled" once the request ends`, api, where.launchedBy)
			}
		case call.API.Context:
			if arg := call.Expr.Args[0]; c.kindOf(arg, where) == backgroundCtx {
				c.report(arg, rules.SeverityWarning, c.useRequestCtx(call.File, arg, where.request), "%s in %s runs under %s: it keeps running after the client has gone",
					api, where.request.what, describe(arg))
			}
		case c.hasContextForm(call):
			c.report(call.Expr, rules.SeverityWarning, c.contextFormFix(call, where.request), "%s in %s takes no context: it keeps running after the client has gone",
				api, where.request.what)
		}
	}
	c.localCalls()
}

// statement: the calls that send work to the server.
func statement(k dbapi.Kind) bool {
	switch k {
	case dbapi.Query, dbapi.Exec, dbapi.Begin, dbapi.Acquire, dbapi.Batch, dbapi.Copy, dbapi.Prepare:
		return true
	}
	return false
}

type checker struct {
	pass *analysis.Pass
	idx  *dbindex.Index
	cfg  *rules.Config
	// vars memoizes the kind of context a local variable holds.
	vars map[varKey]ctxKind
	// decls memoizes requestDecl.
	decls map[*ast.FuncDecl]*requestFunc
	// services are the generated gRPC service interfaces the package sees.
	services     []*types.Interface
	servicesDone bool
}

type varKey struct {
	v     *types.Var
	scope ast.Node
	param *types.Var
}

// requestFunc is a function that runs for a request.
type requestFunc struct {
	node ast.Node // *ast.FuncDecl or *ast.FuncLit
	what string   // "an HTTP handler", "a gRPC method", ...
	grpc bool
	// ctxParam is the parameter holding the request's context (a gRPC
	// method's first), or nil.
	ctxParam *types.Var
}

// place says where a database call runs.
type place struct {
	request *requestFunc
	// background: in work the request function starts and does not wait
	// for; launchedBy names it ("a goroutine").
	background bool
	launchedBy string
	// args map the parameters of the function literals between the call
	// and the request function to the arguments they are called with.
	args map[*types.Var]ast.Expr
}

// placeOf walks out from cur through the function literals around it to
// the function that runs for a request. It gives up (request nil) at a
// literal handed to code the rule does not know, which may run it at any
// time, and at a declared function that is not a request handler.
func (c *checker) placeOf(cur inspector.Cursor) place {
	var p place
	for anc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := anc.Node().(type) {
		case *ast.FuncDecl:
			p.request = c.requestDecl(n)
			return p
		case *ast.FuncLit:
			if what := c.handlerWhat(n.Type); what != "" {
				p.request = &requestFunc{node: n, what: what}
				return p
			}
			how, at := launch.Lit(c.idx, c.pass.TypesInfo, anc)
			switch how {
			case launch.Unknown:
				return place{}
			case launch.Background:
				p.background = true
				p.launchedBy = c.launcher(at, n)
			}
			if at != nil && ast.Unparen(at.Fun) == n {
				c.bindArgs(&p, n, at)
			}
		}
	}
	return place{}
}

// bindArgs records go func(ctx context.Context) { ... }(r.Context()).
func (c *checker) bindArgs(p *place, lit *ast.FuncLit, call *ast.CallExpr) {
	if call.Ellipsis.IsValid() {
		return
	}
	for i, v := range paramVars(c.pass.TypesInfo, lit.Type) {
		if v != nil && i < len(call.Args) {
			if p.args == nil {
				p.args = map[*types.Var]ast.Expr{}
			}
			p.args[v] = call.Args[i]
		}
	}
}

// launchers name the work a runner starts.
var launchers = map[string]string{
	"golang.org/x/sync/errgroup.Group.Go":    "an errgroup task",
	"golang.org/x/sync/errgroup.Group.TryGo": "an errgroup task",
	"sync.WaitGroup.Go":                      "a WaitGroup task",
	"time.AfterFunc":                         "an AfterFunc callback",
}

func (c *checker) launcher(call *ast.CallExpr, lit *ast.FuncLit) string {
	if ast.Unparen(call.Fun) == lit {
		return "a goroutine"
	}
	if s, ok := launchers[dbapi.FullName(dbindex.CalleeFunc(c.pass.TypesInfo, call))]; ok {
		return s
	}
	return "a background job"
}

// handlerWhat names the request handler a function type declares, or "".
func (c *checker) handlerWhat(ft *ast.FuncType) string {
	if !c.idx.IsHandlerSig(ft) {
		return ""
	}
	for _, field := range ft.Params.List {
		switch name := dbapi.TypeName(c.pass.TypesInfo.TypeOf(field.Type)); {
		case strings.HasPrefix(name, "github.com/gin-gonic/gin."):
			return "a gin handler"
		case strings.HasPrefix(name, "github.com/labstack/echo/"):
			return "an echo handler"
		case strings.HasPrefix(name, "github.com/gofiber/fiber/"):
			return "a fiber handler"
		case strings.HasPrefix(name, "github.com/valyala/fasthttp."):
			return "a fasthttp handler"
		}
	}
	return "an HTTP handler"
}

func (c *checker) requestDecl(d *ast.FuncDecl) *requestFunc {
	if r, ok := c.decls[d]; ok {
		return r
	}
	r := c.newRequestDecl(d)
	c.decls[d] = r
	return r
}

func (c *checker) newRequestDecl(d *ast.FuncDecl) *requestFunc {
	if what := c.handlerWhat(d.Type); what != "" {
		return &requestFunc{node: d, what: what}
	}
	if ok, ctx := c.grpcMethod(d); ok {
		return &requestFunc{node: d, what: "a gRPC method", grpc: true, ctxParam: ctx}
	}
	return nil
}

// grpcMethod reports whether d is a method of a type that implements a
// generated gRPC service interface (one a Register…Server function of its
// package takes), and the method is one of the service's; ctx is its
// context parameter (nil for a streaming method, whose stream has it).
func (c *checker) grpcMethod(d *ast.FuncDecl) (ok bool, ctx *types.Var) {
	if d.Recv == nil {
		return false, nil
	}
	fn, _ := c.pass.TypesInfo.Defs[d.Name].(*types.Func)
	if fn == nil {
		return false, nil
	}
	sig := fn.Type().(*types.Signature)
	recv := sig.Recv().Type()
	if _, isPtr := recv.(*types.Pointer); !isPtr {
		recv = types.NewPointer(recv)
	}
	for _, iface := range c.grpcServices() {
		if hasMethod(iface, fn.Name()) && types.Implements(recv, iface) {
			if sig.Params().Len() > 0 && dbapi.TypeName(sig.Params().At(0).Type()) == "context.Context" {
				ctx = sig.Params().At(0)
			}
			return true, ctx
		}
	}
	return false, nil
}

func hasMethod(iface *types.Interface, name string) bool {
	for m := range iface.Methods() {
		if m.Name() == name && m.Exported() {
			return true
		}
	}
	return false
}

// grpcServices finds, in the package and its imports, the interfaces XServer
// that a function RegisterXServer(registrar, XServer) of the same package
// takes: protoc-gen-go-grpc's service interfaces.
func (c *checker) grpcServices() []*types.Interface {
	if c.servicesDone {
		return c.services
	}
	c.servicesDone = true
	for _, pkg := range append([]*types.Package{c.pass.Pkg}, c.pass.Pkg.Imports()...) {
		if !importsGRPC(pkg) {
			continue // generated service code names grpc's ServiceRegistrar
		}
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			if !strings.HasPrefix(name, "Register") || !strings.HasSuffix(name, "Server") {
				continue
			}
			fn, ok := scope.Lookup(name).(*types.Func)
			if !ok {
				continue
			}
			params := fn.Type().(*types.Signature).Params()
			if params.Len() != 2 {
				continue
			}
			named, ok := types.Unalias(params.At(1).Type()).(*types.Named)
			if !ok || named.Obj().Pkg() != pkg || named.Obj().Name() != strings.TrimPrefix(name, "Register") {
				continue
			}
			if iface, ok := named.Underlying().(*types.Interface); ok {
				c.services = append(c.services, iface)
			}
		}
	}
	return c.services
}

// importsGRPC: pkg imports google.golang.org/grpc, as generated service
// registration code does. Only such packages are searched for services, so
// a package that imports net/http and pgx does not have their scopes read.
func importsGRPC(pkg *types.Package) bool {
	for _, imp := range pkg.Imports() {
		if imp.Path() == "google.golang.org/grpc" {
			return true
		}
	}
	return false
}

// ctxKind is what a context expression carries.
type ctxKind int

const (
	unknownCtx    ctxKind = iota
	backgroundCtx         // context.Background(), context.TODO(), or derived from them without a deadline
	requestCtx            // the request's context, or derived from it (not by WithoutCancel)
	detachedCtx           // context.WithoutCancel(...)
	pendingCtx            // a variable whose kind is being worked out (ctx = context.WithValue(ctx, ...))
)

// kindOf classifies a context expression evaluated at p. Calls the rule
// does not know (a tracing helper wrapping the context) are unknown.
func (c *checker) kindOf(e ast.Expr, p place) ctxKind {
	info := c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		fn := dbindex.CalleeFunc(info, e)
		if fn == nil {
			return unknownCtx
		}
		switch dbapi.FullName(fn) {
		case "context.Background", "context.TODO":
			return backgroundCtx
		case "context.WithoutCancel":
			return detachedCtx
		case "context.WithValue", "context.WithCancel", "context.WithCancelCause":
			if len(e.Args) == 0 {
				return unknownCtx
			}
			return c.kindOf(e.Args[0], p)
		case "context.WithTimeout", "context.WithDeadline", "context.WithTimeoutCause", "context.WithDeadlineCause":
			if len(e.Args) == 0 {
				return unknownCtx
			}
			if k := c.kindOf(e.Args[0], p); k != backgroundCtx {
				return k
			}
			return unknownCtx // a deadline of its own: chosen, not forgotten
		case "net/http.Request.Context":
			return requestCtx
		}
		// stream.Context() on a gRPC streaming method's stream parameter.
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok && fn.Name() == "Context" && len(e.Args) == 0 &&
			p.request != nil && p.request.grpc && c.isParamOf(p.request.node, dbindex.RootVar(info, sel.X)) {
			return requestCtx
		}
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok {
			return unknownCtx
		}
		if p.request != nil && v == p.request.ctxParam {
			return requestCtx
		}
		if arg, ok := p.args[v]; ok {
			return c.kindOf(arg, p)
		}
		return c.varKind(v, p)
	}
	return unknownCtx
}

// varKind: a local variable of the request function every assignment of
// which gives the same kind (ctx = context.WithValue(ctx, ...) keeps it).
func (c *checker) varKind(v *types.Var, p place) ctxKind {
	if p.request == nil || v.IsField() || dbindex.IsPackageLevel(v) {
		return unknownCtx
	}
	scope := p.request.node
	if v.Pos() < scope.Pos() || v.Pos() >= scope.End() || c.isParamOf(scope, v) {
		return unknownCtx
	}
	key := varKey{v, scope, p.request.ctxParam}
	if k, ok := c.vars[key]; ok {
		return k
	}
	c.vars[key] = pendingCtx
	k := pendingCtx
	srcs, ok := c.sources(scope, v)
	for _, src := range srcs {
		if !ok {
			break
		}
		switch sk := c.kindOf(src, p); {
		case sk == pendingCtx:
		case k == pendingCtx:
			k = sk
		case sk != k:
			ok = false
		}
	}
	if !ok || k == pendingCtx {
		k = unknownCtx
	}
	c.vars[key] = k
	return k
}

// sources are the expressions assigned to v in scope; ctx, cancel :=
// context.WithTimeout(...) assigns the call. ok is false when v is also
// assigned in a way the rule does not follow (from another call's results,
// by range, through its address).
func (c *checker) sources(scope ast.Node, v *types.Var) (srcs []ast.Expr, ok bool) {
	info := c.pass.TypesInfo
	ok = true
	ast.Inspect(scope, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				id, isID := ast.Unparen(l).(*ast.Ident)
				if !isID || info.ObjectOf(id) != v {
					continue
				}
				switch {
				case len(s.Lhs) == len(s.Rhs):
					srcs = append(srcs, s.Rhs[i])
				case i == 0 && len(s.Rhs) == 1 && derivesContext(info, s.Rhs[0]):
					srcs = append(srcs, s.Rhs[0])
				default:
					ok = false
				}
			}
		case *ast.ValueSpec:
			for i, id := range s.Names {
				if info.Defs[id] != v {
					continue
				}
				switch {
				case len(s.Names) == len(s.Values):
					srcs = append(srcs, s.Values[i])
				case i == 0 && len(s.Values) == 1 && derivesContext(info, s.Values[0]):
					srcs = append(srcs, s.Values[0])
				case len(s.Values) > 0:
					ok = false
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{s.Key, s.Value} {
				if id, isID := e.(*ast.Ident); isID && info.ObjectOf(id) == v {
					ok = false
				}
			}
		case *ast.UnaryExpr:
			if id, isID := ast.Unparen(s.X).(*ast.Ident); isID && s.Op == token.AND && info.ObjectOf(id) == v {
				ok = false
			}
		}
		return true
	})
	return srcs, ok
}

// derivesContext: a context package function returning (ctx, cancel).
func derivesContext(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn := dbindex.CalleeFunc(info, call)
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "context" && strings.HasPrefix(fn.Name(), "With")
}

func (c *checker) isParamOf(fn ast.Node, v *types.Var) bool {
	ft, _ := dbindex.FuncBody(fn)
	return v != nil && ft != nil && ft.Params != nil && v.Pos() >= ft.Params.Pos() && v.Pos() < ft.Params.End()
}

// describe names a background context for a message.
func describe(e ast.Expr) string {
	if _, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		return types.ExprString(e)
	}
	return types.ExprString(e) + ", a background context"
}

// hasContextForm: database/sql and sqlx calls whose handle also has the
// form taking a context (Query → QueryContext, Begin → BeginTx).
func (c *checker) hasContextForm(call *dbindex.Call) bool {
	pkg := call.Func.Pkg()
	if pkg == nil || strings.HasPrefix(pkg.Path(), "gorm.io/") {
		return false // gorm binds the context with WithContext, not per call
	}
	name := contextForm(call.Func.Name())
	if call.Recv == nil {
		_, ok := pkg.Scope().Lookup(name).(*types.Func)
		return ok
	}
	obj, _, _ := types.LookupFieldOrMethod(c.pass.TypesInfo.TypeOf(call.Recv), true, c.pass.Pkg, name)
	_, ok := obj.(*types.Func)
	return ok
}

func contextForm(name string) string {
	switch name {
	case "Begin":
		return "BeginTx"
	case "Beginx":
		return "BeginTxx"
	case "MustBegin":
		return "MustBeginTx"
	}
	return name + "Context"
}

// localCalls: the package's own functions called from request code with
// a context that does not fit — go s.record(r.Context(), id) not waited
// for, s.save(context.Background(), x) in the handler — where the callee
// runs a database call under that parameter.
func (c *checker) localCalls() {
	info := c.pass.TypesInfo
	for cur := range c.idx.Inspector.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		decl := c.idx.Decls[dbindex.CalleeFunc(info, call)]
		if decl == nil || call.Ellipsis.IsValid() || len(call.Args) == 0 || c.idx.IsTest(call.Pos()) && !c.cfg.CheckTests {
			continue
		}
		params := paramVars(info, decl.Type)
		if !slices.ContainsFunc(params, isContext) {
			continue
		}
		where := c.placeOf(cur)
		if where.request == nil {
			continue
		}
		g, started := cur.Parent().Node().(*ast.GoStmt)
		started = started && g.Call == call && !launch.Joined(info, launch.Enclosing(cur.Parent()), g.Pos(), launch.Refs(info, call, nil))
		for i, arg := range call.Args {
			if i >= len(params) || !isContext(params[i]) {
				continue
			}
			switch k := c.kindOf(arg, where); {
			case started && k == requestCtx:
				if db := c.runsUnder(decl, params[i]); db != nil {
					c.report(arg, rules.SeverityError, c.withoutCancel(c.fileOf(call), arg), "goroutine %s runs %s under the request's context: "+
						`"context canceled" once the request ends`, decl.Name.Name, dbapi.ShortName(db.Func))
				}
			case started:
			case where.background && k == requestCtx:
				if db := c.runsUnder(decl, params[i]); db != nil {
					c.report(arg, rules.SeverityError, c.withoutCancel(c.fileOf(call), arg), "%s in %s runs %s under the request's context: "+
						`"context canceled" once the request ends`, decl.Name.Name, where.launchedBy, dbapi.ShortName(db.Func))
				}
			case !where.background && k == backgroundCtx:
				if db := c.runsUnder(decl, params[i]); db != nil {
					c.report(arg, rules.SeverityWarning, c.useRequestCtx(c.fileOf(call), arg, where.request), "%s in %s runs %s under %s: "+
						"it keeps running after the client has gone", decl.Name.Name, where.request.what, dbapi.ShortName(db.Func), describe(arg))
				}
			}
		}
	}
}

func isContext(v *types.Var) bool {
	return v != nil && dbapi.TypeName(v.Type()) == "context.Context"
}

func paramVars(info *types.Info, ft *ast.FuncType) []*types.Var {
	var out []*types.Var
	for _, field := range ft.Params.List {
		for _, id := range field.Names {
			v, _ := info.Defs[id].(*types.Var)
			out = append(out, v)
		}
		if len(field.Names) == 0 {
			out = append(out, nil)
		}
	}
	return out
}

// runsUnder returns a database call in decl's own body (not in literals)
// whose context is param or derived from it, or nil.
func (c *checker) runsUnder(decl *ast.FuncDecl, param *types.Var) *dbindex.Call {
	if param == nil {
		return nil
	}
	p := place{request: &requestFunc{node: decl, ctxParam: param}}
	for _, call := range c.idx.Calls {
		if call.Enclosing != decl || !call.API.Context || !statement(call.API.Kind) {
			continue
		}
		if c.kindOf(call.Expr.Args[0], p) == requestCtx {
			return call
		}
	}
	return nil
}

func (c *checker) report(at ast.Node, sev rules.Severity, fixes []analysis.SuggestedFix, format string, args ...any) {
	analyzerutil.Reportf(c.pass, c.idx, at, sev, fmt.Sprintf(format, args...), fixes...)
}
