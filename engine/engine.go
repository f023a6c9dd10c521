// Package engine loads Go packages once and runs the dbaudit analyzers over
// them, turning diagnostics into report findings. The CLI, the inventory and
// schemacheck share it so that one run means one load.
package engine

import (
	"cmp"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

// LoadMode is the cheapest mode the analyzers allow: syntax and types for the
// named packages, dependencies from export data (no analyzer uses facts), as
// go vet does.
const LoadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes |
	packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule | packages.NeedForTest

// Progress is told what the engine is doing; report.Progress implements it.
type Progress interface {
	Stage(what string, total int)
	Step()
}

// Options configure a run.
type Options struct {
	// Dir is the directory patterns are resolved in; findings' files are
	// relative to it. Default: the working directory.
	Dir      string
	Patterns []string
	Config   *rules.Config
	// NoTests leaves _test.go files out of the load.
	NoTests bool
	// BuildFlags are passed to the go command (e.g. -tags).
	BuildFlags []string
	Progress   Progress
	// Extra analyzers run beside the enabled rules (the inventory and
	// schemacheck collectors). Their results must be plain data (no syntax
	// or type information; gob-encodable, for the cache): they are in
	// Result.Products.
	Extra []*analysis.Analyzer
	// FindingsOnly says the caller reads only the findings and counts of the
	// Result (dbaudit check): each package is then analysed as soon as it is
	// type-checked and its syntax, type information and analysis results
	// are dropped right after, so memory stays bounded however large the
	// module (5,000 packages in bench/: 1.5 GB peak without, 0.5 GB with).
	// Result.Results is then nil, and Result.Packages keep their names,
	// files, errors and types but no syntax or TypesInfo.
	FindingsOnly bool
}

// Result is what a run produced.
type Result struct {
	Packages   []*packages.Package
	Findings   []report.Finding
	LoadErrors []report.LoadError
	Rules      []report.RuleMeta
	Files      int
	// Results holds each root action's result for Extra analyzers and the index,
	// by analyzer and package.
	Results map[*analysis.Analyzer]map[*packages.Package]any
	// Products holds the results of Options.Extra analyzers: analyzer name
	// → package ID → result, for every analysed package.
	Products map[string]map[string]any
	Suite    *suite.Suite
	Timings  Timings
}

// Timings says where a run spent its time. With FindingsOnly the analysis
// overlaps the load: Analyze is then its share of the workers' time (summed
// analysis time over GOMAXPROCS) and Load the rest of that phase.
type Timings struct {
	Load     time.Duration
	Analyze  time.Duration
	Report   time.Duration
	Analyzer map[string]time.Duration // summed over packages
}

// Load loads the packages for analysis.
func Load(opts Options) ([]*packages.Package, error) { return load(opts, nil) }

func load(opts Options, hooks *loadHooks) ([]*packages.Package, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	patterns := opts.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	cfg := &packages.Config{
		Mode:       LoadMode,
		Dir:        dir,
		Tests:      !opts.NoTests,
		BuildFlags: opts.BuildFlags,
	}
	pkgs, err := loadPackages(cfg, patterns, hooks)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s in %s", strings.Join(patterns, " "), dir)
	}
	return dedupeTestVariants(pkgs), nil
}

