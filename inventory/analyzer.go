package inventory

import (
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
)

// Name is the inventory analyzer's name, the key of its results in
// engine.Result.Products.
const Name = "inventory"

// Analyzer collects the touchpoints of a package with the default
// configuration's index.
var Analyzer = New(dbindex.Analyzer)

// New returns the inventory analyzer reading the shared index analyzer
// index (the one the rules of the same run require, so the package is
// walked once). Its result is a *PackageTouchpoints: plain data, holding no
// syntax or type information, so it outlives the package's syntax on the
// engine's streaming path and can be cached. Touchpoint files in it are
// the names the package was loaded with (absolute for a go/packages load);
// Collect makes them relative to the run's directory and attaches findings.
func New(index *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             Name,
		Doc:              "inventory: lists where a package touches the database, with the function and component of each touchpoint",
		Requires:         []*analysis.Analyzer{index},
		ResultType:       reflect.TypeFor[*PackageTouchpoints](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			idx := pass.ResultOf[index].(*dbindex.Index)
			return &PackageTouchpoints{Path: pass.Pkg.Path(), Touchpoints: collectPackage(pass, idx)}, nil
		},
	}
}
