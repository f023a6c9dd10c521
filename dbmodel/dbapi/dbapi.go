// Package dbapi knows the database APIs of the Go PostgreSQL ecosystem —
// pgx, pgxpool, pgconn, database/sql, pgx's stdlib, lib/pq, sqlx, gorm and
// golang-migrate — by their types, never by their names alone: which
// functions build pools or consume DSNs, which types are handles, and what
// each method on a handle does.
package dbapi

import (
	"go/types"
	"strings"
)

// Kind classifies a call of a database API.
type Kind string

const (
	Construct Kind = "construct" // builds a pool or connection
	Config    Kind = "config"    // parses or carries a DSN without connecting
	Query     Kind = "query"
	Exec      Kind = "exec"
	Begin     Kind = "begin"
	Acquire   Kind = "acquire"
	Batch     Kind = "batch"
	Copy      Kind = "copy"
	Prepare   Kind = "prepare"
	Release   Kind = "release"
	Commit    Kind = "commit"
	Rollback  Kind = "rollback"
	Close     Kind = "close"
	Ping      Kind = "ping"
	Settings  Kind = "settings" // SetMaxOpenConns and friends
	Other     Kind = "other"
)

// Touches reports whether the kind is a database touchpoint for the inventory.
func (k Kind) Touches() bool {
	switch k {
	case Construct, Query, Exec, Begin, Acquire, Batch, Copy, Prepare:
		return true
	}
	return false
}

// HandleKind classifies a handle type.
type HandleKind string

const (
	Pool    HandleKind = "pool"
	Conn    HandleKind = "conn"
	Tx      HandleKind = "tx"
	Rows    HandleKind = "rows"
	Row     HandleKind = "row"
	Stmt    HandleKind = "stmt"
	Results HandleKind = "results" // pgx.BatchResults
	Querier HandleKind = "querier" // an interface with the sqlc DBTX shape
)

// Session reports whether the handle can run statements (pool, conn, tx, querier).
func (h HandleKind) Session() bool {
	switch h {
	case Pool, Conn, Tx, Querier:
		return true
	}
	return false
}

// Sink names the driver option table a DSN is judged against.
type Sink string

const (
	SinkPgconn  Sink = "pgconn"
	SinkPgx     Sink = "pgx"
	SinkPgxpool Sink = "pgxpool"
	SinkStdlib  Sink = "stdlib"  // database/sql with the pgx driver
	SinkLibpq   Sink = "libpq"   // github.com/lib/pq
	SinkSQLOpen Sink = "sqlopen" // depends on the driver name argument
	SinkGorm    Sink = "gorm"    // gorm.io/driver/postgres: pgx stdlib underneath
	SinkMigrate Sink = "migrate"
)

// API describes one function or method.
type API struct {
	// Name is the full name: "pkgpath.Func" or "pkgpath.Type.Method".
	Name string
	Kind Kind
	// DSNArg is the index of the DSN argument, -1 when none.
	DSNArg int
	// DriverArg is the index of a database/sql driver name argument, -1 when none.
	DriverArg int
	Sink      Sink
	// SQLArg is the index of the SQL text argument, -1 when none.
	SQLArg int
	// Returns is the handle kind of the first result, when it is one.
	Returns HandleKind
	// Context reports whether the first argument is a context.Context.
	Context bool
	// HandleArg is the index of the handle argument of a package-level
	// function that runs on the handle it is given, as a method runs on its
	// receiver (sqlx.Get(db, …), sqlx.PreparexContext(ctx, tx, …)); -1 when
	// none.
	HandleArg int
}

const (
	pgx     = "github.com/jackc/pgx/v5"
	pgxpool = "github.com/jackc/pgx/v5/pgxpool"
	pgconn  = "github.com/jackc/pgx/v5/pgconn"
	stdlib  = "github.com/jackc/pgx/v5/stdlib"
	sqlpkg  = "database/sql"
	sqlx    = "github.com/jmoiron/sqlx"
	gorm    = "gorm.io/gorm"
	gormpg  = "gorm.io/driver/postgres"
	libpq   = "github.com/lib/pq"
	migrate = "github.com/golang-migrate/migrate/v4"
)

