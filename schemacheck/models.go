package schemacheck

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/rules"
)

// Model is a Go struct mapped to a table or view.
type Model struct {
	// Struct is "pkgpath.Name".
	Struct string `json:"struct"`
	// Table is the table as the code names it: "users" or "app.users".
	Table string `json:"table"`
	// Source says how the mapping was found: "rules.yaml", "comment",
	// "TableName", "gorm", or "query": the struct is read by name from
	// literal SQL that selects from one table.
	Source string `json:"source"`
	// Query is where the first such statement is ("store/users.go:40"),
	// for a model found by its query.
	Query string `json:"query,omitempty"`
	// Mapper is the library whose column-matching rules apply: "pgx"
	// (RowToStructByName), "sqlx" or "gorm".
	Mapper string   `json:"mapper"`
	File   string   `json:"file"`
	Line   int      `json:"line"`
	Fields []*Field `json:"fields"`

	pos   token.Position
	named *types.Named
	query *queryModel // for Source "query"
}

// Field is a struct field that reads a column.
type Field struct {
	// Name is the Go path of the field: "Email", or "Base.CreatedAt" for a
	// field of an embedded struct.
	Name string `json:"field"`
	// Column is the name the field asks for: its tag, or the name the
	// mapper derives from the field name.
	Column string `json:"column"`
	GoType string `json:"go_type"`
	File   string `json:"file"`
	Line   int    `json:"line"`

	// tagged fields match their column exactly, then case-insensitively;
	// untagged ones by the mapper's rule.
	tagged bool
	typ    types.Type
	pos    token.Position
}

// Mappers.
const (
	MapperPgx  = "pgx"
	MapperSqlx = "sqlx"
	MapperGorm = "gorm"
)

const (
	gormPath = "gorm.io/gorm"
	sqlxPath = "github.com/jmoiron/sqlx"
)

// modelHints are what the statement scan learned about struct types: which
// are used with gorm calls (so they are gorm models) and which sqlx reads.
type modelHints struct {
	gorm map[*types.TypeName]bool
	sqlx map[*types.TypeName]bool
	// inferred are the structs read by name from single-table SELECTs.
	inferred map[*types.TypeName]*queryModel
}

// DiscoverModels finds the model structs of the packages: structs with a
// TableName() string method returning a constant, a //dbaudit:table
// comment, an entry in rules.yaml schema.tables, or gorm models (embedding
// gorm.Model, or used with gorm calls). Run also finds the structs read by
// name from literal SQL selecting from one table. Structs in _test.go files are left
// out unless rules.yaml check_tests is set.
func DiscoverModels(pkgs []*packages.Package, cfg *rules.Config) []*Model {
	return discoverModels(pkgs, cfg, modelHints{})
}

func discoverModels(pkgs []*packages.Package, cfg *rules.Config, hints modelHints) []*Model {
	seen := map[string]bool{}
	var models []*Model
	for _, pkg := range pkgs {
		if pkg.TypesInfo == nil {
			continue
		}
		methods := methodDecls(pkg)
		for _, file := range pkg.Syntax {
			name := pkg.Fset.File(file.Pos()).Name()
			if strings.HasSuffix(name, "_test.go") && !cfg.CheckTests {
				continue
			}
			for _, decl := range file.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					if _, ok := ts.Type.(*ast.StructType); !ok || ts.TypeParams != nil {
						continue
					}
					obj, ok := pkg.TypesInfo.Defs[ts.Name].(*types.TypeName)
					if !ok {
						continue
					}
					named, ok := obj.Type().(*types.Named)
					if !ok {
						continue
					}
					full := obj.Pkg().Path() + "." + obj.Name()
					if seen[full] {
						continue
					}
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					m := mapModel(pkg, cfg, named, doc, methods, hints)
					if m == nil {
						continue
					}
					seen[full] = true
					m.pos = pkg.Fset.Position(ts.Name.Pos())
					m.Fields = modelFields(pkg.Fset, named, m.Mapper)
					models = append(models, m)
				}
			}
		}
	}
	slices.SortFunc(models, func(a, b *Model) int { return strings.Compare(a.Struct, b.Struct) })
	return models
}

