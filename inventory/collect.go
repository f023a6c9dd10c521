package inventory

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// migrationImports are the import path prefixes of migration libraries:
// the functions using one run migrations.
var migrationImports = []string{
	"github.com/golang-migrate/migrate",
	"github.com/pressly/goose",
}

// gormAutoMigrate creates and alters tables: the function calling it
// runs migrations.
const gormAutoMigrate = "gorm.io/gorm.DB.AutoMigrate"

// pkgCollector turns one package's index into touchpoints.
type pkgCollector struct {
	idx       *dbindex.Index
	pass      *analysis.Pass
	migration bool // the whole package holds migrations
	// migrationFuncs are the declared functions that run migrations.
	migrationFuncs map[*ast.FuncDecl]bool
	names          namer
	out            []Touchpoint
}

func collectPackage(pass *analysis.Pass, idx *dbindex.Index) []Touchpoint {
	c := &pkgCollector{
		idx:  idx,
		pass: pass,
		names: namer{
			info:  pass.TypesInfo,
			pkg:   pass.Pkg.Path(),
			root:  idx.Inspector.Root(),
			lits:  map[ast.Node][]*ast.FuncLit{},
			cache: map[ast.Node]string{},
		},
	}
	c.migration = c.isMigrationPackage()
	c.migrationFuncs = map[*ast.FuncDecl]bool{}
	if !c.migration {
		c.findMigrationFuncs()
		for _, call := range idx.Calls {
			if call.API.Name == gormAutoMigrate && call.Decl != nil && !call.Test {
				c.migrationFuncs[call.Decl] = true // gorm creates and alters the tables here
			}
		}
	}
	for _, call := range idx.Calls {
		if call.API.Kind.Touches() || call.API.BuildsConnector() {
			c.addCall(call)
		}
	}
	for _, h := range idx.Params {
		c.addParam(h)
	}
	for _, h := range idx.Fields {
		c.addHandle("inject", h, c.fieldName(h))
	}
	for _, h := range idx.Globals {
		c.addHandle("global", h, c.names.pkg+"."+h.Obj.Name())
	}
	return c.out
}

func (c *pkgCollector) addCall(call *dbindex.Call) {
	var enclosing []inspector.Cursor
	for cur := range call.Cursor.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		enclosing = append(enclosing, cur)
	}
	function := c.names.pkg + ".init" // a package-level initialiser
	if len(enclosing) > 0 {
		function = c.names.name(enclosing[0])
	}
	kind := string(call.API.Kind)
	if call.API.BuildsConnector() {
		kind = "construct" // pq.NewConnector: where sql.OpenDB's connection settings are read
	}
	t := c.touchpoint(kind, call.Expr.Pos(), call.Expr.End(), function, call.API.Name)
	t.Component = c.component(call.Expr.Pos(), call.Test, enclosing, call.Decl)
	c.out = append(c.out, t)
}

// addParam records a parameter of handle type; a method's receiver is the
// handle's own API, not an injection.
func (c *pkgCollector) addParam(h *dbindex.Handle) {
	if h.Decl == nil {
		return
	}
	if fn, ok := c.pass.TypesInfo.Defs[h.Decl.Name].(*types.Func); ok {
		if recv := fn.Type().(*types.Signature).Recv(); recv != nil && recv == h.Obj {
			return
		}
	}
	declCur, ok := c.idx.Inspector.Root().FindNode(h.Decl)
	if !ok {
		return
	}
	t := c.touchpoint("inject", h.Ident.Pos(), h.Ident.End(), c.names.name(declCur), handleTypeName(h.Obj.Type()))
	t.Component = c.component(h.Ident.Pos(), h.Test, []inspector.Cursor{declCur}, h.Decl)
	c.out = append(c.out, t)
}

func (c *pkgCollector) addHandle(kind string, h *dbindex.Handle, function string) {
	t := c.touchpoint(kind, h.Ident.Pos(), h.Ident.End(), function, handleTypeName(h.Obj.Type()))
	t.Component = c.component(h.Ident.Pos(), h.Test, nil, nil)
	c.out = append(c.out, t)
}

func (c *pkgCollector) fieldName(h *dbindex.Handle) string {
	if h.Struct == nil {
		return c.names.pkg + "." + h.Obj.Name()
	}
	return c.names.pkg + "." + h.Struct.Name() + "." + h.Obj.Name()
}

func (c *pkgCollector) touchpoint(kind string, pos, end token.Pos, function, api string) Touchpoint {
	p := c.pass.Fset.Position(pos)
	return Touchpoint{
		Kind:     kind,
		File:     p.Filename, // made relative to the run's directory by Collect
		Line:     p.Line,
		Column:   p.Column,
		EndLine:  c.pass.Fset.Position(end).Line,
		Function: function,
		API:      api,
		Package:  c.names.pkg,
	}
}

