package dsnleak

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	tables, tablesErr := drivers.New(cfg)
	return analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		if tablesErr != nil {
			return tablesErr
		}
		c := &checker{pass: pass, cfg: cfg, tables: tables, idx: idx}
		c.run()
		return nil
	})
}

// secret describes a value that carries a connection string or password.
type secret struct {
	what string // "the connection string from os.Getenv(\"DATABASE_URL\")"
	// advice says what to log instead; empty: the connection string advice.
	advice string
	// err is set for an error value (or its text) that carries the
	// password: a measured driver error (errsource.go).
	err *errLeak
	// shape is the shape of the DSN a URL was parsed from, when known.
	shape *dsnShape
	// redactMiss names the password (*url.URL).Redacted left in place:
	// "?password=" or "keyword/value password=".
	redactMiss string
	// viaHelper names the package's redaction helper that relies on
	// Redacted alone.
	viaHelper string
}

const (
	adviceDSN      = "write the host and database name instead, or u.Redacted() (net/url) where the password can only be in the URL's userinfo (Redacted keeps ?password= and key=value passwords), or pass it through a redaction helper (rules.yaml redactors)"
	advicePassword = "log whether a password is set, never its value"
	adviceStruct   = "log the fields you need, or give the type a String (or slog LogValue) method that leaves the secret out"
)

type checker struct {
	pass   *analysis.Pass
	cfg    *rules.Config
	tables *drivers.Tables
	idx    *dbindex.Index
	// globals are package-level variables initialised from a source.
	globals map[types.Object]*secret
	// state is the secret each local variable holds at the point reached.
	state map[types.Object]*secret
	// maskedFields are connection-string or password fields that this
	// package only ever sets to a redactor's result.
	maskedFields map[*types.Var]bool
	// src reads the text of DSN expressions; fn is the function walked.
	src *dsn.Source
	fn  ast.Node
	// handles are the pools and *sql.DBs opened in the function walked.
	handles map[types.Object]*handle
	// escapeCalls are the package's url.UserPassword, url.QueryEscape and
	// url.PathEscape calls (escapes).
	escapeCalls []ast.Node
}

const (
	pgxPath    = "github.com/jackc/pgx/v5"
	pgconnPath = "github.com/jackc/pgx/v5/pgconn"
	poolPath   = "github.com/jackc/pgx/v5/pgxpool"
)

// loggingPackages are packages whose calls write what they are given.
var loggingPackages = map[string]bool{
	"log": true, "log/slog": true, "go.uber.org/zap": true, "github.com/sirupsen/logrus": true,
	"github.com/rs/zerolog": true, "github.com/rs/zerolog/log": true, "k8s.io/klog/v2": true, "github.com/go-kit/log": true,
}

func (c *checker) run() {
	c.globals = map[types.Object]*secret{}
	c.state = map[types.Object]*secret{}
	c.maskedFields = c.findMaskedFields()
	c.src = analyzerutil.DSNSource(c.pass, c.idx)
	for _, f := range c.pass.Files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Values) != len(vs.Names) {
					continue
				}
				for i, name := range vs.Names {
					if s := c.eval(vs.Values[i]); s != nil {
						c.globals[c.pass.TypesInfo.Defs[name]] = s
					}
				}
			}
		}
	}
	for _, f := range c.pass.Files {
		if c.idx.IsTest(f.Pos()) && !c.cfg.CheckTests {
			continue
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			c.state = map[types.Object]*secret{}
			c.handles = map[types.Object]*handle{}
			c.fn = fd
			c.walk(fd.Body)
		}
	}
}

// walk visits a function body in source order, updating what each
// variable holds and checking each call. Function literals are walked in
// place: they see the variables as they are where they are written.
func (c *checker) walk(body ast.Node) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			c.assign(n)
		case *ast.ValueSpec:
			for i, name := range n.Names {
				obj := c.pass.TypesInfo.Defs[name]
				if obj == nil {
					continue
				}
				switch {
				case len(n.Values) == len(n.Names):
					c.state[obj] = c.eval(n.Values[i])
				case len(n.Values) == 1 && i == 0:
					c.state[obj] = c.eval(n.Values[0])
				default:
					delete(c.state, obj)
				}
			}
		case *ast.CallExpr:
			c.checkSink(n)
		}
		return true
	})
}

