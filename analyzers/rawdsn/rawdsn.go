package rawdsn

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
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/redact"
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
		run(pass, cfg, tables, idx)
		return nil
	})
}

const advice = `read it from the environment or a secret store instead, e.g. os.Getenv("DATABASE_URL")`

func run(pass *analysis.Pass, cfg *rules.Config, tables *drivers.Tables, idx *dbindex.Index) {
	src := dsn.NewSource(pass.TypesInfo, pass.Files)
	for _, f := range pass.Files {
		if idx.IsTestSupport(f.Pos()) && !cfg.CheckTests {
			continue
		}
		compared := map[ast.Expr]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec, *ast.Field:
				return false // import paths and struct tags
			case *ast.BinaryExpr:
				if n.Op == token.EQL || n.Op == token.NEQ {
					compared[ast.Unparen(n.X)], compared[ast.Unparen(n.Y)] = true, true
				}
			case *ast.CaseClause:
				for _, e := range n.List {
					compared[ast.Unparen(e)] = true
				}
			case *ast.CallExpr:
				checkUserPassword(pass, idx, n)
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if len(n.Rhs) == len(n.Lhs) && isConfigPassword(pass.TypesInfo, lhs, nil) {
						checkPasswordValue(pass, idx, n.Rhs[i], "assigned to "+exprName(lhs))
					}
				}
			case *ast.CompositeLit:
				for _, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok && isConfigPassword(pass.TypesInfo, kv.Key, pass.TypesInfo.TypeOf(n)) {
						checkPasswordValue(pass, idx, kv.Value, fmt.Sprintf("in the %s field of %s", kv.Key.(*ast.Ident).Name, typeName(pass.TypesInfo.TypeOf(n))))
					}
				}
			}
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			if compared[ast.Unparen(e)] {
				// Text a value is compared with connects nowhere
				// (IsDefaultDatabaseURL), and the value itself is judged
				// where it is written.
				return false
			}
			tv, ok := pass.TypesInfo.Types[e]
			if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
				return true
			}
			switch ast.Unparen(e).(type) {
			case *ast.Ident, *ast.SelectorExpr:
				return false // a use of a constant: judged where it is declared
			}
			// The largest constant expression here: judge it whole, unless it
			// extends a connection-string constant already judged where it
			// is declared.
			if text, ok := src.Constant(e); ok && hasLiteral(e) && !extendsDSN(pass.TypesInfo, tables, e) {
				judge(pass, idx, tables, e, text)
			}
			return false
		})
	}
}

// hasLiteral reports whether a constant expression writes some of its text
// itself (and is not only made of named constants).
func hasLiteral(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			found = true
		}
		return !found
	})
	return found
}

// extendsDSN reports whether a constant expression is built on a named
// constant that is a connection string itself (const full = base + "/db").
func extendsDSN(info *types.Info, tables *drivers.Tables, e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		var id *ast.Ident
		switch x := n.(type) {
		case *ast.Ident:
			id = x
		case *ast.SelectorExpr:
			id = x.Sel
		default:
			return !found
		}
		if c, ok := info.Uses[id].(*types.Const); ok && c.Val().Kind() == constant.String {
			if _, ok := dsn.AsLiteral(constant.StringVal(c.Val()), tables.KnownKey); ok {
				found = true
			}
		}
		return false
	})
	return found
}

func judge(pass *analysis.Pass, idx *dbindex.Index, tables *drivers.Tables, e ast.Expr, text dsn.Text) {
	lit, ok := dsn.AsLiteral(text.S, tables.KnownKey)
	if !ok || stockLocalDefault(lit.DSN) {
		return
	}
	where := describe(lit.DSN)
	if lit.Password != nil {
		pos, end := text.Span(lit.Password.ValueRange)
		if !pos.IsValid() {
			pos, end = e.Pos(), e.End()
		}
		analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: pos, End: end, Category: string(rules.SeverityError),
			Message: passwordMessage(where)},
			passwordHelp)
		return
	}
	analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: e.Pos(), End: e.End(), Category: string(rules.SeverityWarning),
		Message: describeFit("a connection string is written into the code", "", where, ": fixed at build time")},
		"Where the service connects is then fixed at build time, the same in every environment; "+advice+".")
}

// stockLocalDefault reports whether d reaches only a server on this machine
// with the user's name as its password (user=postgres password=postgres, the
// images' and installers' default, as miniflux ships it): it names no
// deployment and holds no secret, so it is a development default rather than
// a connection string or a password written into the code.
func stockLocalDefault(d *dsn.DSN) bool {
	user, _ := d.Get("user")
	pw, ok := d.Password()
	if !ok || user.Value == "" || pw.Value != user.Value || d.Partial() {
		return false
	}
	h, _ := d.Get("host")
	for _, host := range strings.Split(h.Value, ",") {
		switch host {
		case "", "localhost", "127.0.0.1", "::1", "[::1]":
		default:
			if !strings.HasPrefix(host, "/") { // a Unix socket directory
				return false
			}
		}
	}
	return true
}

