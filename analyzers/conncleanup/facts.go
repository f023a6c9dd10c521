package conncleanup

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// Facts: conncleanup exports, for each exported function, what it does
// with what it is handed, so that a helper of another package is judged by
// its body rather than by its name:
//
//   - helperFact: it gives back, on every path, a resource passed as a
//     parameter (closes rows, releases a connection, ends a transaction),
//     or calls a func-typed parameter on every path (LogOnError(ctx,
//     rows.Close), DeferRollback(ctx, logger, tx.Rollback)), or owns a
//     transaction or connection passed to it: on every path it ends it or
//     keeps it in what it returns (dendrite's NewRoomUpdater, sqlc's
//     WithTx), so a caller that gives back that result gives back the
//     transaction;
//   - noReturnFact: it never returns (os.Exit, log.Fatal, t.Fatal through
//     runtime.Goexit, and wrappers of them), derived from control flow as
//     x/tools' ctrlflow pass derives it.
//
// go vet and golangci-lint run the analyzer on every dependency first, so
// there a function without a fact does not do what the fact says. dbaudit's
// engine carries facts only between the packages it analyses (the
// module's); a function of another module has none there, so the rule
// reads facts only for the standard library and the analysed module, and
// judges other modules' functions by what it can see (their names), as a
// driver without facts does.

// helperFact: on every path, fn gives back the resource passed as
// parameter i when Closes holds {i, kinds} with the bit of its profile,
// gives it back or keeps it in a result when Owns does (a transaction or
// connection; not repeated where Closes says more), and calls the func
// value passed as parameter i when i is in Calls.
type helperFact struct {
	Closes []closes // by parameter, ascending
	Calls  []int
	Owns   []closes // by parameter, ascending
}

type closes struct {
	Param int
	Kinds uint8 // a bit per profile
}

// closesKinds is the profile bits of parameter i.
func (f *helperFact) closesKinds(i int) uint8 { return kindsOf(f.Closes, i) }

// ownsKinds is the profile bits of parameter i that fn owns, given back or
// kept in a result (closing is owning).
func (f *helperFact) ownsKinds(i int) uint8 { return kindsOf(f.Owns, i) | kindsOf(f.Closes, i) }

func kindsOf(cs []closes, i int) uint8 {
	for _, c := range cs {
		if c.Param == i {
			return c.Kinds
		}
	}
	return 0
}

func (*helperFact) AFact() {}

func (f *helperFact) String() string {
	var parts []string
	for _, what := range []struct {
		name string
		cs   []closes
	}{{"closes", f.Closes}, {"owns", f.Owns}} {
		for _, c := range what.cs {
			var kinds []string
			for b, p := range profiles {
				if c.Kinds&(1<<b) != 0 {
					kinds = append(kinds, p.name)
				}
			}
			parts = append(parts, fmt.Sprintf("%s(%d: %s)", what.name, c.Param, strings.Join(kinds, ",")))
		}
	}
	for _, i := range f.Calls {
		parts = append(parts, fmt.Sprintf("calls(%d)", i))
	}
	return strings.Join(parts, " ")
}

// noReturnFact: the function never returns.
type noReturnFact struct{}

func (*noReturnFact) AFact()         {}
func (*noReturnFact) String() string { return "noReturn" }

var factTypes = []analysis.Fact{new(helperFact), new(noReturnFact)}

// profile is one way of giving a resource back, a bit in helperFact.Closes.
type profile struct {
	name string
	res  dbapi.Resource
}

var profiles = []profile{
	{"rows", dbapi.Resource{Kind: dbapi.Rows, Release: []string{"Close"}, Exhausts: true}},
	{"results", dbapi.Resource{Kind: dbapi.Results, Release: []string{"Close"}}},
	{"stmt", dbapi.Resource{Kind: dbapi.Stmt, Release: []string{"Close"}}},
	{"tx", dbapi.Resource{Kind: dbapi.Tx, Release: []string{"Commit", "Rollback"}}},
	{"pgxconn", dbapi.Resource{Kind: dbapi.Conn, Release: []string{"Release", "Hijack"}, Pgx: true}},
	{"sqlconn", dbapi.Resource{Kind: dbapi.Conn, Release: []string{"Close"}}},
}

// profileBit is the bit of res's profile.
func profileBit(res dbapi.Resource) uint8 {
	for b, p := range profiles {
		if p.res.Kind == res.Kind && (res.Kind != dbapi.Conn || p.res.Pgx == res.Pgx) {
			return 1 << b
		}
	}
	return 0
}

