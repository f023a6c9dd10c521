package schemacheck

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// Statement is a constant SQL text reaching a query, exec or prepare call.
// It is plain data: the collector analyzer's result carries it.
type Statement struct {
	SQL string
	// Prepared is the text sent to the server: SQL with pgx's @name
	// placeholders numbered.
	Prepared string
	Pos      token.Position
	// API is the called function: "github.com/jackc/pgx/v5/pgxpool.Pool.Query".
	API    string
	Kind   string // query, exec, prepare
	Driver Driver
	// Args are the Go types of the arguments after the SQL (the zero
	// GoType where the type is unknown); ArgsKnown is false when they
	// cannot be counted (args..., a Prepare, named args).
	Args      []GoType
	ArgsKnown bool
	// Skip says why the statement is not prepared; "" when it is.
	Skip string
	// Dests are the result destinations visible at the call site.
	Dests []*ScanDest
}

// ScanDest is where a statement's result columns go.
type ScanDest struct {
	Pos token.Position
	// Types are positional destinations (Scan(&a, &b), RowToStructByPos);
	// a zero entry is a destination of unknown type.
	Types []GoType
	// Struct is read by column name (RowToStructByName, sqlx Get/Select).
	Struct *Struct
	Mapper string
	// Lax: RowToStructByNameLax leaves fields without a column alone.
	Lax bool
	// What names the reading call for messages: "Scan", "pgx.RowToStructByName[User]".
	What string
}

const (
	pgxPath    = "github.com/jackc/pgx/v5"
	pgconnPath = "github.com/jackc/pgx/v5/pgconn"
)

// collectStatements gathers the literal SQL of the package's indexed
// calls, and the structs (by full name) its gorm calls use.
func (c *collector) collectStatements() (out []*Statement, gorm []string) {
	info, cfg := c.pass.TypesInfo, c.cfg
	for _, call := range c.idx.Calls {
		if call.Test && !cfg.CheckTests {
			continue
		}
		name := call.API.Name
		if strings.HasPrefix(name, gormPath+".") {
			for _, a := range call.Expr.Args {
				if tn := structOf(info.TypeOf(a)); tn != nil {
					gorm = append(gorm, tn.Pkg().Path()+"."+tn.Name())
				}
			}
		}
		kind := string(call.API.Kind)
		if kind != "query" && kind != "exec" && kind != "prepare" || call.API.SQLArg < 0 || call.API.SQLArg >= len(call.Expr.Args) {
			continue
		}
		sqlExpr := call.Expr.Args[call.API.SQLArg]
		tv, ok := info.Types[sqlExpr]
		if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
			continue // not literal SQL
		}
		// A literal is where the SQL is read; a named constant's use is
		// the call.
		pos := c.pass.Fset.Position(call.Expr.Pos())
		if _, lit := ast.Unparen(sqlExpr).(*ast.BasicLit); lit {
			pos = c.pass.Fset.Position(sqlExpr.Pos())
		}
		st := &Statement{
			SQL:       constant.StringVal(tv.Value),
			Pos:       pos,
			API:       name,
			Kind:      kind,
			ArgsKnown: kind != "prepare" && !call.Expr.Ellipsis.IsValid(),
		}
		st.Prepared = st.SQL
		switch {
		case strings.HasPrefix(name, pgxPath+"/") || strings.HasPrefix(name, pgxPath+"."), returnsPgx(call.Func):
			st.Driver = DriverPgx // pgx's own, or an interface with pgx's signature (an sqlc DBTX)
		default:
			st.Driver = DriverDatabaseSQL
		}
		var args []types.Type
		if st.ArgsKnown {
			for _, a := range call.Expr.Args[call.API.SQLArg+1:] {
				args = append(args, info.TypeOf(a))
			}
		}
		switch {
		case strings.HasPrefix(name, gormPath+"."):
			st.Skip = "gorm rewrites its ? placeholders before sending; not prepared"
		case strings.HasPrefix(name, sqlxPath+".") && strings.Contains(name, "Named"):
			st.Skip = "sqlx rewrites :name placeholders before sending; not prepared"
		case strings.HasPrefix(name, pgconnPath+".PgConn.ExecParams"):
			st.ArgsKnown, args = false, nil
		}
		if st.Driver == DriverPgx && st.ArgsKnown {
			args = stripPgxOptions(st, args)
		}
		for _, t := range args {
			st.Args = append(st.Args, c.goType(t))
		}
		if readsIntoDest(call) {
			if d := c.sqlxDest(call.Expr.Args[call.API.SQLArg-1]); d != nil {
				st.Dests = append(st.Dests, d)
			}
		}
		if kind == "query" {
			st.Dests = append(st.Dests, c.resultDests(call)...)
		}
		out = append(out, st)
	}
	return out, gorm
}

