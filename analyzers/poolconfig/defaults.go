package poolconfig

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// pgxpoolPackages are the pgxpool packages whose ParseConfig always sets
// MaxConns (pgx v5.12.0 and v4.18.3 pgxpool/pool.go ParseConfig:
// pool_max_conns, which must be at least 1, or max(4, runtime.NumCPU())).
var pgxpoolPackages = map[string]bool{
	"github.com/jackc/pgx/v5/pgxpool": true,
	"github.com/jackc/pgx/v4/pgxpool": true,
}

// defaultsAfterParse reports a default for MaxConns applied after
// pgxpool.ParseConfig under a condition that the zero value holds
// (cfg.MaxConns <= 0, == 0, < 1): ParseConfig never leaves it zero, so the
// default is never applied (pgx #1974). A check on a config the code built
// itself, or on a MaxConns the code assigned after parsing, is silent.
func defaultsAfterParse(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	for c := range idx.Inspector.Root().Preorder((*ast.BinaryExpr)(nil)) {
		be := c.Node().(*ast.BinaryExpr)
		if idx.IsTestSupport(be.Pos()) && !cfg.CheckTests {
			continue
		}
		sel, ok := zeroTest(pass.TypesInfo, be)
		if !ok {
			continue
		}
		v, ok := ast.Unparen(sel.X).(*ast.Ident)
		if !ok {
			continue
		}
		obj, ok := pass.TypesInfo.Uses[v].(*types.Var)
		if !ok {
			continue
		}
		var body *ast.BlockStmt
		for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			_, body = dbindex.FuncBody(e.Node())
			break
		}
		if body == nil {
			continue
		}
		parse := parsedBefore(pass.TypesInfo, body, obj, be.Pos())
		if parse == nil {
			continue
		}
		analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{
			Pos: be.Pos(), End: be.End(),
			Message: fmt.Sprintf("%s is never true after %s.ParseConfig, which always sets MaxConns: this default never applies",
				types.ExprString(be), parse.Pkg().Name()),
		}, "pgxpool.ParseConfig sets MaxConns to pool_max_conns (which must be at least 1, else `pool_max_conns too small`) "+
			"or, without it, to max(4, runtime.NumCPU()) (pgxpool/pool.go ParseConfig; pgx #1974)\n"+
			"to default only when the connection string has no pool_max_conns, look for pool_max_conns in the string "+
			"(or add it) before ParseConfig; or set MaxConns unconditionally")
	}
}

// zeroTest returns X.MaxConns of a pgxpool.Config when be holds exactly for
// MaxConns <= 0: MaxConns <= c or == c with c < 1, MaxConns < c with
// c <= 1, or the same with the operands swapped.
func zeroTest(info *types.Info, be *ast.BinaryExpr) (*ast.SelectorExpr, bool) {
	op := be.Op
	field, other := be.X, be.Y
	if _, ok := ast.Unparen(field).(*ast.SelectorExpr); !ok {
		field, other = be.Y, be.X
		switch op { // c >= X means X <= c
		case token.GEQ:
			op = token.LEQ
		case token.GTR:
			op = token.LSS
		case token.LEQ, token.LSS:
			return nil, false
		}
	}
	sel, ok := ast.Unparen(field).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "MaxConns" || !isPgxpoolConfig(info.TypeOf(sel.X)) {
		return nil, false
	}
	tv, ok := info.Types[other]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return nil, false
	}
	c, ok := constant.Int64Val(tv.Value)
	if !ok {
		return nil, false
	}
	switch op {
	case token.LEQ, token.EQL:
		return sel, c < 1
	case token.LSS:
		return sel, c <= 1
	}
	return nil, false
}

func isPgxpoolConfig(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Name() == "Config" && n.Obj().Pkg() != nil && pgxpoolPackages[n.Obj().Pkg().Path()]
}

// parsedBefore returns the pgxpool.ParseConfig function when the last
// assignment to v before pos (in body, in source order) takes
// ParseConfig's result and nothing assigns v.MaxConns between the two;
// else nil.
func parsedBefore(info *types.Info, body *ast.BlockStmt, v *types.Var, pos token.Pos) *types.Func {
	var parse *types.Func
	var setAfter bool
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= pos {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, lhs := range as.Lhs {
			switch l := ast.Unparen(lhs).(type) {
			case *ast.Ident:
				if info.ObjectOf(l) != v {
					continue
				}
				parse, setAfter = nil, false
				if len(as.Rhs) == 1 && i == 0 {
					if call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok {
						if fn := typeutil.StaticCallee(info, call); fn != nil && fn.Name() == "ParseConfig" &&
							fn.Pkg() != nil && pgxpoolPackages[fn.Pkg().Path()] {
							parse = fn
						}
					}
				}
			case *ast.SelectorExpr:
				if x, ok := ast.Unparen(l.X).(*ast.Ident); ok && info.ObjectOf(x) == v && l.Sel.Name == "MaxConns" {
					setAfter = true // the code set MaxConns itself: the check guards its own value
				}
			}
		}
		return true
	})
	if setAfter {
		return nil
	}
	return parse
}
