package dbindex_test

import (
	"fmt"
	"go/types"
	"testing"

	"golang.org/x/tools/go/analysis"

	// The suite registers the rule set, so directives naming unknown rules
	// are told apart as in a real binary.
	_ "github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
)

// show reports what the index found, so fixtures can state it with // want.
var show = &analysis.Analyzer{
	Name:     "show",
	Doc:      "reports the index",
	Requires: []*analysis.Analyzer{dbindex.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		idx := pass.ResultOf[dbindex.Analyzer].(*dbindex.Index)
		for _, c := range idx.Calls {
			flags := ""
			if c.InHandler {
				flags += " handler"
			}
			if c.Loop != nil {
				flags += " loop"
			}
			if c.Test {
				flags += " test"
			}
			recv := ""
			if c.RecvHandle != "" {
				recv = " on " + string(c.RecvHandle)
			}
			switch {
			case c.Recv != nil && (c.Handle != c.Recv || c.HandleKind != c.RecvHandle):
				recv += " (Handle is not the receiver)" // no fixture wants this
			case c.Recv == nil && c.Handle != nil:
				recv = fmt.Sprintf(" given %s %s", types.ExprString(c.Handle), c.HandleKind)
			}
			pass.Reportf(c.Expr.Pos(), "%s %s%s sql=%d%s", c.API.Kind, c.API.Name, recv, c.API.SQLArg, flags)
		}
		for _, h := range idx.Globals {
			pass.Reportf(h.Ident.Pos(), "global %s %s", h.Kind, h.Ident.Name)
		}
		for _, h := range idx.Params {
			pass.Reportf(h.Ident.Pos(), "param %s %s", h.Kind, h.Ident.Name)
		}
		for _, h := range idx.Fields {
			pass.Reportf(h.Ident.Pos(), "field %s %s.%s", h.Kind, h.Struct.Name(), h.Ident.Name)
		}
		for _, d := range idx.BadDirectives {
			pass.Reportf(d.Pos, "bad directive: %s", d.Problem)
		}
		for fn := range idx.GoCalls {
			pass.Reportf(fn.Pos(), "started with go: %s", fn.Name())
		}
		return nil, nil
	},
}

func TestIndex(t *testing.T) {
	atest.Run(t, show, "example.com/idx")
}
