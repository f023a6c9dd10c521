package dbapi

import (
	"go/types"
)

// A project's own querier interfaces (an sqlc DBTX, a repository's
// `execer`, an interface satisfied by both *sql.DB and *sql.Tx) are how
// much of real code reaches the database. Their methods are recognised by
// their whole signature — name, parameters and results — as the methods of
// the database types they abstract, never by name alone: a cache's
// Get(ctx, key string) (string, error) or a shell runner's
// ExecContext(ctx, cmd string, args ...any) error is not a database call.

// shape is the signature of one database method as an interface declares it.
type shape struct {
	kind    Kind
	params  []string // "ctx", "string", "any", "...any", or a type as types.TypeString prints it
	results []string // types as types.TypeString prints them
}

const (
	sqlResult  = "database/sql.Result"
	sqlRows    = "*database/sql.Rows"
	sqlRow     = "*database/sql.Row"
	sqlStmt    = "*database/sql.Stmt"
	sqlxRows   = "*" + sqlx + ".Rows"
	sqlxRow    = "*" + sqlx + ".Row"
	pgxRows    = pgx + ".Rows"
	pgxRow     = pgx + ".Row"
	commandTag = pgconn + ".CommandTag"
)

// interfaceShapes are the statement methods of database/sql, sqlx and pgx
// handles, by method name; a name may have several shapes (database/sql's
// Exec and pgx's).
var interfaceShapes = map[string][]shape{
	// database/sql: *sql.DB, *sql.Tx, *sql.Conn, and sqlx's embedding types.
	"Exec":            {{Exec, []string{"string", "...any"}, []string{sqlResult, "error"}}, {Exec, []string{"ctx", "string", "...any"}, []string{commandTag, "error"}}},
	"ExecContext":     {{Exec, []string{"ctx", "string", "...any"}, []string{sqlResult, "error"}}},
	"Query":           {{Query, []string{"string", "...any"}, []string{sqlRows, "error"}}, {Query, []string{"ctx", "string", "...any"}, []string{pgxRows, "error"}}},
	"QueryContext":    {{Query, []string{"ctx", "string", "...any"}, []string{sqlRows, "error"}}},
	"QueryRow":        {{Query, []string{"string", "...any"}, []string{sqlRow}}, {Query, []string{"ctx", "string", "...any"}, []string{pgxRow}}},
	"QueryRowContext": {{Query, []string{"ctx", "string", "...any"}, []string{sqlRow}}},
	"Prepare":         {{Prepare, []string{"string"}, []string{sqlStmt, "error"}}},
	"PrepareContext":  {{Prepare, []string{"ctx", "string"}, []string{sqlStmt, "error"}}},
	// sqlx: Queryer, Execer, ExtContext and hand-written equivalents.
	"Get":               {{Query, []string{"any", "string", "...any"}, []string{"error"}}},
	"Select":            {{Query, []string{"any", "string", "...any"}, []string{"error"}}},
	"GetContext":        {{Query, []string{"ctx", "any", "string", "...any"}, []string{"error"}}},
	"SelectContext":     {{Query, []string{"ctx", "any", "string", "...any"}, []string{"error"}}},
	"Queryx":            {{Query, []string{"string", "...any"}, []string{sqlxRows, "error"}}},
	"QueryxContext":     {{Query, []string{"ctx", "string", "...any"}, []string{sqlxRows, "error"}}},
	"QueryRowx":         {{Query, []string{"string", "...any"}, []string{sqlxRow}}},
	"QueryRowxContext":  {{Query, []string{"ctx", "string", "...any"}, []string{sqlxRow}}},
	"NamedExec":         {{Exec, []string{"string", "any"}, []string{sqlResult, "error"}}},
	"NamedExecContext":  {{Exec, []string{"ctx", "string", "any"}, []string{sqlResult, "error"}}},
	"NamedQuery":        {{Query, []string{"string", "any"}, []string{sqlxRows, "error"}}},
	"NamedQueryContext": {{Query, []string{"ctx", "string", "any"}, []string{sqlxRows, "error"}}},
	"MustExec":          {{Exec, []string{"string", "...any"}, []string{sqlResult}}},
	"MustExecContext":   {{Exec, []string{"ctx", "string", "...any"}, []string{sqlResult}}},
}

// InterfaceMethod classifies a method declared by an interface type by its
// signature: it is a database call when it has the whole signature of one
// of the statement methods of database/sql, sqlx or pgx handles. The API's
// SQLArg is the SQL text parameter.
func InterfaceMethod(fn *types.Func) (API, bool) {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil || !types.IsInterface(sig.Recv().Type()) {
		return API{}, false
	}
	for _, s := range interfaceShapes[fn.Name()] {
		if !s.matches(sig) {
			continue
		}
		a := API{Name: FullName(fn), Kind: s.kind, DSNArg: -1, DriverArg: -1, SQLArg: -1, HandleArg: -1}
		if a.Name == "" {
			a.Name = types.TypeString(sig.Recv().Type(), nil) + "." + fn.Name()
		}
		for i, p := range s.params {
			switch p {
			case "ctx":
				a.Context = true
			case "string":
				if a.SQLArg < 0 {
					a.SQLArg = i
				}
			}
		}
		return a, true
	}
	return API{}, false
}

func (s shape) matches(sig *types.Signature) bool {
	params, results := sig.Params(), sig.Results()
	if params.Len() != len(s.params) || results.Len() != len(s.results) {
		return false
	}
	variadic := len(s.params) > 0 && s.params[len(s.params)-1] == "...any"
	if sig.Variadic() != variadic {
		return false
	}
	for i, want := range s.params {
		t := params.At(i).Type()
		switch want {
		case "ctx":
			if TypeName(t) != "context.Context" {
				return false
			}
		case "string":
			if !isString(t) {
				return false
			}
		case "any":
			if !isEmptyInterface(t) {
				return false
			}
		case "...any":
			sl, ok := t.(*types.Slice)
			if !ok || !isEmptyInterface(sl.Elem()) {
				return false
			}
		}
	}
	for i, want := range s.results {
		if types.TypeString(types.Unalias(results.At(i).Type()), nil) != want {
			return false
		}
	}
	return true
}

func isEmptyInterface(t types.Type) bool {
	iface, ok := types.Unalias(t).Underlying().(*types.Interface)
	return ok && iface.Empty()
}

// hasDatabaseMethod reports whether the interface declares at least one
// method with the whole signature of a database statement method.
func hasDatabaseMethod(iface *types.Interface) bool {
	for i := 0; i < iface.NumMethods(); i++ {
		if _, ok := InterfaceMethod(iface.Method(i)); ok {
			return true
		}
	}
	return false
}

// connectorFuncs build a database/sql driver.Connector from a DSN: where a
// program built on sql.OpenDB reads its connection settings.
var connectorFuncs = map[string]bool{
	libpq + ".NewConnector": true,
}

// BuildsConnector reports whether the API builds a driver.Connector from a
// DSN (pq.NewConnector): the inventory counts it as a construction.
func (a API) BuildsConnector() bool { return connectorFuncs[a.Name] }
