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
	shape  shape
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

// modelHints are what the statements of every package say about struct
// types, by full name: which are used with gorm calls (so they are gorm
// models) and which sqlx reads.
type modelHints struct {
	gorm map[string]bool
	sqlx map[string]bool
	// inferred are the structs read by name from single-table SELECTs.
	inferred map[string]*queryModel
}

// DiscoverModels finds the model structs of the collected packages:
// structs with a TableName() string method returning a constant, a
// //dbaudit:table comment, an entry in rules.yaml schema.tables, or gorm
// models (embedding gorm.Model, or used with gorm calls). Run also finds
// the structs read by name from literal SQL selecting from one table.
// Structs in _test.go files are left out unless rules.yaml check_tests was
// set for the collection.
func DiscoverModels(pkgs []*PackageData, cfg *rules.Config) []*Model {
	hints := modelHints{gorm: map[string]bool{}}
	for _, p := range pkgs {
		for _, name := range p.GormStructs {
			hints.gorm[name] = true
		}
	}
	return discoverModels(pkgs, cfg, hints)
}

func discoverModels(pkgs []*PackageData, cfg *rules.Config, hints modelHints) []*Model {
	seen := map[string]bool{}
	var models []*Model
	for _, pkg := range pkgs {
		for _, d := range pkg.Structs {
			if seen[d.Name] {
				continue
			}
			m := mapModel(cfg, d, hints)
			if m == nil {
				continue
			}
			seen[d.Name] = true
			m.pos = d.Pos
			m.Fields = modelFields(d.Fields, m.Mapper)
			models = append(models, m)
		}
	}
	slices.SortFunc(models, func(a, b *Model) int { return strings.Compare(a.Struct, b.Struct) })
	return models
}

// collectStructs describes the package's non-generic struct types, with
// what says which table each maps to. Structs in _test.go files are left
// out unless rules.yaml check_tests is set.
func (c *collector) collectStructs() []*StructDecl {
	pass := c.pass
	methods := c.idx.Decls // the TableName methods' bodies
	sqlxPackage := c.importsOnly(sqlxPath, "github.com/jackc/pgx/v5")
	var out []*StructDecl
	for _, file := range pass.Files {
		if isTestFile(pass.Fset.File(file.Pos()).Name()) && !c.cfg.CheckTests {
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
				obj, ok := pass.TypesInfo.Defs[ts.Name].(*types.TypeName)
				if !ok {
					continue
				}
				named, ok := obj.Type().(*types.Named)
				if !ok {
					continue
				}
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				out = append(out, &StructDecl{
					Struct:          *c.structOf(named),
					Pos:             pass.Fset.Position(ts.Name.Pos()),
					CommentTable:    commentTable(doc),
					TableName:       tableNameMethod(pass.TypesInfo, named, methods),
					EmbedsGormModel: embedsGormModel(named),
					SqlxPackage:     sqlxPackage,
				})
			}
		}
	}
	return out
}

// mapModel decides whether d is a model, and of which table. Explicit
// mappings win over conventions: rules.yaml, then the comment, then
// TableName, then gorm's naming, then the table of the literal SQL the
// struct is read from.
func mapModel(cfg *rules.Config, d *StructDecl, hints modelHints) *Model {
	full := d.Name
	m := &Model{Struct: full}
	isGorm := hints.gorm[full] || d.EmbedsGormModel
	switch {
	case cfg.Schema.Tables[full] != "":
		m.Table, m.Source = cfg.Schema.Tables[full], "rules.yaml"
	case d.CommentTable != "":
		m.Table, m.Source = d.CommentTable, "comment"
	case d.TableName != "":
		m.Table, m.Source = d.TableName, "TableName"
	case isGorm:
		_, short := splitLast(full, ".")
		m.Table, m.Source = gormTableName(short), "gorm"
	case hints.inferred[full] != nil:
		qm := hints.inferred[full]
		m.Table, m.Source, m.Mapper, m.query = qm.table, "query", qm.mapper, qm
		return m
	default:
		return nil
	}
	switch {
	case isGorm:
		m.Mapper = MapperGorm
	case hints.sqlx[full] || d.SqlxPackage:
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

// tableNameMethod returns the constant a TableName() string method returns,
// or "" when there is none or it is computed.
func tableNameMethod(info *types.Info, named *types.Named, methods map[*types.Func]*ast.FuncDecl) string {
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
				if tv, ok := info.Types[n.Results[0]]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
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
func modelFields(fields []*StructField, mapper string) []*Field {
	var out []*Field
	var walk func(fields []*StructField, prefix, colPrefix string, depth int)
	walk = func(fields []*StructField, prefix, colPrefix string, depth int) {
		if depth > maxFieldDepth {
			return
		}
		for _, f := range fields {
			tag := reflect.StructTag(f.Tag)
			path := prefix + f.Name
			switch mapper {
			case MapperGorm:
				settings := gormSettings(tag.Get("gorm"))
				// "-" and "-:all" ignore the field; "-:migration" only
				// keeps it out of migrations, so it is still read.
				if v, ok := settings["-"]; ok && (v == "" || v == "all") {
					continue
				}
				if !f.Exported && !f.Embedded {
					continue
				}
				_, embedded := settings["EMBEDDED"]
				if f.IsStruct && (f.Embedded || embedded) && !f.DataStruct {
					walk(f.Sub, path+".", colPrefix+settings["EMBEDDEDPREFIX"], depth+1)
					continue
				}
				if !f.Exported || f.GormRelation {
					continue
				}
				col, tagged := settings["COLUMN"], true
				if col == "" {
					col, tagged = colPrefix+snakeCase(f.Name), false
				}
				out = append(out, newField(f, path, col, tagged))
			case MapperSqlx:
				name, hasTag := dbTag(tag)
				if name == "-" {
					continue
				}
				if f.Embedded && !hasTag && f.DerefStruct {
					walk(f.Sub, path+".", colPrefix, depth+1)
					continue
				}
				if !f.Exported {
					continue
				}
				if !hasTag {
					name = strings.ToLower(f.Name)
				}
				out = append(out, newField(f, path, name, true))
			default: // pgx
				if !f.Exported && !f.Embedded {
					continue
				}
				if f.IsStruct && f.Embedded {
					walk(f.Sub, path+".", colPrefix, depth+1)
					continue
				}
				name, hasTag := dbTag(tag)
				if name == "-" {
					continue
				}
				if !hasTag {
					name = f.Name
				}
				out = append(out, newField(f, path, name, hasTag))
			}
		}
	}
	walk(fields, "", "", 0)
	return out
}

func newField(f *StructField, path, column string, tagged bool) *Field {
	return &Field{Name: path, Column: column, GoType: f.Type.Name, tagged: tagged, shape: f.Type.Shape, pos: f.Pos}
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
