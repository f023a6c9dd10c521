// Package dbindex defines the analyzer that indexes, once per package, every
// use of a known database API: calls with their classification, handles held
// in package-level variables, parameters and fields, and the suppression
// directives of each file. Rule analyzers and the inventory require it instead
// of walking the syntax again, the way x/tools passes require inspect.
package dbindex

import (
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/rules"
)

// Analyzer indexes with the embedded default configuration.
var Analyzer = New(rules.Default(""))

// New returns an index analyzer for cfg. Analyzers built for one config must
// share one index analyzer so the package is walked once.
func New(cfg *rules.Config) *analysis.Analyzer {
	classifier := dbapi.NewClassifier(cfg)
	testOnly, sqlDrivers := &pathSet{}, &pathSet{}
	a := &analysis.Analyzer{
		Name:             "dbindex",
		Doc:              "indexes calls of database APIs for the dbaudit rules",
		Requires:         []*analysis.Analyzer{inspect.Analyzer},
		ResultType:       reflect.TypeFor[*Index](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			x := build(pass, cfg, classifier, testOnly)
			x.sqlDrivers = sqlDrivers
			return x, nil
		},
	}
	a.Flags.Var(testOnly, TestSupportFlag, "comma-separated import paths that only tests and test-support packages import "+
		"(a whole-program driver computes them with TestSupportPackages; a pass sees its imports, never its importers)")
	a.Flags.Var(sqlDrivers, SQLDriversFlag, "comma-separated database/sql driver packages the whole program imports")
	return a
}

// Index is the result of the dbindex analyzer for one package.
type Index struct {
	Config     *rules.Config
	Classifier *dbapi.Classifier
	Inspector  *inspector.Inspector

	// Calls are the calls of known database APIs, in source order.
	Calls []*Call
	// Globals are package-level variables of handle type.
	Globals []*Handle
	// Params are function parameters of handle type (injection points).
	Params []*Handle
	// Fields are struct fields of handle type (injection points).
	Fields []*Handle
	// GoCalls are the functions started with a go statement (workers).
	GoCalls map[*types.Func]bool
	// Decls are the package's function and method declarations, for rules
	// that look into a callee's body (does it close the rows it is given?).
	Decls map[*types.Func]*ast.FuncDecl
	// FuncRoles and LitRoles say how the package arranges for functions and
	// function literals to run: registered as HTTP handlers, or started in
	// the background (see Role; RoleOf also counts GoCalls).
	FuncRoles map[*types.Func]Role
	LitRoles  map[*ast.FuncLit]Role
	// JobFuncs and JobLits are the functions passed to a rules.yaml job
	// runner: each runs once per job.
	JobFuncs map[*types.Func]bool
	JobLits  map[*ast.FuncLit]bool
	// Directives are the //dbaudit:ignore comments; BadDirectives those
	// without a reason or naming an unknown rule.
	Directives    []*Directive
	BadDirectives []*Directive

	pass      *analysis.Pass
	testFiles map[*token.File]bool
	byLine    map[lineKey][]*Directive
	isMainPkg bool
	testPkg   bool
	// testSupport: evidence that the whole package serves tests (see
	// TestSupport); testPkg implies it.
	testSupport string

	sqlDrivers  *pathSet
	driversOnce sync.Once
	driver      Driver

	sharedMu sync.Mutex
	shared   map[any]*sharedValue
}

type sharedValue struct {
	once sync.Once
	v    any
}

// Shared returns what build returns for key, calling build once per package
// however many analyzers ask, so that data several rules derive from the
// same syntax costs one walk. key is a comparable value of a type private to
// the asking package; the value must be read-only once built. Safe for
// concurrent use (drivers may run the analyzers of a package in parallel).
func (x *Index) Shared(key any, build func() any) any {
	x.sharedMu.Lock()
	if x.shared == nil {
		x.shared = map[any]*sharedValue{}
	}
	sv, ok := x.shared[key]
	if !ok {
		sv = &sharedValue{}
		x.shared[key] = sv
	}
	x.sharedMu.Unlock()
	sv.once.Do(func() { sv.v = build() })
	return sv.v
}

