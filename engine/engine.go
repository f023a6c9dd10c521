// Package engine loads Go packages once and runs the dbaudit analyzers over
// them, turning diagnostics into report findings. The CLI, the inventory and
// schemacheck share it so that one run means one load.
//
// One streaming path: go list names the packages (files, imports, modules;
// nothing compiled); each package's key (its files, its imports' keys, the
// configuration and the binary) finds its findings, facts and products in
// the result cache (cache.go), and only the packages it does not hold are
// type-checked and analysed, in dependency order, each with the facts of
// the analysed packages it imports (driver.go, facts.go), dropping its
// syntax once done. A run in which nothing changed type-checks nothing.
package engine

import (
	"cmp"
	"fmt"
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
	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/analyzers/suite"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/rules"
)

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
	// ExtraFor builds more Extra analyzers on the run's own dbindex
	// analyzer, so that they share its one walk of each package with the
	// rules.
	ExtraFor func(index *analysis.Analyzer) []*analysis.Analyzer
	// NoRules runs none of the rules: only the index (for its directives)
	// and the Extra analyzers, for a command that wants their products
	// alone.
	NoRules bool
	// NoCache neither reads nor writes the result cache (see CacheDir).
	NoCache bool
}

// Result is what a run produced.
type Result struct {
	// Packages are the analysed packages (test variants in place of the
	// packages they extend). They hold names, files, imports, errors and
	// types; syntax and type information are dropped once a package is
	// analysed.
	Packages   []*packages.Package
	Findings   []report.Finding
	LoadErrors []report.LoadError
	Rules      []report.RuleMeta
	Files      int
	// Products holds the results of Options.Extra analyzers: analyzer name
	// → package ID → result, for every analysed package.
	Products map[string]map[string]any
	Suite    *suite.Suite
	Timings  Timings
}

// Timings says where a run spent its time. The analysis overlaps the load:
// Analyze is its share of the workers' time (summed analysis time over
// GOMAXPROCS) and Load the rest of that phase.
type Timings struct {
	Load     time.Duration
	Analyze  time.Duration
	Report   time.Duration
	Analyzer map[string]time.Duration // summed over the packages analysed (not those from the cache)
	// Cached and Packages: how many of the packages came from the cache.
	Cached, Packages int
}

func (opts Options) config() (*packages.Config, []string) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	patterns := opts.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	return &packages.Config{Dir: dir, Tests: !opts.NoTests, BuildFlags: opts.BuildFlags}, patterns
}

