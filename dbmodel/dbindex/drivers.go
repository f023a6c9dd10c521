package dbindex

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
)

// SQLDriversFlag names the index analyzer's flag carrying the database/sql
// driver packages the whole program imports (a main package's blank
// imports), which a library package that opens a *sql.DB with a driver
// name from its caller cannot see.
const SQLDriversFlag = "sql_drivers"

// Driver says which database a handle talks to, as far as the code tells.
type Driver int

const (
	// DriverUnknown: the code does not say (a driver name from
	// configuration, a handle received as a parameter) and the program
	// imports a PostgreSQL driver, or none the index knows.
	DriverUnknown Driver = iota
	// DriverPostgres: pgx, pgxpool, pgconn, lib/pq, the pgx stdlib driver,
	// gorm's postgres dialector.
	DriverPostgres
	// DriverOther: SQLite, MySQL, SQL Server and the like. PostgreSQL rules
	// do not apply.
	DriverOther
)

// postgresDrivers and otherDrivers are database/sql driver packages (and
// gorm dialectors) by import path prefix.
var postgresDrivers = []string{
	"github.com/lib/pq", "github.com/jackc/pgx", "gorm.io/driver/postgres",
	"cloud.google.com/go/cloudsqlconn/postgres", "github.com/GoogleCloudPlatform/cloudsql-proxy/proxy/dialers/postgres",
	"github.com/cockroachdb/cockroach-go", "github.com/uptrace/bun/driver/pgdriver",
}

var otherDrivers = []string{
	"github.com/mattn/go-sqlite3", "modernc.org/sqlite", "github.com/glebarez/go-sqlite", "github.com/glebarez/sqlite",
	"github.com/ncruces/go-sqlite3", "github.com/tursodatabase/libsql-client-go", "github.com/go-sql-driver/mysql",
	"github.com/ziutek/mymysql", "github.com/denisenkom/go-mssqldb", "github.com/microsoft/go-mssqldb",
	"github.com/ClickHouse/clickhouse-go", "github.com/sijms/go-ora", "github.com/godror/godror",
	"github.com/marcboeker/go-duckdb", "github.com/snowflakedb/gosnowflake", "github.com/googleapis/go-sql-spanner",
	"gorm.io/driver/sqlite", "gorm.io/driver/mysql", "gorm.io/driver/sqlserver", "gorm.io/driver/clickhouse",
	"github.com/uptrace/bun/driver/sqliteshim",
}

// DriverOfPackage classifies an import path as a driver package, or DriverUnknown.
func DriverOfPackage(path string) Driver {
	has := func(prefixes []string) bool {
		for _, p := range prefixes {
			if path == p || strings.HasPrefix(path, p+"/") {
				return true
			}
		}
		return false
	}
	switch {
	case has(postgresDrivers):
		return DriverPostgres
	case has(otherDrivers):
		return DriverOther
	}
	return DriverUnknown
}

// DriverOfName classifies a database/sql driver name.
func DriverOfName(name string) Driver {
	switch strings.ToLower(name) {
	case "postgres", "postgresql", "pgx", "pgx/v4", "pgx/v5", "cloudsqlpostgres", "nrpostgres", "pq":
		return DriverPostgres
	case "sqlite3", "sqlite", "mysql", "nrmysql", "nrsqlite3", "sqlserver", "mssql", "azuresql", "clickhouse",
		"oracle", "godror", "duckdb", "snowflake", "libsql", "spanner", "ramsql", "sqlmock":
		return DriverOther
	}
	// A driver registered under a name of the project's own
	// (sql.Register("sqlite_temporal", ...)) usually says what it wraps.
	n := strings.ToLower(name)
	for _, other := range []string{"sqlite", "mysql", "mssql", "sqlserver", "clickhouse", "oracle", "duckdb", "snowflake"} {
		if strings.Contains(n, other) {
			return DriverOther
		}
	}
	for _, pg := range []string{"postgres", "pgx", "cockroach"} {
		if strings.Contains(n, pg) {
			return DriverPostgres
		}
	}
	return DriverUnknown
}

// ConstructDriver says which database a construction call connects to: by
// the API (pgx and pgxpool are PostgreSQL's), the constant driver name
// (sql.Open("sqlite3", …), sqlx.Connect("mysql", …)) or gorm's dialector
// (gorm.Open(sqlite.Open(…))); else by the drivers the program imports.
func (x *Index) ConstructDriver(call *Call) Driver {
	if d := x.explicitDriver(call.Expr, call.API); d != DriverUnknown {
		return d
	}
	if call.API.Name == "database/sql.OpenDB" && len(call.Expr.Args) == 1 {
		if d := x.connectorDriver(call.Expr.Args[0], call.Enclosing, 0); d != DriverUnknown {
			return d
		}
	}
	return x.programDriver()
}

// connectorDriver: the driver package whose function made the connector
// handed to sql.OpenDB (connector, err := mysql.NewConnector(cfg)).
func (x *Index) connectorDriver(e ast.Expr, fn ast.Node, depth int) Driver {
	if depth > 3 {
		return DriverUnknown
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if callee := calleeFunc(x.pass.TypesInfo, e); callee != nil && callee.Pkg() != nil {
			return DriverOfPackage(callee.Pkg().Path())
		}
	case *ast.Ident:
		v, _ := x.pass.TypesInfo.ObjectOf(e).(*types.Var)
		if v == nil || fn == nil {
			return DriverUnknown
		}
		found := DriverUnknown
		for _, src := range x.assignedFrom(fn, v) {
			d := x.connectorDriver(src, fn, depth+1)
			if d == DriverUnknown || found != DriverUnknown && d != found {
				return DriverUnknown
			}
			found = d
		}
		return found
	}
	return DriverUnknown
}

