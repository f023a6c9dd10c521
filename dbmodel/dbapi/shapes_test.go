package dbapi

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// TestInterfaceMethod: an interface method is a database call by its whole
// signature, never by its name alone.
func TestInterfaceMethod(t *testing.T) {
	const src = `package p

import (
	"context"
	"database/sql"
)

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type reader interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...interface{}) *sql.Row
}

// shell has the names and none of the signatures.
type shell interface {
	ExecContext(ctx context.Context, cmd string, args ...any) error
	QueryContext(ctx context.Context, q string, args ...any) ([]string, error)
	GetContext(ctx context.Context, key string) (string, error)
	NamedExecContext(ctx context.Context, query string, arg any) error
}

// almost differs from database/sql's only in the last parameter.
type almost interface {
	ExecContext(ctx context.Context, query string, args []any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // "iface.Method": "kind sqlArg", or "" for none
		"execer.ExecContext":      "exec 1",
		"reader.GetContext":       "query 2",
		"reader.NamedExecContext": "exec 1",
		"reader.QueryRowContext":  "query 1",
		"shell.ExecContext":       "",
		"shell.QueryContext":      "",
		"shell.GetContext":        "",
		"shell.NamedExecContext":  "",
		"almost.ExecContext":      "",
		"almost.QueryContext":     "query 1",
	}
	for key, w := range want {
		var iface, method string
		for i := range key {
			if key[i] == '.' {
				iface, method = key[:i], key[i+1:]
			}
		}
		obj, _, _ := types.LookupFieldOrMethod(pkg.Scope().Lookup(iface).Type(), false, pkg, method)
		fn := obj.(*types.Func)
		got := ""
		if a, ok := InterfaceMethod(fn); ok {
			got = string(a.Kind) + " " + string(rune('0'+a.SQLArg))
			if a.Name != "p."+key || !a.Context {
				t.Errorf("%s: name %q, context %v", key, a.Name, a.Context)
			}
		}
		if got != w {
			t.Errorf("%s: got %q, want %q", key, got, w)
		}
	}
	// The look-alike is not a querier handle; the real ones still are.
	for name, want := range map[string]bool{"shell": false, "almost": true, "reader": false} {
		if got := IsQuerier(pkg.Scope().Lookup(name).Type()); got != want {
			t.Errorf("IsQuerier(%s) = %v, want %v", name, got, want)
		}
	}
}