// knowledge is what the rule knows beyond the function it judges: the
// package's declarations, which functions never return, and the facts of
// the functions this package calls in other packages.
type knowledge struct {
	pkg      *types.Package
	decls    map[*types.Func]*ast.FuncDecl
	helpers  map[*types.Func]*helperFact
	noReturn map[*types.Func]bool
	// withFacts: the driver carries facts between packages.
	withFacts bool
	// module is the analysed package's module path ("" when unknown).
	module string
}

// known reports whether pkg's functions are known by their facts, so that
// a missing fact means "does not": the standard library's and the analysed
// module's (every driver analyses those). Another module's may be outside
// what the driver analyses (logrus' Fatalf has no fact in dbaudit's
// engine). The drivers' packages export none (their helpers are in dbapi's
// tables).
func (k *knowledge) known(pkg *types.Package) bool {
	if pkg == nil || pkg == k.pkg {
		return true
	}
	if !k.withFacts || dbapi.IsDriverPackage(pkg.Path()) {
		return false
	}
	// Without module information (GOPATH, Bazel's nogo) the driver analyses
	// every package it has.
	path := pkg.Path()
	return k.module == "" || isStd(pkg) || path == k.module || strings.HasPrefix(path, k.module+"/")
}

// helper returns the fact of fn (of another package), if any.
func (k *knowledge) helper(fn *types.Func) *helperFact { return k.helpers[fn.Origin()] }

// learn reads the package's declarations and imports the facts of what it
// calls.
func learn(pass *analysis.Pass) *knowledge {
	k := &knowledge{
		pkg:       pass.Pkg,
		decls:     map[*types.Func]*ast.FuncDecl{},
		helpers:   map[*types.Func]*helperFact{},
		noReturn:  map[*types.Func]bool{},
		withFacts: len(pass.Analyzer.FactTypes) > 0,
	}
	if pass.Module != nil {
		k.module = pass.Module.Path
	}
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					k.decls[fn] = fd
				}
			}
		}
		if !k.withFacts {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn := dbindex.CalleeFunc(pass.TypesInfo, call)
			if fn == nil || fn.Pkg() == nil || fn.Pkg() == pass.Pkg {
				return true
			}
			fn = fn.Origin()
			if _, seen := k.helpers[fn]; !seen {
				f := new(helperFact)
				if !pass.ImportObjectFact(fn, f) {
					f = nil
				}
				k.helpers[fn] = f
			}
			return true
		})
	}
	return k
}

// exportFacts exports the package's facts, when the driver carries them.
func (c *checker) exportFacts() {
	pass := c.pass
	if !c.know.withFacts {
		return
	}
	var fns []*types.Func
	for fn := range c.know.decls {
		if fn.Exported() { // only exported functions are called from other packages
			fns = append(fns, fn)
		}
	}
	slices.SortFunc(fns, func(a, b *types.Func) int { return int(a.Pos() - b.Pos()) })
	for _, fn := range fns {
		fd := c.know.decls[fn]
		if c.noReturn(fn) {
			pass.ExportObjectFact(fn, new(noReturnFact))
		}
		if fd.Body == nil {
			continue
		}
		if f := c.helperFactOf(fn, fd); f != nil {
			pass.ExportObjectFact(fn, f)
		}
	}
}

// noReturn reports whether fn never returns: from its control flow in this
// package (calls of functions that never return, to any depth, as x/tools'
// ctrlflow pass does), from its fact in another, and by the usual names
// where neither can be read.
func (c *checker) noReturn(fn *types.Func) bool {
	fn = fn.Origin()
	if nr, ok := c.know.noReturn[fn]; ok {
		return nr
	}
	if decl := c.know.decls[fn]; decl != nil {
		c.know.noReturn[fn] = false // a cycle: taken to return
		nr := intrinsicNoReturn(fn) || decl.Body != nil && cfg.New(decl.Body, c.mayReturn).NoReturn()
		c.know.noReturn[fn] = nr
		return nr
	}
	var nr bool
	if !isAbstract(fn) && c.know.known(fn.Pkg()) {
		nr = c.pass.ImportObjectFact(fn, new(noReturnFact))
		// A driver may carry facts between the packages it analyses yet
		// only type-check the standard library (dbaudit's engine): there
		// log.Fatalf has no fact. Its names are reliable.
		nr = nr || isStd(fn.Pkg()) && (intrinsicNoReturn(fn) || namedNoReturn(fn))
	} else {
		nr = intrinsicNoReturn(fn) || namedNoReturn(fn)
	}
	c.know.noReturn[fn] = nr
	return nr
}

