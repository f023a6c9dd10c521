package inventory

import (
	"go/ast"
	"go/types"
	"slices"
	"strconv"

	"golang.org/x/tools/go/ast/inspector"
)

// namer names functions and function literals the way the runtime prints
// them (see the package doc), caching per package.
type namer struct {
	info  *types.Info
	pkg   string
	root  inspector.Cursor
	lits  map[ast.Node][]*ast.FuncLit // direct literals of a function; nil key: package level
	cache map[ast.Node]string
}

// name returns the name of the *ast.FuncDecl or *ast.FuncLit at cur.
func (n *namer) name(cur inspector.Cursor) string {
	node := cur.Node()
	if s, ok := n.cache[node]; ok {
		return s
	}
	var s string
	switch fn := node.(type) {
	case *ast.FuncDecl:
		s = n.declName(fn)
	case *ast.FuncLit:
		s = n.litName(cur, fn)
	}
	n.cache[node] = s
	return s
}

func (n *namer) declName(decl *ast.FuncDecl) string {
	if decl.Recv == nil || len(decl.Recv.List) == 0 {
		return n.pkg + "." + decl.Name.Name
	}
	expr := decl.Recv.List[0].Type
	star := false
	if s, ok := ast.Unparen(expr).(*ast.StarExpr); ok {
		star, expr = true, s.X
	}
	recv := receiverTypeName(n.info, expr)
	if star {
		return n.pkg + ".(*" + recv + ")." + decl.Name.Name
	}
	return n.pkg + "." + recv + "." + decl.Name.Name
}

// receiverTypeName is T, or T[...] for a generic type, as the runtime prints.
func receiverTypeName(info *types.Info, expr ast.Expr) string {
	switch e := ast.Unparen(expr).(type) {
	case *ast.IndexExpr:
		return receiverTypeName(info, e.X) + "[...]"
	case *ast.IndexListExpr:
		return receiverTypeName(info, e.X) + "[...]"
	case *ast.Ident:
		return e.Name
	}
	return types.ExprString(expr)
}

// litName numbers a literal among its enclosing function's direct literals:
// F.func1, F.func2; F.func1.1 for one nested in F.func1; pkg.init.func1 at
// package level.
func (n *namer) litName(cur inspector.Cursor, lit *ast.FuncLit) string {
	var parent inspector.Cursor
	var parentNode ast.Node
	for p := range cur.Parent().Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		parent, parentNode = p, p.Node()
		break
	}
	siblings, ok := n.lits[parentNode]
	if !ok {
		siblings = n.directLits(parent, parentNode)
		n.lits[parentNode] = siblings
	}
	num := strconv.Itoa(slices.Index(siblings, lit) + 1)
	switch parentNode.(type) {
	case nil:
		return n.pkg + ".init.func" + num
	case *ast.FuncLit:
		return n.name(parent) + "." + num
	default:
		return n.name(parent) + ".func" + num
	}
}

// directLits lists, in source order, the literals whose nearest enclosing
// function is parentNode (nil: those outside any function).
func (n *namer) directLits(parent inspector.Cursor, parentNode ast.Node) []*ast.FuncLit {
	from := parent
	if parentNode == nil {
		from = n.root
	}
	var lits []*ast.FuncLit
	from.Inspect([]ast.Node{(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)}, func(c inspector.Cursor) bool {
		node := c.Node()
		if node == parentNode {
			return true
		}
		if lit, ok := node.(*ast.FuncLit); ok {
			lits = append(lits, lit)
		}
		return false
	})
	return lits
}
