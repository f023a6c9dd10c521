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
// field of each element of a slice-of-struct literal (by position, or by
// the field's name in a keyed element). Every one must be a string literal
// or a sum of them, and there must be at least one: a table that reads as
// empty is an error, not a test over no cases.
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
				if id.Name != name {
					continue
				}
				if i >= len(vs.Values) {
					return nil, fmt.Errorf("%s: %s has no value", fset.Position(id.Pos()), name)
				}
				lit, ok := vs.Values[i].(*ast.CompositeLit)
				if !ok {
					return nil, fmt.Errorf("%s: %s is not a composite literal", path, name)
				}
				out, err := elements(fset, f, name, lit)
				if err != nil {
					return nil, err
				}
				if len(out) == 0 {
					return nil, fmt.Errorf("%s: %s holds no strings", fset.Position(lit.Pos()), name)
				}
				return out, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: no variable %s", path, name)
}

// elements reads the strings of lit, the table of the variable name.
func elements(fset *token.FileSet, f *ast.File, name string, lit *ast.CompositeLit) ([]string, error) {
	var out []string
	for _, elt := range lit.Elts {
		if c, ok := elt.(*ast.CompositeLit); ok {
			if len(c.Elts) == 0 {
				return nil, fmt.Errorf("%s: an empty element of %s", fset.Position(c.Pos()), name)
			}
			if _, keyed := c.Elts[0].(*ast.KeyValueExpr); keyed {
				field, ok := firstField(f, lit.Type)
				if !ok {
					return nil, fmt.Errorf("%s: a keyed element of %s, and no struct type to tell its first field", fset.Position(c.Pos()), name)
				}
				elt = nil
				for _, e := range c.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						return nil, fmt.Errorf("%s: an element of %s mixes keyed and positional fields", fset.Position(c.Pos()), name)
					}
					if k, ok := kv.Key.(*ast.Ident); ok && k.Name == field {
						elt = kv.Value
					}
				}
				if elt == nil {
					return nil, fmt.Errorf("%s: an element of %s without %s", fset.Position(c.Pos()), name, field)
				}
			} else {
				elt = c.Elts[0]
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

// firstField returns the name of the first field of the element type of
// the slice or array type t: a struct type written there or declared in f.
func firstField(f *ast.File, t ast.Expr) (string, bool) {
	at, ok := t.(*ast.ArrayType)
	if !ok {
		return "", false
	}
	elt := at.Elt
	if id, ok := elt.(*ast.Ident); ok {
		elt = nil
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				if ts := spec.(*ast.TypeSpec); ts.Name.Name == id.Name {
					elt = ts.Type
				}
			}
		}
	}
	st, ok := elt.(*ast.StructType)
	if !ok || len(st.Fields.List) == 0 || len(st.Fields.List[0].Names) == 0 {
		return "", false // no fields, or an embedded first field
	}
	return st.Fields.List[0].Names[0].Name, true
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