// isStd: pkg is in the standard library (no dot in its first path element).
func isStd(pkg *types.Package) bool {
	if pkg == nil {
		return false
	}
	first, _, _ := strings.Cut(pkg.Path(), "/")
	return !strings.Contains(first, ".")
}

// intrinsicNoReturn are the functions that stop the calling goroutine or
// the process without a body that says so (ctrlflow's knownIntrinsic: the
// runtime, and loggers whose exit goes through a func value).
func intrinsicNoReturn(fn *types.Func) bool {
	switch dbapi.FullName(fn) {
	case "syscall.Exit", "syscall.ExitProcess", "syscall.ExitThread", "runtime.Goexit", "os.Exit",
		"go.uber.org/zap.Logger.Fatal", "go.uber.org/zap.Logger.Panic",
		"go.uber.org/zap.SugaredLogger.Fatal", "go.uber.org/zap.SugaredLogger.Fatalf", "go.uber.org/zap.SugaredLogger.Fatalw",
		"go.uber.org/zap.SugaredLogger.Panic", "go.uber.org/zap.SugaredLogger.Panicf", "go.uber.org/zap.SugaredLogger.Panicw",
		"github.com/sirupsen/logrus.Logger.Exit", "github.com/sirupsen/logrus.Logger.Panic",
		"github.com/sirupsen/logrus.Logger.Panicf", "github.com/sirupsen/logrus.Logger.Panicln",
		"github.com/sirupsen/logrus.Entry.Panicf", "github.com/sirupsen/logrus.Entry.Panicln":
		return true
	}
	if fn.Pkg() != nil && (fn.Pkg().Path() == "k8s.io/klog" || fn.Pkg().Path() == "k8s.io/klog/v2") {
		return strings.HasPrefix(fn.Name(), "Exit") || strings.HasPrefix(fn.Name(), "Fatal")
	}
	return false
}

// helperFactOf computes fn's fact, nil when there is nothing to say.
func (c *checker) helperFactOf(fn *types.Func, fd *ast.FuncDecl) *helperFact {
	sig := fn.Type().(*types.Signature)
	f := &helperFact{}
	for i := 0; i < sig.Params().Len(); i++ {
		p := sig.Params().At(i)
		if p.Name() == "" || p.Name() == "_" || sig.Variadic() && i == sig.Params().Len()-1 {
			continue
		}
		use := c.paramUse(fd.Body, p)
		if !use.any {
			continue
		}
		if _, ok := p.Type().Underlying().(*types.Signature); ok {
			if c.calleeCalls(fn, fd, i) {
				f.Calls = append(f.Calls, i)
			}
			continue
		}
		var kinds, owns uint8
		for _, pr := range profiles {
			relevant := false
			if c.canHold(p.Type(), pr.res) {
				relevant = use.passed || pr.res.Exhausts && use.methods["Next"]
				for _, m := range pr.res.Release {
					relevant = relevant || use.methods[m]
				}
			}
			switch {
			case !relevant:
			case c.calleeReleases(fn, fd, i, pr.res):
				kinds |= profileBit(pr.res)
			case !takenByUnknown(pr.res) && c.calleeOwns(fn, fd, i, pr.res):
				owns |= profileBit(pr.res)
			}
		}
		if kinds != 0 {
			f.Closes = append(f.Closes, closes{i, kinds})
		}
		if owns != 0 {
			f.Owns = append(f.Owns, closes{i, owns})
		}
	}
	if len(f.Closes) == 0 && len(f.Calls) == 0 && len(f.Owns) == 0 {
		return nil
	}
	return f
}

// canHold: a resource of res's kind can be passed as a t: t is its type,
// or an interface with a method that gives it back (io.Closer).
func (c *checker) canHold(t types.Type, res dbapi.Resource) bool {
	if types.IsInterface(t) {
		for _, m := range res.Release {
			if obj, _, _ := types.LookupFieldOrMethod(t, true, nil, m); obj != nil {
				return true
			}
		}
		return false
	}
	for _, kind := range []dbapi.Kind{dbapi.Begin, dbapi.Acquire} {
		if r, ok := c.classifier.ResourceOf(dbapi.API{Kind: kind}, t); ok && r.Kind == res.Kind && (r.Kind != dbapi.Conn || r.Pgx == res.Pgx) {
			return true
		}
	}
	return false
}

// paramUse is how a body uses a parameter: whether at all, which of its
// methods it calls, whether it passes it on (to a call, a closure, a
// return, a variable).
type paramUse struct {
	any, passed bool
	methods     map[string]bool
}

