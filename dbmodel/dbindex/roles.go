package dbindex

import (
	"go/ast"
	"go/types"

	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
)

// Role says how the package itself arranges for a function to run, beyond
// a plain call: the inventory's handler and worker components.
type Role string

const (
	// RoleHandler: passed where an HTTP handler is expected (registered on
	// a mux or router, directly or through an adapter).
	RoleHandler Role = "handler"
	// RoleWorker: started with a go statement, or passed to a function that
	// runs its function arguments in the background (a rules.yaml job
	// runner, errgroup.Group.Go, sync.WaitGroup.Go, time.AfterFunc).
	RoleWorker Role = "worker"
)

// builtinRunners start their function arguments on goroutines of their own.
var builtinRunners = map[string]bool{
	"golang.org/x/sync/errgroup.Group.Go":    true,
	"golang.org/x/sync/errgroup.Group.TryGo": true,
	"sync.WaitGroup.Go":                      true,
	"time.AfterFunc":                         true,
}

// handlerTypes are the named types of handler parameters of muxes and routers.
var handlerTypes = map[string]bool{
	"net/http.Handler":                        true,
	"net/http.HandlerFunc":                    true,
	"github.com/gin-gonic/gin.HandlerFunc":    true,
	"github.com/labstack/echo/v4.HandlerFunc": true,
	"github.com/gofiber/fiber/v2.Handler":     true,
	"github.com/gofiber/fiber/v3.Handler":     true,
}

// RoleOf returns the role of a function declared in this package, or "".
func (x *Index) RoleOf(fn *types.Func) Role {
	if x.GoCalls[fn] {
		return RoleWorker
	}
	return x.FuncRoles[fn]
}

// indexGoLit records `go func() { ... }()`.
func (x *Index) indexGoLit(g *ast.GoStmt) {
	if lit, ok := ast.Unparen(g.Call.Fun).(*ast.FuncLit); ok {
		x.LitRoles[lit] = RoleWorker
	}
}

// indexRoles records the functions and function literals that call passes
// to a job runner or where an HTTP handler is expected.
func (x *Index) indexRoles(call *ast.CallExpr, fn *types.Func) {
	sig, _ := x.pass.TypesInfo.TypeOf(call.Fun).(*types.Signature)
	if sig == nil {
		return
	}
	name := dbapi.FullName(fn)
	job := x.jobRunner(name)
	runner := builtinRunners[name] || job
	for i, arg := range call.Args {
		pt := paramType(sig, i)
		var role Role
		switch {
		case runner && isFunc(pt):
			role = RoleWorker
		case isHandlerType(pt):
			role = RoleHandler
		default:
			continue
		}
		x.markFuncValues(arg, role)
		if job && role == RoleWorker {
			x.markJobs(arg)
		}
	}
}

// markJobs records the function values passed to a rules.yaml job runner:
// they run once per job, not once per process.
func (x *Index) markJobs(arg ast.Expr) {
	switch e := ast.Unparen(arg).(type) {
	case *ast.FuncLit:
		x.JobLits[e] = true
	case *ast.Ident, *ast.SelectorExpr:
		id, _ := e.(*ast.Ident)
		if sel, ok := e.(*ast.SelectorExpr); ok {
			id = sel.Sel
		}
		if fn, ok := x.pass.TypesInfo.Uses[id].(*types.Func); ok {
			x.JobFuncs[fn] = true
		}
	}
}

func (x *Index) jobRunner(name string) bool {
	for _, r := range x.Config.JobRunners {
		if r == name {
			return true
		}
	}
	return false
}

// markFuncValues gives role to the function values in arg: function
// literals, and functions or method values named but not called
// (jsonHandler(s.stats) registers s.stats, not jsonHandler).
func (x *Index) markFuncValues(arg ast.Expr, role Role) {
	called := map[ast.Expr]bool{}
	ast.Inspect(arg, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			x.LitRoles[n] = role
			return false // its body runs in that role; its own calls are ordinary
		case *ast.CallExpr:
			called[ast.Unparen(n.Fun)] = true
		case *ast.Ident, *ast.SelectorExpr:
			e := n.(ast.Expr)
			if called[e] {
				return false // the callee itself, not a value passed on
			}
			id, _ := e.(*ast.Ident)
			if sel, ok := e.(*ast.SelectorExpr); ok {
				id = sel.Sel
			}
			if fn, ok := x.pass.TypesInfo.Uses[id].(*types.Func); ok {
				if _, set := x.FuncRoles[fn]; !set {
					x.FuncRoles[fn] = role
				}
			}
			return false
		}
		return true
	})
}

// paramType is the type of the parameter receiving argument i.
func paramType(sig *types.Signature, i int) types.Type {
	params := sig.Params()
	n := params.Len()
	if n == 0 {
		return nil
	}
	if sig.Variadic() && i >= n-1 {
		if s, ok := params.At(n - 1).Type().(*types.Slice); ok {
			return s.Elem()
		}
		return nil
	}
	if i >= n {
		return nil
	}
	return params.At(i).Type()
}

func isFunc(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

// isHandlerType: http.Handler, http.HandlerFunc, a framework's handler type,
// or a plain func(http.ResponseWriter, *http.Request).
func isHandlerType(t types.Type) bool {
	if t == nil {
		return false
	}
	if handlerTypes[dbapi.TypeName(t)] {
		return true
	}
	sig, ok := t.Underlying().(*types.Signature)
	if !ok || sig.Params().Len() != 2 {
		return false
	}
	w, r := sig.Params().At(0).Type(), sig.Params().At(1).Type()
	_, ptr := r.(*types.Pointer)
	return dbapi.TypeName(w) == "net/http.ResponseWriter" && ptr && dbapi.TypeName(r) == "net/http.Request"
}
