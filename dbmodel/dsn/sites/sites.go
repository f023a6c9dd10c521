// Package sites finds the places in a package where a connection string
// reaches a driver — the DSN argument of a known constructor or config
// parser, gorm's postgres.Config{DSN: …}, and writes to a pgx config's
// RuntimeParams — together with the sink whose option table applies and the
// texts the string may have there. driveropts, poolercompat and poolconfig
// judge the same sites.
package sites

import (
	"go/ast"
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
)

// Via says how a site hands the string to the driver.
type Via string

const (
	ViaArgument      Via = "argument"      // the DSN argument of a call
	ViaGormConfig    Via = "gorm.Config"   // postgres.Config{DSN: …}
	ViaRuntimeParams Via = "RuntimeParams" // cfg.RuntimeParams["k"] = v
)

// Site is one place a connection string reaches a driver.
type Site struct {
	Via Via
	// Sink names the drivers table: pgconn, pgx, pgxpool, stdlib, libpq,
	// gorm, migrate or runtime.
	Sink string
	// Expr is the expression holding the string (for RuntimeParams writes,
	// the index expression).
	Expr ast.Expr
	// Call is the indexed call for ViaArgument, else nil.
	Call *dbindex.Call
	// Lit is gorm's postgres.Config literal for ViaGormConfig.
	Lit *ast.CompositeLit
	// Enclosing is the innermost enclosing function (nil at package level).
	Enclosing ast.Node
	// Texts are the values the string may have. For ViaRuntimeParams the
	// text is key, "=", value (see Parse).
	Texts []dsn.Text
	// Test reports whether the site is in test code.
	Test bool

	keyLen int // RuntimeParams: length of the key in the text
}

// Find lists the sites of the package in source order.
func Find(pass *analysis.Pass, idx *dbindex.Index, src *dsn.Source) []*Site {
	var out []*Site
	for _, call := range idx.Calls {
		i := call.API.DSNArg
		if i < 0 || i >= len(call.Expr.Args) {
			continue
		}
		sink := SinkOf(pass.TypesInfo, call.API.Sink, call.Expr, call.API.DriverArg)
		if sink == "" {
			continue
		}
		arg := call.Expr.Args[i]
		out = append(out, &Site{Via: ViaArgument, Sink: sink, Expr: arg, Call: call, Enclosing: call.Enclosing,
			Texts: src.Texts(arg, call.Enclosing), Test: call.Test})
	}
	out = append(out, findGormConfigs(pass, idx, src)...)
	out = append(out, findRuntimeParams(pass, idx, src)...)
	return out
}

// SinkOf maps an API's sink to a drivers table name; database/sql's sink
// depends on the driver name, which must be a constant.
func SinkOf(info *types.Info, s dbapi.Sink, call *ast.CallExpr, driverArg int) string {
	switch s {
	case dbapi.SinkSQLOpen:
		if driverArg < 0 || driverArg >= len(call.Args) {
			return ""
		}
		return sqlDriverSink(info, call.Args[driverArg])
	case "":
		return ""
	}
	return string(s)
}

// sqlDriverSink maps a database/sql driver name to its sink.
func sqlDriverSink(info *types.Info, e ast.Expr) string {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return ""
	}
	switch constant.StringVal(tv.Value) {
	case "pgx", "pgx/v5":
		return "stdlib"
	case "postgres":
		return "libpq"
	}
	return ""
}

const gormPostgres = "gorm.io/driver/postgres"

// findGormConfigs finds postgres.Config{DSN: …} literals.
func findGormConfigs(pass *analysis.Pass, idx *dbindex.Index, src *dsn.Source) []*Site {
	var out []*Site
	for c := range idx.Inspector.Root().Preorder((*ast.CompositeLit)(nil)) {
		lit := c.Node().(*ast.CompositeLit)
		if !isNamed(pass.TypesInfo.TypeOf(lit), gormPostgres, "Config") {
			continue
		}
		var dsnExpr ast.Expr
		sink := "gorm"
		for _, elt := range lit.Elts {
			kv, ok := elt.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			switch key, _ := kv.Key.(*ast.Ident); {
			case key == nil:
			case key.Name == "DSN":
				dsnExpr = kv.Value
			case key.Name == "DriverName":
				// gorm then calls sql.Open(DriverName, DSN).
				sink = sqlDriverSink(pass.TypesInfo, kv.Value)
			}
		}
		if dsnExpr == nil || sink == "" {
			continue
		}
		fn := enclosingFunc(c)
		out = append(out, &Site{Via: ViaGormConfig, Sink: sink, Expr: dsnExpr, Lit: lit, Enclosing: fn,
			Texts: src.Texts(dsnExpr, fn), Test: idx.IsTest(lit.Pos())})
	}
	return out
}

// findRuntimeParams finds cfg.RuntimeParams["k"] = v.
func findRuntimeParams(pass *analysis.Pass, idx *dbindex.Index, src *dsn.Source) []*Site {
	var out []*Site
	for c := range idx.Inspector.Root().Preorder((*ast.AssignStmt)(nil)) {
		as := c.Node().(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for i, lhs := range as.Lhs {
			key, ix, ok := src.RuntimeParam(lhs)
			if !ok {
				continue
			}
			fn := enclosingFunc(c)
			value := dsn.HoleText(as.Rhs[i])
			if ts := src.Texts(as.Rhs[i], fn); len(ts) == 1 {
				value = ts[0]
			}
			text := dsn.Concat(key, dsn.KnownText("=", ix), value)
			out = append(out, &Site{Via: ViaRuntimeParams, Sink: "runtime", Expr: ix, Enclosing: fn,
				Texts: []dsn.Text{text}, Test: idx.IsTest(as.Pos()), keyLen: len(key.S)})
		}
	}
	return out
}

// Parse parses a site's text as its driver will. A RuntimeParams write is
// one setting whose key is taken verbatim (map keys need no quoting).
func (s *Site) Parse(t dsn.Text) *dsn.DSN {
	if s.Via != ViaRuntimeParams {
		return dsn.Parse(t.S)
	}
	k := s.keyLen
	return &dsn.DSN{Input: t.S, Form: dsn.KeywordValue, Params: []dsn.Param{{
		Key: t.S[:k], Value: t.S[k+1:], Part: dsn.PartKV,
		KeyRange: dsn.Range{Start: 0, End: k}, ValueRange: dsn.Range{Start: k + 1, End: len(t.S)}, PairRange: dsn.Range{Start: 0, End: len(t.S)},
	}}}
}

func enclosingFunc(c inspector.Cursor) ast.Node {
	for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if e.Node() != c.Node() {
			return e.Node()
		}
	}
	return nil
}

// isNamed reports whether t (pointers stripped) is pkg.name.
func isNamed(t types.Type, pkg, name string) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

// IsNamed reports whether t (pointers stripped) is the named type pkg.name.
func IsNamed(t types.Type, pkg, name string) bool { return isNamed(t, pkg, name) }
