package sqlinject

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"math/bits"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/dbaudit/dbaudit/analyzers/internal/analyzerutil"
	"github.com/dbaudit/dbaudit/dbmodel/dbapi"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

//go:embed doc.go
var doc string

// Analyzer runs with the embedded default configuration.
var Analyzer = New(rules.Default(""), dbindex.Analyzer)

// New returns the analyzer for cfg; index must be the dbindex analyzer built
// for the same cfg.
func New(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	a := analyzerutil.New(Meta, doc, index, func(pass *analysis.Pass, idx *dbindex.Index) (err error) {
		defer func() {
			// A bug of the data flow on code nobody foresaw fails this
			// rule on this package, not the whole run.
			if r := recover(); r != nil {
				err = fmt.Errorf("sqlinject: internal error on %s: %v", pass.Pkg.Path(), r)
			}
		}()
		run(pass, cfg, idx)
		return nil
	})
	a.FactTypes = []analysis.Fact{new(summary)}
	return a
}

func run(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) {
	c := newChecker(pass, cfg, idx)
	var facts func(*types.Func) *summary
	if c.withFacts {
		facts = c.importFact
	}
	if !judged(pass, cfg, idx, facts) {
		return
	}
	prog := buildSSA(pass, func(f *ast.File) bool { return cfg.CheckTests || !idx.IsTest(f.Pos()) })
	// Solve every declared function (callees first, on demand), then judge
	// the database calls with every summary known.
	for _, fn := range prog.SrcFuncs {
		if fn.Parent() == nil {
			c.stateOf(fn)
		}
	}
	for _, fn := range prog.SrcFuncs {
		if fn.Parent() == nil {
			c.judge(c.stateOf(fn), true)
		}
	}
	c.exportFacts(prog)
}

// checker holds what the rule knows of one package.
type checker struct {
	pass      *analysis.Pass
	cfg       *rules.Config
	idx       *dbindex.Index
	text      *textTypes
	withFacts bool
	// sinks are the database calls that take SQL text, by the position of
	// their opening parenthesis (what SSA calls carry).
	sinks  map[token.Pos]*dbindex.Call
	states map[*ssa.Function]*state
	facts  map[*types.Func]*summary
	// reported: one finding per argument.
	reported map[token.Pos]bool
}

func newChecker(pass *analysis.Pass, cfg *rules.Config, idx *dbindex.Index) *checker {
	c := &checker{
		pass:      pass,
		cfg:       cfg,
		idx:       idx,
		text:      &textTypes{classifier: idx.Classifier, memo: map[types.Type]bool{}},
		withFacts: len(pass.Analyzer.FactTypes) > 0,
		sinks:     map[token.Pos]*dbindex.Call{},
		states:    map[*ssa.Function]*state{},
		facts:     map[*types.Func]*summary{},
		reported:  map[token.Pos]bool{},
	}
	for _, call := range idx.Calls {
		if call.SQLArg() >= 0 {
			c.sinks[call.Expr.Lparen] = call
		}
	}
	return c
}

// stateOf returns the solved data flow of a declared function, solving it
// (and, on demand, the functions it calls) the first time. A recursive call
// sees the summary so far: none.
func (c *checker) stateOf(fn *ssa.Function) *state {
	if s, ok := c.states[fn]; ok {
		return s
	}
	s := newState(c, fn)
	c.states[fn] = s
	s.sum = &summary{}
	s.solve()
	sum := s.summarize()
	s.sum = sum
	c.judge(s, false)
	return s
}

// summaryOf returns what a called function does with its parameters: from
// its body in this package, from its fact in another (nil without one).
func (c *checker) summaryOf(callee *ssa.Function, fn *types.Func) *summary {
	if callee.Origin() != nil {
		callee = callee.Origin()
	}
	if callee.Pkg != nil && callee.Pkg.Pkg == c.pass.Pkg {
		if callee.Blocks == nil || callee.Parent() != nil {
			return nil
		}
		return c.stateOf(callee).sum
	}
	if !c.withFacts || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg || c.modelled(fn.Pkg().Path()) {
		return nil
	}
	return c.importFact(fn)
}

// importFact returns the fact of fn, a function of another package, or nil.
func (c *checker) importFact(fn *types.Func) *summary {
	fn = fn.Origin()
	if f, ok := c.facts[fn]; ok {
		return f
	}
	var f *summary
	if fn.Pkg() != nil && !c.modelled(fn.Pkg().Path()) && !dbapi.IsDriverPackage(fn.Pkg().Path()) {
		f = new(summary)
		if !c.pass.ImportObjectFact(fn, f) {
			f = nil
		}
	}
	c.facts[fn] = f
	return f
}

