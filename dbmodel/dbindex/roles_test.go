package dbindex_test

import (
	"go/ast"
	"go/types"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

// TestRoles checks which functions the index sees registered as HTTP
// handlers or started as workers.
func TestRoles(t *testing.T) {
	cfg := rules.Default("")
	cfg.JobRunners = []string{"example.com/roles.Every"}
	index := dbindex.New(cfg)
	showRoles := &analysis.Analyzer{
		Name:     "roles",
		Doc:      "reports the roles the index found",
		Requires: []*analysis.Analyzer{index},
		Run: func(pass *analysis.Pass) (any, error) {
			idx := pass.ResultOf[index].(*dbindex.Index)
			for _, f := range pass.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.FuncDecl:
						fn, _ := pass.TypesInfo.Defs[n.Name].(*types.Func)
						if role := idx.RoleOf(fn); role != "" {
							pass.Reportf(n.Name.Pos(), "%s %s", role, n.Name.Name)
						}
					case *ast.FuncLit:
						if role := idx.LitRoles[n]; role != "" {
							pass.Reportf(n.Pos(), "%s literal", role)
						}
					}
					return true
				})
			}
			return nil, nil
		},
	}
	atest.Run(t, showRoles, "example.com/roles")
}
