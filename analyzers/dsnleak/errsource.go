package dsnleak

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

// Errors that carry the password: the measured calls, their families and
// the DSN shapes each family leaks for are driver facts, kept in
// dbmodel/drivers (drivers.LookupErrorCall, drivers.SQLDriverErrorLeak,
// drivers.DSNShapeOf); integration/drivers/dsnleak compares them with
// what pgx and lib/pq return.

// handleOpeners open a handle that dials on first use; the handle keeps
// the DSN for its Ping.
var handleOpeners = map[string]bool{
	"github.com/jackc/pgx/v5/pgxpool.New": true,
	"database/sql.Open":                   true,
}

// handle is what the analyzer knows of a pool or *sql.DB: what its
// driver's errors show of the DSN (a *sql.DB's; ParseConfigError: its
// first use parses the DSN, database/sql with pgx's stdlib driver) and the
// shape of its DSN.
type handle struct {
	leak  drivers.ErrorLeak
	shape dsnShape
}

// dsnShape is what the text of a DSN shows about where its password is;
// DynamicUserinfoPassword only where the password is not escaped.
type dsnShape = drivers.DSNShape

// shapeOf reads the shape of the DSN expression e from its texts.
func (c *checker) shapeOf(e ast.Expr) dsnShape {
	var sh dsnShape
	for _, t := range c.src.Texts(e, c.fn) {
		ts := drivers.DSNShapeOf(t.S)
		if ts.DynamicUserinfoPassword && c.escaped(t) {
			ts.DynamicUserinfoPassword = false
		}
		sh = sh.Or(ts)
	}
	return sh
}