// modelled: packages whose functions pass their arguments' text on by
// default (the standard library, the web frameworks).
func (c *checker) modelled(path string) bool {
	if isStd(path) {
		return true
	}
	for name := range requestTypes {
		if strings.HasPrefix(name, path+".") {
			return true
		}
	}
	for name := range sourceFuncs {
		if strings.HasPrefix(name, path+".") {
			return true
		}
	}
	return false
}

// exportedSourceFunc: the parameters of fn, declared in this package, are
// input (see sourceFunc).
func (c *checker) exportedSourceFunc(fn *ssa.Function) bool {
	obj, ok := fn.Object().(*types.Func)
	return ok && sourceFunc(obj) && !c.idx.IsTest(fn.Pos())
}

// sourceFunc: fn's parameters are input: it is exported from a package
// other programs import. A main or internal package's callers are all in
// the module, so its functions are judged at those callers, as unexported
// ones are.
func sourceFunc(fn *types.Func) bool {
	return fn.Exported() && fn.Pkg() != nil && fn.Pkg().Name() != "main" && !internalPath(fn.Pkg().Path())
}

// internalPath: only packages rooted at the parent of the internal element
// can import path.
func internalPath(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/") || strings.HasPrefix(path, "internal/")
}

// sourceParam: parameter i (receiver first) of an exported function with
// signature sig is input: not the receiver, text-carrying, not a request
// (judged as one) and not configuration.
func (c *checker) sourceParam(sig *types.Signature, i int) bool {
	if sig.Recv() != nil {
		if i == 0 {
			return false
		}
		i--
	}
	if i >= sig.Params().Len() {
		return false
	}
	p := sig.Params().At(i)
	return c.text.carries(p.Type()) && !isRequestType(p.Type()) && !isConfigType(p.Type()) && !sqlNamed(p.Name()) &&
		!domainInterface(p.Type()) && !c.foreignStruct(p.Type())
}

// domainInterface: a named interface with methods (error, a datastore's
// Revision) is a value of the program's own, formatted by its String
// method, not text a caller writes.
func domainInterface(t types.Type) bool {
	if _, named := types.Unalias(t).(*types.Named); !named {
		return false
	}
	it, ok := t.Underlying().(*types.Interface)
	return ok && it.NumMethods() > 0
}

// foreignStruct: a struct (or pointer to one) declared outside the
// analysed module — another library's connection, client or model (pop's
// *Connection) — is not the text an exported function's caller supplies;
// a request or DTO type of the module itself still is.
func (c *checker) foreignStruct(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	if _, ok := named.Underlying().(*types.Struct); !ok {
		return false
	}
	path := named.Obj().Pkg().Path()
	if m := c.pass.Module; m != nil && m.Path != "" {
		return path != m.Path && !strings.HasPrefix(path, m.Path+"/")
	}
	return path != c.pass.Pkg.Path() // no module information: only this package's own types
}

// sqlNamed: a parameter named as SQL text (query, sql, stmt…) is SQL the
// caller writes, which the function may extend or wrap (q + " LIMIT 10",
// "SELECT count(*) FROM (" + q + ") t"): judged at the callers, like a
// function that runs the SQL it is given.
func sqlNamed(name string) bool {
	switch strings.ToLower(name) {
	case "q", "query", "sql", "stmt", "statement", "sqlstr", "querystr", "querystring", "rawsql", "sqltext", "querytext", "sqlquery", "rawquery":
		return true
	}
	return false
}

// equality is a value known to equal a constant when a condition is onTrue.
type equality struct {
	v      ssa.Value
	onTrue bool
}

// equalsConstant returns the values cond compares with a constant: v ==
// "x", v != "x", membership in a package-level map (_, ok := m[v]) or
// slice (slices.Contains(allowed, v)).
func (c *checker) equalsConstant(cond ssa.Value) []equality {
	switch x := cond.(type) {
	case *ssa.BinOp:
		if x.Op != token.EQL && x.Op != token.NEQ {
			return nil
		}
		v, k := x.X, x.Y
		if _, ok := v.(*ssa.Const); ok {
			v, k = k, v
		}
		if kc, ok := k.(*ssa.Const); !ok || kc.Value == nil {
			return nil
		}
		return []equality{{v, x.Op == token.EQL}}
	case *ssa.Extract:
		if look, ok := x.Tuple.(*ssa.Lookup); ok && x.Index == 1 && look.CommaOk && isConfig(look.X) {
			return []equality{{look.Index, true}}
		}
	case *ssa.Call:
		if fn, ok := x.Call.Value.(*ssa.Function); ok && len(x.Call.Args) == 2 {
			if obj, ok := fn.Object().(*types.Func); ok && dbapi.FullName(obj) == "slices.Contains" && isConfig(x.Call.Args[0]) {
				return []equality{{x.Call.Args[1], true}}
			}
		}
	}
	return nil
}

