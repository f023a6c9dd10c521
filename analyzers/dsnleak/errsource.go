package dsnleak

import (
	"fmt"
	"go/ast"
	"go/types"
	"net/url"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

// Errors that carry the password. errleak_test.go produces the error of
// each call below with pgx v5.12.0 and lib/pq v1.12.3 from DSNs of every
// shape, looks for the password in err.Error(), and checks that the
// family's leaks predicate, applied to the analyzer's reading of each DSN,
// says the same. The calls whose error text it finds clean
// (pgx.ParseConfig, pgxpool.ParseConfig, pgxpool.New: pgconn masks the
// password of every parse error) are sources only for fmt's %#v, which
// prints the ParseConfigError's ConnString field (errorCall.parses).

// family is a group of calls whose errors carry the password for the same
// DSN shapes.
type family int

const (
	// pgxDial: pgx resolves the URL host itself, and its URL parser ends
	// the userinfo at the first '@'; with an unescaped '@' in the password
	// the host is the rest of the password, which the resolver's error
	// repeats: "hostname resolving error: lookup <rest>@127.0.0.1: no such host".
	pgxDial family = iota + 1
	// netURL: net/url.Parse, and lib/pq, which parses URLs with it and
	// returns its error: a URL that net/url refuses (a non-numeric port, an
	// unescaped '/' or '#' in the password) comes back whole, password
	// included: parse "postgres://app:<password>@127.0.0.1:notaport/app": invalid port.
	netURL
)

// leaks reports whether the error carries the password for a DSN of shape
// sh, as measured.
func (f family) leaks(sh dsnShape) bool {
	switch f {
	case pgxDial:
		return sh.hostHasAt
	case netURL:
		return sh.netURLRefuses
	}
	return false
}

// mayLeak reports whether the error may carry the password though the
// text's shape does not show it: a password interpolated unescaped into a
// URL's userinfo breaks the URL when it holds '@' (pgx) or '/', '?', '#'
// (net/url); lib/pq and net/url also leak for a DSN whose text is not
// known at all, since any malformed URL comes back whole.
func (f family) mayLeak(sh dsnShape) bool {
	switch f {
	case pgxDial:
		return sh.dynamicUserinfoPassword
	case netURL:
		return sh.dynamicUserinfoPassword || !sh.known
	}
	return false
}

// measured is the error text the test saw, the password masked.
func (f family) measured() string {
	switch f {
	case pgxDial:
		return "failed to connect to `user=app database=app`: hostname resolving error: lookup ****@127.0.0.1: no such host " +
			"(DSN postgres://app:****@****@127.0.0.1/app)"
	case netURL:
		return `parse "postgres://app:****@127.0.0.1:notaport/app?sslmode=disable": invalid port ":notaport" after host`
	}
	return ""
}

// errorCall is a call whose error is a source.
type errorCall struct {
	name   string // as the message names it
	family family
	// dsnArg is the index of the DSN argument; -1: the DSN is that of the
	// handle the method is called on.
	dsnArg int
	// anyURL: the call parses any URL, not only DSNs; its argument must be
	// a secret the analyzer follows or text that reads as a DSN.
	anyURL bool
	// parses: the call returns pgx's *pgconn.ParseConfigError as it is.
	// Its Error masks the password, but its ConnString field holds the DSN
	// as written, and fmt's %#v prints the field.
	parses bool
}

// errorCalls are the measured calls, by dbapi.FullName. (*sql.DB).Ping
// depends on the driver the handle was opened with.
var errorCalls = map[string]errorCall{
	"github.com/jackc/pgx/v5.Connect":              {name: "pgx.Connect", family: pgxDial, dsnArg: 1, parses: true},
	"github.com/jackc/pgx/v5.ParseConfig":          {name: "pgx.ParseConfig", dsnArg: 0, parses: true},
	"github.com/jackc/pgx/v5/pgxpool.ParseConfig":  {name: "pgxpool.ParseConfig", dsnArg: 0, parses: true},
	"github.com/jackc/pgx/v5/pgxpool.New":          {name: "pgxpool.New", dsnArg: 1, parses: true},
	"github.com/jackc/pgx/v5/pgxpool.Pool.Ping":    {name: "(*pgxpool.Pool).Ping", family: pgxDial, dsnArg: -1},
	"github.com/jackc/pgx/v5/pgxpool.Pool.Acquire": {name: "(*pgxpool.Pool).Acquire", family: pgxDial, dsnArg: -1},
	"github.com/lib/pq.NewConnector":               {name: "pq.NewConnector", family: netURL, dsnArg: 0},
	"net/url.Parse":                                {name: "url.Parse", family: netURL, dsnArg: 0, anyURL: true},
	"database/sql.DB.Ping":                         {name: "(*sql.DB).Ping", family: 0, dsnArg: -1},
	"database/sql.DB.PingContext":                  {name: "(*sql.DB).PingContext", family: 0, dsnArg: -1},
}

// handleOpeners open a handle that dials on first use; the handle keeps
// the DSN for its Ping.
var handleOpeners = map[string]bool{
	"github.com/jackc/pgx/v5/pgxpool.New": true,
	"database/sql.Open":                   true,
}

// handle is what the analyzer knows of a pool or *sql.DB: the family its
// driver belongs to and the shape of its DSN; parses: its first use parses
// the DSN (database/sql with pgx's stdlib driver).
type handle struct {
	family family
	shape  dsnShape
	parses bool
}

// dsnShape is what the text of a DSN shows about where its password is.
type dsnShape struct {
	known bool // some text of the DSN is known
	// kvPassword, queryPassword: a password outside the URL userinfo,
	// which (*url.URL).Redacted keeps.
	kvPassword, queryPassword bool
	// hostHasAt: the URL's host, read as pgx reads it, holds an '@'.
	hostHasAt bool
	// netURLRefuses: a URL with a password that net/url.Parse refuses.
	netURLRefuses bool
	// dynamicUserinfoPassword: a password interpolated into the URL
	// userinfo without escaping.
	dynamicUserinfoPassword bool
}

// shapeOf reads the shape of the DSN expression e from its texts.
func (c *checker) shapeOf(e ast.Expr) dsnShape {
	var sh dsnShape
	for _, t := range c.src.Texts(e, c.fn) {
		ts := classify(t.S)
		if ts.dynamicUserinfoPassword && c.escaped(t) {
			ts.dynamicUserinfoPassword = false
		}
		sh = sh.or(ts)
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

func (a dsnShape) or(b dsnShape) dsnShape {
	return dsnShape{
		known:                   a.known || b.known,
		kvPassword:              a.kvPassword || b.kvPassword,
		queryPassword:           a.queryPassword || b.queryPassword,
		hostHasAt:               a.hostHasAt || b.hostHasAt,
		netURLRefuses:           a.netURLRefuses || b.netURLRefuses,
		dynamicUserinfoPassword: a.dynamicUserinfoPassword || b.dynamicUserinfoPassword,
	}
}

// classify reads one text (holes for unknown parts) of a DSN.
func classify(s string) dsnShape {
	d := dsn.Parse(s)
	pw, hasPassword := d.Password()
	sh := dsnShape{known: d.Form != dsn.NotDSN}
	switch d.Form {
	case dsn.KeywordValue, dsn.ForeignURL:
		sh.kvPassword = hasPassword
	case dsn.URL:
		// A hole stands for a value that fits where it is. net/url ends
		// the userinfo at the last '@', pgx at the first '@' before a '/':
		// a password net/url sees counts even where pgx sees none
		// (postgres://app:pass/word@host).
		if _, err := url.Parse(strings.ReplaceAll(s, string(dsn.Hole), "0")); err != nil {
			sh.netURLRefuses = hasPassword || netURLUserinfoPassword(s)
		}
		if !hasPassword {
			break
		}
		switch pw.Part {
		case dsn.PartQuery:
			sh.queryPassword = true
		case dsn.PartPassword:
			sh.dynamicUserinfoPassword = pw.ValueDynamic()
		}
		for _, h := range d.Hosts() {
			if strings.ContainsRune(h.Host, '@') {
				sh.hostHasAt = true
			}
		}
	}
	return sh
}

// netURLUserinfoPassword reports whether the URL s has a password in its
// userinfo as net/url delimits it (up to the last '@').
func netURLUserinfoPassword(s string) bool {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '@')
	return i >= 0 && strings.ContainsRune(rest[:i], ':')
}

// errorSource returns the secret the error of call carries, or nil: call
// is one of errorCalls and the DSN it was given has a shape whose error
// was measured to carry the password (or may have one).
func (c *checker) errorSource(call *ast.CallExpr, fn *types.Func) *secret {
	ec, ok := errorCalls[dbapi.FullName(fn)]
	if !ok {
		return nil
	}
	var h handle
	switch {
	case ec.dsnArg >= 0 && ec.dsnArg < len(call.Args):
		arg := call.Args[ec.dsnArg]
		h = handle{family: ec.family, shape: c.shapeOf(arg), parses: ec.parses}
		if ec.anyURL && !h.shape.known && c.eval(arg) == nil {
			return nil // a URL that is no connection string
		}
	case ec.dsnArg < 0:
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
	default:
		return nil
	}
	return h.errSecret(ec.name)
}

func (h handle) errSecret(call string) *secret {
	var reason, severity string
	goSyntax := false
	switch {
	case h.family.leaks(h.shape):
		severity = "error"
		reason = "the error repeats the DSN's password"
		if h.family == pgxDial {
			reason = "the '@' in the URL password puts its rest in the error"
		}
	case h.family.mayLeak(h.shape):
		severity = "warning"
		reason = "a malformed URL DSN comes back whole in the error, password included"
		if h.family == pgxDial {
			reason = "an unescaped '@' in the URL password puts its rest in the error"
		}
	case h.parses:
		severity, goSyntax = "warning", true
		reason = "%#v prints its ConnString field, the DSN as written"
	default:
		return nil
	}
	return &secret{what: "the error of " + call, err: &errLeak{family: h.family, call: call, reason: reason, severity: severity, goSyntaxOnly: goSyntax}}
}

// errLeak marks a secret that is an error value (or its text).
type errLeak struct {
	family   family
	call     string
	reason   string
	severity string
	// goSyntaxOnly: only fmt's %#v of the error value itself shows the
	// password; its text, and errors wrapping it, do not.
	goSyntaxOnly bool
}

// openHandle records the handle an opener returns: the pool or *sql.DB
// assigned from pgxpool.New or sql.Open, with its driver's family and its
// DSN's shape.
func (c *checker) openHandle(call *ast.CallExpr) *handle {
	fn := callee(c.pass.TypesInfo, call)
	if fn == nil || !handleOpeners[dbapi.FullName(fn)] || len(call.Args) < 2 {
		return nil
	}
	if dbapi.FullName(fn) == "database/sql.Open" {
		driver, _ := constString(c.pass.TypesInfo, call.Args[0])
		h, ok := sqlDrivers[driver]
		if !ok {
			return nil
		}
		h.shape = c.shapeOf(call.Args[1])
		return &h
	}
	return &handle{family: pgxDial, shape: c.shapeOf(call.Args[1])} // pgxpool.New: parsed already
}

// sqlDrivers are the database/sql driver names of lib/pq and pgx's
// stdlib: lib/pq returns net/url's errors, pgx's driver parses the DSN on
// first use and returns pgx's errors as they are.
var sqlDrivers = map[string]handle{
	"postgres": {family: netURL},
	"pgx":      {family: pgxDial, parses: true},
	"pgx/v5":   {family: pgxDial, parses: true},
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
		l.call, l.reason, l.family.measured())
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
	miss := s.shape.missedBy()
	if miss == "" {
		return nil
	}
	return &secret{what: exprString(call), redactMiss: miss}
}

// missedBy is what (*url.URL).Redacted leaves of a DSN of shape sh: the
// password's form, or "".
func (sh dsnShape) missedBy() string {
	switch {
	case sh.queryPassword:
		return "?password="
	case sh.kvPassword:
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
	miss := c.shapeOf(call.Args[0]).missedBy()
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