// component classifies a touchpoint (see the package doc for the order).
// enclosing are the enclosing functions, innermost first; decl the
// outermost, when there is one.
func (c *pkgCollector) component(pos token.Pos, test bool, enclosing []inspector.Cursor, decl *ast.FuncDecl) string {
	if test || c.idx.IsTest(pos) {
		return "test"
	}
	configured := c.idx.Config.ComponentOf(c.pass.Fset.Position(pos).Filename)
	if configured != "" && configured != "service" {
		return configured
	}
	for _, cur := range enclosing {
		if role := c.roleOf(cur); role != "" {
			return role
		}
	}
	switch {
	case c.migration || c.migrationFuncs[decl]:
		return "migration"
	case c.idx.IsMain():
		return "main"
	case configured == "service":
		return "service"
	}
	return "other"
}

// roleOf says whether the function at cur runs as a handler or a worker.
func (c *pkgCollector) roleOf(cur inspector.Cursor) string {
	switch fn := cur.Node().(type) {
	case *ast.FuncLit:
		if c.idx.IsHandlerSig(fn.Type) {
			return "handler"
		}
		return string(c.idx.LitRoles[fn])
	case *ast.FuncDecl:
		if c.idx.IsHandlerSig(fn.Type) {
			return "handler"
		}
		if obj, ok := c.pass.TypesInfo.Defs[fn.Name].(*types.Func); ok {
			return string(c.idx.RoleOf(obj))
		}
	}
	return ""
}

// migrationNames are package names that hold migrations by convention.
var migrationNames = map[string]bool{"migrations": true, "migration": true, "migrate": true}

// isMigrationPackage: rules.yaml migration_packages, or a package named
// migrations.
func (c *pkgCollector) isMigrationPackage() bool {
	return c.idx.Config.MatchPackage(c.idx.Config.MigrationPackages, c.names.pkg) ||
		migrationNames[strings.TrimSuffix(c.pass.Pkg.Name(), "_test")]
}

// findMigrationFuncs finds the functions that run migrations in a package
// that is not a migration package as a whole (a store that also applies
// its embedded migrations at start-up): those using golang-migrate or goose,
// and the functions they hand to it (goose Go migrations). Only files
// importing a migration library are read.
func (c *pkgCollector) findMigrationFuncs() {
	info := c.pass.TypesInfo
	var handed []*types.Func
	for _, f := range c.pass.Files {
		if c.idx.IsTest(f.Pos()) || !importsMigrationLib(f) {
			continue
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					if obj := info.Uses[n]; obj != nil && isMigrationLib(obj.Pkg()) {
						c.migrationFuncs[fd] = true
					}
				case *ast.CallExpr:
					if fn := calleeOf(info, n); fn == nil || !isMigrationLib(fn.Pkg()) {
						return true
					}
					for _, arg := range n.Args {
						if fn := calleeOfExpr(info, arg); fn != nil && fn.Pkg() == c.pass.Pkg {
							handed = append(handed, fn)
						}
					}
				}
				return true
			})
		}
	}
	if len(handed) == 0 {
		return
	}
	for _, f := range c.pass.Files {
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if fn, ok := info.Defs[fd.Name].(*types.Func); ok && slices.Contains(handed, fn) {
					c.migrationFuncs[fd] = true
				}
			}
		}
	}
}

func importsMigrationLib(f *ast.File) bool {
	for _, imp := range f.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err == nil && isMigrationPath(path) {
			return true
		}
	}
	return false
}

func isMigrationLib(pkg *types.Package) bool { return pkg != nil && isMigrationPath(pkg.Path()) }

func isMigrationPath(path string) bool {
	for _, prefix := range migrationImports {
		if path == prefix || strings.HasPrefix(path, prefix+"/") {
			return true
		}
	}
	return false
}

// calleeOf is the function a call statically calls, or nil.
func calleeOf(info *types.Info, call *ast.CallExpr) *types.Func {
	return calleeOfExpr(info, call.Fun)
}

// calleeOfExpr is the function an identifier or selector names, or nil.
func calleeOfExpr(info *types.Info, e ast.Expr) *types.Func {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[e].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[e.Sel].(*types.Func)
		return fn
	}
	return nil
}

// handleTypeName is "pkgpath.Type" for a named handle type (pointer
// stripped), else the type as written.
func handleTypeName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && n.Obj().Pkg() != nil {
		return n.Obj().Pkg().Path() + "." + n.Obj().Name()
	}
	return types.TypeString(t, nil)
}
