package poolconfig

import (
	"go/ast"
	"go/constant"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// dedication tells a pool of one connection kept on purpose — the session
// that holds a pg_advisory_lock or LISTENs for notifications, which a
// second connection would not hold — from one that is merely too small.
type dedication struct {
	pass *analysis.Pass
	idx  *dbindex.Index
}

// dedicatedName matches names that say what the single connection is for.
var dedicatedName = regexp.MustCompile(`(?i)advisory|listen|notif|leader|elect|mutex|(^|[^cb])lock`)

// sessionSQL is SQL that needs the same session from one call to the next.
var sessionSQL = regexp.MustCompile(`(?i)pg_(try_)?advisory_(xact_)?lock|\bLISTEN\s|\bUNLISTEN\b`)

func (d *dedication) dedicated(s *setting) bool {
	for _, name := range d.names(s) {
		if dedicatedName.MatchString(name) {
			return true
		}
	}
	return s.obj != nil && d.usedForSessionSQL(s.obj)
}

// names are the names around the setting: its variable, the function and
// the receiver type making it.
func (d *dedication) names(s *setting) []string {
	var out []string
	if s.obj != nil {
		out = append(out, s.obj.Name())
	}
	if decl, ok := s.fn.(*ast.FuncDecl); ok {
		out = append(out, decl.Name.Name)
		if decl.Recv != nil && len(decl.Recv.List) == 1 {
			out = append(out, types.ExprString(decl.Recv.List[0].Type))
		}
	}
	return out
}

// usedForSessionSQL follows obj through the package's assignments (a config
// into the pool built from it, the pool into a struct field, a connection
// acquired from it) and reports whether one of them runs session SQL.
func (d *dedication) usedForSessionSQL(obj types.Object) bool {
	info := d.pass.TypesInfo
	linked := map[types.Object]bool{obj: true}
	uses := func(e ast.Expr) bool {
		found := false
		ast.Inspect(e, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if linked[info.ObjectOf(x)] {
					found = true
				}
			case *ast.SelectorExpr:
				if linked[info.ObjectOf(x.Sel)] {
					found = true
				}
			}
			return !found
		})
		return found
	}
	for changed := true; changed; {
		changed = false
		link := func(target ast.Expr) {
			if o := dbindex.NamedVar(info, target); o != nil && !linked[o] {
				linked[o], changed = true, true
			}
		}
		for c := range d.idx.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.KeyValueExpr)(nil), (*ast.ValueSpec)(nil)) {
			switch n := c.Node().(type) {
			case *ast.AssignStmt:
				for i, r := range n.Rhs {
					if !uses(r) {
						continue
					}
					if len(n.Lhs) == len(n.Rhs) {
						link(n.Lhs[i])
					} else if len(n.Lhs) > 0 {
						link(n.Lhs[0])
					}
				}
			case *ast.ValueSpec:
				for i, r := range n.Values {
					if uses(r) && len(n.Names) > 0 {
						j := 0
						if len(n.Names) == len(n.Values) {
							j = i
						}
						link(n.Names[j])
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && uses(n.Value) {
					if f, ok := info.ObjectOf(k).(*types.Var); ok && f.IsField() && !linked[f] {
						linked[f], changed = true, true
					}
				}
			}
		}
	}
	for _, call := range d.idx.Calls {
		i := call.API.SQLArg
		if call.Handle == nil || i < 0 || i >= len(call.Expr.Args) || !linked[dbindex.NamedVar(info, call.Handle)] {
			continue
		}
		if tv, ok := info.Types[call.Expr.Args[i]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String &&
			sessionSQL.MatchString(constant.StringVal(tv.Value)) {
			return true
		}
	}
	return false
}

// assignedObj is the variable the expression at cur (a call or composite
// literal, possibly behind &) is assigned to, or nil.
func assignedObj(info *types.Info, cur inspector.Cursor) types.Object {
	n := cur.Node()
	parent := cur.Parent()
	if u, ok := parent.Node().(*ast.UnaryExpr); ok && strings.TrimSpace(u.Op.String()) == "&" {
		n, parent = u, parent.Parent()
	}
	switch p := parent.Node().(type) {
	case *ast.AssignStmt:
		for i, r := range p.Rhs {
			if r == n && i < len(p.Lhs) {
				return dbindex.NamedVar(info, p.Lhs[i])
			}
		}
	case *ast.ValueSpec:
		for i, r := range p.Values {
			if r == n && i < len(p.Names) {
				return info.ObjectOf(p.Names[i])
			}
		}
	}
	return nil
}

// enclosingFunc is the innermost function around cur, or nil.
func enclosingFunc(cur inspector.Cursor) ast.Node {
	for anc := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return anc.Node()
	}
	return nil
}