// handleTypes maps "pkgpath.Type" to its kind.
var handleTypes = map[string]HandleKind{
	pgxpool + ".Pool":     Pool,
	pgxpool + ".Conn":     Conn,
	pgxpool + ".Tx":       Tx,
	pgx + ".Conn":         Conn,
	pgx + ".Tx":           Tx,
	pgx + ".Rows":         Rows,
	pgx + ".Row":          Row,
	pgx + ".BatchResults": Results,
	pgconn + ".PgConn":    Conn,
	sqlpkg + ".DB":        Pool,
	sqlpkg + ".Conn":      Conn,
	sqlpkg + ".Tx":        Tx,
	sqlpkg + ".Rows":      Rows,
	sqlpkg + ".Row":       Row,
	sqlpkg + ".Stmt":      Stmt,
	sqlx + ".DB":          Pool,
	sqlx + ".Conn":        Conn,
	sqlx + ".Tx":          Tx,
	sqlx + ".Rows":        Rows,
	sqlx + ".Row":         Row,
	sqlx + ".Stmt":        Stmt,
	sqlx + ".NamedStmt":   Stmt,
	gorm + ".DB":          Pool,
}

// funcs are the package-level functions, by full name.
var funcs = map[string]API{}

// methods are keyed by "pkgpath.Type.Method".
var methods = map[string]API{}

func fn(name string, kind Kind, opts ...func(*API)) {
	a := API{Name: name, Kind: kind, DSNArg: -1, DriverArg: -1, SQLArg: -1, HandleArg: -1}
	for _, o := range opts {
		o(&a)
	}
	funcs[name] = a
}

func meth(typ string, kind Kind, names string, opts ...func(*API)) {
	for _, m := range strings.Fields(names) {
		a := API{Name: typ + "." + m, Kind: kind, DSNArg: -1, DriverArg: -1, SQLArg: -1, HandleArg: -1}
		for _, o := range opts {
			o(&a)
		}
		if strings.HasSuffix(m, "Context") || strings.HasSuffix(m, "Tx") && kind == Begin {
			a.Context = true
		}
		methods[a.Name] = a
	}
}

func dsn(i int, s Sink) func(*API)    { return func(a *API) { a.DSNArg, a.Sink = i, s } }
func driver(i int) func(*API)         { return func(a *API) { a.DriverArg = i } }
func sqlArg(i int) func(*API)         { return func(a *API) { a.SQLArg = i } }
func returns(h HandleKind) func(*API) { return func(a *API) { a.Returns = h } }
func ctx(a *API)                      { a.Context = true }
func handleArg(i int) func(*API)      { return func(a *API) { a.HandleArg = i } }

// withCtx shifts the SQL argument for the *Context variants of database/sql.
func sqlMethods(typ string) {
	meth(typ, Query, "Query QueryRow", sqlArg(0), returns(Rows))
	meth(typ, Query, "QueryContext QueryRowContext", sqlArg(1), returns(Rows), ctx)
	meth(typ, Exec, "Exec", sqlArg(0))
	meth(typ, Exec, "ExecContext", sqlArg(1), ctx)
	meth(typ, Prepare, "Prepare", sqlArg(0), returns(Stmt))
	meth(typ, Prepare, "PrepareContext", sqlArg(1), returns(Stmt), ctx)
}

