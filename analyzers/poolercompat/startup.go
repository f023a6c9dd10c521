package poolercompat

import (
	"fmt"
	"go/ast"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/dsn/sites"
	"github.com/dbaudit/dbaudit/rules"
)

func startupMessage(key string) string {
	return fmt.Sprintf("%s is sent as a startup parameter, which PgBouncer refuses: connecting through the pooler fails", name(sqlToken{text: key}))
}

func startupHelp(key, evidence string) string {
	return fmt.Sprintf("The connection reaches a transaction-mode pooler (%s). Measured through PgBouncer 1.18: connecting fails with "+
		"`FATAL: unsupported startup parameter: %s (SQLSTATE 08P01)`. Two ways out: take it out of the connection and set it "+
		"per role or database (ALTER ROLE … SET %s = …) or per transaction with SET LOCAL (a SET in AfterConnect lands on one server connection only); "+
		"or configure the pooler: ignore_startup_parameters = %s makes PgBouncer accept the connection but drop the value "+
		"(measured: search_path stayed \"$user\", public), while track_extra_parameters (PgBouncer 1.20 and later; 1.18 rejects it as an unknown setting) "+
		"forwards it to the server.", evidence, key, strings.ToLower(key), key)
}

// checkStartupParams warns about forwarded settings PgBouncer refuses.
func checkStartupParams(sink *drivers.Sink, site *sites.Site, text dsn.Text, d *dsn.DSN, evidence string, report func(analysis.Diagnostic, string)) {
	if sink == nil {
		return
	}
	for _, p := range d.Params {
		if p.KeyDynamic() || p.Part != dsn.PartQuery && p.Part != dsn.PartKV || drivers.PoolerAcceptsStartupParam(p.Key) {
			continue
		}
		forwarded := p.Key == "options"
		if _, consumed := sink.Key(p.Key); !consumed {
			forwarded = true
		}
		if _, isGUC := sink.Tables().GUCContext(p.Key); !isGUC && p.Key != "options" || !forwarded {
			continue // not a setting the server takes (driveropts reports those)
		}
		diag := diagnosticAt(site, text, p.KeyRange, startupMessage(p.Key))
		diag.Category = string(rules.SeverityWarning)
		report(diag, startupHelp(p.Key, evidence))
	}
}

// checkRuntimeParams: cfg.RuntimeParams["k"] = v on a config that reaches a
// pooler sends k as a startup parameter too.
func checkRuntimeParams(cfg *rules.Config, tables *drivers.Tables, b *binder, ss []*sites.Site, report func(analysis.Diagnostic, string)) {
	for _, site := range ss {
		if site.Test && !cfg.CheckTests {
			continue
		}
		ev := b.boundPrefix(site.Expr)
		if ev == "" {
			continue
		}
		for _, text := range site.Texts {
			d := site.Parse(text)
			if len(d.Params) == 1 && !d.Params[0].KeyDynamic() {
				key := d.Params[0].Key
				if drivers.PoolerAcceptsStartupParam(key) {
					continue
				}
				if _, isGUC := tables.Sink("runtime").Tables().GUCContext(key); !isGUC && key != "options" {
					continue
				}
				report(analysis.Diagnostic{Pos: site.Expr.Pos(), End: site.Expr.End(), Message: startupMessage(key), Category: string(rules.SeverityWarning)},
					startupHelp(key, ev))
			}
		}
	}
}

// boundPrefix is bound for e or the expression it indexes or selects from:
// cfg.ConnConfig.RuntimeParams["k"] is bound when cfg is.
func (b *binder) boundPrefix(e ast.Expr) string {
	for e != nil {
		if ev := b.bound(e); ev != "" {
			return ev
		}
		switch x := ast.Unparen(e).(type) {
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		default:
			return ""
		}
	}
	return ""
}