func (c *checker) assign(as *ast.AssignStmt) {
	values := make([]*secret, len(as.Lhs))
	switch {
	case len(as.Rhs) == len(as.Lhs):
		for i, r := range as.Rhs {
			values[i] = c.eval(r)
		}
	case len(as.Rhs) == 1:
		values[0] = c.eval(as.Rhs[0]) // v, ok := os.LookupEnv(…); u, err := url.Parse(…)
		if call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok && len(as.Lhs) > 1 {
			if fn := callee(c.pass.TypesInfo, call); fn != nil {
				values[len(values)-1] = c.errorSource(call, fn) // conn, err := pgx.Connect(…)
			}
			if id, ok := ast.Unparen(as.Lhs[0]).(*ast.Ident); ok {
				if obj := c.pass.TypesInfo.ObjectOf(id); obj != nil {
					if h := c.openHandle(call); h != nil {
						c.handles[obj] = h
					} else {
						delete(c.handles, obj)
					}
				}
			}
		}
	}
	for i, lhs := range as.Lhs {
		id, ok := ast.Unparen(lhs).(*ast.Ident)
		if !ok {
			continue
		}
		obj := c.pass.TypesInfo.ObjectOf(id)
		if obj == nil {
			continue
		}
		v := values[i]
		if as.Tok == token.ADD_ASSIGN && v == nil {
			v = c.state[obj] // s += clean keeps what s had
		}
		if v == nil {
			delete(c.state, obj)
		} else {
			c.state[obj] = v
		}
	}
}

// eval returns the secret e carries, or nil.
func (c *checker) eval(e ast.Expr) *secret {
	info := c.pass.TypesInfo
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			return c.constSecret(e, constant.StringVal(tv.Value))
		}
		return nil
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj := info.Uses[x]
		if s, ok := c.state[obj]; ok {
			return s
		}
		return c.globals[obj]
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			return first(c.eval(x.X), c.eval(x.Y))
		}
	case *ast.StarExpr:
		return c.eval(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return c.eval(x.X)
		}
	case *ast.SliceExpr:
		return c.eval(x.X)
	case *ast.IndexExpr:
		if t := info.TypeOf(x.X); t != nil {
			if _, ok := t.Underlying().(*types.Basic); ok {
				return c.eval(x.X) // a byte of a string
			}
		}
	case *ast.SelectorExpr:
		return c.selector(x)
	case *ast.CallExpr:
		return c.call(x)
	}
	return nil
}

// constSecret: a constant connection string with a password.
func (c *checker) constSecret(e ast.Expr, v string) *secret {
	lit, ok := dsn.AsLiteral(v, c.tables.KnownKey)
	if !ok || lit.Password == nil {
		return nil
	}
	name := "a connection string constant"
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		name = "the connection string constant " + x.Name
	case *ast.SelectorExpr:
		name = "the connection string constant " + x.Sel.Name
	}
	return &secret{what: name + " (with its password)"}
}

func first(ss ...*secret) *secret {
	for _, s := range ss {
		if s != nil {
			return s
		}
	}
	return nil
}

func (c *checker) selector(sel *ast.SelectorExpr) *secret {
	info := c.pass.TypesInfo
	field, ok := info.Uses[sel.Sel].(*types.Var)
	if !ok || !field.IsField() {
		return nil
	}
	recv := dbapi.TypeName(info.TypeOf(sel.X))
	switch {
	case c.maskedFields[field]:
		return nil
	case dsn.IsPasswordField(field, recv):
		return &secret{what: "the password in " + exprString(sel), advice: advicePassword}
	case dsn.IsConnStringField(field):
		return &secret{what: "the connection string in " + exprString(sel)}
	case recv == "net/url.URL" && field.Name() == "User":
		return c.eval(sel.X) // the Userinfo holds the password
	}
	return nil
}