// isConfig: a value loaded from a package-level variable.
func isConfig(v ssa.Value) bool {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	_, ok = u.X.(*ssa.Global)
	return ok
}

// describe names the expression at pos for a message: the longest chain of
// selectors, calls and index expressions around it (r.URL.Query().Get("q")).
func (c *checker) describe(pos token.Pos, instr ssa.Instruction) string {
	if !pos.IsValid() {
		if v, ok := instr.(ssa.Value); ok {
			return v.Name()
		}
		return "input"
	}
	path := c.pathAt(pos)
	if len(path) == 0 {
		return "input"
	}
	cur := path[0]
	for i := 1; i < len(path); i++ {
		switch p := path[i].(type) {
		case *ast.SelectorExpr:
			if p.X != cur && p.Sel != cur {
				return short(cur)
			}
		case *ast.CallExpr:
			if p.Fun != cur && p.Lparen != pos {
				return short(cur)
			}
		case *ast.IndexExpr:
			if p.X != cur && p.Lbrack != pos {
				return short(cur)
			}
		case *ast.ParenExpr, *ast.StarExpr:
		default:
			return short(cur)
		}
		cur = path[i]
	}
	return short(cur)
}

func short(n ast.Node) string {
	e, ok := n.(ast.Expr)
	if !ok {
		return "input"
	}
	s := types.ExprString(e)
	if len(s) > 48 {
		s = s[:45] + "..."
	}
	return s
}

// judge looks at every database call and every call of a helper that runs
// SQL in s: with report, it reports input reaching the SQL text; without,
// it records in s's summary the parameters that do.
func (c *checker) judge(s *state, report bool) {
	for _, f := range s.order {
		for _, b := range f.Blocks {
			for _, instr := range b.Instrs {
				ci, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				c.judgeCall(s, ci, report)
			}
		}
	}
}

// sink is where SQL text is used: a database call's SQL argument, or a
// helper's parameter that reaches one.
type sink struct {
	name   string   // what runs the SQL: "pgxpool.Pool.Query", "store.ListBy"
	helper bool     // a helper, not the database call itself
	arg    ast.Expr // the argument, where the finding is reported
	pos    token.Pos
}

func (c *checker) judgeCall(s *state, ci ssa.CallInstruction, report bool) {
	common := ci.Common()
	b := ci.Block()
	offset := 0
	if !common.IsInvoke() && common.Signature().Recv() != nil {
		offset = 1
	}
	if call, ok := c.sinks[common.Pos()]; ok {
		i := call.SQLArg()
		if i+offset >= len(common.Args) {
			return
		}
		v := common.Args[i+offset]
		if call.API.SQLArg < 0 { // a gorm fragment: only text is SQL (a struct or map is a condition gorm binds)
			mi, ok := v.(*ssa.MakeInterface)
			if ok {
				v = mi.X
			}
			if !isStringType(v.Type()) {
				return
			}
		}
		snk := sink{name: dbapi.ShortName(call.Func), arg: call.Expr.Args[i], pos: call.Expr.Args[i].Pos()}
		if call.Test && !c.cfg.CheckTests {
			report = false
		}
		c.judgeLabel(s, s.at(v, b), snk, report)
		return
	}
	callee := common.StaticCallee()
	if callee == nil || s.funcs[callee] {
		return
	}
	fn, _ := callee.Object().(*types.Func)
	if fn == nil {
		return
	}
	sum := c.summaryOf(callee, fn)
	if sum == nil || len(sum.SQL) == 0 {
		return
	}
	var call *ast.CallExpr
	if path := c.pathAt(common.Pos()); len(path) > 0 {
		call, _ = path[0].(*ast.CallExpr)
	}
	if c.idx.IsTest(common.Pos()) && !c.cfg.CheckTests {
		report = false
	}
	for _, f := range sum.SQL {
		if f.Param >= len(common.Args) {
			continue
		}
		// A parameter of an exported function built into SQL is reported
		// inside it.
		if f.Built && sourceFunc(fn) {
			if sig, ok := fn.Type().(*types.Signature); ok && c.sourceParam(sig, f.Param) {
				continue
			}
		}
		l := s.at(common.Args[f.Param], b)
		if f.Built {
			l = l.asBuilt(dbapi.ShortName(fn))
		}
		snk := sink{name: dbapi.ShortName(fn), helper: true, pos: common.Pos()}
		if call != nil && f.Param-offset >= 0 && f.Param-offset < len(call.Args) {
			snk.arg = call.Args[f.Param-offset]
			snk.pos = snk.arg.Pos()
		}
		c.judgeLabel(s, l, snk, report)
	}
}