func sqlxMethods(typ string) {
	meth(typ, Query, "Queryx QueryRowx", sqlArg(0), returns(Rows))
	meth(typ, Query, "QueryxContext QueryRowxContext", sqlArg(1), returns(Rows), ctx)
	meth(typ, Query, "Select Get", sqlArg(1))
	meth(typ, Query, "SelectContext GetContext", sqlArg(2), ctx)
	meth(typ, Query, "NamedQuery", sqlArg(0), returns(Rows))
	meth(typ, Query, "NamedQueryContext", sqlArg(1), returns(Rows), ctx)
	meth(typ, Exec, "NamedExec MustExec", sqlArg(0))
	meth(typ, Exec, "NamedExecContext MustExecContext", sqlArg(1), ctx)
	meth(typ, Prepare, "Preparex PrepareNamed", sqlArg(0), returns(Stmt))
	meth(typ, Prepare, "PreparexContext PrepareNamedContext", sqlArg(1), returns(Stmt), ctx)
}

// pgxSession are the statement methods shared by pgx.Conn, pgx.Tx and the pool types.
func pgxSession(typ string) {
	meth(typ, Query, "Query", sqlArg(1), returns(Rows), ctx)
	meth(typ, Query, "QueryRow", sqlArg(1), returns(Row), ctx)
	meth(typ, Exec, "Exec", sqlArg(1), ctx)
	meth(typ, Begin, "Begin", returns(Tx), ctx)
	meth(typ, Batch, "SendBatch", returns(Results), ctx)
	meth(typ, Copy, "CopyFrom", ctx)
}