// findMaskedFields finds the struct fields this package sets, and sets
// only to the result of a redactor (Report{DSN: MaskDSN(dsn)}).
func (c *checker) findMaskedFields() map[*types.Var]bool {
	info := c.pass.TypesInfo
	masked := map[*types.Var]bool{}
	unmasked := map[*types.Var]bool{}
	note := func(id *ast.Ident, value ast.Expr) {
		field, ok := info.Uses[id].(*types.Var)
		if !ok || !field.IsField() {
			return
		}
		if call, ok := ast.Unparen(value).(*ast.CallExpr); ok {
			if fn := callee(info, call); fn != nil && c.isRedactor(fn) {
				masked[field] = true
				return
			}
		}
		unmasked[field] = true
	}
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					note(id, n.Value)
				}
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i, lhs := range n.Lhs {
						if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok {
							note(sel.Sel, n.Rhs[i])
						}
					}
				}
			}
			return true
		})
	}
	for f := range unmasked {
		delete(masked, f)
	}
	return masked
}

func (c *checker) call(call *ast.CallExpr) *secret {
	info := c.pass.TypesInfo
	// A conversion: string(b), []byte(s).
	if tv, ok := info.Types[call.Fun]; ok && tv.IsType() && len(call.Args) == 1 {
		return c.eval(call.Args[0])
	}
	if s := c.errorText(call); s != nil {
		return s // err.Error()
	}
	fn := callee(info, call)
	if fn == nil {
		return nil
	}
	name := dbapi.FullName(fn)
	if name == "net/url.URL.Redacted" {
		return c.redacted(call)
	}
	if c.isRedactor(fn) {
		return c.userinfoRedactor(call, fn)
	}
	if s := c.errorSource(call, fn); s != nil && resultIsError(fn) {
		return s // pool.Ping(ctx)
	}
	pkg := fn.Pkg().Path()
	switch {
	case isErrorWrapper(fn):
		// fmt.Errorf("connect: %w", err): the wrapping error says what
		// err says. Other secrets in it are reported at the call.
		for _, a := range call.Args {
			if s := c.eval(a); s != nil && s.err != nil && !s.err.goSyntaxOnly {
				return s
			}
		}
		return nil
	case name == "os.Getenv" || name == "os.LookupEnv":
		if len(call.Args) == 1 {
			if v, ok := constString(info, call.Args[0]); ok && c.cfg.IsDSNEnv(v) {
				kind := "connection string"
				if strings.Contains(strings.ToUpper(v), "PASSWORD") {
					kind = "password"
				}
				sec := &secret{what: fmt.Sprintf("the %s from %s(%q)", kind, strings.TrimPrefix(name, "os."), v)}
				if kind == "password" {
					sec.advice = advicePassword
				}
				return sec
			}
		}
		return nil
	case fn.Name() == "ConnString" && (pkg == pgxPath || pkg == pgconnPath || pkg == poolPath):
		return &secret{what: "the connection string from ConnString()"}
	case name == "net/url.Parse" || name == "net/url.ParseRequestURI":
		s := c.args(call)
		if s == nil || s.err != nil || len(call.Args) != 1 {
			return s
		}
		withShape := *s
		sh := c.shapeOf(call.Args[0])
		withShape.shape = &sh
		return &withShape
	case name == "net/url.URL.String" || name == "net/url.Userinfo.String" || name == "net/url.Userinfo.Password":
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return c.eval(sel.X)
		}
	case name == "net/url.UserPassword":
		if len(call.Args) == 2 {
			return c.eval(call.Args[1])
		}
	case name == "strings.Builder.String" || name == "bytes.Buffer.String":
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return c.eval(sel.X)
		}
	case pkg == "net/url" || loggingPackages[pkg]:
		return nil // URL parts other than the above are clean; log calls are sinks
	case returnsText(fn):
		// Any other function handed a secret may return it: only
		// redactors (above) are known to clean it.
		if s := c.args(call); s != nil && (s.err == nil || !s.err.goSyntaxOnly) {
			return s
		}
	}
	return nil
}