// dedupeTestVariants drops a package when its test variant ("p [p.test]"),
// which holds the same files and more, is also loaded, so each file is
// analysed once.
func dedupeTestVariants(pkgs []*packages.Package) []*packages.Package {
	hasTestVariant := map[string]bool{}
	for _, p := range pkgs {
		if p.ForTest != "" && p.PkgPath == p.ForTest {
			hasTestVariant[p.PkgPath] = true
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		if p.ForTest == "" && hasTestVariant[p.PkgPath] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Run loads the packages and runs the enabled analyzers.
func Run(opts Options) (*Result, error) {
	if opts.Config == nil {
		return nil, fmt.Errorf("engine: no config")
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	defer startCPUProfile()()
	if opts.Progress != nil {
		opts.Progress.Stage("loading packages", 0)
	}
	res := &Result{Suite: suite.New(opts.Config)}
	analyzers := suite.WithoutFacts(res.Suite.Enabled()) // packages are analysed one by one: no facts
	res.Rules = ruleMeta(opts.Config, analyzers)
	roots := append([]*analysis.Analyzer{res.Suite.Index}, analyzers...)
	roots = append(roots, opts.Extra...)
	keep := !opts.FindingsOnly
	extra := map[*analysis.Analyzer]bool{}
	for _, a := range opts.Extra {
		extra[a] = true
	}

	t0 := time.Now()
	var outcomes []*outcome
	if opts.FindingsOnly {
		res.Packages, outcomes, err = loadAndAnalyze(opts, roots, res.Suite, extra)
		if err != nil {
			return nil, err
		}
		var sum time.Duration
		for _, o := range outcomes {
			sum += o.duration
		}
		res.Timings.Analyze = sum / time.Duration(runtime.GOMAXPROCS(0))
		res.Timings.Load = time.Since(t0) - res.Timings.Analyze
	} else {
		res.Packages, err = load(opts, &loadHooks{graph: res.Suite.UseProgram})
		if err != nil {
			return nil, err
		}
		res.Timings.Load = time.Since(t0)
		t1 := time.Now()
		outcomes = analyze(roots, res.Packages, res.Suite.Index, opts.Progress, extra)
		res.Timings.Analyze = time.Since(t1)
	}
	writeHeapProfile()

	t2 := time.Now()
	c := &collector{dir: absDir, cfg: opts.Config, seen: map[string]bool{}, res: res, extra: extra}
	c.collect(res.Packages, outcomes, keep)
	res.Timings.Report = time.Since(t2)
	return res, nil
}

// analyze runs the analyzers package by package on a pool of workers, so
// that progress can be reported and each package's syntax is touched by one
// goroutine at a time.
func analyze(analyzers []*analysis.Analyzer, pkgs []*packages.Package, index *analysis.Analyzer, progress Progress, products map[*analysis.Analyzer]bool) []*outcome {
	if progress != nil {
		progress.Stage("analysing packages", len(pkgs))
	}
	outcomes := make([]*outcome, len(pkgs))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				outcomes[i] = analyzePackage(analyzers, pkgs[i], index, true, products)
				if progress != nil {
					progress.Step()
				}
			}
		}()
	}
	for i := range pkgs {
		work <- i
	}
	close(work)
	wg.Wait()
	return outcomes
}

// loadAndAnalyze is Load and analyze at once, for FindingsOnly: each package
// is analysed in its checking slot as soon as it is type-checked, and then
// loses its syntax and type information.
func loadAndAnalyze(opts Options, analyzers []*analysis.Analyzer, s *suite.Suite, products map[*analysis.Analyzer]bool) ([]*packages.Package, []*outcome, error) {
	index := s.Index
	var (
		mu   sync.Mutex
		byPk = map[*packages.Package]*outcome{}
	)
	hooks := &loadHooks{
		graph: s.UseProgram,
		listed: func(n int) {
			if opts.Progress != nil {
				opts.Progress.Stage("analysing packages", n)
			}
		},
		checked: func(p *packages.Package, analyse bool) {
			if analyse {
				o := analyzePackage(analyzers, p, index, false, products)
				mu.Lock()
				byPk[p] = o
				mu.Unlock()
				if opts.Progress != nil {
					opts.Progress.Step()
				}
			}
			// Importers need only p.Types, which stays.
			p.Syntax, p.TypesInfo = nil, nil
		},
	}
	pkgs, err := load(opts, hooks)
	if err != nil {
		return nil, nil, err
	}
	outcomes := make([]*outcome, len(pkgs))
	for i, p := range pkgs {
		outcomes[i] = byPk[p]
	}
	return pkgs, outcomes, nil
}

// outcome is what the analysis of one package leaves for the report: plain
// data, which holds none of the package's syntax unless results are kept.
type outcome struct {
	actions       []actionOutcome
	badDirectives []*dbindex.Directive
	duration      time.Duration
}

type actionOutcome struct {
	analyzer    *analysis.Analyzer
	name        string // analyzer@package, for errors
	result      any    // only when results are kept
	err         error
	duration    time.Duration
	diagnostics []analysis.Diagnostic
	notes       *note.Notes // the severity and help of diagnostics
}

func analyzePackage(analyzers []*analysis.Analyzer, pkg *packages.Package, index *analysis.Analyzer, keepResults bool, products map[*analysis.Analyzer]bool) *outcome {
	start := time.Now()
	g, err := checker.Analyze(analyzers, []*packages.Package{pkg}, &checker.Options{Sequential: true})
	if err != nil {
		panic("engine: invalid analyzers: " + err.Error()) // analysis.Validate failed: a programming error
	}
	o := &outcome{}
	for _, act := range g.Roots {
		ao := actionOutcome{analyzer: act.Analyzer, name: act.String(), err: act.Err, duration: act.Duration, diagnostics: act.Diagnostics, notes: note.From(act.Result)}
		if keepResults || products[act.Analyzer] {
			ao.result = act.Result
		}
		if idx, ok := act.Result.(*dbindex.Index); ok && act.Analyzer == index {
			o.badDirectives = idx.BadDirectives
		}
		o.actions = append(o.actions, ao)
	}
	o.duration = time.Since(start)
	return o
}

type collector struct {
	dir   string
	cfg   *rules.Config
	seen  map[string]bool
	res   *Result
	extra map[*analysis.Analyzer]bool
}

func (c *collector) collect(pkgs []*packages.Package, outcomes []*outcome, keepResults bool) {
	res := c.res
	if keepResults {
		res.Results = map[*analysis.Analyzer]map[*packages.Package]any{}
	}
	res.Timings.Analyzer = map[string]time.Duration{}
	res.Products = map[string]map[string]any{}
	files := map[string]bool{}
	loadErrs := map[string]bool{}
	for i, pkg := range pkgs {
		for _, f := range pkg.CompiledGoFiles {
			files[f] = true
		}
		for _, e := range ReportedErrors(pkg) {
			le := c.loadError(e)
			key := fmt.Sprint(le)
			if !loadErrs[key] {
				loadErrs[key] = true
				res.LoadErrors = append(res.LoadErrors, le)
			}
		}
		o := outcomes[i]
		if o == nil {
			continue
		}
		c.badDirectives(pkg.Fset, o.badDirectives)
		for _, act := range o.actions {
			res.Timings.Analyzer[act.analyzer.Name] += act.duration
			if c.extra[act.analyzer] && act.err == nil {
				if res.Products[act.analyzer.Name] == nil {
					res.Products[act.analyzer.Name] = map[string]any{}
				}
				res.Products[act.analyzer.Name][pkg.ID] = act.result
			}
			if keepResults {
				if res.Results[act.analyzer] == nil {
					res.Results[act.analyzer] = map[*packages.Package]any{}
				}
				res.Results[act.analyzer][pkg] = act.result
			}
			if act.err != nil {
				res.LoadErrors = append(res.LoadErrors, report.LoadError{Message: fmt.Sprintf("%s: %v", act.name, act.err)})
				continue
			}
			for _, d := range act.diagnostics {
				c.add(pkg.Fset, act.analyzer.Name, d, act.notes.Of(d))
			}
		}
	}
	res.Files = len(files)
	sort.SliceStable(res.Findings, func(i, j int) bool { return lessFinding(res.Findings[i], res.Findings[j]) })
}

func (c *collector) badDirectives(fset *token.FileSet, directives []*dbindex.Directive) {
	for _, d := range directives {
		c.add(fset, dbindex.IgnoreRule, analysis.Diagnostic{Pos: d.Pos, Message: d.Problem, Category: dbindex.IgnoreRule}, note.Note{Severity: string(rules.SeverityError)})
	}
}

func (c *collector) add(fset *token.FileSet, rule string, d analysis.Diagnostic, n note.Note) {
	pos := fset.Position(d.Pos)
	file := c.rel(pos.Filename)
	if c.cfg.Ignored(pos.Filename) || c.cfg.Ignored(file) {
		return
	}
	f := report.Finding{
		Rule:     rule,
		Severity: c.cfg.SeverityOf(rule, rules.Severity(n.Severity)),
		File:     file,
		Line:     pos.Line,
		Column:   pos.Column,
		Message:  d.Message,
		Help:     n.Help,
		Fixes:    []report.Fix{},
	}
	if d.End.IsValid() {
		end := fset.Position(d.End)
		f.EndLine, f.EndColumn = end.Line, end.Column
	}
	for _, sf := range d.SuggestedFixes {
		fix := report.Fix{Message: sf.Message}
		for _, te := range sf.TextEdits {
			start, end := fset.Position(te.Pos), fset.Position(te.Pos)
			if te.End.IsValid() {
				end = fset.Position(te.End)
			}
			fix.Edits = append(fix.Edits, report.Edit{
				File: c.rel(start.Filename), Start: start.Offset, End: end.Offset, NewText: string(te.NewText),
				StartLine: start.Line, StartColumn: start.Column, EndLine: end.Line, EndColumn: end.Column,
			})
		}
		f.Fixes = append(f.Fixes, fix)
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", f.Rule, f.File, f.Line, f.Column, f.Message)
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.res.Findings = append(c.res.Findings, f)
}

// ReportedErrors is what go vet shows of a package's errors: the first,
// with its position, saying how many more there are. Errors of the go
// command (a package it could not list, an import cycle, a cgo failure)
// and syntax errors come before type errors, which after them are mostly
// follow-ons; "could not import" errors of a package the go command already
// faulted (an import cycle makes the checker say "a does not import b")
// are dropped.
func ReportedErrors(p *packages.Package) []packages.Error {
	rank := func(e packages.Error) int {
		switch e.Kind {
		case packages.ListError:
			return 0
		case packages.ParseError:
			return 1
		}
		return 2
	}
	best := 3
	for _, e := range p.Errors {
		best = min(best, rank(e))
	}
	var kept []packages.Error
	for _, e := range p.Errors {
		if best < 2 && rank(e) == 2 {
			continue // follow-ons of a syntax or go command error
		}
		kept = append(kept, withPosition(e))
	}
	if len(kept) == 0 {
		return nil
	}
	// The first: of the highest rank, positioned, earliest in the source.
	first := slices.MinFunc(kept, func(a, b packages.Error) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		if hasPosition(a) != hasPosition(b) {
			if hasPosition(a) {
				return -1
			}
			return 1
		}
		fa, la, ca := splitPos(a.Pos)
		fb, lb, cb := splitPos(b.Pos)
		return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(la, lb), cmp.Compare(ca, cb))
	})
	switch n := len(kept) - 1; {
	case n == 1:
		first.Msg += " (and 1 more error)"
	case n > 1:
		first.Msg += fmt.Sprintf(" (and %d more errors)", n)
	}
	return []packages.Error{first}
}

