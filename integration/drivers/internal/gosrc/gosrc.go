// Package gosrc reads test tables out of the root module's Go test files,
// so that a driver comparison here runs over the same cases as the test it
// was split from, without the root module exporting test data.
package gosrc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// Strings returns the strings of the package-level variable name declared
// in the Go file path: the elements of a []string literal, or the first
// field of each element of a slice-of-struct literal. Every one must be a
// string literal or a sum of them.
func Strings(path, name string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if id.Name != name || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.CompositeLit)
				if !ok {
					return nil, fmt.Errorf("%s: %s is not a composite literal", path, name)
				}
				var out []string
				for _, elt := range lit.Elts {
					if c, ok := elt.(*ast.CompositeLit); ok {
						if len(c.Elts) == 0 {
							return nil, fmt.Errorf("%s: an empty element of %s", fset.Position(c.Pos()), name)
						}
						elt = c.Elts[0]
						if kv, ok := elt.(*ast.KeyValueExpr); ok {
							elt = kv.Value
						}
					}
					s, err := str(elt)
					if err != nil {
						return nil, fmt.Errorf("%s: %s: %v", fset.Position(elt.Pos()), name, err)
					}
					out = append(out, s)
				}
				return out, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: no variable %s", path, name)
}

// str evaluates a string literal or a sum of string literals.
func str(e ast.Expr) (string, error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			return strconv.Unquote(e.Value)
		}
	case *ast.ParenExpr:
		return str(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			x, err := str(e.X)
			if err != nil {
				return "", err
			}
			y, err := str(e.Y)
			return x + y, err
		}
	}
	return "", fmt.Errorf("not a string literal: %T", e)
}