// mapModel decides whether named is a model, and of which table. Explicit
// mappings win over conventions: rules.yaml, then the comment, then
// TableName, then gorm's naming, then the table of the literal SQL the
// struct is read from.
func mapModel(pkg *packages.Package, cfg *rules.Config, named *types.Named, doc *ast.CommentGroup, methods map[*types.Func]*ast.FuncDecl, hints modelHints) *Model {
	obj := named.Obj()
	full := obj.Pkg().Path() + "." + obj.Name()
	m := &Model{Struct: full, named: named}
	isGorm := hints.gorm[obj] || embedsGormModel(named)
	switch {
	case cfg.Schema.Tables[full] != "":
		m.Table, m.Source = cfg.Schema.Tables[full], "rules.yaml"
	case commentTable(doc) != "":
		m.Table, m.Source = commentTable(doc), "comment"
	case tableNameMethod(pkg, named, methods) != "":
		m.Table, m.Source = tableNameMethod(pkg, named, methods), "TableName"
	case isGorm:
		m.Table, m.Source = gormTableName(obj.Name()), "gorm"
	case hints.inferred[obj] != nil:
		qm := hints.inferred[obj]
		m.Table, m.Source, m.Mapper, m.query = qm.table, "query", qm.mapper, qm
		return m
	default:
		return nil
	}
	switch {
	case isGorm:
		m.Mapper = MapperGorm
	case hints.sqlx[obj] || importsOnly(pkg, sqlxPath, "github.com/jackc/pgx/v5"):
		m.Mapper = MapperSqlx
	default:
		m.Mapper = MapperPgx
	}
	return m
}

const tableDirective = "//dbaudit:table"

// commentTable reads "//dbaudit:table [schema.]name" from a doc comment.
func commentTable(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	for _, c := range doc.List {
		if rest, ok := strings.CutPrefix(c.Text, tableDirective); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}

// methodDecls maps each method declared in the package to its syntax.
func methodDecls(pkg *packages.Package) map[*types.Func]*ast.FuncDecl {
	out := map[*types.Func]*ast.FuncDecl{}
	for _, f := range pkg.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
				if fn, ok := pkg.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					out[fn] = fd
				}
			}
		}
	}
	return out
}

// tableNameMethod returns the constant a TableName() string method returns,
// or "" when there is none or it is computed.
func tableNameMethod(pkg *packages.Package, named *types.Named, methods map[*types.Func]*ast.FuncDecl) string {
	sel := types.NewMethodSet(types.NewPointer(named)).Lookup(named.Obj().Pkg(), "TableName")
	if sel == nil {
		return ""
	}
	fn := sel.Obj().(*types.Func)
	sig := fn.Type().(*types.Signature)
	if sig.Params().Len() != 0 || sig.Results().Len() != 1 {
		return ""
	}
	if b, ok := sig.Results().At(0).Type().Underlying().(*types.Basic); !ok || b.Kind() != types.String {
		return ""
	}
	fd := methods[fn]
	if fd == nil || fd.Body == nil {
		return ""
	}
	var value string
	returns := 0
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns++
			if len(n.Results) == 1 {
				if tv, ok := pkg.TypesInfo.Types[n.Results[0]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
					value = constant.StringVal(tv.Value)
				}
			}
		}
		return true
	})
	if returns != 1 {
		return ""
	}
	return value
}

func embedsGormModel(named *types.Named) bool {
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if f.Embedded() && typeFullName(f.Type()) == gormPath+".Model" {
			return true
		}
	}
	return false
}

// importsOnly reports whether the package imports want and not other.
func importsOnly(pkg *packages.Package, want, other string) bool {
	_, w := pkg.Imports[want]
	_, o := pkg.Imports[other]
	return w && !o
}