func (c *checker) paramUse(body *ast.BlockStmt, p *types.Var) paramUse {
	info := c.pass.TypesInfo
	u := paramUse{methods: map[string]bool{}}
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		stack = append(stack, n)
		id, ok := n.(*ast.Ident)
		if !ok || info.Uses[id] != p {
			return true
		}
		u.any = true
		if len(stack) >= 2 {
			if sel, ok := stack[len(stack)-2].(*ast.SelectorExpr); ok && sel.X == id {
				u.methods[sel.Sel.Name] = true
				return true
			}
		}
		u.passed = true
		return true
	})
	return u
}

// calleeCalls: does fn call, on every path, the func value passed as its
// parameter i?
func (c *checker) calleeCalls(fn *types.Func, decl *ast.FuncDecl, i int) bool {
	key := calleeKey{fn, i, funcValue, false, false}
	if got, ok := c.callee[key]; ok {
		return got
	}
	c.callee[key] = true // a recursive call is assumed to do what the outer one does
	sig := fn.Type().(*types.Signature)
	n := sig.Params().Len()
	if i < 0 || i >= n || sig.Variadic() && i == n-1 {
		c.callee[key] = true // cleanups ...func() error: not judged
		return true
	}
	p := sig.Params().At(i)
	if p.Name() == "" || p.Name() == "_" {
		c.callee[key] = false
		return false
	}
	got := len(c.leaks(&tracked{v: p, res: dbapi.Resource{Kind: funcValue}, fn: decl, body: decl.Body})) == 0
	c.callee[key] = got
	return got
}

// funcValue is the pseudo-kind of a tracked func value: given back when
// called.
const funcValue dbapi.HandleKind = "func"

// argCalls says whether the call calls (now or later) the func value passed
// as its argument i: by the callee's body in this package, by its fact in
// another, and where nobody could read it, yes (the cleanup itself was
// handed over).
func (c *checker) argCalls(fn *types.Func, call *ast.CallExpr, i int) bool {
	if fn == nil {
		return true // a func value: unknown
	}
	fn = fn.Origin()
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := c.pass.TypesInfo.Selections[sel]; ok && s.Kind() == types.MethodExpr {
			i-- // T.Method(recv, args...)
		}
	}
	if decl := c.know.decls[fn]; decl != nil {
		if decl.Body == nil {
			return true
		}
		return c.calleeCalls(fn, decl, i)
	}
	if isAbstract(fn) || !c.know.known(fn.Pkg()) {
		return true
	}
	if sig := fn.Type().(*types.Signature); sig.Variadic() && i >= sig.Params().Len()-1 {
		return true
	}
	f := c.know.helper(fn)
	return f != nil && slices.Contains(f.Calls, i)
}

// argCloses says whether a function of another package gives back, on
// every path, the resource passed as its parameter i; ok is false when the
// driver gave no facts for its package.
func (c *checker) argCloses(fn *types.Func, i int, res dbapi.Resource) (closes, ok bool) {
	if isAbstract(fn) || !c.know.known(fn.Pkg()) {
		return false, false
	}
	sig := fn.Type().(*types.Signature)
	if sig.Variadic() && i >= sig.Params().Len()-1 {
		return false, false
	}
	f := c.know.helper(fn)
	return f != nil && f.closesKinds(i)&profileBit(res) != 0, true
}

// argOwns says whether fn owns the transaction or connection passed as its
// argument i: on every path it gives it back or keeps it in what it
// returns. By its body in this package, by its fact in another; where
// neither can be read, no.
func (c *checker) argOwns(fn *types.Func, call *ast.CallExpr, i int, res dbapi.Resource) bool {
	if fn == nil || takenByUnknown(res) {
		return false
	}
	fn = fn.Origin()
	i = c.paramIndex(call, i)
	if decl := c.know.decls[fn]; decl != nil {
		return decl.Body != nil && c.calleeOwns(fn, decl, i, res)
	}
	if isAbstract(fn) || !c.know.known(fn.Pkg()) {
		return false
	}
	if sig := fn.Type().(*types.Signature); i < 0 || sig.Variadic() && i >= sig.Params().Len()-1 {
		return false
	}
	f := c.know.helper(fn)
	return f != nil && f.ownsKinds(i)&profileBit(res) != 0
}

// paramIndex is the parameter argument i of call is passed as: one less
// for a method expression (T.Method(recv, args...)).
func (c *checker) paramIndex(call *ast.CallExpr, i int) int {
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := c.pass.TypesInfo.Selections[sel]; ok && s.Kind() == types.MethodExpr {
			return i - 1
		}
	}
	return i
}

// isAbstract: an interface method, whose body nobody can read.
func isAbstract(fn *types.Func) bool {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return false
	}
	return types.IsInterface(sig.Recv().Type())
}
