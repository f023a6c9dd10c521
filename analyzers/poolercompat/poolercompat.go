package poolercompat

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/dbmodel/drivers"
	"github.com/dbaudit/dbaudit/dbmodel/dsn"
	"github.com/dbaudit/dbaudit/dbmodel/dsn/sites"
	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	tables, tablesErr := drivers.New(cfg)
	return analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) error {
		if tablesErr != nil {
			return tablesErr
		}
		run(pass, cfg, tables, idx)
		return nil
	})
}

// pgxFamily are the sinks that prepare named statements unless told not to.
var pgxFamily = map[string]bool{"pgx": true, "pgxpool": true, "stdlib": true, "gorm": true}

// safeModes are the measured pooler-safe default_query_exec_mode values.
var safeModes = map[string]bool{"cache_describe": true, "exec": true, "simple_protocol": true}

// encodingCaveat names the other pooler-safe modes: simple_protocol only
// where the module's pgx has the fixes of the simple protocol's
// SQL-injection advisories (drivers.SimpleProtocolSafe).
func encodingCaveat(v drivers.Versions) string {
	if !drivers.SimpleProtocolSafe(v) {
		return "exec is pooler-safe too, but it encodes arguments from the Go type alone, " +
			"so [16]byte UUIDs, maps and structs then fail with `unable to encode … into text format for unknown type (OID 0)` " +
			"(not simple_protocol: this module's pgx lacks the fixes of its SQL-injection advisories)"
	}
	return "exec and simple_protocol are pooler-safe too, but they encode arguments from the Go type alone, " +
		"so [16]byte UUIDs, maps and structs then fail with `unable to encode … into text format for unknown type (OID 0)`"
}

func run(pass *analysis.Pass, cfg *rules.Config, tables *drivers.Tables, idx *dbindex.Index) {
	src := analyzerutil.DSNSource(pass, idx)
	report := reporter(pass, idx)

	// Connection strings: prepared statements, startup parameters and
	// golang-migrate; each pooler site seeds the handles it builds.
	seeds := map[ast.Node]string{}
	var runtimeParams []*sites.Site
	for _, site := range sites.Find(pass, idx, src) {
		if site.Via == sites.ViaRuntimeParams {
			runtimeParams = append(runtimeParams, site)
			continue
		}
		versions := drivers.VersionsForDir(filepath.Dir(pass.Fset.Position(site.Expr.Pos()).Filename))
		if evidence, ok := checkSite(pass.TypesInfo, cfg, tables, site, versions, report); ok {
			seeds[siteNode(site)] = evidence
		}
	}

	// What runs on the handles that reach a pooler.
	b := newBinder(pass, idx, seeds)
	checkRuntimeParams(cfg, tables, b, runtimeParams, report)
	checkSessionSQL(pass, cfg.CheckTests, idx, b, report)
	checkMigrations(pass, cfg, idx, b, src, report)
}

// reporter reports each finding once, with its help text.
func reporter(pass *analysis.Pass, idx *dbindex.Index) func(analysis.Diagnostic, string) {
	reported := map[string]bool{}
	return func(d analysis.Diagnostic, help string) {
		key := pass.Fset.Position(d.Pos).String() + d.Message
		if !reported[key] {
			reported[key] = true
			analyzerutil.ReportHelp(pass, idx, d, help)
		}
	}
}

// checkSite judges one connection string; it returns the evidence when the
// string reaches a pooler.
func checkSite(info *types.Info, cfg *rules.Config, tables *drivers.Tables, site *sites.Site, versions drivers.Versions, report func(analysis.Diagnostic, string)) (string, bool) {
	judged := (!site.Test || cfg.CheckTests) && (pgxFamily[site.Sink] || site.Sink == "libpq" || site.Sink == "migrate")
	mode := codeMode(info, site)
	found, migrateReported := "", false
	for _, text := range site.Texts {
		d := site.Parse(text)
		evidence, hostRange, ok := pooler(cfg, d)
		if !ok {
			continue
		}
		if found == "" {
			found = evidence
		}
		if !judged {
			continue
		}
		switch {
		case pgxFamily[site.Sink]:
			checkPgx(site, text, d, evidence, hostRange, mode, versions, report)
		case site.Sink == "libpq":
			checkLibpq(site, text, d, evidence, hostRange, report)
		case site.Sink == "migrate" && !migrateReported:
			migrateReported = true
			report(diagnosticAt(site, text, hostRange, migrationMessage("golang-migrate")), migrationHelp("golang-migrate", evidence))
		}
		checkStartupParams(tables.Sink(site.Sink), site, text, d, evidence, report)
	}
	return found, found != ""
}

// siteNode is the call or literal a site's string goes into.
func siteNode(site *sites.Site) ast.Node {
	if site.Call != nil {
		return site.Call.Expr
	}
	if site.Lit != nil {
		return site.Lit
	}
	return site.Expr
}

