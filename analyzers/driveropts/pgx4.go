package driveropts

import (
	"go/ast"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/dsn/sites"
)

// pgx4Parsers are pgx v4's functions that parse a connection string:
// package → function → the index of the string argument, and the table
// that judges it.
var pgx4Parsers = map[string]struct {
	sink  string
	funcs map[string]int
}{
	"github.com/jackc/pgx/v4":         {"pgx4", map[string]int{"Connect": 1, "ParseConfig": 0}},
	"github.com/jackc/pgx/v4/pgxpool": {"pgxpool4", map[string]int{"Connect": 1, "ParseConfig": 0}},
	"github.com/jackc/pgconn":         {"pgconn4", map[string]int{"Connect": 1, "ParseConfig": 0}},
}

// pgx4Sites finds the connection strings handed to pgx v4, which the
// database API tables (pgx v5 only) do not know.
func pgx4Sites(pass *analysis.Pass, idx *dbindex.Index, src *dsn.Source) []*sites.Site {
	var out []*sites.Site
	for c := range idx.Inspector.Root().Preorder((*ast.CallExpr)(nil)) {
		call := c.Node().(*ast.CallExpr)
		fn := typeutil.StaticCallee(pass.TypesInfo, call)
		if fn == nil || fn.Pkg() == nil {
			continue
		}
		p, ok := pgx4Parsers[fn.Pkg().Path()]
		if !ok {
			continue
		}
		i, ok := p.funcs[fn.Name()]
		if !ok || i >= len(call.Args) {
			continue
		}
		var enclosing ast.Node
		for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			enclosing = e.Node()
			break
		}
		arg := call.Args[i]
		out = append(out, &sites.Site{Via: sites.ViaArgument, Sink: p.sink, Expr: arg, Enclosing: enclosing,
			Texts: src.Texts(arg, enclosing), Test: idx.IsTest(call.Pos())})
	}
	return out
}
