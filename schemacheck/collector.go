package schemacheck

import (
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
)

// CollectorName is the collector analyzer's name, the key of its results
// in engine.Result.Products.
const CollectorName = "schemacheck"

// NewCollector returns the analyzer that collects, per package, what
// schemacheck compares with the database: the struct types that may be
// models and the literal SQL with its arguments' and destinations' Go
// types. It reads the shared index analyzer index (the one the rules of
// the same run require). Its result is a *PackageData: plain data, holding
// no syntax or type information, so it outlives the package's syntax on
// the engine's streaming path and can be cached. cfg's check_tests says
// whether test code is collected.
func NewCollector(cfg *rules.Config, index *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             CollectorName,
		Doc:              "schemacheck: collects model structs and literal SQL with their Go types, for comparison with a PostgreSQL catalog",
		Requires:         []*analysis.Analyzer{index},
		ResultType:       reflect.TypeFor[*PackageData](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			c := &collector{pass: pass, idx: pass.ResultOf[index].(*dbindex.Index), cfg: cfg, structs: map[*types.Named]*Struct{}}
			data := &PackageData{Path: pass.Pkg.Path(), Structs: c.collectStructs()}
			data.Statements, data.GormStructs = c.collectStatements()
			return data, nil
		},
	}
}

// PackageData is what the collector found in one package.
type PackageData struct {
	Path string
	// Structs are the package's non-generic struct types, in source order:
	// each is a model when the code says which table it maps to.
	Structs []*StructDecl
	// Statements are the literal SQL of the package's database calls.
	Statements []*Statement
	// GormStructs are the structs ("pkgpath.Name") the package hands to
	// gorm calls: gorm models wherever they are declared.
	GormStructs []string
}

// GoType is a Go type as schemacheck judges it: how a user writes it in
// the package that declares it, and how the drivers treat it. The zero
// GoType is a type that is not known.
type GoType struct {
	Name  string
	Shape shape
}

func (t GoType) known() bool { return t.Name != "" }

// Struct is a named struct type as the mappers see it.
type Struct struct {
	// Name is "pkgpath.Name"; GoName as the code writes it ("store.User").
	Name   string
	GoName string
	Fields []*StructField
}

// StructField is a field of a struct type, with what the mappers (pgx,
// sqlx, gorm) ask of it.
type StructField struct {
	Name     string
	Exported bool
	Embedded bool
	Tag      string
	Type     GoType
	Pos      token.Position
	// IsStruct: the type's underlying type is a struct (not a pointer).
	// DerefStruct: it is one, or a pointer to one.
	IsStruct    bool
	DerefStruct bool
	// DataStruct: a value, not a nested model (time.Time, a Scanner).
	DataStruct bool
	// GormRelation: gorm reads it as an association, not a column.
	GormRelation bool
	// Sub are the fields of the struct the type is or points to, for an
	// embedded field or one tagged gorm:"embedded": the mappers walk into
	// them.
	Sub []*StructField
}

// StructDecl is a struct type declared in a package, with what says which
// table it maps to.
type StructDecl struct {
	Struct
	Pos token.Position
	// CommentTable is the table of a //dbaudit:table comment; TableName
	// the constant a TableName() string method returns.
	CommentTable string
	TableName    string
	// EmbedsGormModel: the struct embeds gorm.Model.
	EmbedsGormModel bool
	// SqlxPackage: the declaring package imports sqlx and not pgx.
	SqlxPackage bool
}

type collector struct {
	pass    *analysis.Pass
	idx     *dbindex.Index
	cfg     *rules.Config
	structs map[*types.Named]*Struct
}

// goType describes t; nil gives the zero GoType.
func (c *collector) goType(t types.Type) GoType {
	if t == nil {
		return GoType{}
	}
	return GoType{Name: goTypeString(t), Shape: shapeOf(t)}
}

// maxFieldDepth is how deep the mappers' walk into embedded structs goes.
const maxFieldDepth = 8

// structOf describes the named type n (a struct, or any named type read by
// name: it then has no fields), once per package.
func (c *collector) structOf(n *types.Named) *Struct {
	if s, ok := c.structs[n]; ok {
		return s
	}
	s := &Struct{Name: typeFullName(n), GoName: goTypeString(n)}
	c.structs[n] = s
	if st, ok := n.Underlying().(*types.Struct); ok {
		s.Fields = c.fields(st, 0)
	}
	return s
}

// fields describes st's fields at depth, and the fields of embedded
// structs below it up to maxFieldDepth.
func (c *collector) fields(st *types.Struct, depth int) []*StructField {
	var out []*StructField
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		ft := types.Unalias(f.Type())
		sf := &StructField{
			Name:     f.Name(),
			Exported: f.Exported(),
			Embedded: f.Embedded(),
			Tag:      st.Tag(i),
			Type:     c.goType(f.Type()),
			Pos:      c.pass.Fset.Position(f.Pos()),
		}
		_, sf.IsStruct = ft.Underlying().(*types.Struct)
		sub, deref := derefStruct(ft)
		sf.DerefStruct = deref
		sf.DataStruct = isDataStruct(ft)
		sf.GormRelation = isGormRelation(ft)
		_, gormEmbedded := gormSettings(reflect.StructTag(sf.Tag).Get("gorm"))["EMBEDDED"]
		if deref && depth < maxFieldDepth && (sf.Embedded || gormEmbedded) {
			sf.Sub = c.fields(sub, depth+1)
		}
		out = append(out, sf)
	}
	return out
}

// importsOnly reports whether the package imports want and not other.
func (c *collector) importsOnly(want, other string) bool {
	w, o := false, false
	for _, p := range c.pass.Pkg.Imports() {
		w = w || p.Path() == want
		o = o || p.Path() == other
	}
	return w && !o
}

// isTestFile reports a _test.go file.
func isTestFile(name string) bool { return strings.HasSuffix(name, "_test.go") }
