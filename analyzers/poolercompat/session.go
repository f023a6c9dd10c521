package poolercompat

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// measuredWith names the pooler the quoted errors were measured through
// (integration/drivers/poolercompat TestPoolerSessionFeatures proves them
// again on every run).
const measuredWith = "PgBouncer 1.18, pool_mode=transaction"

// sessionText is what the rule says about one kind of session feature.
type sessionText struct {
	// message is the one-line finding; %s is the feature's name.
	message string
	// measured is what happens through the pooler, with the exact error.
	measured string
	// fix is the way out.
	fix string
}

var sessionTexts = map[featureKind]sessionText{
	featSet: {
		message:  "session SET %s through a transaction-mode pooler: later transactions miss it, other clients inherit it",
		measured: "the next transaction runs on another server connection without the setting (SHOW statement_timeout: 0 after SET statement_timeout = 1234), and the server connection that ran SET keeps 1234ms for whichever client the pooler gives it next",
		fix:      "use SET LOCAL (or set_config(…, true)) inside the transaction that needs it, or set it per role or database (ALTER ROLE … SET); AfterConnect does not help, it runs on one server connection",
	},
	featSetConfig: {
		message:  "set_config(%s, …, false) through a transaction-mode pooler: later transactions miss it, others get it",
		measured: "the next transaction runs on another server connection without the setting (SHOW statement_timeout: 0 after set_config('statement_timeout', '1234', false)), and the server connection that ran it keeps 1234ms for other clients",
		fix:      "pass true as the third argument inside the transaction that needs the setting (it then ends with the transaction), or set it per role or database (ALTER ROLE … SET)",
	},
	featReset: {
		message:  "RESET %s through a transaction-mode pooler resets whichever server connection runs it, not the one that SET it",
		measured: "RESET statement_timeout ran on another server connection, and the one that ran SET statement_timeout = 1234 still had 1234ms",
		fix:      "use SET LOCAL inside the transaction instead of SET … RESET",
	},
	featAdvisory: {
		message:  "session advisory lock %s via a transaction-mode pooler: unlock runs elsewhere, lock stays held",
		measured: "pg_advisory_unlock in a later transaction runs on another server connection and answers false with `WARNING: you don't own a lock of type ExclusiveLock`; the lock stays with the first server connection, so pg_try_advisory_lock answers false for every client until the pooler closes that connection",
		fix:      "take pg_advisory_xact_lock / pg_try_advisory_xact_lock inside a transaction (released when it ends), or take session locks over a direct connection to the server",
	},
	featListen: {
		message:  "LISTEN %s through a transaction-mode pooler: notifications go to a server connection this client does not keep",
		measured: "after LISTEN and a NOTIFY on the channel, the listening client received nothing (WaitForNotification timed out), while the server connection that ran LISTEN, now another client's, still listed the channel in pg_listening_channels()",
		fix:      "LISTEN on a dedicated connection that bypasses the pooler (a pgx.Conn to the server itself, or a session-mode pooler port)",
	},
	featUnlisten: {
		message:  "UNLISTEN %s through a transaction-mode pooler stops listening on whichever server connection runs it",
		measured: "UNLISTEN ran on another server connection, and the one that ran LISTEN still listed the channel in pg_listening_channels()",
		fix:      "LISTEN and UNLISTEN on a dedicated connection that bypasses the pooler",
	},
	featTempTable: {
		message:  "temporary table %s without ON COMMIT DROP through a transaction-mode pooler: later transactions can't see it",
		measured: "the next transaction on another server connection fails with `ERROR: relation \"…\" does not exist (SQLSTATE 42P01)`, and the table stays on the first server connection, where CREATE fails for the next client that gets it",
		fix:      "create it with ON COMMIT DROP and use it inside one transaction",
	},
	featHoldCursor: {
		message:  "cursor %s WITH HOLD through a transaction-mode pooler: a FETCH in a later transaction runs elsewhere",
		measured: "a FETCH in the next transaction on another server connection fails with `ERROR: cursor \"…\" does not exist (SQLSTATE 34000)`",
		fix:      "declare the cursor without WITH HOLD and fetch inside the same transaction, or use a connection that bypasses the pooler",
	},
	featPrepare: {
		message:  "SQL PREPARE %s through a transaction-mode pooler: EXECUTE in a later transaction runs elsewhere",
		measured: "EXECUTE in the next transaction on another server connection fails with `ERROR: prepared statement \"…\" does not exist (SQLSTATE 26000)`",
		fix:      "pass the arguments to the query itself (pgx's cache_describe mode keeps no named statement on the server), or use a connection that bypasses the pooler",
	},
}

