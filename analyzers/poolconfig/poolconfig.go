package poolconfig

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/dsn/sites"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	return analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		run(pass, cfg, idx)
		return nil
	})
}

// What a setting sizes or times.
const (
	maxConns          = "MaxConns"
	minConns          = "MinConns"
	healthCheckPeriod = "HealthCheckPeriod"
	maxConnLifetime   = "MaxConnLifetime"
	maxConnIdleTime   = "MaxConnIdleTime"
)

// setting is one constant pool setting in the code.
type setting struct {
	what     string // maxConns, minConns, healthCheckPeriod, maxConnLifetime
	value    int64  // connections, or nanoseconds
	written  string // how the code says it: "MaxConns = 2", "pool_max_conns=2", "SetMaxOpenConns(2)"
	sql      bool   // database/sql
	pos, end token.Pos
	// obj is the variable the pool's settings are made on or stored in,
	// and fn the function doing it, for telling a deliberate
	// single-connection pool (advisory locks, LISTEN) from a small one.
	obj types.Object
	fn  ast.Node
}

// dsnKeys maps pgxpool's connection-string keys to the settings they make.
var dsnKeys = map[string]string{
	"pool_max_conns":           maxConns,
	"pool_min_conns":           minConns,
	"pool_health_check_period": healthCheckPeriod,
	"pool_max_conn_lifetime":   maxConnLifetime,
	"pool_max_conn_idle_time":  maxConnIdleTime,
}

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	limits := cfg.PoolLimits()
	var groups [][]setting
	// pgxpool connection strings: each text is one pool's settings.
	src := analyzerutil.DSNSource(pass, idx)
	for _, site := range sites.Find(pass, idx, src) {
		if site.Sink != "pgxpool" || idx.IsTestSupport(site.Expr.Pos()) && !cfg.CheckTests {
			continue
		}
		var obj types.Object
		if site.Call != nil {
			obj = assignedObj(pass.TypesInfo, site.Call.Cursor)
		}
		for _, text := range site.Texts {
			group := dsnSettings(site, text)
			for i := range group {
				group[i].obj, group[i].fn = obj, site.Enclosing
			}
			groups = append(groups, group)
		}
	}
	// pgxpool.Config fields and database/sql setters, grouped by the
	// variable they are set on.
	byVar := map[types.Object][]setting{}
	var order []types.Object
	add := func(obj types.Object, s setting) {
		if _, ok := byVar[obj]; !ok {
			order = append(order, obj)
		}
		byVar[obj] = append(byVar[obj], s)
	}
	for c := range idx.Inspector.Root().Preorder((*ast.AssignStmt)(nil), (*ast.CompositeLit)(nil)) {
		if idx.IsTestSupport(c.Node().Pos()) && !cfg.CheckTests {
			continue
		}
		fn := enclosingFunc(c)
		switch n := c.Node().(type) {
		case *ast.AssignStmt:
			if n.Tok != token.ASSIGN || len(n.Lhs) != len(n.Rhs) {
				continue
			}
			for i, lhs := range n.Lhs {
				sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
				if !ok || !isPoolConfigField(pass.TypesInfo, sel) {
					continue
				}
				if s, ok := fieldSetting(pass.TypesInfo, sel.Sel.Name, n.Rhs[i]); ok {
					s.obj, s.fn = rootVar(pass.TypesInfo, sel.X), fn
					add(s.obj, s)
				}
			}
		case *ast.CompositeLit:
			if !sites.IsNamed(pass.TypesInfo.TypeOf(n), "github.com/jackc/pgx/v5/pgxpool", "Config") {
				continue
			}
			var group []setting
			obj := assignedObj(pass.TypesInfo, c)
			for _, elt := range n.Elts {
				if kv, ok := elt.(*ast.KeyValueExpr); ok {
					if k, ok := kv.Key.(*ast.Ident); ok {
						if s, ok := fieldSetting(pass.TypesInfo, k.Name, kv.Value); ok {
							s.obj, s.fn = obj, fn
							group = append(group, s)
						}
					}
				}
			}
			groups = append(groups, group)
		}
	}
	for _, call := range idx.Calls {
		if call.API.Kind != dbapi.Settings || idx.IsTestSupport(call.Expr.Pos()) && !cfg.CheckTests || len(call.Expr.Args) != 1 {
			continue
		}
		// SQLite, MySQL and other drivers' pools are not PostgreSQL's:
		// SetMaxOpenConns(1) is how SQLite is meant to be used.
		if idx.HandleDriver(call.Recv, call.Enclosing) == dbindex.DriverOther {
			continue
		}
		if s, ok := sqlSetting(pass.TypesInfo, call); ok {
			s.obj, s.fn = dbindex.NamedVar(pass.TypesInfo, call.Recv), call.Enclosing
			add(rootVar(pass.TypesInfo, call.Recv), s)
		}
	}
	for _, obj := range order {
		groups = append(groups, byVar[obj])
	}
	ded := &dedication{pass: pass, idx: idx}
	for _, g := range groups {
		judge(pass, idx, limits, g, ded)
	}
	defaultsAfterParse(pass, cfg, idx)
}

