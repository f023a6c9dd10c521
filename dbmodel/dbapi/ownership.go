package dbapi

import (
	"go/types"
	"strings"
)

// Resource describes a value a call hands to its caller that the caller must
// give back on every path: rows, batch results and prepared statements to
// close, a transaction to commit or roll back, an acquired connection to
// release.
type Resource struct {
	Kind HandleKind // Rows, Results, Stmt, Tx or Conn
	// Type names the resource's type for messages: "pgx.Rows", "*sql.Tx".
	Type string
	// Release are the methods that give it back (any one of them will do).
	Release []string
	// Exhausts: Next returning false releases it. True of pgx.Rows (see
	// baseRows.Next in pgx v5 rows.go) and of database/sql Rows (Rows.Next
	// closes them at the end of the last result set).
	Exhausts bool
	// Pgx: the resource belongs to pgx, not database/sql (messages differ).
	Pgx bool
}

// Releases reports whether method gives r back.
func (r Resource) Releases(method string) bool {
	for _, m := range r.Release {
		if m == method {
			return true
		}
	}
	return false
}

// resourceTypes are the types that are resources whatever call returns them.
var resourceTypes = map[string]Resource{
	pgx + ".Rows":         {Kind: Rows, Type: "pgx.Rows", Release: []string{"Close"}, Exhausts: true, Pgx: true},
	pgx + ".BatchResults": {Kind: Results, Type: "pgx.BatchResults", Release: []string{"Close"}, Pgx: true},
	sqlpkg + ".Rows":      {Kind: Rows, Type: "*sql.Rows", Release: []string{"Close"}, Exhausts: true},
	sqlpkg + ".Stmt":      {Kind: Stmt, Type: "*sql.Stmt", Release: []string{"Close"}},
	sqlx + ".Rows":        {Kind: Rows, Type: "*sqlx.Rows", Release: []string{"Close"}, Exhausts: true},
	sqlx + ".Stmt":        {Kind: Stmt, Type: "*sqlx.Stmt", Release: []string{"Close"}},
	sqlx + ".NamedStmt":   {Kind: Stmt, Type: "*sqlx.NamedStmt", Release: []string{"Close"}},
}

// acquiredConns are the connection types an Acquire call hands out.
var acquiredConns = map[string]Resource{
	pgxpool + ".Conn": {Kind: Conn, Type: "*pgxpool.Conn", Release: []string{"Release", "Hijack"}, Pgx: true},
	sqlpkg + ".Conn":  {Kind: Conn, Type: "*sql.Conn", Release: []string{"Close"}},
	sqlx + ".Conn":    {Kind: Conn, Type: "*sqlx.Conn", Release: []string{"Close"}},
}

var txRelease = []string{"Commit", "Rollback"}

// ResourceOf classifies the first result, of static type t, of a call of
// api: rows, batch results and statements by their type; transactions and
// connections only when the call begins or acquires them (a *pgx.Conn from
// pgx.Connect is a construction, a tx read from a context is not the
// reader's to finish).
func (c *Classifier) ResourceOf(api API, t types.Type) (Resource, bool) {
	if t == nil {
		return Resource{}, false
	}
	name := TypeName(t)
	if r, ok := resourceTypes[name]; ok {
		return r, true
	}
	switch api.Kind {
	case Acquire:
		r, ok := acquiredConns[name]
		return r, ok
	case Begin:
		h, ok := c.Handle(t)
		if !ok {
			return Resource{}, false
		}
		if h == Tx || (name == gorm+".DB" && api.Returns == Tx) {
			return Resource{Kind: Tx, Type: typeLabel(t), Release: txRelease, Pgx: strings.HasPrefix(name, pgx)}, true
		}
	}
	return Resource{}, false
}

// typeLabel is "pkg.Name" with the pointer kept: "*sql.Tx", "pgx.Tx".
func typeLabel(t types.Type) string {
	star := ""
	if p, ok := t.(*types.Pointer); ok {
		star, t = "*", p.Elem()
	}
	n := namedOf(t)
	if n == nil || n.Obj().Pkg() == nil {
		return types.TypeString(t, nil)
	}
	return star + n.Obj().Pkg().Name() + "." + n.Obj().Name()
}

