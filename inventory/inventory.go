package inventory

import (
	"cmp"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
)

// Kinds are the touchpoint kinds, in the order reports list them.
var Kinds = []string{"construct", "query", "exec", "begin", "acquire", "batch", "copy", "prepare", "inject", "global"}

// Components are the built-in components, in the order reports list them.
// rules.yaml may name others.
var Components = []string{"handler", "service", "worker", "migration", "main", "test", "other"}

// Touchpoint is one place where the code reaches the database.
type Touchpoint struct {
	Kind string
	// File is relative to the run's directory, slash-separated.
	File    string
	Line    int
	Column  int
	EndLine int // the last line of a call spanning lines
	// Function is the enclosing function's full name (see the package doc).
	Function  string
	Component string
	// API is the full name of the API called ("pkgpath.Type.Method"), or
	// the handle type of an inject or global touchpoint.
	API     string
	Package string
	// Findings are the ids of the rules that reported a finding here,
	// sorted and unique; empty when the touchpoint is compliant.
	Findings []string
}

// Compliant reports whether no finding is attached to t.
func (t *Touchpoint) Compliant() bool { return len(t.Findings) == 0 }

// Inventory is every touchpoint of a run, in a stable order.
type Inventory struct {
	Touchpoints []Touchpoint
}

// Summary counts an inventory's touchpoints.
type Summary struct {
	Touchpoints  int            `json:"touchpoints"`
	ByKind       map[string]int `json:"by_kind"`
	ByComponent  map[string]int `json:"by_component"`
	Compliant    int            `json:"compliant"`
	NonCompliant int            `json:"non_compliant"`
}

// Summary counts the touchpoints by kind and component.
func (inv *Inventory) Summary() Summary {
	s := Summary{ByKind: map[string]int{}, ByComponent: map[string]int{}}
	for i := range inv.Touchpoints {
		t := &inv.Touchpoints[i]
		s.Touchpoints++
		s.ByKind[t.Kind]++
		s.ByComponent[t.Component]++
		if t.Compliant() {
			s.Compliant++
		} else {
			s.NonCompliant++
		}
	}
	return s
}

// Run loads the packages once, runs the enabled rules and the inventory
// analyzer on the engine's streaming path (each package's syntax is dropped
// once it is analysed) and collects the inventory from the same load, with
// the findings attached. Collecting is counted in the result's
// Timings.Report.
func Run(opts engine.Options) (*Inventory, *engine.Result, error) {
	if opts.Config == nil {
		return nil, nil, fmt.Errorf("inventory: no config")
	}
	// The collector shares the run's index with the rules: one walk.
	opts.ExtraFor = func(index *analysis.Analyzer) []*analysis.Analyzer { return []*analysis.Analyzer{New(index)} }
	res, err := engine.Run(opts)
	if err != nil {
		return nil, nil, err
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	t0 := time.Now()
	inv, err := Collect(res, dir)
	if err != nil {
		return nil, nil, err
	}
	res.Timings.Report += time.Since(t0)
	return inv, res, nil
}

// Collect assembles the inventory from the inventory analyzer's results in
// res.Products and attaches res.Findings. dir is the run's directory:
// files are made relative to it, as the findings' are.
func Collect(res *engine.Result, dir string) (*Inventory, error) {
	byID := res.Products[Name]
	var pkgs []*PackageTouchpoints
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		if p, _ := byID[id].(*PackageTouchpoints); p != nil {
			pkgs = append(pkgs, p) // nil: the analysis failed for this package; a load error says why
		}
	}
	return Assemble(pkgs, res.Findings, dir)
}

// Assemble builds the inventory from the inventory analyzer's results of
// the packages of a run, attaching findings (whose files are relative to
// dir). A file analysed twice (a package and its test variant) counts once.
func Assemble(pkgs []*PackageTouchpoints, findings []report.Finding, dir string) (*Inventory, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	inv := &Inventory{}
	seen := map[touchKey]bool{}
	for _, p := range pkgs {
		for _, t := range p.Touchpoints {
			t.File = relTo(absDir, t.File)
			t.Findings = nil
			k := touchKey{t.Kind, t.File, t.Line, t.Column, t.API}
			if !seen[k] {
				seen[k] = true
				inv.Touchpoints = append(inv.Touchpoints, t)
			}
		}
	}
	attachFindings(inv.Touchpoints, findings)
	inv.sort()
	return inv, nil
}

// relTo makes name relative to the absolute directory dir, slash-separated.
func relTo(dir, name string) string {
	if filepath.IsAbs(name) {
		if r, err := filepath.Rel(dir, name); err == nil {
			name = r
		}
	}
	return filepath.ToSlash(name)
}

type touchKey struct {
	kind, file string
	line, col  int
	api        string
}

func (inv *Inventory) sort() {
	slices.SortFunc(inv.Touchpoints, func(a, b Touchpoint) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)),
			cmp.Compare(a.API, b.API),
			cmp.Compare(a.Function, b.Function),
		)
	})
}

func kindOrder(k string) int {
	if i := slices.Index(Kinds, k); i >= 0 {
		return i
	}
	return len(Kinds)
}

// attachFindings gives each finding to the touchpoints it is about: those
// starting on its line, else the innermost call spanning it.
func attachFindings(tps []Touchpoint, findings []report.Finding) {
	byFile := map[string][]int{}
	for i := range tps {
		byFile[tps[i].File] = append(byFile[tps[i].File], i)
	}
	for _, f := range findings {
		var best []int
		bestSpan, exact := 0, false
		for _, i := range byFile[f.File] {
			t := &tps[i]
			if f.Line < t.Line || f.Line > max(t.EndLine, t.Line) {
				continue
			}
			switch span := max(t.EndLine, t.Line) - t.Line; {
			case t.Line == f.Line:
				if !exact {
					best, exact = nil, true
				}
				best = append(best, i)
			case exact:
			case best == nil || span < bestSpan:
				best, bestSpan = []int{i}, span
			case span == bestSpan:
				best = append(best, i)
			}
		}
		for _, i := range best {
			if !slices.Contains(tps[i].Findings, f.Rule) {
				tps[i].Findings = append(tps[i].Findings, f.Rule)
				slices.Sort(tps[i].Findings)
			}
		}
	}
}

// Packages groups the touchpoints by package, packages sorted by path.
func (inv *Inventory) Packages() []PackageTouchpoints {
	byPkg := map[string][]Touchpoint{}
	for _, t := range inv.Touchpoints {
		byPkg[t.Package] = append(byPkg[t.Package], t)
	}
	var out []PackageTouchpoints
	for _, p := range slices.Sorted(maps.Keys(byPkg)) {
		out = append(out, PackageTouchpoints{Path: p, Touchpoints: byPkg[p]})
	}
	return out
}

// PackageTouchpoints are one package's touchpoints: the inventory
// analyzer's result, and a section of the report.
type PackageTouchpoints struct {
	Path        string
	Touchpoints []Touchpoint
}

// NonCompliant counts the package's touchpoints with findings.
func (p *PackageTouchpoints) NonCompliant() int {
	n := 0
	for i := range p.Touchpoints {
		if !p.Touchpoints[i].Compliant() {
			n++
		}
	}
	return n
}

func (t Touchpoint) String() string {
	return fmt.Sprintf("%s:%d: %s %s in %s (%s)", t.File, t.Line, t.Kind, t.API, t.Function, t.Component)
}
