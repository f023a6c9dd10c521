package poolconstruct

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/analyzers/internal/dbapi"
	"github.com/dbaudit/dbaudit/analyzers/internal/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	return analyzerutil.New("poolconstruct", doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		run(pass, cfg, idx)
		return nil
	})
}

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	approved := cfg.Approved(pass.Pkg.Path(), idx.IsMain())
	for _, call := range idx.Calls {
		if call.API.Kind != dbapi.Construct || (call.Test && !cfg.CheckTests) || onlyObtainsDriver(pass, call) {
			continue
		}
		name := dbapi.ShortName(call.Func)
		switch {
		case call.InHandler:
			analyzerutil.Reportf(pass, idx, call.Expr, "", fmt.Sprintf(
				"%s inside an HTTP handler builds a new pool for every request; the connections pile up until the server refuses more "+
					"(FATAL: sorry, too many clients already, SQLSTATE 53300): build the pool once at start-up and inject it into the handler's struct", name))
		case call.Loop != nil && !endsLoop(call.Loop):
			analyzerutil.Reportf(pass, idx, call.Expr, "", fmt.Sprintf(
				"%s inside a loop builds a new pool on every iteration, each with its own connections; "+
					"build one pool before the loop (or in the approved package) and reuse it", name))
		case !approved:
			analyzerutil.Reportf(pass, idx, call.Expr, "", fmt.Sprintf(
				"%s in package %s, which is not approved to build pools: every extra pool has its own connection limit, and together they exceed "+
					"the server's max_connections; build one pool in an approved package (%s) and inject it here",
				name, pass.Pkg.Path(), approvedHint(cfg)))
		}
	}
}

// onlyObtainsDriver: sql.Open("postgres", "") obtains a driver; it never connects.
func onlyObtainsDriver(pass *analysis.Pass, call *dbindex.Call) bool {
	i := call.API.DSNArg
	if call.API.DriverArg < 0 || i < 0 || i >= len(call.Expr.Args) {
		return false
	}
	tv, ok := pass.TypesInfo.Types[call.Expr.Args[i]]
	return ok && tv.Value != nil && tv.Value.Kind() == constant.String && constant.StringVal(tv.Value) == ""
}

// endsLoop reports whether the loop body can leave the loop by break or
// return — the shape of connect-retry and fail-over loops, which build the
// pool once and stop.
func endsLoop(loop ast.Stmt) bool {
	var body *ast.BlockStmt
	switch l := loop.(type) {
	case *ast.ForStmt:
		body = l.Body
	case *ast.RangeStmt:
		body = l.Body
	}
	found := false
	var visit func(n ast.Node, breakable bool) bool
	visit = func(n ast.Node, breakable bool) bool {
		ast.Inspect(n, func(n ast.Node) bool {
			if found {
				return false
			}
			switch s := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				found = true
			case *ast.BranchStmt:
				if s.Tok.String() == "break" && (s.Label != nil || breakable) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if n != body {
					// An unlabeled break in here leaves the inner statement, not our loop.
					for _, child := range children(s) {
						visit(child, false)
					}
					return false
				}
			}
			return true
		})
		return found
	}
	return visit(body, true)
}

func children(n ast.Node) []ast.Node {
	switch s := n.(type) {
	case *ast.ForStmt:
		return []ast.Node{s.Body}
	case *ast.RangeStmt:
		return []ast.Node{s.Body}
	case *ast.SwitchStmt:
		return []ast.Node{s.Body}
	case *ast.TypeSwitchStmt:
		return []ast.Node{s.Body}
	case *ast.SelectStmt:
		return []ast.Node{s.Body}
	}
	return nil
}

func approvedHint(cfg *rules.Config) string {
	if len(cfg.ApprovedPackages) > 0 {
		return "rules.yaml approved_packages: " + strings.Join(cfg.ApprovedPackages, ", ")
	}
	return "main, or a package named db, database, store, storage, postgres, pg or repository"
}