func (c *checker) pathAt(pos token.Pos) []ast.Node {
	for _, f := range c.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			path, _ := astutil.PathEnclosingInterval(f, pos, pos)
			return path
		}
	}
	return nil
}

// judgeLabel judges the label of SQL text at a sink.
func (c *checker) judgeLabel(s *state, l label, snk sink, report bool) {
	var best *origin
	bestBuilt, bestRank := false, 3
	for m := l.all(); m != 0; m &= m - 1 {
		bit := m & -m
		o := s.origins[bits.TrailingZeros64(bit)]
		built := l.built&bit != 0
		if !report && o.kind == paramOrigin && o.param >= 0 {
			s.sum.addSQL(o.param, built)
		}
		rank := 3
		switch {
		case o.input() && o.kind != paramOrigin:
			rank = 0
		case o.input():
			rank = 1
		case o.source && built:
			rank = 2
		}
		if rank < bestRank || rank == bestRank && best != nil && o.pos < best.pos {
			best, bestBuilt, bestRank = o, built, rank
		}
	}
	if !report || best == nil || bestRank == 3 || c.reported[snk.pos] {
		return
	}
	c.reported[snk.pos] = true
	msg, severity := c.message(s, best, bestBuilt, l.how, snk)
	d := analysis.Diagnostic{Pos: snk.pos, Category: severity, Message: msg}
	if snk.arg != nil {
		d.Pos, d.End = snk.arg.Pos(), snk.arg.End()
	}
	analyzerutil.ReportHelp(c.pass, c.idx, d, help)
}

func (c *checker) message(s *state, o *origin, built bool, how string, snk sink) (string, string) {
	what := "request input " + o.desc
	severity := string(rules.SeverityError)
	switch {
	case o.kind == paramOrigin && o.request:
		what = "request " + o.name
	case o.kind == paramOrigin:
		what = "parameter " + o.name + " of exported " + s.root.Name()
		severity = string(rules.SeverityWarning)
	case o.kind == requestValue:
		what = "request input " + o.name
	}
	if how == "" {
		how = "concatenation"
	}
	switch {
	case snk.helper && built:
		return what + " is built into the SQL that " + snk.name + " runs", severity
	case snk.helper:
		return what + " is the SQL text that " + snk.name + " runs", severity
	case built:
		return "SQL for " + snk.name + " built by " + how + " from " + what, severity
	}
	return what + " is the SQL text of " + snk.name, severity
}

const help = `Text from outside the program became part of the statement: a quote in it ends the literal and
the rest runs as SQL with the service's privileges. Measured with pgx and PostgreSQL (integration/drivers/sqlinject):
name=x' OR '1'='1 turns DELETE ... WHERE name = '<name>' into a delete of every row, and through Exec
without arguments (pgx sends it with the simple protocol) x'; DROP TABLE audit; -- runs a second statement.
Pass values as arguments instead: pgx and lib/pq take $1, $2 (pool.Query(ctx, "... WHERE name = $1", name));
sqlx takes the driver's placeholders (db.Rebind("... = ?")); gorm takes ? (db.Where("name = ?", name)).
An identifier (a table, a column, ORDER BY) cannot be a parameter: choose it from a constant map or a
switch over constants, or quote it with pgx.Identifier{name}.Sanitize() or pq.QuoteIdentifier(name).`

// exportFacts exports the summaries of the package's exported functions
// that pass text on or into SQL.
func (c *checker) exportFacts(prog *buildssa.SSA) {
	if !c.withFacts {
		return
	}
	var fns []*ssa.Function
	for _, fn := range prog.SrcFuncs {
		if obj, ok := fn.Object().(*types.Func); ok && fn.Parent() == nil && obj.Exported() && !c.idx.IsTest(fn.Pos()) {
			fns = append(fns, fn)
		}
	}
	slices.SortFunc(fns, func(a, b *ssa.Function) int { return int(a.Pos() - b.Pos()) })
	for _, fn := range fns {
		sum := c.states[fn].sum
		if sum.empty() {
			continue
		}
		sum.names = paramNames(fn)
		c.pass.ExportObjectFact(fn.Object(), sum)
	}
}

func paramNames(fn *ssa.Function) []string {
	var names []string
	for _, p := range fn.Params {
		names = append(names, p.Name())
	}
	return names
}