// pooler reports whether one of d's hosts is a transaction-mode pooler, with
// the evidence and the range of the host or port that says so.
func pooler(cfg *rules.Config, d *dsn.DSN) (string, dsn.Range, bool) {
	if d.Form == dsn.NotDSN || d.Err != nil && !d.Partial() {
		return "", dsn.Range{}, false
	}
	hostParam, _ := d.Get("host")
	portParam, _ := d.Get("port")
	for _, hp := range d.Hosts() {
		hostKnown := hp.Host != "" && !strings.ContainsRune(hp.Host, dsn.Hole)
		portKnown := !strings.ContainsRune(hp.Port, dsn.Hole)
		port := 0
		if portKnown {
			if hp.Port == "" {
				port = 5432
			} else if n, err := strconv.Atoi(hp.Port); err == nil {
				port = n
			}
		}
		host := ""
		if hostKnown {
			host = hp.Host
		}
		if (host == "" && port == 0) || !cfg.IsPooler(host, port) {
			continue
		}
		if port == 5432 && strings.HasSuffix(strings.ToLower(host), ".pooler.supabase.com") && !cfg.IsPooler("", port) {
			continue // Supabase's pooler in session mode: prepared statements work
		}
		if port != 0 && cfg.IsPooler("", port) {
			return fmt.Sprintf("port %d is a transaction-mode pooler's (rules.yaml pooler)", port), paramRange(portParam, hostParam), true
		}
		return fmt.Sprintf("host %s is a transaction-mode pooler (rules.yaml pooler)", redact.Host(host)), paramRange(hostParam, portParam), true
	}
	return "", dsn.Range{}, false
}

// paramRange is where to point: the first param that is set.
func paramRange(ps ...dsn.Param) dsn.Range {
	for _, p := range ps {
		if p.ValueRange.Len() > 0 {
			if p.KeyRange.Len() > 0 {
				return dsn.Range{Start: p.KeyRange.Start, End: p.ValueRange.End}
			}
			return p.ValueRange
		}
	}
	return dsn.Range{}
}

// modeInCode is what the function does to DefaultQueryExecMode.
type modeInCode struct {
	set    bool
	safe   bool
	name   string // the constant's mode name, e.g. describe_exec
	assign *ast.AssignStmt
}

// codeMode finds assignments to a pgx config's DefaultQueryExecMode in the
// site's function, and gorm's PreferSimpleProtocol.
func codeMode(info *types.Info, site *sites.Site) modeInCode {
	var m modeInCode
	if site.Lit != nil {
		for _, elt := range site.Lit.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "PreferSimpleProtocol" {
					tv := info.Types[kv.Value]
					if tv.Value == nil || constant.BoolVal(tv.Value) {
						return modeInCode{set: true, safe: true, name: "simple_protocol"}
					}
				}
			}
		}
	}
	_, body := dbindex.FuncBody(site.Enclosing)
	if body == nil {
		return m
	}
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "DefaultQueryExecMode" {
				continue
			}
			field, ok := info.Uses[sel.Sel].(*types.Var)
			if !ok || field.Pkg() == nil || field.Pkg().Path() != "github.com/jackc/pgx/v5" {
				continue
			}
			name := modeName(info, as.Rhs[i])
			m = modeInCode{set: true, safe: name == "" || safeModes[name], name: name, assign: as}
		}
		return true
	})
	return m
}

// modeName maps pgx.QueryExecModeX to its connection-string name; "" when
// the value is not a named pgx constant (then it is not judged).
func modeName(info *types.Info, e ast.Expr) string {
	var id *ast.Ident
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return ""
	}
	c, ok := info.Uses[id].(*types.Const)
	if !ok || c.Pkg() == nil || c.Pkg().Path() != "github.com/jackc/pgx/v5" {
		return ""
	}
	return map[string]string{
		"QueryExecModeCacheStatement": "cache_statement",
		"QueryExecModeCacheDescribe":  "cache_describe",
		"QueryExecModeDescribeExec":   "describe_exec",
		"QueryExecModeExec":           "exec",
		"QueryExecModeSimpleProtocol": "simple_protocol",
	}[c.Name()]
}