// escaped reports whether every unknown part of the userinfo password of
// t comes from an escaping call (url.UserPassword, url.QueryEscape,
// url.PathEscape), which keeps it from breaking the URL.
func (c *checker) escaped(t dsn.Text) bool {
	pw, _ := dsn.Parse(t.S).Password()
	for i := pw.ValueRange.Start; i < pw.ValueRange.End && i < len(t.S); i++ {
		if t.S[i] != dsn.Hole {
			continue
		}
		pos := t.Pos(i)
		found := false
		for _, r := range c.escapes() {
			if r.Pos() <= pos && pos < r.End() {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// escapes are the package's calls that escape a URL part.
func (c *checker) escapes() []ast.Node {
	if c.escapeCalls != nil {
		return c.escapeCalls
	}
	c.escapeCalls = []ast.Node{}
	for cur := range c.idx.Inspector.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if fn := callee(c.pass.TypesInfo, call); fn != nil {
			switch dbapi.FullName(fn) {
			case "net/url.UserPassword", "net/url.QueryEscape", "net/url.PathEscape":
				c.escapeCalls = append(c.escapeCalls, call)
			}
		}
	}
	return c.escapeCalls
}

// errorSource returns the secret the error of call carries, or nil: call
// is one of the measured calls (drivers.LookupErrorCall) and the DSN it
// was given has a shape whose error was measured to carry the password (or
// may have one).
func (c *checker) errorSource(call *ast.CallExpr, fn *types.Func) *secret {
	ec, ok := drivers.LookupErrorCall(dbapi.FullName(fn))
	if !ok {
		return nil
	}
	var h handle
	switch {
	case ec.DSNArg >= 0 && ec.DSNArg < len(call.Args):
		arg := call.Args[ec.DSNArg]
		h = handle{leak: ec.ErrorLeak, shape: c.shapeOf(arg)}
		// A call that parses any URL: its argument must be a secret the
		// analyzer follows or text that reads as a DSN.
		if ec.AnyURL && !h.shape.Known && c.eval(arg) == nil {
			return nil // a URL that is no connection string
		}
	case ec.DSNArg < 0:
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		if !ok {
			return nil
		}
		hp := c.handles[c.pass.TypesInfo.Uses[id]]
		if hp == nil {
			return nil
		}
		h = *hp
		// A pool's methods: the table's measured leak. (*sql.DB).Ping's
		// entry is empty: its errors are the driver's (openHandle).
		if ec.ErrorLeak != (drivers.ErrorLeak{}) {
			h.leak = ec.ErrorLeak
		}
	default:
		return nil
	}
	return h.errSecret(ec.Name)
}

func (h handle) errSecret(call string) *secret {
	var reason, severity string
	goSyntax := false
	switch {
	case h.leak.Family.Leaks(h.shape):
		severity = "error"
		reason = "the error repeats the DSN's password"
		if h.leak.Family == drivers.LeakPgxDial {
			reason = "the '@' in the URL password puts its rest in the error"
		}
	case h.leak.Family.MayLeak(h.shape):
		severity = "warning"
		reason = "a malformed URL DSN comes back whole in the error, password included"
		if h.leak.Family == drivers.LeakPgxDial {
			reason = "an unescaped '@' in the URL password puts its rest in the error"
		}
	case h.leak.ParseConfigError:
		severity, goSyntax = "warning", true
		reason = "%#v prints its ConnString field, the DSN as written"
	default:
		return nil
	}
	return &secret{what: "the error of " + call, err: &errLeak{family: h.leak.Family, call: call, reason: reason, severity: severity, goSyntaxOnly: goSyntax}}
}

// errLeak marks a secret that is an error value (or its text).
type errLeak struct {
	family   drivers.LeakFamily
	call     string
	reason   string
	severity string
	// goSyntaxOnly: only fmt's %#v of the error value itself shows the
	// password; its text, and errors wrapping it, do not.
	goSyntaxOnly bool
}

// openHandle records the handle an opener returns: the pool or *sql.DB
// assigned from pgxpool.New or sql.Open, with its DSN's shape and, for
// sql.Open, its driver's error leak (a pool's comes with the method
// called on it).
func (c *checker) openHandle(call *ast.CallExpr) *handle {
	fn := callee(c.pass.TypesInfo, call)
	if fn == nil || !handleOpeners[dbapi.FullName(fn)] || len(call.Args) < 2 {
		return nil
	}
	if dbapi.FullName(fn) == "database/sql.Open" {
		driver, _ := constString(c.pass.TypesInfo, call.Args[0])
		leak, ok := drivers.SQLDriverErrorLeak(driver)
		if !ok {
			return nil
		}
		return &handle{leak: leak, shape: c.shapeOf(call.Args[1])}
	}
	return &handle{shape: c.shapeOf(call.Args[1])} // pgxpool.New
}

// errHelp is the help of an error finding.
func errHelp(l *errLeak) string {
	if l.goSyntaxOnly {
		return l.call + " returns pgx's *pgconn.ParseConfigError for a DSN it cannot parse. Its Error() masks the password " +
			"(measured: cannot parse `postgres://app:xxxxx@127.0.0.1:notaport/app?sslmode=disable`: invalid port), but fmt's %#v " +
			"prints the struct, whose ConnString field is the DSN as written, password included. Print the error with %v or %s."
	}
	return fmt.Sprintf("%s: %s. Measured (pgx v5.12.0, lib/pq v1.12.3): %s. "+
		"Pass the error through redact.Error(err, dsn) (github.com/dbaudit/dbaudit/dbmodel/redact) or your own redaction helper "+
		"before writing it out, and escape the password where the URL is built (url.UserPassword, url.QueryEscape) or use the keyword/value form.",
		l.call, l.reason, l.family.Measured())
}

// redactPath is the project's own redaction package: every function in it
// masks passwords (redact.Error, redact.Secrets, redact.DSN, redact.Text).
const redactPath = "github.com/dbaudit/dbaudit/dbmodel/redact"

// errorText: err.Error() of an error that carries the password.
func (c *checker) errorText(call *ast.CallExpr) *secret {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Error" || len(call.Args) != 0 {
		return nil
	}
	if s := c.eval(sel.X); s != nil && s.err != nil && !s.err.goSyntaxOnly {
		return s
	}
	return nil
}

// resultIsError reports whether fn returns just an error.
func resultIsError(fn *types.Func) bool {
	sig := fn.Type().(*types.Signature)
	return sig.Results().Len() == 1 && types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

// isErrorWrapper: calls whose error result says what the errors given to
// them say.
func isErrorWrapper(fn *types.Func) bool {
	switch dbapi.FullName(fn) {
	case "fmt.Errorf", "errors.Join", "errors.New":
		return true
	}
	return fn.Pkg().Path() == "github.com/pkg/errors" && resultIsError(fn)
}

// redacted is (*url.URL).Redacted on a URL parsed from a DSN whose
// password is outside the userinfo: Redacted leaves that password as it
// is. Elsewhere it is a redaction.
func (c *checker) redacted(call *ast.CallExpr) *secret {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	s := c.eval(sel.X)
	if s == nil || s.shape == nil {
		return nil
	}
	miss := missedBy(*s.shape)
	if miss == "" {
		return nil
	}
	return &secret{what: exprString(call), redactMiss: miss}
}

// missedBy is what (*url.URL).Redacted leaves of a DSN of shape sh: the
// password's form, or "".
func missedBy(sh dsnShape) string {
	switch {
	case sh.QueryPassword:
		return "?password="
	case sh.KVPassword:
		return "keyword/value"
	}
	return ""
}

// userinfoRedactor: a redaction helper of this package that masks with
// (*url.URL).Redacted and nothing else (no "password" in its text), called
// on a DSN whose password is outside the userinfo, returns the password.
func (c *checker) userinfoRedactor(call *ast.CallExpr, fn *types.Func) *secret {
	if len(call.Args) == 0 || fn.Pkg() != c.pass.Pkg || !c.onlyRedacted(fn) {
		return nil
	}
	if c.eval(call.Args[0]) == nil {
		return nil
	}
	miss := missedBy(c.shapeOf(call.Args[0]))
	if miss == "" {
		return nil
	}
	return &secret{what: exprString(call), redactMiss: miss, viaHelper: fn.Name()}
}

// onlyRedacted reports whether the body of fn, declared in this package,
// calls (*url.URL).Redacted and never names a password.
func (c *checker) onlyRedacted(fn *types.Func) bool {
	decl := c.idx.Decls[fn]
	if decl == nil || decl.Body == nil {
		return false
	}
	redacted, password := false, false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if f := callee(c.pass.TypesInfo, n); f != nil && dbapi.FullName(f) == "net/url.URL.Redacted" {
				redacted = true
			}
		case *ast.BasicLit:
			if strings.Contains(strings.ToLower(n.Value), "password") {
				password = true
			}
		}
		return true
	})
	return redacted && !password
}