// describe names the user, host and database of a connection string,
// never its password, nor the piece of it a driver may read as the host
// (postgres://u:pw@rest@db) or the database (postgres://u:pw/rest@db).
func describe(d *dsn.DSN) []string {
	get := func(k string) string {
		p, _ := d.Get(k)
		return strings.ReplaceAll(p.Value, string(dsn.Hole), "…")
	}
	var parts []string
	if u := get("user"); u != "" {
		parts = append(parts, "user "+u)
	}
	if h := get("host"); h != "" {
		p := get("port")
		switch {
		case strings.Contains(h+p, ","):
			parts = append(parts, "hosts "+h)
			if p != "" {
				parts = append(parts, "ports "+p)
			}
		case p != "":
			parts = append(parts, "host "+h+":"+p)
		default:
			parts = append(parts, "host "+h)
		}
	}
	if db := get("dbname"); db != "" {
		parts = append(parts, "database "+db)
	}
	for i := range parts {
		parts[i] = redact.Secrets(parts[i], d.Input)
	}
	return parts
}

// describeFit is the first of head (parenthetical), with tail, that fits
// on the line: all parts, then fewer from the front (the database name is
// kept longest), then the last part alone without its lead-in.
func describeFit(head, lead string, parts []string, tail string) string {
	var candidates []string
	if len(parts) == 0 {
		candidates = append(candidates, head+tail, head)
	}
	for i := range parts {
		with := head + " (" + lead + strings.Join(parts[i:], ", ") + ")"
		candidates = append(candidates, with+tail, with)
	}
	if len(parts) > 0 {
		candidates = append(candidates, head+" ("+parts[len(parts)-1]+")")
	}
	for _, c := range candidates {
		if len(c) <= maxMessage {
			return c
		}
	}
	return oneLine(candidates[len(candidates)-1], "")
}

// passwordTail says what a password in the code breaks, where the line
// has room for it; passwordHelp says it in full, with the fix.
const (
	passwordTail = ": anyone with the source or binary has it"
	passwordHelp = "Everyone who can read the repository or the binary has it, and changing it needs a release; " + advice + "."
)

// passwordMessage: a connection string with a password, described by
// where.
func passwordMessage(where []string) string {
	if len(where) == 0 {
		return oneLine("a database password is written into the code (connection string)", passwordTail)
	}
	return describeFit("a database password is written into the code", "connection string for ", where, passwordTail)
}

// maxMessage is the longest one-line message.
const maxMessage = 120

// oneLine is head, with tail when both fit on the line; a head too long
// on its own is cut.
func oneLine(head, tail string) string {
	if len(head)+len(tail) <= maxMessage {
		return head + tail
	}
	if len(head) > maxMessage {
		head = head[:maxMessage-3] + "..."
	}
	return head
}

// checkUserPassword reports url.UserPassword(user, "literal").
func checkUserPassword(pass *analysis.Pass, idx *dbindex.Index, call *ast.CallExpr) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || len(call.Args) != 2 {
		return
	}
	fn, ok := pass.TypesInfo.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "net/url" || fn.Name() != "UserPassword" {
		return
	}
	checkPasswordValue(pass, idx, call.Args[1], "passed to url.UserPassword")
}

// isConfigPassword reports whether e (a selector, or a composite-literal
// key of the struct type owner) names a password field of a connection
// config: pgconn's Password, or a password field of a configuration struct.
func isConfigPassword(info *types.Info, e ast.Expr, owner types.Type) bool {
	var id *ast.Ident
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		id = x.Sel
		owner = info.TypeOf(x.X)
	case *ast.Ident:
		id = x
	default:
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	return ok && dsn.IsPasswordField(v, typeName(owner))
}

func typeName(t types.Type) string {
	if t == nil {
		return ""
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// exprName renders cfg.ConnConfig.Password.
func exprName(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprName(x.X) + "." + x.Sel.Name
	}
	return "a password field"
}

// checkPasswordValue reports a constant, real password.
func checkPasswordValue(pass *analysis.Pass, idx *dbindex.Index, e ast.Expr, how string) {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return
	}
	pw := constant.StringVal(tv.Value)
	if pw == "" || dsn.IsPlaceholder(pw) {
		return
	}
	analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: e.Pos(), End: e.End(), Category: string(rules.SeverityError),
		Message: oneLine(fmt.Sprintf("a database password is written into the code (%s)", how), passwordTail)},
		"Everyone who can read the repository or the binary has it, and changing it needs a release; "+
			"read it from the environment or a secret store instead, e.g. os.Getenv(\"PGPASSWORD\").")
}