// Call is one call of a known database API.
type Call struct {
	Expr *ast.CallExpr
	// Cursor locates Expr in the package's inspector, for analyzers that
	// need to look around it.
	Cursor inspector.Cursor
	Func   *types.Func
	API    dbapi.API
	// Recv is the receiver expression of a method call (nil for functions);
	// RecvHandle its handle kind when it is one.
	Recv       ast.Expr
	RecvHandle dbapi.HandleKind
	// Handle is the handle the call runs on: Recv for a method call, the
	// handle argument of a package-level function that takes one
	// (API.HandleArg: sqlx.Get(db, …), sqlx.PreparexContext(ctx, tx, …)),
	// else nil. HandleKind is its kind when it is one. Rules that judge
	// what runs on a handle read Handle, so the package-level forms are
	// judged like the methods; Recv stays nil for them.
	Handle     ast.Expr
	HandleKind dbapi.HandleKind
	File       *ast.File
	// Decl is the outermost enclosing function declaration (nil at package level).
	Decl *ast.FuncDecl
	// Enclosing is the innermost enclosing function: a *ast.FuncDecl or *ast.FuncLit.
	Enclosing ast.Node
	// Loop is the innermost for or range statement around the call within
	// Enclosing, or nil.
	Loop ast.Stmt
	// InHandler is true when an enclosing function has an HTTP handler
	// signature (or a web framework's context parameter).
	InHandler bool
	// Test is true in test code: _test.go files, test-support packages,
	// files under testdata and files built only for tests.
	Test bool
}

// SQLArg is the index in Expr.Args of the SQL text the call takes: the
// statement of a query or exec (API.SQLArg), or the SQL fragment of a gorm
// method such as Where or Order; -1 when it takes none or the call does not
// pass it.
func (c *Call) SQLArg() int {
	i := c.API.SQLArg
	if i < 0 {
		i = dbapi.FragmentArg(c.Func)
	}
	if i >= len(c.Expr.Args) {
		return -1
	}
	return i
}

// Handle is a variable, parameter or field whose type is a database handle.
type Handle struct {
	Obj   *types.Var
	Ident *ast.Ident
	Kind  dbapi.HandleKind
	File  *ast.File
	// Decl is the enclosing function declaration (parameters), or nil.
	Decl *ast.FuncDecl
	// Struct is the enclosing named struct type (fields), or nil.
	Struct *types.TypeName
	Test   bool
}

// Directive is a //dbaudit:ignore comment.
type Directive struct {
	Pos    token.Pos
	Rules  []string
	Reason string
	// Problem says what is wrong with a bad directive.
	Problem string
}

type lineKey struct {
	file *token.File
	line int
}

// IsMain reports whether the package is a main package.
func (x *Index) IsMain() bool { return x.isMainPkg }

// IsTest reports whether pos lies in test code.
func (x *Index) IsTest(pos token.Pos) bool {
	if x.testPkg {
		return true
	}
	return x.testFiles[x.pass.Fset.File(pos)]
}

// TestSupport returns why the package is test-support code, or "" when it
// is not: beside what makes it test code for every rule (IsTest), it imports
// a test framework (testcontainers-go, dockertest, ginkgo, gomega, testify)
// in a file that is not a test, it lies under a directory named like test
// support (testing, testutils, e2e, acceptance, integration-tests), or the
// whole-program driver found that only tests and other test-support
// packages import it. Rules that judge what production code does with its
// own database (rawdsn, poolconstruct, poolconfig, sessioninject) stay
// silent there; rules about bugs any code can have (conncleanup) do not.
func (x *Index) TestSupport() string { return x.testSupport }

// IsTestSupport reports whether pos lies in test code or in a test-support package.
func (x *Index) IsTestSupport(pos token.Pos) bool {
	return x.testSupport != "" || x.IsTest(pos)
}