// rowsClosers take rows and close them (the index is the rows argument).
// pgx's collectors close rows when they return (rows.go, "defer
// rows.Close()"); scany's ScanAll and ScanOne iterate to the end and close.
var rowsClosers = map[string]int{
	pgx + ".CollectRows":                                  0,
	pgx + ".CollectOneRow":                                0,
	pgx + ".CollectExactlyOneRow":                         0,
	pgx + ".ForEachRow":                                   0,
	pgx + ".AppendRows":                                   1,
	"github.com/georgysavva/scany/v2/pgxscan.ScanAll":     1,
	"github.com/georgysavva/scany/v2/pgxscan.ScanOne":     1,
	"github.com/georgysavva/scany/v2/sqlscan.ScanAll":     1,
	"github.com/georgysavva/scany/v2/sqlscan.ScanOne":     1,
	"github.com/georgysavva/scany/pgxscan.ScanAll":        1,
	"github.com/georgysavva/scany/pgxscan.ScanOne":        1,
	"github.com/georgysavva/scany/sqlscan.ScanAll":        1,
	"github.com/georgysavva/scany/sqlscan.ScanOne":        1,
	"github.com/georgysavva/scany/v2/dbscan.API.ScanAll":  1,
	"github.com/georgysavva/scany/v2/dbscan.API.ScanOne":  1,
	"github.com/georgysavva/scany/v2/pgxscan.API.ScanAll": 1,
	"github.com/georgysavva/scany/v2/pgxscan.API.ScanOne": 1,
	"github.com/georgysavva/scany/v2/sqlscan.API.ScanAll": 1,
	"github.com/georgysavva/scany/v2/sqlscan.API.ScanOne": 1,
}

// rowsBorrowers read from rows passed to them without closing or keeping
// them: pgx's RowTo* mappers (they take one CollectableRow), sqlx's
// StructScan, MapScan and SliceScan (scanAll iterates but never closes;
// sqlx v1.4.0 sqlx.go), gorm's ScanRows.
var rowsBorrowers = map[string]bool{
	sqlx + ".StructScan":  true,
	sqlx + ".MapScan":     true,
	sqlx + ".SliceScan":   true,
	gorm + ".DB.ScanRows": true,
}

// RowsOwnership says what a call of fn does with rows passed as argument i.
type RowsOwnership int

const (
	// RowsUnknown: nothing known about fn; the caller cannot tell.
	RowsUnknown RowsOwnership = iota
	// RowsClosed: fn closes the rows before it returns.
	RowsClosed
	// RowsBorrowed: fn reads the rows and leaves closing them to the caller.
	RowsBorrowed
)

// RowsArg says what fn does with the rows passed as its argument i.
func RowsArg(fn *types.Func, i int) RowsOwnership {
	name := FullName(fn)
	if j, ok := rowsClosers[name]; ok {
		if j == i {
			return RowsClosed
		}
		return RowsBorrowed
	}
	if rowsBorrowers[name] {
		return RowsBorrowed
	}
	if fn.Pkg() != nil && fn.Pkg().Path() == pgx && strings.HasPrefix(fn.Name(), "RowTo") {
		return RowsBorrowed
	}
	return RowsUnknown
}

// fragmentMethods take a fragment of SQL (a WHERE condition, a JOIN clause)
// as their first argument: gorm's query builder. A fragment is not a
// statement (it cannot be prepared), so API.SQLArg leaves it out.
var fragmentMethods = map[string]int{
	gorm + ".DB.Where":  0,
	gorm + ".DB.Or":     0,
	gorm + ".DB.Not":    0,
	gorm + ".DB.Having": 0,
	gorm + ".DB.Joins":  0,
	gorm + ".DB.Order":  0,
	gorm + ".DB.Group":  0,
}

// FragmentArg returns the index of the SQL fragment argument of fn, or -1.
func FragmentArg(fn *types.Func) int {
	if i, ok := fragmentMethods[FullName(fn)]; ok {
		return i
	}
	return -1
}

// driverPrefixes are the import paths of the drivers themselves: their own
// code hands connections, rows and transactions between its types in ways
// no caller may copy, so the cleanup and escape rules leave it alone.
var driverPrefixes = []string{
	"database/sql",
	"github.com/jackc/pgx/",
	"github.com/jackc/pgconn",
	"github.com/jmoiron/sqlx",
	"github.com/lib/pq",
	"gorm.io/gorm",
	"gorm.io/driver/",
}

// IsDriverPackage reports whether path belongs to one of the drivers (their
// examples are user code).
func IsDriverPackage(path string) bool {
	if strings.Contains(path, "/examples/") || strings.Contains(path, "/example/") {
		return false
	}
	for _, p := range driverPrefixes {
		if path == strings.TrimSuffix(p, "/") || strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
