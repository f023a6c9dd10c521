package conncleanup

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// parentReleases are the methods that give back what a batch is sent on:
// an acquired pool connection, a transaction. Given back while its batch
// results are open, the connection is lost under them: pgxpool's Release
// destroys a busy connection (the results then fail with "conn closed"),
// and a transaction's Commit or Rollback fails with "conn busy" and closes
// its connection.
var parentReleases = map[string][]string{
	"github.com/jackc/pgx/v5/pgxpool.Conn": {"Release"},
	"github.com/jackc/pgx/v5/pgxpool.Tx":   {"Commit", "Rollback"},
	"github.com/jackc/pgx/v5.Tx":           {"Commit", "Rollback"},
}

// underRelease is a place where the connection or transaction a batch was
// sent on is given back while the batch results are still open.
type underRelease struct {
	at     *ast.CallExpr
	parent string // the variable holding the connection or transaction
	method string // Release, Commit, Rollback
	// deferred: the results are closed by a defer, which runs after the
	// release (or the release is deferred after the Close and runs first).
	deferred bool
}

// releasedUnder follows the paths from a SendBatch on a local connection
// or transaction variable (br := c.SendBatch(ctx, b)) and returns the first
// place its parent is given back before the results are closed.
func (c *checker) releasedUnder(a *acquisition) *underRelease {
	info := c.pass.TypesInfo
	sel, ok := ast.Unparen(a.call.Expr.Fun).(*ast.SelectorExpr)
	if !ok || a.stmt == nil {
		return nil
	}
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return nil
	}
	parent, ok := info.Uses[id].(*types.Var)
	if !ok || dbindex.IsPackageLevel(parent) {
		return nil
	}
	methods := parentReleases[dbapi.TypeName(parent.Type())]
	if methods == nil {
		return nil
	}
	br := a.track()
	g := c.cfgOf(a.body)
	start, idx := findNode(g, a.stmt)
	if start == nil {
		return nil
	}
	type key struct {
		block    int32
		deferred bool
	}
	visited := map[key]bool{}
	var found *underRelease
	var walk func(b *cfg.Block, from int, deferred bool)
	walk = func(b *cfg.Block, from int, deferred bool) {
		for i := from; i < len(b.Nodes); i++ {
			n := b.Nodes[i]
			if n == a.stmt {
				return // the loop comes back for another batch
			}
			if d, ok := n.(*ast.DeferStmt); ok {
				if c.deferReleases(br, d) {
					deferred = true
				} else if call := c.parentCall(d.Call, parent, methods); call != nil && deferred {
					found = &underRelease{at: call, parent: parent.Name(), method: methodName(call), deferred: true}
					return
				}
				continue
			}
			switch c.event(br, n) {
			case released, overwritten:
				return
			}
			var call *ast.CallExpr
			ast.Inspect(n, func(x ast.Node) bool {
				switch x := x.(type) {
				case *ast.FuncLit:
					return false
				case *ast.CallExpr:
					if call == nil {
						call = c.parentCall(x, parent, methods)
					}
				}
				return call == nil
			})
			if call != nil {
				found = &underRelease{at: call, parent: parent.Name(), method: methodName(call), deferred: deferred}
				return
			}
		}
		for _, s := range b.Succs {
			if k := (key{s.Index, deferred}); !visited[k] && found == nil {
				visited[k] = true
				walk(s, 0, deferred)
			}
		}
	}
	walk(start, idx+1, false)
	return found
}

// parentCall: call is parent.M(...) for M one of methods.
func (c *checker) parentCall(call *ast.CallExpr, parent *types.Var, methods []string) *ast.CallExpr {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !c.isVar(sel.X, parent) {
		return nil
	}
	for _, m := range methods {
		if sel.Sel.Name == m {
			return call
		}
	}
	return nil
}

func methodName(call *ast.CallExpr) string {
	return ast.Unparen(call.Fun).(*ast.SelectorExpr).Sel.Name
}

// underMessage: the batch's connection or transaction is given back under it.
func underMessage(a *acquisition, u *underRelease) string {
	head := fmt.Sprintf("batch results from %s are open when %s.%s runs", dbapi.ShortName(a.call.Func), u.parent, u.method)
	if u.method == "Release" {
		return analyzerutil.OneLine(head, `it closes the busy connection ("conn closed")`)
	}
	return analyzerutil.OneLine(head, `it fails with "conn busy" and closes the connection`)
}

func underHelp(pass *analysis.Pass, a *acquisition, u *underRelease) string {
	line := pass.Fset.Position(u.at.Pos()).Line
	var what string
	if u.method == "Release" {
		what = fmt.Sprintf("%s.Release() at line %d gives the connection back while it is still busy with the batch: "+
			"pgxpool destroys a busy connection, and reading the results afterwards fails with \"conn closed\" "+
			"(or a server error such as \"prepared statement ... does not exist\" while it is being torn down).", u.parent, line)
	} else {
		what = fmt.Sprintf("%s.%s(ctx) at line %d runs while the batch still holds the connection: it fails with \"conn busy\", "+
			"pgx closes the connection, and the transaction is lost (\"tx is closed\"; the results fail with \"conn closed\").", u.parent, u.method, line)
	}
	if u.deferred {
		what += " The results are closed by a defer, which runs only after that."
	}
	return fmt.Sprintf("%s Fix: read the results and call %s.Close() (checking its error) before %s.%s.", what, a.name(), u.parent, u.method)
}
