package engine

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/analyzers/note"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// The driver runs the analyzer graph over one type-checked package with a
// Pass it builds itself, as golang.org/x/tools/go/analysis/unitchecker does
// for go vet: the required analyzers (inspect, ctrlflow, buildssa, dbindex)
// and the roots (dbindex, the enabled rules, Options.Extra), with facts.
// Facts that a package exports are kept by package path and object path
// (golang.org/x/tools/go/types/objectpath), gob-encoded as go vet encodes
// them, so they outlive the package's syntax and go into the cache; a
// package that imports it reads them back against its own view of the
// package's types. Packages outside the analysed set have no facts.

// plan is the analyzer graph of a run.
type plan struct {
	roots    []*analysis.Analyzer
	isRoot   map[*analysis.Analyzer]bool
	products map[*analysis.Analyzer]bool // Options.Extra: results are kept as plain data
	index    *analysis.Analyzer
	// all is every analyzer the roots require, dependencies first.
	all []*analysis.Analyzer
}

func newPlan(roots []*analysis.Analyzer, index *analysis.Analyzer, extra []*analysis.Analyzer) (*plan, error) {
	if err := analysis.Validate(roots); err != nil {
		return nil, err
	}
	pl := &plan{roots: roots, isRoot: map[*analysis.Analyzer]bool{}, products: map[*analysis.Analyzer]bool{}, index: index}
	for _, a := range roots {
		pl.isRoot[a] = true
	}
	for _, a := range extra {
		pl.products[a] = true
	}
	seen := map[*analysis.Analyzer]bool{}
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, r := range a.Requires {
			visit(r)
		}
		for _, f := range a.FactTypes {
			registerFact(f)
		}
		pl.all = append(pl.all, a)
	}
	for _, a := range roots {
		visit(a)
	}
	return pl, nil
}

var registered sync.Map // reflect.Type → true

// registerFact registers a fact type with gob once (gob.Register panics
// when a name is registered twice with different types, never for the same).
func registerFact(f analysis.Fact) {
	if _, dup := registered.LoadOrStore(reflect.TypeOf(f), true); !dup {
		gob.Register(f)
	}
}

// pkgResult is what analysing one package leaves: plain data, with
// positions resolved, so it holds nothing of the package's syntax and can
// be cached.
type pkgResult struct {
	Diagnostics []diagnostic
	// Errors are the analyzers' errors ("analyzer@package: error").
	Errors []string
	// Facts are the facts the package exports, gob-encoded (factRecords).
	Facts []byte
	// Products are the Options.Extra analyzers' results, gob-encoded, by
	// analyzer name.
	Products map[string][]byte

	// Not cached:
	durations map[string]time.Duration
	duration  time.Duration
}

type diagnostic struct {
	Analyzer string
	Pos, End position // End.Line is 0 when the diagnostic has no end
	Message  string
	Severity string
	Help     string
	Fixes    []fix
}

type position struct {
	Filename             string
	Offset, Line, Column int
}

type fix struct {
	Message string
	Edits   []edit
}

type edit struct {
	Start, End position
	NewText    string
}

func resolve(fset *token.FileSet, pos token.Pos) position {
	p := fset.Position(pos)
	return position{Filename: p.Filename, Offset: p.Offset, Line: p.Line, Column: p.Column}
}

// driver runs the plan over packages, keeping the run's facts.
type driver struct {
	plan  *plan
	facts *factStore
}

// action is one analyzer on one package.
type action struct {
	a        *analysis.Analyzer
	result   any
	err      error
	diags    []analysis.Diagnostic
	duration time.Duration
}