// returnsPgx reports a function or method with a pgx result type: the
// methods of an interface pgx handles satisfy (sqlc's pgx DBTX) reach pgx.
func returnsPgx(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return false
	}
	for i := 0; i < sig.Results().Len(); i++ {
		if n := typeFullName(sig.Results().At(i).Type()); strings.HasPrefix(n, pgxPath+".") || strings.HasPrefix(n, pgconnPath+".") {
			return true
		}
	}
	return false
}

// readsIntoDest reports sqlx's Get and Select, and the methods of a
// project's interfaces with their signature (dest, then the SQL): the
// argument before the SQL is where the result goes.
func readsIntoDest(c *dbindex.Call) bool {
	name := c.API.Name
	if strings.HasPrefix(name, gormPath+".") || c.API.SQLArg < 1 {
		return false
	}
	for _, m := range []string{".Get", ".Select", ".GetContext", ".SelectContext"} {
		if strings.HasSuffix(name, m) {
			return true
		}
	}
	return false
}

// stripPgxOptions drops pgx's leading query options from the arguments
// (QueryExecMode, result formats) and handles pgx.NamedArgs, whose @name
// placeholders pgx numbers before sending. It returns the arguments left.
func stripPgxOptions(st *Statement, args []types.Type) []types.Type {
	for len(args) > 0 {
		switch typeFullName(args[0]) {
		case pgxPath + ".QueryExecMode", pgxPath + ".QueryResultFormats", pgxPath + ".QueryResultFormatsByOID":
			args = args[1:]
			continue
		case pgxPath + ".NamedArgs", pgxPath + ".StrictNamedArgs":
			st.Prepared, _ = rewriteNamedArgs(st.SQL)
			st.ArgsKnown = false
			return nil
		}
		if implementsRewriter(args[0]) {
			st.Skip = "a pgx.QueryRewriter rewrites the SQL at run time; not prepared"
			st.ArgsKnown = false
			return nil
		}
		return args
	}
	return args
}

// implementsRewriter reports a type with pgx.QueryRewriter's method.
func implementsRewriter(t types.Type) bool {
	if t == nil {
		return false
	}
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		ms := types.NewMethodSet(tt)
		if ms.Lookup(nil, "RewriteQuery") != nil {
			return true
		}
		for i := 0; i < ms.Len(); i++ {
			if ms.At(i).Obj().Name() == "RewriteQuery" {
				return true
			}
		}
	}
	return false
}

// structOf returns the named struct behind T, *T, []T, *[]T, []*T.
func structOf(t types.Type) *types.TypeName {
	for range 4 {
		switch u := types.Unalias(t).(type) {
		case *types.Pointer:
			t = u.Elem()
			continue
		case *types.Slice:
			t = u.Elem()
			continue
		case *types.Named:
			if _, ok := u.Underlying().(*types.Struct); ok {
				return u.Obj()
			}
			return nil
		}
		return nil
	}
	return nil
}

// sqlxDest reads sqlx Get/Select's destination: a struct (or slice of them)
// read by name, or one scalar.
func (c *collector) sqlxDest(dest ast.Expr) *ScanDest {
	t := c.pass.TypesInfo.TypeOf(dest)
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return nil
	}
	elem := types.Unalias(p.Elem())
	if s, ok := elem.Underlying().(*types.Slice); ok && !isBytes(elem) {
		elem = types.Unalias(s.Elem())
		if pp, ok := elem.(*types.Pointer); ok {
			elem = types.Unalias(pp.Elem())
		}
	}
	d := &ScanDest{Pos: c.pass.Fset.Position(dest.Pos()), Mapper: MapperSqlx, What: "sqlx destination"}
	if n, ok := elem.(*types.Named); ok {
		if _, isStruct := n.Underlying().(*types.Struct); isStruct && !isDataStruct(n) {
			d.Struct = c.structOf(n)
			return d
		}
	}
	d.Types = []GoType{c.goType(elem)}
	return d
}