func sessionHelp(kind featureKind, evidence string) string {
	t := sessionTexts[kind]
	return fmt.Sprintf("This handle reaches a transaction-mode pooler (%s). Measured through %s: %s. Fix: %s.", evidence, measuredWith, t.measured, t.fix)
}

// binder knows which handles and configs reach a pooler: those built from
// a connection string or config the rule judged to be a pooler's, and what
// the package derives from them (a transaction begun on a pool, the pool
// kept in a struct field, handed to a function, returned by one).
type binder struct {
	info *types.Info
	// seeds are the calls and literals that take a pooler's DSN, with the
	// evidence.
	seeds map[ast.Node]string
	objs  map[types.Object]string
	funcs map[*types.Func]string
}

// dbPackages are where functions that carry a handle or config live.
var dbPackages = []string{
	"github.com/jackc/pgx/", "database/sql", "github.com/jmoiron/sqlx", "gorm.io/", "github.com/lib/pq",
	"github.com/golang-migrate/migrate/", "github.com/pressly/goose/", "ariga.io/atlas",
}

func isDBPackage(fn *types.Func) bool {
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	p := fn.Pkg().Path()
	for _, prefix := range dbPackages {
		if p == strings.TrimSuffix(prefix, "/") || strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// connectHooks are pgx config fields whose function runs on a connection
// the pooler hands out.
var connectHooks = map[string]bool{"AfterConnect": true, "BeforeAcquire": true, "PrepareConn": true, "AfterRelease": true}

func newBinder(pass *analysis.Pass, idx *dbindex.Index, seeds map[ast.Node]string) *binder {
	b := &binder{info: pass.TypesInfo, seeds: seeds, objs: map[types.Object]string{}, funcs: map[*types.Func]string{}}
	if len(seeds) == 0 {
		return b
	}
	changed := true
	link := func(target ast.Expr, ev string) {
		if o := dbindex.NamedVar(b.info, target); o != nil && b.objs[o] == "" {
			b.objs[o], changed = ev, true
		}
	}
	linkParams := func(ft *ast.FuncType, ev string) {
		for _, f := range ft.Params.List {
			for _, n := range f.Names {
				link(n, ev)
			}
		}
	}
	for round := 0; changed && round < 8; round++ {
		changed = false
		for c := range idx.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.ValueSpec)(nil), (*ast.KeyValueExpr)(nil),
			(*ast.CallExpr)(nil), (*ast.ReturnStmt)(nil)) {
			switch n := c.Node().(type) {
			case *ast.AssignStmt:
				for i, r := range n.Rhs {
					if lit, ok := ast.Unparen(r).(*ast.FuncLit); ok && i < len(n.Lhs) {
						if sel, ok := ast.Unparen(n.Lhs[i]).(*ast.SelectorExpr); ok && connectHooks[sel.Sel.Name] {
							if ev := b.bound(sel.X); ev != "" {
								linkParams(lit.Type, ev)
							}
						}
						continue
					}
					ev := b.bound(r)
					if ev == "" {
						continue
					}
					if len(n.Lhs) == len(n.Rhs) {
						link(n.Lhs[i], ev)
					} else if len(n.Lhs) > 0 {
						link(n.Lhs[0], ev)
					}
				}
			case *ast.ValueSpec:
				for i, r := range n.Values {
					if ev := b.bound(r); ev != "" && len(n.Names) > 0 {
						if len(n.Names) == len(n.Values) {
							link(n.Names[i], ev)
						} else {
							link(n.Names[0], ev)
						}
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok {
					if ev := b.bound(n.Value); ev != "" {
						if f, ok := b.info.ObjectOf(k).(*types.Var); ok && f.IsField() && b.objs[f] == "" {
							b.objs[f], changed = ev, true
						}
					}
				}
			case *ast.CallExpr:
				fn, _ := typeutil.Callee(b.info, n).(*types.Func)
				decl := idx.Decls[fn]
				if decl == nil {
					continue
				}
				params := decl.Type.Params.List
				var names []*ast.Ident
				for _, f := range params {
					names = append(names, f.Names...)
				}
				for i, a := range n.Args {
					if i < len(names) {
						if ev := b.bound(a); ev != "" {
							link(names[i], ev)
						}
					}
				}
			case *ast.ReturnStmt:
				var fn *types.Func
				for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
					if d, ok := e.Node().(*ast.FuncDecl); ok {
						fn, _ = b.info.Defs[d.Name].(*types.Func)
					}
					break
				}
				if fn == nil || b.funcs[fn] != "" {
					continue
				}
				for _, r := range n.Results {
					if ev := b.bound(r); ev != "" {
						b.funcs[fn], changed = ev, true
						break
					}
				}
			}
		}
	}
	return b
}

// bound returns the evidence that e is a handle or config that reaches a
// pooler, or "".
func (b *binder) bound(e ast.Expr) string {
	if len(b.seeds) == 0 || e == nil {
		return ""
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr:
		if o := dbindex.NamedVar(b.info, x); o != nil {
			return b.objs[o]
		}
	case *ast.StarExpr:
		return b.bound(x.X)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return b.bound(x.X)
		}
	case *ast.CompositeLit:
		return b.seeds[x]
	case *ast.CallExpr:
		if ev := b.seeds[x]; ev != "" {
			return ev
		}
		fn, _ := typeutil.Callee(b.info, x).(*types.Func)
		if fn == nil {
			return ""
		}
		if ev := b.funcs[fn]; ev != "" {
			return ev
		}
		if !isDBPackage(fn) {
			return ""
		}
		if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok && fn.Signature().Recv() != nil {
			if ev := b.bound(sel.X); ev != "" {
				return ev // pool.Begin(ctx), db.WithContext(ctx), gormDB.DB()
			}
		}
		for _, a := range x.Args {
			if ev := b.bound(a); ev != "" {
				return ev // pgxpool.NewWithConfig(ctx, cfg), gorm.Open(postgres.Open(dsn))
			}
		}
	}
	return ""
}

// checkSessionSQL reports literal SQL that uses session state, run on a
// handle that reaches a pooler: by a method of the handle, or by a
// package-level function given the handle (sqlx.MustExec(db, …)).
func checkSessionSQL(pass *analysis.Pass, checkTests bool, idx *dbindex.Index, b *binder, report func(analysis.Diagnostic, string)) {
	for _, call := range idx.Calls {
		i := call.API.SQLArg
		if call.Test && !checkTests || call.Handle == nil || i < 0 || i >= len(call.Expr.Args) {
			continue
		}
		ev := b.bound(call.Handle) // the receiver, or sqlx.Get(db, …)'s db
		if ev == "" {
			continue
		}
		arg := call.Expr.Args[i]
		tv, ok := pass.TypesInfo.Types[arg]
		if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
			continue
		}
		for _, f := range sessionFeatures(constant.StringVal(tv.Value)) {
			n := f.name
			switch {
			case n == "":
				n = "…"
			case f.kind == featSetConfig:
				n = "'" + n + "'"
			}
			report(analysis.Diagnostic{Pos: arg.Pos(), End: arg.End(), Message: fmt.Sprintf(sessionTexts[f.kind].message, n)}, sessionHelp(f.kind, ev))
		}
	}
}