// Suppressed reports whether a //dbaudit:ignore directive with a reason on
// pos's line or the line above names rule.
func (x *Index) Suppressed(rule string, pos token.Pos) bool {
	f := x.pass.Fset.File(pos)
	if f == nil {
		return false
	}
	line := f.Line(pos)
	for _, l := range []int{line, line - 1} {
		for _, d := range x.byLine[lineKey{f, l}] {
			if d.Problem != "" {
				continue
			}
			for _, r := range d.Rules {
				if r == rule {
					return true
				}
			}
		}
	}
	return false
}

func build(pass *analysis.Pass, cfg *rules.Config, classifier *dbapi.Classifier, testOnly *pathSet) *Index {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	x := &Index{
		Config:     cfg,
		Classifier: classifier,
		Inspector:  insp,
		GoCalls:    map[*types.Func]bool{},
		Decls:      map[*types.Func]*ast.FuncDecl{},
		FuncRoles:  map[*types.Func]Role{},
		LitRoles:   map[*ast.FuncLit]Role{},
		JobFuncs:   map[*types.Func]bool{},
		JobLits:    map[*ast.FuncLit]bool{},
		pass:       pass,
		testFiles:  map[*token.File]bool{},
		byLine:     map[lineKey][]*Directive{},
		isMainPkg:  pass.Pkg.Name() == "main",
		testPkg:    cfg.IsTestPackage(pass.Pkg.Path()),
	}
	for _, f := range pass.Files {
		tf := pass.Fset.File(f.Pos())
		if tf != nil && isTestFile(tf.Name(), f) {
			x.testFiles[tf] = true
		}
	}
	x.testSupport = x.testEvidence(cfg, testOnly)
	if x.testSupport == "imports testing" {
		x.testPkg = true
	}
	for _, f := range pass.Files {
		x.readDirectives(f, pass.Fset.File(f.Pos()))
		x.indexGlobals(f)
	}
	x.indexCalls()
	return x
}

// isTestFile: _test.go, anything under testdata, and files whose build
// constraint asks for a test-ish tag (integration, e2e, test...).
func isTestFile(name string, f *ast.File) bool {
	slash := strings.ReplaceAll(name, "\\", "/")
	if strings.HasSuffix(slash, "_test.go") || strings.Contains(slash, "/testdata/") {
		return true
	}
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:build ") {
				expr := strings.ToLower(c.Text)
				for _, tag := range []string{"integration", "e2e", "test"} {
					if strings.Contains(expr, tag) && !strings.Contains(expr, "!"+tag) {
						return true
					}
				}
			}
		}
	}
	return false
}

const directivePrefix = "//dbaudit:ignore"

func (x *Index) readDirectives(f *ast.File, tf *token.File) {
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if !strings.HasPrefix(c.Text, directivePrefix) {
				continue
			}
			d := parseDirective(c)
			x.Directives = append(x.Directives, d)
			if d.Problem != "" {
				x.BadDirectives = append(x.BadDirectives, d)
			}
			if tf != nil {
				k := lineKey{tf, tf.Line(c.Pos())}
				x.byLine[k] = append(x.byLine[k], d)
			}
		}
	}
}

// parseDirective reads "//dbaudit:ignore rule[,rule] -- reason".
func parseDirective(c *ast.Comment) *Directive {
	d := &Directive{Pos: c.Pos()}
	rest := strings.TrimPrefix(c.Text, directivePrefix)
	if i := strings.Index(rest, " //"); i >= 0 { // a trailing comment is not part of the directive
		rest = rest[:i]
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		d.Problem = "malformed directive: want //dbaudit:ignore RULE -- reason"
		return d
	}
	names, reason, found := strings.Cut(rest, "--")
	d.Reason = strings.TrimSpace(reason)
	for _, n := range strings.FieldsFunc(names, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		d.Rules = append(d.Rules, n)
	}
	switch {
	case len(d.Rules) == 0:
		d.Problem = "//dbaudit:ignore names no rule: want //dbaudit:ignore RULE -- reason"
	case !found || d.Reason == "":
		d.Problem = "//dbaudit:ignore " + strings.Join(d.Rules, ",") + " has no reason: add \" -- why this is safe\""
	default:
		for _, r := range d.Rules {
			if !rules.IsRule(r) {
				d.Problem = "//dbaudit:ignore names unknown rule " + quote(r) + " (known: " + strings.Join(rules.IDs(), ", ") + ")"
				break
			}
		}
	}
	return d
}