// dsnSettings reads the pool_ keys of a connection string.
func dsnSettings(site *sites.Site, text dsn.Text) []setting {
	d := site.Parse(text)
	var out []setting
	for _, p := range d.Params {
		what, ok := dsnKeys[p.Key]
		if !ok || p.ValueDynamic() {
			continue
		}
		var v int64
		if what == maxConns || what == minConns {
			n, err := strconv.ParseInt(p.Value, 10, 32)
			if err != nil {
				continue // driveropts reports values pgxpool rejects
			}
			v = n
		} else {
			dur, err := time.ParseDuration(p.Value)
			if err != nil {
				continue
			}
			v = int64(dur)
		}
		if what == maxConns && v < 1 {
			continue // "pool_max_conns too small": a driveropts finding
		}
		pos, end := text.Span(dsn.Range{Start: p.KeyRange.Start, End: p.ValueRange.End})
		if !pos.IsValid() {
			pos, end = site.Expr.Pos(), site.Expr.End()
		}
		out = append(out, setting{what: what, value: v, written: p.Key + "=" + p.Value, pos: pos, end: end})
	}
	return out
}

// isPoolConfigField reports whether sel is a field of pgxpool.Config.
func isPoolConfigField(info *types.Info, sel *ast.SelectorExpr) bool {
	field, ok := info.Uses[sel.Sel].(*types.Var)
	if !ok || !field.IsField() {
		return false
	}
	return sites.IsNamed(info.TypeOf(sel.X), "github.com/jackc/pgx/v5/pgxpool", "Config")
}

// fieldSetting reads a constant assigned to a pgxpool.Config field.
func fieldSetting(info *types.Info, field string, value ast.Expr) (setting, bool) {
	switch field {
	case maxConns, minConns, healthCheckPeriod, maxConnLifetime, maxConnIdleTime:
	default:
		return setting{}, false
	}
	n, ok := constInt(info, value)
	if !ok {
		return setting{}, false // from configuration: not judged
	}
	written := fmt.Sprintf("%s = %d", field, n)
	if field == healthCheckPeriod || field == maxConnLifetime || field == maxConnIdleTime {
		written = fmt.Sprintf("%s = %s", field, time.Duration(n))
	}
	return setting{what: field, value: n, written: written, pos: value.Pos(), end: value.End()}, true
}

// sqlSetting reads db.SetMaxOpenConns(n) and db.SetConnMaxLifetime(d).
func sqlSetting(info *types.Info, call *dbindex.Call) (setting, bool) {
	arg := call.Expr.Args[0]
	n, ok := constInt(info, arg)
	if !ok {
		return setting{}, false
	}
	s := setting{value: n, sql: true, pos: arg.Pos(), end: arg.End()}
	switch call.Func.Name() {
	case "SetMaxOpenConns":
		s.what, s.written = maxConns, fmt.Sprintf("SetMaxOpenConns(%d)", n)
	case "SetConnMaxLifetime":
		s.what, s.written = maxConnLifetime, fmt.Sprintf("SetConnMaxLifetime(%s)", time.Duration(n))
	default:
		return setting{}, false
	}
	return s, true
}

func constInt(info *types.Info, e ast.Expr) (int64, bool) {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(tv.Value)
}

// rootVar is the variable a selector chain starts from (cfg in
// cfg.ConnConfig.X), or nil.
func rootVar(info *types.Info, e ast.Expr) types.Object {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.Ident:
			return info.Uses[x]
		default:
			return nil
		}
	}
}