func hasPosition(e packages.Error) bool { return e.Pos != "" && e.Pos != "-" }

// splitPos splits "file:line:col", "file:line" or "file".
func splitPos(pos string) (file string, line, col int) {
	parts := strings.Split(pos, ":")
	file = parts[0]
	if len(parts) > 1 {
		line, _ = strconv.Atoi(parts[1])
	}
	if len(parts) > 2 {
		col, _ = strconv.Atoi(parts[2])
	}
	return file, line, col
}

// compilerPosition finds "file.go:line[:col]: message" in the go command's
// output for a cgo or compiler failure ("# pkg\nc.go:3:11: fatal error: ...").
var compilerPosition = regexp.MustCompile(`(?m)^([^\s:]+\.go):(\d+)(?::(\d+))?: (.+)$`)

// withPosition gives an error without a position the first one its message
// holds, and keeps that line only.
func withPosition(e packages.Error) packages.Error {
	if hasPosition(e) {
		return e
	}
	if m := compilerPosition.FindStringSubmatch(e.Msg); m != nil {
		e.Pos = m[1] + ":" + m[2]
		if m[3] != "" {
			e.Pos += ":" + m[3]
		}
		e.Msg = m[4]
	}
	return e
}

func (c *collector) loadError(e packages.Error) report.LoadError {
	le := report.LoadError{Message: e.Msg}
	if e.Pos == "" || e.Pos == "-" {
		return le
	}
	file, line, col := splitPos(e.Pos)
	le.File, le.Line, le.Column = c.rel(file), line, col
	return le
}

// rel makes a file name relative to the run's directory, slash-separated.
func (c *collector) rel(name string) string {
	if name == "" {
		return name
	}
	if filepath.IsAbs(name) {
		if r, err := filepath.Rel(c.dir, name); err == nil {
			name = r
		}
	}
	return filepath.ToSlash(name)
}

func lessFinding(a, b report.Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	return a.Message < b.Message
}

// Getwd is os.Getwd, for callers that want an absolute Dir.
func Getwd() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	return wd
}