func init() {
	// Construction.
	fn(pgxpool+".New", Construct, dsn(1, SinkPgxpool), returns(Pool), ctx)
	fn(pgxpool+".NewWithConfig", Construct, returns(Pool), ctx)
	fn(pgxpool+".ParseConfig", Config, dsn(0, SinkPgxpool))
	fn(pgx+".Connect", Construct, dsn(1, SinkPgx), returns(Conn), ctx)
	fn(pgx+".ConnectWithOptions", Construct, dsn(1, SinkPgx), returns(Conn), ctx)
	fn(pgx+".ConnectConfig", Construct, returns(Conn), ctx)
	fn(pgx+".ParseConfig", Config, dsn(0, SinkPgx))
	fn(pgx+".ParseConfigWithOptions", Config, dsn(0, SinkPgx))
	fn(pgconn+".Connect", Construct, dsn(1, SinkPgconn), returns(Conn), ctx)
	fn(pgconn+".ConnectWithOptions", Construct, dsn(1, SinkPgconn), returns(Conn), ctx)
	fn(pgconn+".ConnectConfig", Construct, returns(Conn), ctx)
	fn(pgconn+".ParseConfig", Config, dsn(0, SinkPgconn))
	fn(pgconn+".ParseConfigWithOptions", Config, dsn(0, SinkPgconn))
	fn(sqlpkg+".Open", Construct, dsn(1, SinkSQLOpen), driver(0), returns(Pool))
	fn(sqlpkg+".OpenDB", Construct, returns(Pool))
	fn(stdlib+".OpenDB", Construct, returns(Pool))
	fn(stdlib+".OpenDBFromPool", Construct, returns(Pool))
	fn(sqlx+".Open", Construct, dsn(1, SinkSQLOpen), driver(0), returns(Pool))
	fn(sqlx+".Connect", Construct, dsn(1, SinkSQLOpen), driver(0), returns(Pool))
	fn(sqlx+".MustOpen", Construct, dsn(1, SinkSQLOpen), driver(0), returns(Pool))
	fn(sqlx+".MustConnect", Construct, dsn(1, SinkSQLOpen), driver(0), returns(Pool))
	fn(sqlx+".ConnectContext", Construct, dsn(2, SinkSQLOpen), driver(1), returns(Pool), ctx)
	fn(sqlx+".NewDb", Other, returns(Pool)) // wraps an existing *sql.DB: not a second construction
	fn(gorm+".Open", Construct, returns(Pool))
	fn(gormpg+".Open", Config, dsn(0, SinkGorm))
	fn(libpq+".NewConnector", Config, dsn(0, SinkLibpq))
	fn(libpq+".ParseURL", Config, dsn(0, SinkLibpq))
	fn(migrate+".New", Config, dsn(1, SinkMigrate))

	// sqlx package-level helpers: each runs on the Queryer, Execer, Ext or
	// Preparer it is given (first, or after the context) what the method
	// of the same name runs on its receiver. v1.4.0 has no package-level
	// PrepareNamed (prepareNamed is unexported).
	fn(sqlx+".Select", Query, sqlArg(2), handleArg(0))
	fn(sqlx+".Get", Query, sqlArg(2), handleArg(0))
	fn(sqlx+".SelectContext", Query, sqlArg(3), handleArg(1), ctx)
	fn(sqlx+".GetContext", Query, sqlArg(3), handleArg(1), ctx)
	fn(sqlx+".NamedExec", Exec, sqlArg(1), handleArg(0))
	fn(sqlx+".NamedExecContext", Exec, sqlArg(2), handleArg(1), ctx)
	fn(sqlx+".NamedQuery", Query, sqlArg(1), handleArg(0), returns(Rows))
	fn(sqlx+".NamedQueryContext", Query, sqlArg(2), handleArg(1), returns(Rows), ctx)
	fn(sqlx+".MustExec", Exec, sqlArg(1), handleArg(0))
	fn(sqlx+".MustExecContext", Exec, sqlArg(2), handleArg(1), ctx)
	fn(sqlx+".Preparex", Prepare, sqlArg(1), handleArg(0), returns(Stmt))
	fn(sqlx+".PreparexContext", Prepare, sqlArg(2), handleArg(1), returns(Stmt), ctx)

	// pgx helpers that take ownership of rows.
	fn(pgx+".CollectRows", Other)
	fn(pgx+".CollectOneRow", Other)
	fn(pgx+".CollectExactlyOneRow", Other)
	fn(pgx+".ForEachRow", Other)
	fn(pgx+".BeginFunc", Begin, handleArg(1), ctx)
	fn(pgx+".BeginTxFunc", Begin, handleArg(1), ctx)

	// pgxpool.Pool
	pgxSession(pgxpool + ".Pool")
	meth(pgxpool+".Pool", Begin, "BeginTx", returns(Tx), ctx)
	meth(pgxpool+".Pool", Acquire, "Acquire", returns(Conn), ctx)
	meth(pgxpool+".Pool", Acquire, "AcquireFunc AcquireAllIdle", ctx)
	meth(pgxpool+".Pool", Ping, "Ping", ctx)
	meth(pgxpool+".Pool", Close, "Close")
	meth(pgxpool+".Pool", Other, "Config Stat Reset")
	// pgxpool.Conn
	pgxSession(pgxpool + ".Conn")
	meth(pgxpool+".Conn", Begin, "BeginTx", returns(Tx), ctx)
	meth(pgxpool+".Conn", Release, "Release Hijack")
	meth(pgxpool+".Conn", Ping, "Ping", ctx)
	meth(pgxpool+".Conn", Other, "Conn")
	// pgxpool.Tx is a concrete type too.
	pgxSession(pgxpool + ".Tx")
	meth(pgxpool+".Tx", Prepare, "Prepare", sqlArg(2), ctx)
	meth(pgxpool+".Tx", Commit, "Commit", ctx)
	meth(pgxpool+".Tx", Rollback, "Rollback", ctx)
	// pgx.Conn
	pgxSession(pgx + ".Conn")
	meth(pgx+".Conn", Begin, "BeginTx", returns(Tx), ctx)
	meth(pgx+".Conn", Prepare, "Prepare", sqlArg(2), ctx)
	meth(pgx+".Conn", Close, "Close", ctx)
	meth(pgx+".Conn", Ping, "Ping", ctx)
	meth(pgx+".Conn", Other, "Deallocate DeallocateAll PgConn Config IsClosed")
	// pgx.Tx (interface)
	pgxSession(pgx + ".Tx")
	meth(pgx+".Tx", Prepare, "Prepare", sqlArg(2), ctx)
	meth(pgx+".Tx", Commit, "Commit", ctx)
	meth(pgx+".Tx", Rollback, "Rollback", ctx)
	meth(pgx+".Tx", Other, "Conn LargeObjects")
	// pgx.Rows / BatchResults
	meth(pgx+".Rows", Close, "Close")
	meth(pgx+".Rows", Other, "Next Err Scan Values RawValues CommandTag FieldDescriptions Conn")
	meth(pgx+".BatchResults", Close, "Close")
	meth(pgx+".BatchResults", Other, "Exec Query QueryRow")
	meth(pgx+".Batch", Other, "Queue", sqlArg(0)) // queued SQL: what sqlpattern and schemacheck read
	// pgconn.PgConn
	meth(pgconn+".PgConn", Exec, "Exec", sqlArg(1), ctx)
	meth(pgconn+".PgConn", Exec, "ExecParams", sqlArg(1), ctx)
	meth(pgconn+".PgConn", Prepare, "Prepare", sqlArg(2), ctx)
	meth(pgconn+".PgConn", Close, "Close", ctx)

	// database/sql
	sqlMethods(sqlpkg + ".DB")
	meth(sqlpkg+".DB", Begin, "Begin", returns(Tx))
	meth(sqlpkg+".DB", Begin, "BeginTx", returns(Tx), ctx)
	meth(sqlpkg+".DB", Acquire, "Conn", returns(Conn), ctx)
	meth(sqlpkg+".DB", Ping, "Ping PingContext")
	meth(sqlpkg+".DB", Close, "Close")
	meth(sqlpkg+".DB", Settings, "SetMaxOpenConns SetMaxIdleConns SetConnMaxLifetime SetConnMaxIdleTime")
	sqlMethods(sqlpkg + ".Tx")
	meth(sqlpkg+".Tx", Commit, "Commit")
	meth(sqlpkg+".Tx", Rollback, "Rollback")
	meth(sqlpkg+".Tx", Other, "Stmt StmtContext")
	meth(sqlpkg+".Conn", Query, "QueryContext QueryRowContext", sqlArg(1), returns(Rows), ctx)
	meth(sqlpkg+".Conn", Exec, "ExecContext", sqlArg(1), ctx)
	meth(sqlpkg+".Conn", Prepare, "PrepareContext", sqlArg(1), returns(Stmt), ctx)
	meth(sqlpkg+".Conn", Begin, "BeginTx", returns(Tx), ctx)
	meth(sqlpkg+".Conn", Close, "Close")
	meth(sqlpkg+".Conn", Ping, "PingContext", ctx)
	meth(sqlpkg+".Stmt", Query, "Query QueryRow", returns(Rows))
	meth(sqlpkg+".Stmt", Query, "QueryContext QueryRowContext", returns(Rows), ctx)
	meth(sqlpkg+".Stmt", Exec, "Exec")
	meth(sqlpkg+".Stmt", Exec, "ExecContext", ctx)
	meth(sqlpkg+".Stmt", Close, "Close")
	meth(sqlpkg+".Rows", Close, "Close")
	meth(sqlpkg+".Rows", Other, "Next Err Scan Columns ColumnTypes NextResultSet")

	// sqlx (DB and Tx embed *sql.DB / *sql.Tx; these are their own methods)
	sqlxMethods(sqlx + ".DB")
	meth(sqlx+".DB", Begin, "Beginx MustBegin", returns(Tx))
	meth(sqlx+".DB", Begin, "BeginTxx MustBeginTx", returns(Tx), ctx)
	meth(sqlx+".DB", Acquire, "Connx", returns(Conn), ctx)
	sqlxMethods(sqlx + ".Tx")
	meth(sqlx+".Conn", Query, "QueryxContext QueryRowxContext", sqlArg(1), returns(Rows), ctx)
	meth(sqlx+".Conn", Query, "SelectContext GetContext", sqlArg(2), ctx)
	meth(sqlx+".Conn", Begin, "BeginTxx", returns(Tx), ctx)
	meth(sqlx+".Rows", Other, "StructScan MapScan SliceScan")
	// Prepared statements: the SQL was given to Preparex/PrepareNamed.
	// (*sqlx.Stmt).Exec/Query come from the embedded *sql.Stmt.
	for _, typ := range []string{sqlx + ".Stmt", sqlx + ".NamedStmt"} {
		meth(typ, Query, "Get Select Queryx QueryRowx")
		meth(typ, Query, "GetContext SelectContext QueryxContext QueryRowxContext", ctx)
		meth(typ, Exec, "MustExec")
		meth(typ, Exec, "MustExecContext", ctx)
	}
	meth(sqlx+".NamedStmt", Query, "Query QueryRow")
	meth(sqlx+".NamedStmt", Query, "QueryContext QueryRowContext", ctx)
	meth(sqlx+".NamedStmt", Exec, "Exec")
	meth(sqlx+".NamedStmt", Exec, "ExecContext", ctx)
	meth(sqlx+".NamedStmt", Close, "Close")

	// gorm
	meth(gorm+".DB", Query, "Raw", sqlArg(0))
	meth(gorm+".DB", Exec, "Exec", sqlArg(0))
	meth(gorm+".DB", Query, "Find First Last Take Scan Pluck Count Rows Row FindInBatches FirstOrInit FirstOrCreate")
	meth(gorm+".DB", Exec, "Create CreateInBatches Save Delete Update Updates UpdateColumn UpdateColumns")
	meth(gorm+".DB", Exec, "AutoMigrate") // creates and alters tables
	meth(gorm+".DB", Begin, "Begin Transaction", returns(Tx))
	meth(gorm+".DB", Commit, "Commit")
	meth(gorm+".DB", Rollback, "Rollback")
	meth(gorm+".DB", Other, "Where Or Not Select Order Limit Offset Joins Preload Model Table WithContext Session Debug Clauses Group Having Distinct Omit Attrs Assign Unscoped Scopes DB Migrator")
}