func quote(s string) string { return `"` + s + `"` }

func (x *Index) indexGlobals(f *ast.File) {
	test := x.IsTest(f.Pos())
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			for _, id := range spec.(*ast.ValueSpec).Names {
				v, ok := x.pass.TypesInfo.Defs[id].(*types.Var)
				if !ok || id.Name == "_" {
					continue
				}
				if h, ok := x.Classifier.Handle(v.Type()); ok && h.Session() {
					x.Globals = append(x.Globals, &Handle{Obj: v, Ident: id, Kind: h, File: f, Test: test})
				}
			}
		}
	}
}

var walkTypes = []ast.Node{
	(*ast.File)(nil),
	(*ast.FuncDecl)(nil),
	(*ast.FuncLit)(nil),
	(*ast.ForStmt)(nil),
	(*ast.RangeStmt)(nil),
	(*ast.CallExpr)(nil),
	(*ast.GoStmt)(nil),
	(*ast.TypeSpec)(nil),
}

// indexCalls makes the one walk over the package's syntax.
func (x *Index) indexCalls() {
	info := x.pass.TypesInfo
	var (
		file *ast.File
		test bool
	)
	for cur := range x.Inspector.Root().Preorder(walkTypes...) {
		switch n := cur.Node().(type) {
		case *ast.File:
			file, test = n, x.IsTest(n.Pos())
		case *ast.FuncDecl:
			x.indexParams(n, n.Type, file, test)
			if fn, ok := info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
				x.Decls[fn] = n
			}
		case *ast.TypeSpec:
			x.indexFields(n, file, test)
		case *ast.GoStmt:
			if fn := calleeFunc(info, n.Call); fn != nil {
				x.GoCalls[fn] = true
			}
			x.indexGoLit(n)
		case *ast.CallExpr:
			fn := calleeFunc(info, n)
			if fn == nil {
				continue
			}
			x.indexRoles(n, fn)
			var recv ast.Expr
			var recvType types.Type
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				if s, ok := info.Selections[sel]; ok && s.Kind() == types.MethodVal {
					recv, recvType = sel.X, info.TypeOf(sel.X)
				}
			}
			api, ok := x.Classifier.Call(fn, recvType)
			if !ok {
				continue
			}
			c := &Call{Expr: n, Cursor: cur, Func: fn, API: api, Recv: recv, File: file, Test: test}
			if recv != nil {
				c.RecvHandle = x.recvHandle(fn, recvType)
				c.Handle, c.HandleKind = recv, c.RecvHandle
			} else if i := api.HandleArg; i >= 0 && i < len(n.Args) {
				c.Handle = n.Args[i]
				c.HandleKind, _ = x.Classifier.Handle(info.TypeOf(c.Handle))
			}
			x.locate(c, cur)
			x.Calls = append(x.Calls, c)
		}
	}
}

// recvHandle is the handle kind of the method's receiver: the type that
// declares the method (so r.Exec through an embedded *pgxpool.Pool is a pool
// call), else the receiver expression's type.
func (x *Index) recvHandle(fn *types.Func, recvType types.Type) dbapi.HandleKind {
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		if h, ok := x.Classifier.Handle(sig.Recv().Type()); ok {
			return h
		}
	}
	h, _ := x.Classifier.Handle(recvType)
	return h
}

// locate fills in the enclosing function, loop and handler context.
func (x *Index) locate(c *Call, cur inspector.Cursor) {
	for anc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.ForStmt)(nil), (*ast.RangeStmt)(nil)) {
		if anc == cur {
			continue
		}
		switch n := anc.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			if c.Enclosing == nil && c.Loop == nil {
				c.Loop = n.(ast.Stmt)
			}
		case *ast.FuncLit:
			if c.Enclosing == nil {
				c.Enclosing = n
			}
			if x.IsHandlerSig(n.Type) {
				c.InHandler = true
			}
		case *ast.FuncDecl:
			if c.Enclosing == nil {
				c.Enclosing = n
			}
			c.Decl = n
			if x.IsHandlerSig(n.Type) {
				c.InHandler = true
			}
		}
	}
}