// judge reports the settings of one pool against the limits.
func judge(pass *analysis.Pass, idx *dbindex.Index, l rules.PoolLimits, group []setting, ded *dedication) {
	var maxSet, minSet *setting
	for i := range group {
		s := &group[i]
		switch s.what {
		case maxConns:
			maxSet = s
			switch {
			case s.sql && s.value <= 0:
				if l.MaxMaxConns > 0 {
					report(pass, idx, s, "", fmt.Sprintf("%s leaves the pool unbounded, above rules.yaml pool.max_max_conns (%d)", s.written, l.MaxMaxConns),
						"every burst of requests opens connections until the server refuses more (FATAL: sorry, too many clients already, SQLSTATE 53300)\n"+
							fmt.Sprintf("set a limit of at most %d", l.MaxMaxConns))
				}
			case s.value == 1 && ded.dedicated(s):
				// One connection on purpose: it holds an advisory lock or
				// LISTENs, and a second would break that.
			case s.value < int64(l.MinMaxConns):
				report(pass, idx, s, "", fmt.Sprintf("%s is below the floor of %d connections (rules.yaml pool.min_max_conns)", s.written, l.MinMaxConns),
					"concurrent requests then queue for a connection and time out under load\n"+
						fmt.Sprintf("allow at least %d (%d recommended)", l.MinMaxConns, max(l.RecommendedMaxConns, l.MinMaxConns)))
			case l.MaxMaxConns > 0 && s.value > int64(l.MaxMaxConns):
				report(pass, idx, s, "", fmt.Sprintf("%s is above the ceiling of %d connections (rules.yaml pool.max_max_conns)", s.written, l.MaxMaxConns),
					"with every replica's pool together the server runs out of connections (FATAL: sorry, too many clients already, SQLSTATE 53300)\n"+
						fmt.Sprintf("allow at most %d", l.MaxMaxConns))
			}
		case minConns:
			minSet = s
		case healthCheckPeriod:
			switch {
			case s.value <= 0:
				report(pass, idx, s, rules.SeverityError, fmt.Sprintf("%s is accepted by pgxpool, and then its background health check crashes the process", s.written),
					"pgxpool's health check goroutine panics: `panic: non-positive interval for NewTicker`\n"+
						fmt.Sprintf("leave it unset (pgxpool checks every minute) or set a positive period of at most %s", l.MaxHealthCheckPeriod))
			case s.value > int64(l.MaxHealthCheckPeriod):
				report(pass, idx, s, "", fmt.Sprintf("%s stretches health checks past %s (rules.yaml pool.max_health_check_period)", s.written, l.MaxHealthCheckPeriod),
					"dead and idle-expired connections stay in the pool that long and the next query on one fails\n"+
						fmt.Sprintf("leave it unset (1m) or set at most %s", l.MaxHealthCheckPeriod))
			}
		case maxConnLifetime:
			if l.MinConnLifetime > 0 && s.value > 0 && s.value < int64(l.MinConnLifetime) {
				report(pass, idx, s, "", fmt.Sprintf("%s recycles connections faster than rules.yaml pool.min_conn_lifetime (%s)", s.written, l.MinConnLifetime),
					"every reconnect costs a TLS handshake and authentication\n"+
						fmt.Sprintf("use at least %s", l.MinConnLifetime))
			}
		case maxConnIdleTime:
			if s.value <= 0 && !s.sql {
				report(pass, idx, s, "", fmt.Sprintf("%s does not mean never: pgxpool's health check closes every idle connection above MinConns", s.written),
					"pgxpool closes a connection whose idle time exceeds MaxConnIdleTime at each health check (pgx v5.12.0 pgxpool/pool.go checkConnsHealth), "+
						"so with 0 the pool reconnects after every quiet HealthCheckPeriod, paying a TLS handshake and authentication each time\n"+
						"leave it unset (30m), or set a duration below the pooler's or server's idle timeout (idle_session_timeout, client_idle_timeout)")
			}
		}
	}
	if maxSet != nil && minSet != nil && !maxSet.sql && minSet.value > maxSet.value {
		report(pass, idx, minSet, "", fmt.Sprintf("%s is above %s: pgxpool silently caps the pool at %d connections", minSet.written, maxSet.written, maxSet.value),
			"so the minimum you asked for never exists\nlower MinConns or raise MaxConns")
	}
}

// report reports a one-line message with help (the consequence, then the
// fix, one a line).
func report(pass *analysis.Pass, idx *dbindex.Index, s *setting, severity rules.Severity, msg, help string) {
	analyzerutil.ReportHelp(pass, idx, analysis.Diagnostic{Pos: s.pos, End: s.end, Category: string(severity), Message: msg}, help)
}
