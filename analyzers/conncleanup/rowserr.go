package conncleanup

import (
	"go/ast"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// uncheckedErr applies x/tools' sqlrowserr approach to any rows: if the
// rows variable is only ever used as the receiver of its own methods (or
// read by a function known to leave the rows alone), is iterated with Next
// in a loop that starts after the query, and Err is never called, it
// returns that Next call; otherwise nil. Rows that go anywhere
// else (returned, passed on, stored, collected) are someone else's to check.
func (c *checker) uncheckedErr(a *acquisition) ast.Node {
	info := c.pass.TypesInfo
	var next ast.Node
	errChecked, escaped := false, false
	var stack []ast.Node
	ast.Inspect(a.body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		stack = append(stack, n)
		id, ok := n.(*ast.Ident)
		if !ok || info.Uses[id] != a.v || len(stack) < 2 {
			return true
		}
		parent := stack[len(stack)-2]
		if sel, ok := parent.(*ast.SelectorExpr); ok && sel.X == id && len(stack) >= 3 {
			if call, ok := stack[len(stack)-3].(*ast.CallExpr); ok && call.Fun == sel {
				switch sel.Sel.Name {
				case "Err":
					errChecked = true
				case "Next":
					if loop := innermostLoop(stack); loop != nil && loop.Pos() > a.stmt.Pos() && next == nil {
						next = call
					}
				}
				return true
			}
			if a.res.Releases(sel.Sel.Name) {
				return true // rows.Close handed to a cleanup helper: still this function's to check
			}
		}
		if call, ok := parent.(*ast.CallExpr); ok {
			if fn := dbindex.CalleeFunc(info, call); fn != nil {
				for i, arg := range call.Args {
					if arg == id && dbapi.RowsArg(fn, i) == dbapi.RowsBorrowed {
						return true
					}
				}
			}
		}
		if parent == a.stmt {
			return true // rows, err = db.Query(...)
		}
		escaped = true
		return true
	})
	if escaped || errChecked {
		return nil
	}
	return next
}

// innermostLoop is the nearest for or range statement on the stack, within
// the same function literal.
func innermostLoop(stack []ast.Node) ast.Node {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return n
		case *ast.FuncLit:
			return nil
		}
	}
	return nil
}