// list lists the packages to analyse, with their test variants.
func list(opts Options) (listed []*packages.Package, cfg *packages.Config, patterns []string, err error) {
	cfg, patterns = opts.config()
	listed, err = listPackages(cfg, patterns)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	if len(dedupeTestVariants(listed)) == 0 {
		return nil, nil, nil, fmt.Errorf("no packages match %s in %s", strings.Join(patterns, " "), cfg.Dir)
	}
	return listed, cfg, patterns, nil
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

// Run lists the packages and runs the enabled analyzers and Options.Extra
// over them, with facts, in dependency order: each package once the
// packages it imports are done, on GOMAXPROCS workers. A package whose
// result the cache holds (same files, dependencies, configuration, build
// flags, analyzers and dbaudit binary) is not loaded at all.
func Run(opts Options) (*Result, error) {
	if opts.Config == nil {
		return nil, fmt.Errorf("engine: no config")
	}
	cfgDir := opts.Dir
	if cfgDir == "" {
		cfgDir = "."
	}
	absDir, err := filepath.Abs(cfgDir)
	if err != nil {
		return nil, err
	}
	defer startCPUProfile()()
	if opts.Progress != nil {
		opts.Progress.Stage("loading packages", 0)
	}
	res := &Result{Suite: suite.New(opts.Config)}
	var analyzers []*analysis.Analyzer
	if !opts.NoRules {
		analyzers = res.Suite.Enabled()
	}
	res.Rules = ruleMeta(opts.Config, analyzers)
	extra := slices.Clip(opts.Extra)
	if opts.ExtraFor != nil {
		extra = append(extra, opts.ExtraFor(res.Suite.Index)...)
	}
	roots := append([]*analysis.Analyzer{res.Suite.Index}, analyzers...)
	roots = append(roots, extra...)
	pl, err := newPlan(roots, res.Suite.Index, extra)
	if err != nil {
		return nil, fmt.Errorf("engine: invalid analyzers: %v", err)
	}

	t0 := time.Now()
	listed, cfg, patterns, err := list(opts)
	if err != nil {
		return nil, err
	}
	res.Suite.UseProgram(listed)
	res.Packages = dedupeTestVariants(listed)

	d := &driver{plan: pl, facts: newFactStore()}
	results := map[string]*pkgResult{}
	var c *cache
	if !opts.NoCache {
		c = openCache()
	}
	var (
		keys     map[string]cacheKey
		combined cacheKey
		slot     cacheKey
		whole    runEntry // the last run's results in one entry: all of them when nothing changed
	)
	cold := map[string]bool{}
	if c != nil {
		run := runKey(opts, pl, cfg)
		keys = packageKeys(run, listed)
		combined = combinedKey(run, res.Packages, keys)
		slot = slotKey(run)
		if !c.read(slot, &whole) || whole.Key != combined {
			whole.Results = nil
		}
	}
	for _, p := range res.Packages {
		r := whole.Results[p.ID]
		if r == nil && c != nil && len(p.Errors) == 0 {
			r = c.get(keys[p.ID])
		}
		if r == nil {
			cold[p.ID] = true
			continue
		}
		results[p.ID] = r
		d.facts.put(p.PkgPath, r.Facts)
		res.Timings.Cached++
	}
	if opts.Progress != nil {
		opts.Progress.Stage("analysing packages", len(cold))
	}
	var mu sync.Mutex
	analyse := func(p *packages.Package) {
		r := d.analyse(p)
		d.facts.put(p.PkgPath, r.Facts)
		p.Syntax, p.TypesInfo = nil, nil // importers need only p.Types
		if c != nil && len(p.Errors) == 0 && len(r.Errors) == 0 {
			c.put(keys[p.ID], r)
		}
		mu.Lock()
		results[p.ID] = r
		mu.Unlock()
		if opts.Progress != nil {
			opts.Progress.Step()
		}
	}
	var tc typesCache
	if c != nil {
		tc = &depTypes{c: c, keys: keys}
	}
	if err := checkPackages(cfg, patterns, listed, cold, analyse, tc); err != nil {
		return nil, fmt.Errorf("loading %s: %w", strings.Join(patterns, " "), err)
	}
	if c != nil {
		entry := runEntry{Key: combined, Results: map[string]*pkgResult{}}
		var used []cacheKey
		for _, p := range res.Packages {
			if r := results[p.ID]; r != nil && len(p.Errors) == 0 && len(r.Errors) == 0 {
				entry.Results[p.ID] = r
				used = append(used, keys[p.ID])
			}
		}
		switch {
		case whole.Results == nil: // the last run's entry did not serve: this run's does
			c.put(slot, entry)
			c.touch(used)
		case c.touchedBefore(slot, time.Now().Add(-touchEvery)):
			// Served by the last run's entry: mark it and the packages'
			// entries used, so trim keeps what every run reads.
			c.touch(append(used, slot))
		}
		c.trim()
	}
	var sum time.Duration
	for _, r := range results {
		sum += r.duration
	}
	res.Timings.Analyze = sum / time.Duration(runtime.GOMAXPROCS(0))
	res.Timings.Load = time.Since(t0) - res.Timings.Analyze
	writeHeapProfile()

	t2 := time.Now()
	col := &collector{dir: absDir, cfg: opts.Config, seen: map[string]bool{}, res: res, plan: pl}
	col.collect(res.Packages, results)
	res.Timings.Report = time.Since(t2)
	res.Timings.Packages = len(res.Packages)
	return res, nil
}

type collector struct {
	dir  string
	cfg  *rules.Config
	seen map[string]bool
	res  *Result
	plan *plan
}

func (c *collector) collect(pkgs []*packages.Package, results map[string]*pkgResult) {
	res := c.res
	res.Timings.Analyzer = map[string]time.Duration{}
	for _, a := range c.plan.all {
		res.Timings.Analyzer[a.Name] = 0 // ran, if only in the runs the cache remembers
	}
	res.Products = map[string]map[string]any{}
	files := map[string]bool{}
	loadErrs := map[string]bool{}
	for _, pkg := range pkgs {
		list := pkg.CompiledGoFiles
		if len(list) == 0 {
			list = pkg.GoFiles
		}
		for _, f := range list {
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
		r := results[pkg.ID]
		if r == nil {
			continue
		}
		for name, t := range r.durations {
			res.Timings.Analyzer[name] += t
		}
		for _, msg := range r.Errors {
			res.LoadErrors = append(res.LoadErrors, report.LoadError{Message: msg})
		}
		for _, d := range r.Diagnostics {
			c.add(d)
		}
		for a := range c.plan.products {
			data, ok := r.Products[a.Name]
			if !ok {
				continue
			}
			v, err := decodeProduct(a, data)
			if err != nil {
				res.LoadErrors = append(res.LoadErrors, report.LoadError{Message: fmt.Sprintf("%s@%s: %v", a.Name, pkg.PkgPath, err)})
				continue
			}
			if res.Products[a.Name] == nil {
				res.Products[a.Name] = map[string]any{}
			}
			res.Products[a.Name][pkg.ID] = v
		}
	}
	res.Files = len(files)
	sort.SliceStable(res.Findings, func(i, j int) bool { return lessFinding(res.Findings[i], res.Findings[j]) })
}

func (c *collector) add(d diagnostic) {
	file := c.rel(d.Pos.Filename)
	if c.cfg.Ignored(d.Pos.Filename) || c.cfg.Ignored(file) {
		return
	}
	f := report.Finding{
		Rule:     d.Analyzer,
		Severity: c.cfg.SeverityOf(d.Analyzer, rules.Severity(d.Severity)),
		File:     file,
		Line:     d.Pos.Line,
		Column:   d.Pos.Column,
		Message:  d.Message,
		Help:     d.Help,
		Fixes:    []report.Fix{},
	}
	if d.End.Line > 0 {
		f.EndLine, f.EndColumn = d.End.Line, d.End.Column
	}
	for _, sf := range d.Fixes {
		fix := report.Fix{Message: sf.Message}
		for _, te := range sf.Edits {
			fix.Edits = append(fix.Edits, report.Edit{
				File: c.rel(te.Start.Filename), Start: te.Start.Offset, End: te.End.Offset, NewText: te.NewText,
				StartLine: te.Start.Line, StartColumn: te.Start.Column, EndLine: te.End.Line, EndColumn: te.End.Column,
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