// FullName is the key of fn in the tables: "pkg.Func" or "pkg.Type.Method"
// (pointer receivers and type arguments dropped). It is "" for builtins and
// funcs without a package.
func FullName(fn *types.Func) string {
	if fn == nil || fn.Pkg() == nil {
		return ""
	}
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return fn.Pkg().Path() + "." + fn.Name()
	}
	named := namedOf(sig.Recv().Type())
	if named == nil {
		return ""
	}
	obj := named.Obj()
	if obj.Pkg() == nil {
		return ""
	}
	return obj.Pkg().Path() + "." + obj.Name() + "." + fn.Name()
}

// Lookup returns the API for fn, if it is a known one.
func Lookup(fn *types.Func) (API, bool) {
	name := FullName(fn)
	if name == "" {
		return API{}, false
	}
	if a, ok := methods[name]; ok {
		return a, true
	}
	a, ok := funcs[name]
	return a, ok
}

// namedOf strips pointers and returns the named type, if any.
func namedOf(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	t = types.Unalias(t)
	n, _ := t.(*types.Named)
	if n != nil {
		n = n.Origin()
	}
	return n
}

// TypeName returns "pkgpath.Name" of t (pointers stripped), or "".
func TypeName(t types.Type) string {
	n := namedOf(t)
	if n == nil || n.Obj().Pkg() == nil {
		return ""
	}
	return n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// ShortName is how messages name an API: "pgxpool.New", "sql.DB.Query".
func ShortName(fn *types.Func) string {
	if fn == nil || fn.Pkg() == nil {
		return ""
	}
	if sig, _ := fn.Type().(*types.Signature); sig != nil && sig.Recv() != nil {
		if n := namedOf(sig.Recv().Type()); n != nil {
			return n.Obj().Pkg().Name() + "." + n.Obj().Name() + "." + fn.Name()
		}
	}
	return fn.Pkg().Name() + "." + fn.Name()
}
