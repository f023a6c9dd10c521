package sqlpattern

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration (which forbids
// nothing: the patterns come from rules.yaml).
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	return analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		run(pass, cfg, idx)
		return nil
	})
}

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	if len(cfg.SQL.Forbidden) == 0 {
		return
	}
	for _, call := range idx.Calls {
		if call.Test && !cfg.CheckTests {
			continue
		}
		i := call.SQLArg()
		if i < 0 {
			continue
		}
		arg := call.Expr.Args[i]
		fn := call.Enclosing
		if call.Decl != nil {
			fn = call.Decl // closures read locals of the function around them
		}
		texts := &sqlTexts{info: pass.TypesInfo, fn: fn, seen: map[*types.Var]bool{}}
		texts.collect(arg)
		if f, part, ok := firstForbidden(cfg, texts.parts); ok {
			msg, help := message(pass, call, arg, f, part)
			analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: arg.Pos(), End: arg.End(), Message: msg}, help)
		}
	}
}

// part is one piece of constant SQL text and the expression it comes from.
type part struct {
	text string
	from ast.Expr
}

func firstForbidden(cfg *rules.Config, parts []part) (rules.ForbiddenSQL, part, bool) {
	for _, p := range parts {
		for _, f := range cfg.SQL.Forbidden {
			if f.Pattern.Regexp != nil && f.Pattern.MatchString(p.text) {
				return f, p, true
			}
		}
	}
	return rules.ForbiddenSQL{}, part{}, false
}

// message names the call and the rule's own reason (rules.yaml sql.forbidden
// message) when it has one, else the pattern; help says where the text
// comes from.
func message(pass *analysis.Pass, call *dbindex.Call, arg ast.Expr, f rules.ForbiddenSQL, p part) (msg, help string) {
	name := dbapi.ShortName(call.Func)
	if f.Message != "" {
		msg = fmt.Sprintf("SQL passed to %s: %s", name, f.Message)
	} else {
		msg = fmt.Sprintf("SQL passed to %s matches forbidden pattern %s", name, f.Pattern.String())
	}
	help = fmt.Sprintf("The text matches rules.yaml sql.forbidden pattern %s", f.Pattern.String())
	if p.from != nil && pass.Fset.Position(p.from.Pos()).Line != pass.Fset.Position(arg.Pos()).Line {
		help += fmt.Sprintf(" (the text is written on line %d)", pass.Fset.Position(p.from.Pos()).Line)
	}
	help += ".\nFix: rewrite the statement, or change the rule in rules.yaml."
	return msg, help
}

// sqlTexts gathers the constant text an expression can carry to the call.
type sqlTexts struct {
	info  *types.Info
	fn    ast.Node // the enclosing function, searched for local assignments
	seen  map[*types.Var]bool
	parts []part
}

func (s *sqlTexts) collect(e ast.Expr) {
	e = ast.Unparen(e)
	if tv, ok := s.info.Types[e]; ok && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			s.parts = append(s.parts, part{constant.StringVal(tv.Value), e})
		}
		return
	}
	switch x := e.(type) {
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			s.collect(x.X)
			s.collect(x.Y)
		}
	case *ast.CallExpr:
		// fmt.Sprintf("... %s", ...): the format is the statement's skeleton.
		if fn := dbindex.CalleeFunc(s.info, x); fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == "fmt" &&
			(fn.Name() == "Sprintf" || fn.Name() == "Sprint") && len(x.Args) > 0 {
			s.collect(x.Args[0])
		}
	case *ast.Ident:
		v, ok := s.info.Uses[x].(*types.Var)
		if !ok || s.seen[v] || dbindex.IsPackageLevel(v) || s.fn == nil {
			return
		}
		s.seen[v] = true
		for _, rhs := range dbindex.AssignedTo(s.info, s.fn, v) {
			s.collect(rhs)
		}
	}
}