func (x *Index) explicitDriver(call *ast.CallExpr, api dbapi.API) Driver {
	if call == nil {
		return DriverUnknown
	}
	switch api.Sink {
	case dbapi.SinkPgconn, dbapi.SinkPgx, dbapi.SinkPgxpool, dbapi.SinkStdlib, dbapi.SinkLibpq, dbapi.SinkGorm:
		return DriverPostgres
	}
	if strings.HasPrefix(api.Name, "github.com/jackc/pgx/") {
		return DriverPostgres
	}
	if i := api.DriverArg; i >= 0 && i < len(call.Args) {
		tv, ok := x.pass.TypesInfo.Types[call.Args[i]]
		if ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			return DriverOfName(constant.StringVal(tv.Value))
		}
		return DriverUnknown
	}
	if api.Name == "gorm.io/gorm.Open" && len(call.Args) > 0 {
		if inner, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok {
			if fn := calleeFunc(x.pass.TypesInfo, inner); fn != nil && fn.Pkg() != nil {
				return DriverOfPackage(fn.Pkg().Path())
			}
		}
	}
	return DriverUnknown
}

// HandleDriver says which database the handle e (a *sql.DB, *sqlx.DB or
// *gorm.DB) talks to: the construction it was assigned from in fn, or what
// gorm's db.DB() unwraps; else by the drivers the program imports.
func (x *Index) HandleDriver(e ast.Expr, fn ast.Node) Driver {
	if d := x.handleDriver(e, fn, 0); d != DriverUnknown {
		return d
	}
	return x.programDriver()
}

func (x *Index) handleDriver(e ast.Expr, fn ast.Node, depth int) Driver {
	if depth > 3 || e == nil {
		return DriverUnknown
	}
	info := x.pass.TypesInfo
	e = ast.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok {
		callee := calleeFunc(info, call)
		if callee == nil {
			return DriverUnknown
		}
		if api, ok := x.Classifier.Call(callee, nil); ok && api.Kind == dbapi.Construct {
			return x.explicitDriver(call, api)
		}
		// gormDB.DB() and sqlx's db.DB field-like unwrapping.
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && callee.Name() == "DB" {
			return x.handleDriver(sel.X, fn, depth+1)
		}
		return DriverUnknown
	}
	id, ok := e.(*ast.Ident)
	if !ok || fn == nil {
		return DriverUnknown
	}
	v, _ := info.ObjectOf(id).(*types.Var)
	if v == nil {
		return DriverUnknown
	}
	found := DriverUnknown
	for _, src := range x.assignedFrom(fn, v) {
		d := x.handleDriver(src, fn, depth+1)
		if d == DriverUnknown || found != DriverUnknown && d != found {
			return DriverUnknown
		}
		found = d
	}
	return found
}

// assignedFrom is what v is assigned in fn, counting the first result of a
// call assigned to several variables (db, err := sql.Open(...)).
func (x *Index) assignedFrom(fn ast.Node, v *types.Var) []ast.Expr {
	info := x.pass.TypesInfo
	var out []ast.Expr
	ast.Inspect(fn, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				id, ok := ast.Unparen(l).(*ast.Ident)
				if !ok || info.ObjectOf(id) != v {
					continue
				}
				switch {
				case len(s.Lhs) == len(s.Rhs):
					out = append(out, s.Rhs[i])
				case len(s.Rhs) == 1 && i == 0:
					out = append(out, s.Rhs[0])
				}
			}
		case *ast.ValueSpec:
			for i, id := range s.Names {
				if info.Defs[id] == v && i < len(s.Values) {
					out = append(out, s.Values[i])
				} else if info.Defs[id] == v && len(s.Values) == 1 && i == 0 {
					out = append(out, s.Values[0])
				}
			}
		}
		return true
	})
	return out
}

// programDriver is DriverOther when the drivers the package imports outside
// its test files are all non-PostgreSQL ones, DriverPostgres when one is
// PostgreSQL's; when it imports none, the same by the drivers the program
// imports (the engine's whole-program list, and what the package imports
// indirectly); DriverUnknown when none is known.
func (x *Index) programDriver() Driver {
	x.driversOnce.Do(func() {
		// The package's own imports first: the package that opens a
		// handle usually imports its driver (the SQLite plugin of a
		// program that also links PostgreSQL's).
		var ownPG, ownOther bool
		for _, f := range x.pass.Files {
			if x.testFiles[x.pass.Fset.File(f.Pos())] {
				continue
			}
			for _, imp := range f.Imports {
				switch DriverOfPackage(strings.Trim(imp.Path.Value, `"`)) {
				case DriverPostgres:
					ownPG = true
				case DriverOther:
					ownOther = true
				}
			}
		}
		if ownPG || ownOther {
			x.driver = DriverPostgres
			if !ownPG {
				x.driver = DriverOther
			}
			return
		}
		var pg, other bool
		note := func(path string) {
			switch DriverOfPackage(path) {
			case DriverPostgres:
				pg = true
			case DriverOther:
				other = true
			}
		}
		for _, p := range x.sqlDrivers.list() {
			note(p)
		}
		seen := map[*types.Package]bool{}
		var visit func(p *types.Package)
		visit = func(p *types.Package) {
			if seen[p] {
				return
			}
			seen[p] = true
			note(p.Path())
			for _, imp := range p.Imports() {
				visit(imp)
			}
		}
		visit(x.pass.Pkg)
		switch {
		case pg:
			x.driver = DriverPostgres
		case other:
			x.driver = DriverOther
		}
	})
	return x.driver
}
