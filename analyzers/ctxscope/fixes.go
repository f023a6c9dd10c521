package ctxscope

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// The fixes are offered only where they are mechanical and the result
// compiles: the request's context named by a parameter visible at the call,
// and context.WithoutCancel where the file imports context and the
// standard library has it (Go 1.21).

// requestCtxExpr is the expression that gives req's context at pos, or "".
func (c *checker) requestCtxExpr(req *requestFunc, pos token.Pos) string {
	info := c.pass.TypesInfo
	if req.ctxParam != nil {
		return c.visible(req.ctxParam, pos, "")
	}
	ft, _ := dbindex.FuncBody(req.node)
	for _, v := range paramVars(info, ft) {
		if v == nil {
			continue
		}
		switch dbapi.TypeName(v.Type()) {
		case "net/http.Request":
			return c.visible(v, pos, ".Context()")
		case "github.com/gin-gonic/gin.Context":
			return c.visible(v, pos, ".Request.Context()")
		case "github.com/labstack/echo/v4.Context":
			return c.visible(v, pos, ".Request().Context()")
		case "github.com/gofiber/fiber/v2.Ctx", "github.com/gofiber/fiber/v3.Ctx":
			return c.visible(v, pos, ".UserContext()")
		}
	}
	return ""
}

// visible is v's name plus suffix when the name means v at pos.
func (c *checker) visible(v *types.Var, pos token.Pos, suffix string) string {
	if v.Name() == "_" || v.Name() == "" {
		return ""
	}
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return ""
	}
	if _, obj := scope.LookupParent(v.Name(), pos); obj != v {
		return ""
	}
	return v.Name() + suffix
}

// useRequestCtx replaces context.Background() written as arg with the
// request's context, when the file goes on using package context.
func (c *checker) useRequestCtx(f *ast.File, arg ast.Expr, req *requestFunc) []analysis.SuggestedFix {
	if _, ok := ast.Unparen(arg).(*ast.CallExpr); !ok || f == nil {
		return nil
	}
	ctx := c.requestCtxExpr(req, arg.Pos())
	if ctx == "" || c.contextUses(f) < 2 {
		return nil
	}
	return []analysis.SuggestedFix{{
		Message:   "use the request's context",
		TextEdits: []analysis.TextEdit{{Pos: arg.Pos(), End: arg.End(), NewText: []byte(ctx)}},
	}}
}

// contextUses counts the references to package context in f.
func (c *checker) contextUses(f *ast.File) int {
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		if sel, ok := node.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if pn, ok := c.pass.TypesInfo.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == "context" {
					n++
				}
			}
		}
		return true
	})
	return n
}

// contextFormFix: db.Query(q, args...) → db.QueryContext(r.Context(), q,
// args...); db.Begin() → db.BeginTx(r.Context(), nil). Methods only: the
// sqlx package functions' Context forms take a different interface.
func (c *checker) contextFormFix(call *dbindex.Call, req *requestFunc) []analysis.SuggestedFix {
	sel, ok := ast.Unparen(call.Expr.Fun).(*ast.SelectorExpr)
	if !ok || call.Recv == nil {
		return nil
	}
	ctx := c.requestCtxExpr(req, call.Expr.Pos())
	if ctx == "" {
		return nil
	}
	form := contextForm(sel.Sel.Name)
	insert := ctx + ", "
	if form != sel.Sel.Name+"Context" { // BeginTx and friends take options
		if len(call.Expr.Args) > 0 {
			return nil
		}
		insert = ctx + ", nil"
	}
	return []analysis.SuggestedFix{{
		Message: "use " + form + " with the request's context",
		TextEdits: []analysis.TextEdit{
			{Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte(form)},
			{Pos: call.Expr.Lparen + 1, End: call.Expr.Lparen + 1, NewText: []byte(insert)},
		},
	}}
}

// withoutCancel wraps the request's context in context.WithoutCancel.
func (c *checker) withoutCancel(f *ast.File, arg ast.Expr) []analysis.SuggestedFix {
	if f == nil || !importsContext(f) {
		return nil
	}
	scope := c.pass.Pkg.Scope().Innermost(arg.Pos())
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent("context", arg.Pos())
	pn, ok := obj.(*types.PkgName)
	if !ok || pn.Imported().Path() != "context" || pn.Imported().Scope().Lookup("WithoutCancel") == nil {
		return nil // shadowed, or a standard library before Go 1.21
	}
	return []analysis.SuggestedFix{{
		Message: "keep the request's values without its cancellation",
		TextEdits: []analysis.TextEdit{
			{Pos: arg.Pos(), End: arg.Pos(), NewText: []byte("context.WithoutCancel(")},
			{Pos: arg.End(), End: arg.End(), NewText: []byte(")")},
		},
	}}
}

// importsContext: f imports package context under its own name.
func importsContext(f *ast.File) bool {
	for _, imp := range f.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err == nil && path == "context" && (imp.Name == nil || imp.Name.Name == "context") {
			return true
		}
	}
	return false
}

// fileOf is the file holding n.
func (c *checker) fileOf(n ast.Node) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() < f.FileEnd {
			return f
		}
	}
	return nil
}