// returnsText reports whether fn's first result is a string or []byte.
func returnsText(fn *types.Func) bool {
	t := resultType(fn)
	if t == nil {
		return false
	}
	if isString(t) {
		return true
	}
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// args is the first secret among a call's arguments.
func (c *checker) args(call *ast.CallExpr) *secret {
	for _, a := range call.Args {
		if s := c.eval(a); s != nil {
			return s
		}
	}
	return nil
}

// isRedactor: (*url.URL).Redacted, rules.yaml redactors, and functions
// named for redacting.
func (c *checker) isRedactor(fn *types.Func) bool {
	name := dbapi.FullName(fn)
	if name == "net/url.URL.Redacted" || fn.Pkg().Path() == redactPath {
		return true
	}
	for _, r := range c.cfg.Redactors {
		if r == name {
			return true
		}
	}
	lower := strings.ToLower(fn.Name())
	for _, w := range []string{"redact", "mask", "sanitiz", "sanitis", "scrub", "obfuscat", "censor"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// checkSink reports a call that writes a secret out.
func (c *checker) checkSink(call *ast.CallExpr) {
	where, args := c.sink(call)
	if where == "" {
		return
	}
	wraps := strings.HasPrefix(where, "the error message of ")
	goSyntax := c.goSyntaxArgs(args)
	for _, a := range args {
		s := c.eval(a)
		if s == nil {
			s = c.printsConfig(a, !strings.HasPrefix(where, "fmt.") && !strings.HasPrefix(where, "log.") && where != "panic")
		}
		if s == nil || s.err != nil && wraps {
			continue // an error wrapped into another is reported where that one is written out
		}
		if s.err != nil && s.err.goSyntaxOnly && !goSyntax[a] {
			continue // printed by its Error method
		}
		d := analysis.Diagnostic{Pos: a.Pos(), End: a.End()}
		var help string
		switch {
		case s.err != nil:
			d.Category = s.err.severity
			d.Message = oneLine(s.what+" reaches "+where, ": "+s.err.reason)
			help = errHelp(s.err)
		case s.redactMiss != "":
			d.Category = "error"
			d.Message = oneLine(s.what+" reaches "+where+" with its "+s.redactMiss+" password", ": Redacted masks userinfo only")
			help = redactedHelp(s.redactMiss, s.viaHelper)
		default:
			advice := s.advice
			if advice == "" {
				advice = adviceDSN
			}
			d.Message = oneLine(s.what+" reaches "+where+" unredacted", ": password in the "+shortAudience(where))
			help = fmt.Sprintf("It carries the password to everyone and everything that reads %s, for as long as they are kept; %s.",
				audience(where), advice)
		}
		analyzerutil.ReportHelp(c.pass, c.idx, d, help)
		return
	}
}

// oneLine is head, with tail when both fit on the line; head alone is
// shortened by dropping its parenthesised part. Unlike analyzerutil.OneLine,
// tail carries its own separator and a head too long is shortened.
func oneLine(head, tail string) string {
	if len(head)+len(tail) <= analyzerutil.MaxMessage {
		return head + tail
	}
	if len(head) > analyzerutil.MaxMessage {
		if i, j := strings.Index(head, " ("), strings.Index(head, ")"); i >= 0 && j > i {
			head = head[:i] + head[j+1:]
		}
	}
	if len(head) > analyzerutil.MaxMessage {
		head = head[:analyzerutil.MaxMessage-3] + "..."
	}
	return head
}

// printsConfig: a struct printed whole shows its fields, so a connection
// config (pgx.ConnConfig, pgconn.Config, or an application's own struct
// with a password or connection-string field) leaks them — unless the type
// formats itself (String, Format, GoString, slog's LogValue), or, for
// structured loggers, the field is tagged json:"-".
func (c *checker) printsConfig(e ast.Expr, structured bool) *secret {
	t := c.pass.TypesInfo.TypeOf(e)
	if t == nil || formatsItself(t) {
		return nil
	}
	name := dbapi.TypeName(t)
	if name == pgxPath+".ConnConfig" || name == pgconnPath+".Config" {
		return &secret{what: "the connection config " + exprString(e) + " (printed whole, it shows its Password field)", advice: "log cfg.Host and cfg.Database instead"}
	}
	st, ok := derefStruct(t)
	if !ok {
		return nil
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if c.maskedFields[f] || !dsn.IsPasswordField(f, name) && !dsn.IsConnStringField(f) {
			continue
		}
		if structured && strings.Contains(st.Tag(i), `json:"-"`) {
			continue
		}
		return &secret{what: fmt.Sprintf("%s (printed whole, it shows its %s field)", exprString(e), f.Name()), advice: adviceStruct}
	}
	return nil
}

// derefStruct returns the struct type of t or *t; fmt prints a pointer to
// a struct at the top level as &{…} with its fields.
func derefStruct(t types.Type) (*types.Struct, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

// formatsItself reports whether fmt or slog print t through a method of
// its own.
func formatsItself(t types.Type) bool {
	for _, typ := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(typ)
		for _, m := range []string{"String", "Format", "GoString", "LogValue", "MarshalLogObject"} {
			if ms.Lookup(nil, m) != nil {
				return true
			}
		}
	}
	return false
}

func shortAudience(where string) string {
	switch {
	case strings.Contains(where, "error"):
		return "error"
	case strings.Contains(where, "HTTP"):
		return "response"
	}
	return "logs"
}

func audience(where string) string {
	switch {
	case strings.Contains(where, "error"):
		return "the error and the logs it ends up in"
	case strings.Contains(where, "HTTP"):
		return "the response"
	}
	return "the logs"
}

// sink reports whether call writes its arguments out, naming it and
// returning the arguments it writes.
func (c *checker) sink(call *ast.CallExpr) (string, []ast.Expr) {
	info := c.pass.TypesInfo
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
			return "panic", call.Args
		}
	}
	fn := callee(info, call)
	if fn == nil {
		return "", nil
	}
	pkg, name := fn.Pkg().Path(), fn.Name()
	full := dbapi.FullName(fn)
	switch {
	case pkg == "fmt" && (strings.HasPrefix(name, "Print")):
		return "fmt." + name, call.Args
	case pkg == "fmt" && strings.HasPrefix(name, "Fprint") && len(call.Args) > 0:
		where := "fmt." + name
		if isResponseWriter(info.TypeOf(call.Args[0])) {
			where += " to an HTTP response"
		}
		return where, call.Args[1:]
	case pkg == "fmt" && name == "Errorf":
		return "the error message of fmt.Errorf", call.Args
	case full == "errors.New" || pkg == "github.com/pkg/errors":
		return "the error message of " + shortName(fn), call.Args
	case full == "net/http.Error" && len(call.Args) >= 2:
		return "http.Error (an HTTP response)", call.Args[1:2]
	case full == "io.WriteString" && len(call.Args) == 2 && isResponseWriter(info.TypeOf(call.Args[0])):
		return "an HTTP response", call.Args[1:]
	case name == "Write" && len(call.Args) == 1 && isResponseWriterMethod(info, call):
		return "an HTTP response", call.Args
	case loggingPackages[pkg]:
		return shortName(fn), call.Args
	}
	return "", nil
}

func isResponseWriter(t types.Type) bool { return dbapi.TypeName(t) == "net/http.ResponseWriter" }

func isResponseWriterMethod(info *types.Info, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && isResponseWriter(info.TypeOf(sel.X))
}

// callee is dbindex.CalleeFunc without the universe's functions (error's
// Error method), which have no package.
func callee(info *types.Info, call *ast.CallExpr) *types.Func {
	if fn := dbindex.CalleeFunc(info, call); fn != nil && fn.Pkg() != nil {
		return fn
	}
	return nil
}

// shortName is "log.Printf" or "(*zap.Logger).Info".
func shortName(fn *types.Func) string {
	sig := fn.Type().(*types.Signature)
	if sig.Recv() == nil {
		return fn.Pkg().Name() + "." + fn.Name()
	}
	t := sig.Recv().Type()
	ptr := ""
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = p.Elem(), "*"
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return fmt.Sprintf("(%s%s.%s).%s", ptr, fn.Pkg().Name(), n.Obj().Name(), fn.Name())
	}
	return fn.Name()
}

func isString(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func resultType(fn *types.Func) types.Type {
	sig := fn.Type().(*types.Signature)
	if sig.Results().Len() == 0 {
		return nil
	}
	return sig.Results().At(0).Type()
}

func constString(info *types.Info, e ast.Expr) (string, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// exprString renders a short selector chain (cfg.DB.Password).
func exprString(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprString(x.X) + "." + x.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(x.X)
	case *ast.CallExpr:
		return exprString(x.Fun) + "()"
	case *ast.UnaryExpr:
		return x.Op.String() + exprString(x.X)
	}
	return "the value"
}