func isBytes(t types.Type) bool {
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// resultDests finds where a query's rows go: a Scan chained on the call,
// or, when the result is assigned to a variable, that variable's Scan
// calls and pgx's CollectRows-style helpers in the same function.
func (c *collector) resultDests(dbc *dbindex.Call) []*ScanDest {
	info := c.pass.TypesInfo
	parent := dbc.Cursor.Parent().Node()
	if sel, ok := parent.(*ast.SelectorExpr); ok && sel.Sel.Name == "Scan" {
		if call, ok := dbc.Cursor.Parent().Parent().Node().(*ast.CallExpr); ok && call.Fun == sel {
			return []*ScanDest{c.positional(call.Args, call.Pos(), "Scan")}
		}
		return nil
	}
	var obj types.Object
	switch p := parent.(type) {
	case *ast.AssignStmt:
		for i, r := range p.Rhs {
			if r == dbc.Expr && i < len(p.Lhs) || len(p.Rhs) == 1 && r == dbc.Expr {
				if id, ok := p.Lhs[0].(*ast.Ident); ok {
					obj = info.ObjectOf(id)
				}
			}
		}
	case *ast.ValueSpec:
		if len(p.Names) > 0 && len(p.Values) == 1 {
			obj = info.ObjectOf(p.Names[0])
		}
	}
	if obj == nil || dbc.Enclosing == nil {
		return nil
	}
	var body ast.Node
	switch fn := dbc.Enclosing.(type) {
	case *ast.FuncDecl:
		body = fn.Body
	case *ast.FuncLit:
		body = fn.Body
	}
	if body == nil {
		return nil
	}
	var out []*ScanDest
	isVar := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.Uses[id] == obj
	}
	// A variable reused for a later query holds that query's rows from its
	// next assignment on: only uses before it belong to this call.
	limit := body.End()
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Pos() < dbc.Expr.End() || as.Pos() >= limit {
			return true
		}
		for _, l := range as.Lhs {
			if id, ok := ast.Unparen(l).(*ast.Ident); ok && info.ObjectOf(id) == obj {
				limit = as.Pos()
			}
		}
		return true
	})
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Pos() < dbc.Expr.End() || call.Pos() >= limit {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Scan" && isVar(sel.X) {
			out = append(out, c.positional(call.Args, call.Pos(), "Scan"))
			return true
		}
		fn := funcOf(info, call.Fun)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != pgxPath || len(call.Args) < 2 || !isVar(call.Args[0]) {
			return true
		}
		switch fn.Name() {
		case "CollectRows", "CollectOneRow", "CollectExactlyOneRow", "AppendRows":
			arg := call.Args[len(call.Args)-1]
			if d := c.rowToDest(arg); d != nil {
				out = append(out, d)
			}
		case "ForEachRow":
			if lit, ok := ast.Unparen(call.Args[1]).(*ast.CompositeLit); ok {
				out = append(out, c.positional(lit.Elts, call.Pos(), "pgx.ForEachRow"))
			}
		}
		return true
	})
	return out
}

// positional reads Scan-style destinations: &x gives x's type; another
// pointer gives its element; anything else is unknown.
func (c *collector) positional(args []ast.Expr, pos token.Pos, what string) *ScanDest {
	info := c.pass.TypesInfo
	d := &ScanDest{Pos: c.pass.Fset.Position(pos), What: what}
	for _, a := range args {
		var t types.Type
		if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
			t = info.TypeOf(u.X)
		} else if p, ok := types.Unalias(info.TypeOf(a)).(*types.Pointer); ok {
			t = p.Elem()
		}
		if t != nil {
			if iface, ok := t.Underlying().(*types.Interface); ok && iface.Empty() {
				t = nil // scanning into *any accepts everything
			}
		}
		d.Types = append(d.Types, c.goType(t))
	}
	return d
}

// rowToDest reads pgx.RowToStructByName[T] and friends.
func (c *collector) rowToDest(e ast.Expr) *ScanDest {
	info := c.pass.TypesInfo
	var id *ast.Ident
	switch x := ast.Unparen(e).(type) {
	case *ast.IndexExpr:
		id = identOf(x.X)
	case *ast.Ident, *ast.SelectorExpr:
		id = identOf(x)
	}
	if id == nil {
		return nil
	}
	fn, ok := info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != pgxPath {
		return nil
	}
	inst, ok := info.Instances[id]
	if !ok || inst.TypeArgs.Len() != 1 {
		return nil
	}
	t := inst.TypeArgs.At(0)
	d := &ScanDest{Pos: c.pass.Fset.Position(e.Pos()), Mapper: MapperPgx, What: fmt.Sprintf("pgx.%s[%s]", fn.Name(), goTypeString(t))}
	switch fn.Name() {
	case "RowToStructByName", "RowToAddrOfStructByName", "RowToStructByNameLax", "RowToAddrOfStructByNameLax":
		n, ok := types.Unalias(t).(*types.Named)
		if !ok {
			return nil
		}
		d.Struct, d.Lax = c.structOf(n), strings.Contains(fn.Name(), "Lax")
	case "RowToStructByPos", "RowToAddrOfStructByPos":
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			return nil
		}
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			if f.Exported() && reflectTag(st.Tag(i)) != "-" {
				d.Types = append(d.Types, c.goType(f.Type()))
			}
		}
	case "RowTo", "RowToAddrOf":
		d.Types = []GoType{c.goType(t)}
	default:
		return nil
	}
	return d
}

func reflectTag(tag string) string {
	name, _ := dbTagString(tag)
	return name
}

func dbTagString(tag string) (string, bool) {
	for tag != "" {
		i := strings.Index(tag, `db:"`)
		if i < 0 {
			return "", false
		}
		if i > 0 && tag[i-1] != ' ' {
			tag = tag[i+4:]
			continue
		}
		rest := tag[i+4:]
		j := strings.IndexByte(rest, '"')
		if j < 0 {
			return "", false
		}
		name, _, _ := strings.Cut(rest[:j], ",")
		return name, true
	}
	return "", false
}

func identOf(e ast.Expr) *ast.Ident {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}

func funcOf(info *types.Info, fun ast.Expr) *types.Func {
	switch x := ast.Unparen(fun).(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	id := identOf(fun)
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}