func (x *Index) indexParams(decl *ast.FuncDecl, ft *ast.FuncType, file *ast.File, test bool) {
	for _, list := range []*ast.FieldList{decl.Recv, ft.Params} {
		if list == nil {
			continue
		}
		for _, field := range list.List {
			for _, id := range field.Names {
				v, ok := x.pass.TypesInfo.Defs[id].(*types.Var)
				if !ok {
					continue
				}
				if h, ok := x.Classifier.Handle(v.Type()); ok && h.Session() {
					x.Params = append(x.Params, &Handle{Obj: v, Ident: id, Kind: h, File: file, Decl: decl, Test: test})
				}
			}
		}
	}
}

func (x *Index) indexFields(ts *ast.TypeSpec, file *ast.File, test bool) {
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return
	}
	tn, _ := x.pass.TypesInfo.Defs[ts.Name].(*types.TypeName)
	for _, field := range st.Fields.List {
		ids := field.Names
		if len(ids) == 0 { // embedded field: the type's identifier defines it
			if id := embeddedIdent(field.Type); id != nil {
				ids = []*ast.Ident{id}
			}
		}
		for _, id := range ids {
			// For an embedded field, Defs maps the type's identifier to the field.
			v, ok := x.pass.TypesInfo.Defs[id].(*types.Var)
			if !ok {
				continue
			}
			if h, ok := x.Classifier.Handle(v.Type()); ok && h.Session() {
				x.Fields = append(x.Fields, &Handle{Obj: v, Ident: id, Kind: h, File: file, Struct: tn, Test: test})
			}
		}
	}
}

func embeddedIdent(e ast.Expr) *ast.Ident {
	switch t := e.(type) {
	case *ast.StarExpr:
		return embeddedIdent(t.X)
	case *ast.SelectorExpr:
		return t.Sel
	case *ast.Ident:
		return t
	case *ast.IndexExpr:
		return embeddedIdent(t.X)
	}
	return nil
}

// calleeFunc returns the function or method a call statically calls, or nil
// (conversions, builtins, calls of function values).
func calleeFunc(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fun
	case *ast.SelectorExpr:
		id = fun.Sel
	case *ast.IndexExpr:
		id = identOf(fun.X)
	case *ast.IndexListExpr:
		id = identOf(fun.X)
	}
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}

func identOf(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
}

// CalleeFunc is calleeFunc for the rule analyzers.
func CalleeFunc(info *types.Info, call *ast.CallExpr) *types.Func { return calleeFunc(info, call) }

// handlerContexts are web framework request contexts: a function taking one
// runs per request like an http.Handler.
var handlerContexts = map[string]bool{
	"github.com/gin-gonic/gin.Context":       true,
	"github.com/labstack/echo/v4.Context":    true,
	"github.com/gofiber/fiber/v2.Ctx":        true,
	"github.com/gofiber/fiber/v3.Ctx":        true,
	"github.com/valyala/fasthttp.RequestCtx": true,
}

// IsHandlerSig reports whether ft is an HTTP handler's signature: it takes
// an http.ResponseWriter and an *http.Request, or a web framework context.
func (x *Index) IsHandlerSig(ft *ast.FuncType) bool {
	if ft == nil || ft.Params == nil {
		return false
	}
	var w, r bool
	for _, field := range ft.Params.List {
		t := x.pass.TypesInfo.TypeOf(field.Type)
		if t == nil {
			continue
		}
		name := dbapi.TypeName(t)
		switch {
		case name == "net/http.ResponseWriter":
			w = true
		case name == "net/http.Request":
			if _, ok := t.(*types.Pointer); ok {
				r = true
			}
		case handlerContexts[name]:
			return true
		}
	}
	return w && r
}