// analyse runs the plan over p, which is type-checked.
func (d *driver) analyse(p *packages.Package) *pkgResult {
	start := time.Now()
	local := newLocalFacts(p.Types)
	acts := map[*analysis.Analyzer]*action{}
	for _, a := range d.plan.all {
		acts[a] = &action{a: a}
	}
	module := &analysis.Module{}
	if m := p.Module; m != nil {
		module = &analysis.Module{Path: m.Path, Version: m.Version, Main: m.Main, Dir: m.Dir, GoMod: m.GoMod, GoVersion: m.GoVersion}
	}
	readable := map[string]bool{}
	for _, f := range packageFiles(p) {
		readable[f] = true
	}
	// d.plan.all is in dependency order: each action's requirements have run.
	for _, a := range d.plan.all {
		act := acts[a]
		inputs := map[*analysis.Analyzer]any{}
		var failed []string
		for _, req := range a.Requires {
			if r := acts[req]; r.err != nil {
				failed = append(failed, req.Name)
			} else {
				inputs[req] = r.result
			}
		}
		if failed != nil {
			sort.Strings(failed)
			act.err = fmt.Errorf("failed prerequisites: %s", strings.Join(failed, ", "))
			continue
		}
		factTypes := map[reflect.Type]bool{}
		for _, f := range a.FactTypes {
			factTypes[reflect.TypeOf(f)] = true
		}
		pass := &analysis.Pass{
			Analyzer:     a,
			Fset:         p.Fset,
			Files:        p.Syntax,
			OtherFiles:   p.OtherFiles,
			IgnoredFiles: p.IgnoredFiles,
			Pkg:          p.Types,
			TypesInfo:    p.TypesInfo,
			TypesSizes:   p.TypesSizes,
			TypeErrors:   p.TypeErrors,
			Module:       module,
			ResultOf:     inputs,
			Report:       func(diag analysis.Diagnostic) { act.diags = append(act.diags, diag) },
			ReadFile: func(name string) ([]byte, error) {
				if !readable[name] {
					return nil, fmt.Errorf("Pass.ReadFile: %s is not among the package's files", name)
				}
				return os.ReadFile(name)
			},
			ImportObjectFact:  func(obj types.Object, fact analysis.Fact) bool { return d.importObjectFact(local, obj, fact) },
			ExportObjectFact:  func(obj types.Object, fact analysis.Fact) { local.exportObject(a, obj, fact) },
			ImportPackageFact: func(pkg *types.Package, fact analysis.Fact) bool { return d.importPackageFact(local, pkg, fact) },
			ExportPackageFact: func(fact analysis.Fact) { local.exportPackage(a, fact) },
			AllObjectFacts:    func() []analysis.ObjectFact { return d.allObjectFacts(local, factTypes) },
			AllPackageFacts:   func() []analysis.PackageFact { return d.allPackageFacts(local, factTypes) },
		}
		t0 := time.Now()
		act.result, act.err = runPass(pass, p)
		act.duration = time.Since(t0)
		pass.ExportObjectFact, pass.ExportPackageFact = nil, nil
	}

	res := &pkgResult{durations: map[string]time.Duration{}, Products: map[string][]byte{}}
	for _, a := range d.plan.all {
		res.durations[a.Name] += acts[a].duration
	}
	for _, a := range d.plan.roots {
		act := acts[a]
		if act.err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s@%s: %v", a.Name, p.PkgPath, act.err))
			continue
		}
		notes := note.From(act.result)
		for _, diag := range act.diags {
			res.Diagnostics = append(res.Diagnostics, makeDiagnostic(p.Fset, a.Name, diag, notes.Of(diag)))
		}
		if idx, ok := act.result.(*dbindex.Index); ok && a == d.plan.index {
			for _, bd := range idx.BadDirectives {
				diag := analysis.Diagnostic{Pos: bd.Pos, Message: bd.Problem, Category: dbindex.IgnoreRule}
				res.Diagnostics = append(res.Diagnostics, makeDiagnostic(p.Fset, dbindex.IgnoreRule, diag, note.Note{Severity: string(rules.SeverityError)}))
			}
		}
		if d.plan.products[a] && !isNil(act.result) {
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(act.result); err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("%s@%s: result is not plain data: %v", a.Name, p.PkgPath, err))
				continue
			}
			res.Products[a.Name] = buf.Bytes()
		}
	}
	data, err := local.encode()
	if err != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("facts of %s: %v", p.PkgPath, err))
	}
	res.Facts = data
	res.duration = time.Since(start)
	return res
}

// runPass runs one analyzer as go/analysis/checker does: not on a package
// with errors unless it says it can, and checking the result's type.
func runPass(pass *analysis.Pass, p *packages.Package) (result any, err error) {
	if p.IllTyped && !pass.Analyzer.RunDespiteErrors {
		return nil, fmt.Errorf("analysis skipped due to errors in package")
	}
	result, err = pass.Analyzer.Run(pass)
	if err != nil {
		return nil, err
	}
	if got, want := reflect.TypeOf(result), pass.Analyzer.ResultType; got != want {
		return nil, fmt.Errorf("internal error: analyzer %s returned a result of type %v, but declared ResultType %v", pass.Analyzer, got, want)
	}
	return result, nil
}

func makeDiagnostic(fset *token.FileSet, analyzer string, d analysis.Diagnostic, n note.Note) diagnostic {
	out := diagnostic{Analyzer: analyzer, Pos: resolve(fset, d.Pos), Message: d.Message, Severity: n.Severity, Help: n.Help}
	if d.End.IsValid() {
		out.End = resolve(fset, d.End)
	}
	for _, sf := range d.SuggestedFixes {
		f := fix{Message: sf.Message}
		for _, te := range sf.TextEdits {
			e := edit{Start: resolve(fset, te.Pos), NewText: string(te.NewText)}
			e.End = e.Start
			if te.End.IsValid() {
				e.End = resolve(fset, te.End)
			}
			f.Edits = append(f.Edits, e)
		}
		out.Fixes = append(out.Fixes, f)
	}
	return out
}

// decodeProduct decodes a product analyzer's cached result.
func decodeProduct(a *analysis.Analyzer, data []byte) (any, error) {
	if a.ResultType == nil {
		return nil, fmt.Errorf("%s declares no ResultType", a.Name)
	}
	v := reflect.New(a.ResultType)
	if err := gob.NewDecoder(bytes.NewReader(data)).DecodeValue(v); err != nil {
		return nil, err
	}
	return v.Elem().Interface(), nil
}

// isNil reports whether v is nil or a nil pointer, map or slice.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