func checkPgx(site *sites.Site, text dsn.Text, d *dsn.DSN, evidence string, at dsn.Range, code modeInCode, versions drivers.Versions, report func(analysis.Diagnostic, string)) {
	mode := "cache_statement"
	param, inDSN := d.Get("default_query_exec_mode")
	if inDSN {
		if param.ValueDynamic() {
			return
		}
		mode = param.Value
	}
	if code.set {
		if code.safe {
			return
		}
		// The code overrides the string with an unsafe mode: point there.
		report(analysis.Diagnostic{Pos: code.assign.Pos(), End: code.assign.End(),
			Message: modeMessage(code.name)},
			fmt.Sprintf("The connection reaches a transaction-mode pooler (%s). %s. Fix: set pgx.QueryExecModeCacheDescribe; %s.",
				evidence, unsafeWhy(code.name), encodingCaveat(versions)))
		return
	}
	if safeModes[mode] || (!inDSN && d.Opaque) {
		return // a dynamic part may set the mode
	}
	msg := modeMessage(mode)
	help := fmt.Sprintf("The connection reaches a transaction-mode pooler (%s). %s. Fix: add default_query_exec_mode=cache_describe, "+
		"or set ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe; %s.", evidence, unsafeWhy(mode), encodingCaveat(versions))
	r := at
	if inDSN {
		r = dsn.Range{Start: param.KeyRange.Start, End: param.ValueRange.End}
	}
	diag := diagnosticAt(site, text, r, msg)
	if inDSN {
		addFix(&diag, text, param.ValueRange, "cache_describe", "use default_query_exec_mode=cache_describe")
	} else {
		addFix(&diag, text, appendRange(d), appendText(d, "default_query_exec_mode", "cache_describe"), "add default_query_exec_mode=cache_describe")
	}
	report(diag, help)
}

// modeMessage is the one-line finding for an unsafe exec mode.
func modeMessage(mode string) string {
	why := "prepared statements break across server connections"
	if mode == "describe_exec" {
		why = "describe and execute may hit two server connections"
	}
	return fmt.Sprintf("%s exec mode through a transaction-mode pooler: %s", mode, why)
}

func unsafeWhy(mode string) string {
	if mode == "describe_exec" {
		return "describe_exec describes and executes a query in two round trips, and the pooler may hand the second to another server connection " +
			"(measured through PgBouncer: `ERROR: bind message has 2 result formats but query has 1 columns (SQLSTATE 08P01)`)"
	}
	return "pgx prepares a named statement per query on the server connection it last had, but the pooler runs each transaction on whichever connection is free, " +
		"so queries fail with `ERROR: prepared statement \"stmtcache_…\" already exists (SQLSTATE 42P05)` or `… does not exist (SQLSTATE 26000)`"
}

func checkLibpq(site *sites.Site, text dsn.Text, d *dsn.DSN, evidence string, at dsn.Range, report func(analysis.Diagnostic, string)) {
	param, ok := d.Get("binary_parameters")
	if ok {
		switch param.Value {
		case "1", "t", "T", "true", "TRUE", "True", "yes", "on":
			return
		}
		if param.ValueDynamic() {
			return
		}
	} else if d.Opaque {
		return
	}
	msg := "lib/pq without binary_parameters through a transaction-mode pooler: a query with arguments may split"
	help := fmt.Sprintf("The connection reaches a transaction-mode pooler (%s). lib/pq runs a query with arguments in two round trips on the unnamed statement, "+
		"and the pooler may hand the second to another server connection (measured through PgBouncer: `pq: bind message has 2 result formats but query has 1 columns (08P01)`). "+
		"Fix: add binary_parameters=yes, which sends each query in one round trip, and do not use db.Prepare.", evidence)
	diag := diagnosticAt(site, text, at, msg)
	if ok {
		diag.Pos, diag.End = spanOr(site, text, dsn.Range{Start: param.KeyRange.Start, End: param.ValueRange.End})
		addFix(&diag, text, param.ValueRange, "yes", "use binary_parameters=yes")
	} else {
		addFix(&diag, text, appendRange(d), appendText(d, "binary_parameters", "yes"), "add binary_parameters=yes")
	}
	report(diag, help)
}

func diagnosticAt(site *sites.Site, text dsn.Text, r dsn.Range, msg string) analysis.Diagnostic {
	pos, end := spanOr(site, text, r)
	return analysis.Diagnostic{Pos: pos, End: end, Message: msg}
}

func spanOr(site *sites.Site, text dsn.Text, r dsn.Range) (token.Pos, token.Pos) {
	p, e := text.Span(r)
	if !p.IsValid() || r.Len() == 0 {
		return site.Expr.Pos(), site.Expr.End()
	}
	return p, e
}

// appendRange is the empty range at the end of the text.
func appendRange(d *dsn.DSN) dsn.Range { return dsn.Range{Start: len(d.Input), End: len(d.Input)} }

// appendText is a setting appended in the string's form.
func appendText(d *dsn.DSN, key, value string) string {
	if d.Form == dsn.KeywordValue {
		if strings.HasSuffix(d.Input, " ") {
			return key + "=" + value
		}
		return " " + key + "=" + value
	}
	if strings.ContainsRune(d.Input, '?') {
		if strings.HasSuffix(d.Input, "&") || strings.HasSuffix(d.Input, "?") {
			return key + "=" + value
		}
		return "&" + key + "=" + value
	}
	return "?" + key + "=" + value
}

func addFix(diag *analysis.Diagnostic, text dsn.Text, r dsn.Range, newText, message string) {
	start, end, escaped, ok := text.Edit(r, newText)
	if !ok {
		return
	}
	diag.SuggestedFixes = []analysis.SuggestedFix{{Message: message, TextEdits: []analysis.TextEdit{{Pos: start, End: end, NewText: []byte(escaped)}}}}
}