func typeFullName(t types.Type) string {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	return n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// modelFields lists the fields that read columns, the way the mapper walks
// the struct.
func modelFields(fset *token.FileSet, named *types.Named, mapper string) []*Field {
	var out []*Field
	var walk func(st *types.Struct, prefix, colPrefix string, depth int)
	walk = func(st *types.Struct, prefix, colPrefix string, depth int) {
		if depth > 8 {
			return
		}
		for i := 0; i < st.NumFields(); i++ {
			f := st.Field(i)
			tag := reflect.StructTag(st.Tag(i))
			path := prefix + f.Name()
			ft := types.Unalias(f.Type())
			switch mapper {
			case MapperGorm:
				settings := gormSettings(tag.Get("gorm"))
				// "-" and "-:all" ignore the field; "-:migration" only
				// keeps it out of migrations, so it is still read.
				if v, ok := settings["-"]; ok && (v == "" || v == "all") {
					continue
				}
				if !f.Exported() && !f.Embedded() {
					continue
				}
				_, embedded := settings["EMBEDDED"]
				if sub, ok := ft.Underlying().(*types.Struct); ok && (f.Embedded() || embedded) && !isDataStruct(ft) {
					walk(sub, path+".", colPrefix+settings["EMBEDDEDPREFIX"], depth+1)
					continue
				}
				if !f.Exported() || isGormRelation(ft) {
					continue
				}
				col, tagged := settings["COLUMN"], true
				if col == "" {
					col, tagged = colPrefix+snakeCase(f.Name()), false
				}
				out = append(out, newField(fset, f, path, col, tagged))
			case MapperSqlx:
				name, hasTag := dbTag(tag)
				if name == "-" {
					continue
				}
				if f.Embedded() && !hasTag {
					if sub, ok := derefStruct(ft); ok {
						walk(sub, path+".", colPrefix, depth+1)
						continue
					}
				}
				if !f.Exported() {
					continue
				}
				if !hasTag {
					name = strings.ToLower(f.Name())
				}
				out = append(out, newField(fset, f, path, name, true))
			default: // pgx
				if !f.Exported() && !f.Embedded() {
					continue
				}
				if sub, ok := ft.Underlying().(*types.Struct); ok && f.Embedded() {
					if _, isPtr := ft.(*types.Pointer); !isPtr {
						walk(sub, path+".", colPrefix, depth+1)
						continue
					}
				}
				name, hasTag := dbTag(tag)
				if name == "-" {
					continue
				}
				if !hasTag {
					name = f.Name()
				}
				out = append(out, newField(fset, f, path, name, hasTag))
			}
		}
	}
	if st, ok := named.Underlying().(*types.Struct); ok {
		walk(st, "", "", 0)
	}
	return out
}

func newField(fset *token.FileSet, f *types.Var, path, column string, tagged bool) *Field {
	pos := fset.Position(f.Pos())
	return &Field{Name: path, Column: column, GoType: goTypeString(f.Type()), tagged: tagged, typ: f.Type(), pos: pos}
}

// dbTag is the db tag's name (before any comma) and whether there is one.
func dbTag(tag reflect.StructTag) (string, bool) {
	v, ok := tag.Lookup("db")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(v, ",")
	return name, true
}

func derefStruct(t types.Type) (*types.Struct, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	return st, ok
}

// gormSettings parses a gorm tag: "column:name;not null;embeddedPrefix:x_"
// into upper-cased keys, as gorm's schema.ParseTagSetting does.
func gormSettings(tag string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(tag, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, ":")
		k = strings.ToUpper(strings.TrimSpace(k))
		if k == "-" {
			out["-"] = v
			continue
		}
		out[k] = v
	}
	return out
}

// isDataStruct reports struct types that are values, not nested models:
// time.Time and anything with a Scan method.
func isDataStruct(t types.Type) bool {
	return typeFullName(t) == "time.Time" || hasScanMethod(types.Unalias(t))
}

// isGormRelation reports fields gorm treats as associations rather than
// columns: structs (and pointers and slices of them) that are not values.
func isGormRelation(t types.Type) bool {
	if s, ok := t.Underlying().(*types.Slice); ok {
		if b, ok := s.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Byte {
			return false
		}
		t = s.Elem()
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	t = types.Unalias(t)
	if _, ok := t.Underlying().(*types.Struct); !ok {
		return false
	}
	if _, ok := t.(*types.Named); !ok {
		return false
	}
	return !isDataStruct(t) && typeFullName(t) != "database/sql.NullTime" && !strings.HasPrefix(typeFullName(t), "database/sql.Null")
}

// snakeCase is gorm's column naming: UserID → user_id, URLCount →
// url_count, CreatedAt → created_at.
func snakeCase(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// gormTableName is gorm's default table name: the snake-cased struct name
// in the plural (jinzhu/inflection's common rules).
func gormTableName(name string) string {
	s := snakeCase(name)
	i := strings.LastIndexByte(s, '_') + 1
	return s[:i] + plural(s[i:])
}

var irregularPlurals = map[string]string{
	"person": "people", "man": "men", "woman": "women", "child": "children",
	"mouse": "mice", "goose": "geese", "tooth": "teeth", "foot": "feet", "ox": "oxen",
}

var uncountable = map[string]bool{
	"equipment": true, "information": true, "rice": true, "money": true, "species": true,
	"series": true, "fish": true, "sheep": true, "jeans": true, "police": true, "news": true,
}

func plural(w string) string {
	switch {
	case w == "" || uncountable[w]:
		return w
	case irregularPlurals[w] != "":
		return irregularPlurals[w]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "sh"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"):
		return w + "es"
	case strings.HasSuffix(w, "s"):
		return w
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

// matchColumn finds the column a field reads among names, by the mapper's
// rule, and returns its index or -1.
func matchColumn(f *Field, mapper string, names []string) int {
	if mapper == MapperPgx && !f.tagged {
		want := strings.ReplaceAll(f.Column, "_", "")
		for i, n := range names {
			if strings.EqualFold(strings.ReplaceAll(n, "_", ""), want) {
				return i
			}
		}
		return -1
	}
	for i, n := range names {
		if n == f.Column {
			return i
		}
	}
	if mapper == MapperSqlx {
		return -1 // sqlx compares the mapped name exactly
	}
	for i, n := range names {
		if strings.EqualFold(n, f.Column) {
			return i
		}
	}
	return -1
}