func redactedHelp(miss, helper string) string {
	via := ""
	if helper != "" {
		via = helper + " masks with (*url.URL).Redacted alone. "
	}
	return fmt.Sprintf(via+"(*url.URL).Redacted replaces only the password of the URL's userinfo (postgres://user:xxxxx@host/db). "+
		"The DSN here holds its password as %s, which comes out as written. Measured with net/url: "+
		"url.Parse(\"postgres://app@db/app?password=****\").Redacted() is \"postgres://app@db/app?password=****\", and "+
		"url.Parse(\"host=db user=app password=**** dbname=app\") reads the whole keyword/value text as a path, which "+
		"Redacted returns as \"host=db%%20user=app%%20password=****%%20dbname=app\". Mask every password key instead "+
		"(redact.DSN from github.com/dbaudit/dbaudit/dbmodel/redact masks the userinfo, ?password=, ?sslpassword= and keyword/value passwords), "+
		"or log only the host and database name.", miss)
}

// goSyntaxArgs marks the arguments of a sink that a %#v verb of its
// constant format string prints; nil without such a format.
func (c *checker) goSyntaxArgs(args []ast.Expr) map[ast.Expr]bool {
	for i, a := range args {
		format, ok := constString(c.pass.TypesInfo, a)
		if !ok || !strings.Contains(format, "%") {
			continue
		}
		marked := map[ast.Expr]bool{}
		for k, verb := range formatVerbs(format) {
			if j := i + 1 + k; j < len(args) && verb == "#v" {
				marked[args[j]] = true
			}
		}
		return marked
	}
	return nil
}

// formatVerbs lists the verbs of a fmt format with their flags ("#v",
// "s", "+v"), one per argument; "%%" takes none.
func formatVerbs(format string) []string {
	var verbs []string
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			break
		}
		if format[j] != '%' {
			flags := strings.Map(func(r rune) rune {
				if r == '#' || r == '+' {
					return r
				}
				return -1
			}, format[i+1:j])
			verbs = append(verbs, flags+string(format[j]))
		}
		i = j
	}
	return verbs
}
