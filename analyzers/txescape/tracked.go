package txescape

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// tracked is a variable whose value must not outlive its function.
type tracked struct {
	kind   kind
	driver string // "pgx" or "sql" (database/sql, sqlx, gorm)
	name   string // the variable holding it
	typ    string
	holder string // a value built around it (q := New(tx)), if that is what escapes
}

type kind int

const (
	txKind      kind = iota // a transaction
	connKind                // an acquired connection
	requestKind             // a handle bound to the request's context
)

func (t *tracked) label() string {
	what := map[kind]string{txKind: "transaction", connKind: "connection", requestKind: "request-scoped"}[t.kind]
	s := fmt.Sprintf("%s %s (%s)", what, t.name, t.typ)
	if t.holder != "" {
		s = fmt.Sprintf("%s, held by %s,", s, t.holder)
	}
	return s
}

// failure is what breaks, with the measured driver errors, for the help.
func (t *tracked) failure() string {
	switch {
	case t.kind == txKind && t.driver == "pgx":
		return `Once this function commits or rolls back, its statements fail with "tx is closed", and before that they race this function's own on the one connection ("conn busy").`
	case t.kind == txKind:
		return `Once this function commits or rolls back, its statements fail with "sql: transaction has already been committed or rolled back".`
	case t.kind == connKind && t.driver == "pgx":
		return `Once this function releases it, using it panics (nil pointer dereference) or runs on a connection another request now holds, and before that its statements race this function's own ("conn busy").`
	case t.kind == connKind:
		return `Once this function closes it, its statements fail with "sql: connection is already closed".`
	}
	return `The request's context is canceled when the handler returns, and its statements then fail with "context canceled".`
}

// shortFailure is failure in a few words, for the one-line message.
func (t *tracked) shortFailure() string {
	switch {
	case t.kind == txKind && t.driver == "pgx":
		return `"tx is closed"`
	case t.kind == txKind:
		return "the transaction is already over"
	case t.kind == connKind && t.driver == "pgx":
		return "it is used after Release"
	case t.kind == connKind:
		return `"sql: connection is already closed"`
	}
	return `"context canceled"`
}

func (t *tracked) fix() string {
	switch t.kind {
	case connKind:
		return "pass the pool to the background work and run its statements on the pool (or acquire there), with a context that is not the request's (context.WithoutCancel(ctx) or the worker's own)"
	case requestKind:
		return "pass the pool to the background work with a context that is not the request's (context.WithoutCancel(r.Context()) or the worker's own)"
	}
	return "pass the pool to the background work and begin a fresh transaction there, with a context that is not the request's (context.WithoutCancel(ctx) or the worker's own)"
}

const gormDB = "gorm.io/gorm.DB"

// trackedIn finds the tracked variables of an outermost function (its
// nested function literals included): by type, gorm handles by where they
// come from, and local values built to hold one.
func (c *checker) trackedIn(outer ast.Node) map[*types.Var]*tracked {
	if m, ok := c.tracked[outer]; ok {
		return m
	}
	info := c.pass.TypesInfo
	m := map[*types.Var]*tracked{}
	ast.Inspect(outer, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := info.Defs[id].(*types.Var); ok && !v.IsField() {
				if t := c.byType(v); t != nil {
					m[v] = t
				}
			}
		}
		return true
	})
	for _, call := range c.idx.Calls {
		if call.Expr.Pos() < outer.Pos() || call.Expr.End() > outer.End() {
			continue
		}
		switch name := dbapi.FullName(call.Func); {
		case name == gormDB+".Begin":
			if v := assigned(info, call); v != nil {
				m[v] = &tracked{kind: txKind, driver: "sql", name: v.Name(), typ: "*gorm.DB from Begin"}
			}
		case name == gormDB+".WithContext" && call.InHandler:
			if v := assigned(info, call); v != nil {
				m[v] = &tracked{kind: requestKind, driver: "sql", name: v.Name(), typ: "*gorm.DB"}
			}
		case name == gormDB+".Transaction" && len(call.Expr.Args) > 0:
			if lit, ok := ast.Unparen(call.Expr.Args[0]).(*ast.FuncLit); ok && len(lit.Type.Params.List) > 0 && len(lit.Type.Params.List[0].Names) > 0 {
				if v, ok := info.Defs[lit.Type.Params.List[0].Names[0]].(*types.Var); ok {
					m[v] = &tracked{kind: txKind, driver: "sql", name: v.Name(), typ: "*gorm.DB in a Transaction callback"}
				}
			}
		}
	}
	c.addHolders(outer, m)
	c.tracked[outer] = m
	return m
}

// byType: transactions, and connections of the types Acquire hands out.
func (c *checker) byType(v *types.Var) *tracked {
	t := v.Type()
	h, ok := c.idx.Classifier.Handle(t)
	if !ok {
		return nil
	}
	driver := "sql"
	if strings.HasPrefix(dbapi.TypeName(t), "github.com/jackc/pgx/") {
		driver = "pgx"
	}
	typ := types.TypeString(t, func(p *types.Package) string { return p.Name() })
	switch {
	case h == dbapi.Tx:
		return &tracked{kind: txKind, driver: driver, name: v.Name(), typ: typ}
	case h == dbapi.Conn:
		if _, ok := c.idx.Classifier.ResourceOf(dbapi.API{Kind: dbapi.Acquire}, t); ok {
			return &tracked{kind: connKind, driver: driver, name: v.Name(), typ: typ}
		}
	}
	return nil
}

// addHolders tracks local variables assigned a value holding a tracked one
// (job := Job{Tx: tx}; q := queries.WithTx(tx)), until nothing changes.
func (c *checker) addHolders(outer ast.Node, m map[*types.Var]*tracked) {
	info := c.pass.TypesInfo
	for changed := true; changed; {
		changed = false
		ast.Inspect(outer, func(n ast.Node) bool {
			var lhs []*ast.Ident
			var rhs []ast.Expr
			switch s := n.(type) {
			case *ast.AssignStmt:
				if len(s.Lhs) != len(s.Rhs) {
					return true
				}
				for _, l := range s.Lhs {
					id, _ := ast.Unparen(l).(*ast.Ident)
					lhs = append(lhs, id)
				}
				rhs = s.Rhs
			case *ast.ValueSpec:
				if len(s.Names) != len(s.Values) {
					return true
				}
				lhs, rhs = s.Names, s.Values
			default:
				return true
			}
			for i, id := range lhs {
				if id == nil {
					continue
				}
				v, ok := info.ObjectOf(id).(*types.Var)
				if !ok || m[v] != nil || dbindex.IsPackageLevel(v) {
					continue
				}
				if t := c.carried(m, rhs[i]); t != nil {
					held := *t
					held.holder = v.Name()
					m[v] = &held
					changed = true
				}
			}
			return true
		})
	}
}

// assigned is the variable a call's (first) result is assigned to.
func assigned(info *types.Info, call *dbindex.Call) *types.Var {
	switch p := call.Cursor.Parent().Node().(type) {
	case *ast.AssignStmt:
		if len(p.Rhs) == 1 && len(p.Lhs) >= 1 {
			if id, ok := ast.Unparen(p.Lhs[0]).(*ast.Ident); ok {
				v, _ := info.ObjectOf(id).(*types.Var)
				return v
			}
		}
	case *ast.ValueSpec:
		if len(p.Values) == 1 && len(p.Names) >= 1 {
			v, _ := info.Defs[p.Names[0]].(*types.Var)
			return v
		}
	}
	return nil
}
