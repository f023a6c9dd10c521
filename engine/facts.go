package engine

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"fmt"
	"go/types"
	"reflect"
	"slices"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/objectpath"
)

// factRecord is one fact as it is encoded: the object path of the object
// it is about within the exporting package ("" for a package fact).
type factRecord struct {
	Path string
	Fact analysis.Fact
}

type objKey struct {
	obj types.Object
	t   reflect.Type
}

// localFacts are the facts of the package being analysed.
type localFacts struct {
	pkg  *types.Package
	objs map[objKey]analysis.Fact
	pkgs map[reflect.Type]analysis.Fact
}

func newLocalFacts(pkg *types.Package) *localFacts {
	return &localFacts{pkg: pkg, objs: map[objKey]analysis.Fact{}, pkgs: map[reflect.Type]analysis.Fact{}}
}

func (l *localFacts) exportObject(a *analysis.Analyzer, obj types.Object, fact analysis.Fact) {
	if obj == nil || obj.Pkg() != l.pkg {
		panic(fmt.Sprintf("in analysis %s of package %s: ExportObjectFact(%v, %T): can't set facts on objects belonging to another package", a, l.pkg.Path(), obj, fact))
	}
	l.objs[objKey{obj, reflect.TypeOf(fact)}] = fact
}

func (l *localFacts) exportPackage(a *analysis.Analyzer, fact analysis.Fact) {
	l.pkgs[reflect.TypeOf(fact)] = fact
}

// encode gob-encodes the facts whose objects importers can name (those
// with an object path), in a stable order.
func (l *localFacts) encode() ([]byte, error) {
	if len(l.objs) == 0 && len(l.pkgs) == 0 {
		return nil, nil
	}
	var recs []factRecord
	var enc objectpath.Encoder
	for k, f := range l.objs {
		p, err := enc.For(k.obj)
		if err != nil {
			continue // not reachable from the package's scope: no importer can ask
		}
		recs = append(recs, factRecord{Path: string(p), Fact: f})
	}
	for _, f := range l.pkgs {
		recs = append(recs, factRecord{Fact: f})
	}
	slices.SortFunc(recs, func(a, b factRecord) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(reflect.TypeOf(a.Fact).String(), reflect.TypeOf(b.Fact).String()))
	})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(recs); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// factStore holds the run's facts: encoded, by package path, as each
// package's analysis (or its cache entry) leaves them, and decoded against
// each view of a package's types that asks.
type factStore struct {
	mu      sync.Mutex
	data    map[string][]byte
	decoded map[string][]factRecord
	views   map[*types.Package]*factView
}

type factView struct {
	objs map[objKey]analysis.Fact
	pkgs map[reflect.Type]analysis.Fact
}

func newFactStore() *factStore {
	return &factStore{data: map[string][]byte{}, decoded: map[string][]factRecord{}, views: map[*types.Package]*factView{}}
}

// put records the encoded facts of the package with the given path.
func (s *factStore) put(path string, data []byte) {
	if len(data) == 0 {
		return
	}
	s.mu.Lock()
	s.data[path] = data
	s.mu.Unlock()
}

// view returns the facts about pkg's objects, resolved in pkg, or nil.
func (s *factStore) view(pkg *types.Package) *factView {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.views[pkg]; ok {
		return v
	}
	recs, ok := s.decoded[pkg.Path()]
	if !ok {
		if data := s.data[pkg.Path()]; data != nil {
			if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&recs); err != nil {
				recs = nil // unreadable: as if there were none
			}
		}
		s.decoded[pkg.Path()] = recs
	}
	var v *factView
	if len(recs) > 0 {
		v = &factView{objs: map[objKey]analysis.Fact{}, pkgs: map[reflect.Type]analysis.Fact{}}
		for _, r := range recs {
			if r.Fact == nil {
				continue
			}
			t := reflect.TypeOf(r.Fact)
			if r.Path == "" {
				v.pkgs[t] = r.Fact
				continue
			}
			obj, err := objectpath.Object(pkg, objectpath.Path(r.Path))
			if err != nil {
				continue
			}
			v.objs[objKey{obj, t}] = r.Fact
		}
	}
	s.views[pkg] = v
	return v
}

// copyFact copies the fact src into the caller's fact dst.
func copyFact(dst, src analysis.Fact) bool {
	if reflect.TypeOf(dst) != reflect.TypeOf(src) {
		return false
	}
	reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src).Elem())
	return true
}

func (d *driver) importObjectFact(l *localFacts, obj types.Object, fact analysis.Fact) bool {
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	key := objKey{obj, reflect.TypeOf(fact)}
	if obj.Pkg() == l.pkg {
		if f, ok := l.objs[key]; ok {
			return copyFact(fact, f)
		}
		return false
	}
	if v := d.facts.view(obj.Pkg()); v != nil {
		if f, ok := v.objs[key]; ok {
			return copyFact(fact, f)
		}
	}
	return false
}

func (d *driver) importPackageFact(l *localFacts, pkg *types.Package, fact analysis.Fact) bool {
	if pkg == nil {
		return false
	}
	t := reflect.TypeOf(fact)
	if pkg == l.pkg {
		if f, ok := l.pkgs[t]; ok {
			return copyFact(fact, f)
		}
		return false
	}
	if v := d.facts.view(pkg); v != nil {
		if f, ok := v.pkgs[t]; ok {
			return copyFact(fact, f)
		}
	}
	return false
}

// deps are pkg and every package it imports, directly or not.
func deps(pkg *types.Package) []*types.Package {
	seen := map[*types.Package]bool{}
	var out []*types.Package
	var visit func(p *types.Package)
	visit = func(p *types.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		out = append(out, p)
		for _, imp := range p.Imports() {
			visit(imp)
		}
	}
	visit(pkg)
	return out
}

func (d *driver) allObjectFacts(l *localFacts, filter map[reflect.Type]bool) []analysis.ObjectFact {
	var out []analysis.ObjectFact
	for k, f := range l.objs {
		if filter[k.t] {
			out = append(out, analysis.ObjectFact{Object: k.obj, Fact: f})
		}
	}
	for _, p := range deps(l.pkg)[1:] {
		if v := d.facts.view(p); v != nil {
			for k, f := range v.objs {
				if filter[k.t] {
					out = append(out, analysis.ObjectFact{Object: k.obj, Fact: f})
				}
			}
		}
	}
	return out
}

func (d *driver) allPackageFacts(l *localFacts, filter map[reflect.Type]bool) []analysis.PackageFact {
	var out []analysis.PackageFact
	for t, f := range l.pkgs {
		if filter[t] {
			out = append(out, analysis.PackageFact{Package: l.pkg, Fact: f})
		}
	}
	for _, p := range deps(l.pkg)[1:] {
		if v := d.facts.view(p); v != nil {
			for t, f := range v.pkgs {
				if filter[t] {
					out = append(out, analysis.PackageFact{Package: p, Fact: f})
				}
			}
		}
	}
	return out
}
