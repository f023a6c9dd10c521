package schemacheck

import (
	"fmt"
	"strings"

	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// CompareModels judges every model against the catalog; file paths in the
// findings are made relative to dir.
func CompareModels(models []*Model, cat *catalog.Catalog, dir string) []Finding {
	fs := compareModels(models, cat, dir, nil)
	sortFindings(fs)
	return fs
}

// compareModels judges every model against the catalog. prepared are the
// statements the database prepared.
func compareModels(models []*Model, cat *catalog.Catalog, dir string, prepared map[*Statement]bool) []Finding {
	var out []Finding
	for _, m := range models {
		m.File, m.Line = relPath(dir, m.pos.Filename), m.pos.Line
		for _, f := range m.Fields {
			f.File, f.Line = relPath(dir, f.pos.Filename), f.pos.Line
		}
		if m.query != nil {
			m.Query = m.query.where(dir)
			if !m.query.prepared(prepared) {
				out = append(out, compareQueryModel(m, cat)...)
			}
			continue
		}
		out = append(out, compareModel(m, cat)...)
	}
	return out
}

func (m *Model) short() string {
	_, name := splitLast(m.Struct, ".")
	return name
}

func splitLast(s, sep string) (string, string) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s
	}
	return s[:i], s[i+len(sep):]
}

func (m *Model) driver() Driver {
	if m.Mapper == MapperPgx {
		return DriverPgx
	}
	return DriverDatabaseSQL // sqlx and gorm scan through database/sql
}

func compareModel(m *Model, cat *catalog.Catalog) []Finding {
	base := Finding{Struct: m.Struct, Table: m.Table, File: m.File, Line: m.Line, Col: m.pos.Column}
	tbl := cat.Lookup(m.Table)
	if tbl == nil {
		f := base
		f.Rule, f.Severity = RuleMissingTable, rules.SeverityError
		rel := m.Table
		if _, r := splitLast(m.Table, "."); r != "" {
			rel = r
		}
		f.Message = fmt.Sprintf("model %s maps to %s (by %s), which is not a table or view in schema %s: every statement through it fails with ERROR: relation %q does not exist (SQLSTATE 42P01); create it in a migration or map the model to the right table",
			m.short(), quoteIdent(m.Table), m.Source, strings.Join(cat.Schemas, ", "), rel)
		return []Finding{f}
	}
	base.Table = tbl.QualifiedName()
	names := make([]string, len(tbl.Columns))
	for i, c := range tbl.Columns {
		names[i] = c.Name
	}
	claimed := make([]bool, len(tbl.Columns))
	var out []Finding
	drv := m.driver()
	for _, fld := range m.Fields {
		f := base
		f.Field, f.GoType, f.File, f.Line, f.Col = fld.Name, fld.GoType, fld.File, fld.Line, fld.pos.Column
		i := matchColumn(fld, m.Mapper, names)
		if i < 0 {
			f.Rule, f.Severity, f.Column = RuleMissingColumn, rules.SeverityError, fld.Column
			f.Message = missingColumnMessage(m, fld, tbl)
			out = append(out, f)
			continue
		}
		claimed[i] = true
		col := tbl.Columns[i]
		f.Column, f.DBType = col.Name, col.Type.Display
		out = append(out, judgeColumn(f, fld.shape, col, drv, fmt.Sprintf("field %s.%s", m.short(), fld.Name), tbl.IsView())...)
	}
	var others []string
	for i, col := range tbl.Columns {
		if claimed[i] {
			continue
		}
		if !tbl.IsView() && col.NotNull && col.Default == "" && col.Identity == "" && !col.Generated {
			f := base
			f.Rule, f.Severity, f.Column, f.DBType = RuleUnmappedColumn, rules.SeverityWarning, col.Name, col.Type.Display
			f.Message = fmt.Sprintf("column %s.%s is NOT NULL without a default, and model %s has no field for it: inserting through the model fails with ERROR: null value in column %q of relation %q violates not-null constraint (SQLSTATE 23502); add a field, or give the column a default",
				tbl.QualifiedName(), col.Name, m.short(), col.Name, tbl.Name)
			out = append(out, f)
			continue
		}
		others = append(others, col.Name)
	}
	if len(others) > 0 {
		// One note per model: a model that reads a few columns of a wide
		// table is normal, and one line per column would bury the rest.
		f := base
		f.Rule, f.Severity, f.Column = RuleUnmappedColumn, rules.SeverityInfo, strings.Join(others, ",")
		what := "column " + others[0] + " has"
		if len(others) > 1 {
			what = "columns " + strings.Join(others, ", ") + " have"
		}
		f.Message = fmt.Sprintf("%s %s no field in model %s%s", tbl.QualifiedName()+":", what, m.short(), selectStarNote(m, others[0]))
		out = append(out, f)
	}
	return out
}

func selectStarNote(m *Model, col string) string {
	switch m.Mapper {
	case MapperPgx:
		return fmt.Sprintf(": SELECT * scanned with pgx.RowToStructByName fails with \"struct doesn't have corresponding row field %s\"; list the columns, or add a field (db:\"-\" does not help)", col)
	case MapperSqlx:
		return fmt.Sprintf(": SELECT * read with sqlx fails with \"missing destination name %s\"; list the columns, or add a field", col)
	}
	return ""
}

func missingColumnMessage(m *Model, fld *Field, tbl *catalog.Table) string {
	var read string
	switch m.Mapper {
	case MapperPgx:
		read = fmt.Sprintf("pgx.RowToStructByName fails with \"cannot find field %s in returned row\"", fieldTagName(fld))
	case MapperSqlx:
		read = "selecting it fails"
	default:
		read = "gorm's inserts and updates fail"
	}
	verb := "writing it"
	if tbl.IsView() {
		verb = "selecting it"
	}
	return fmt.Sprintf("field %s.%s reads column %q, which %s %s does not have: %s, and %s fails with ERROR: column %q of relation %q does not exist (SQLSTATE 42703); add the column in a migration, fix the tag, or tag the field db:\"-\"",
		m.short(), fld.Name, fld.Column, tbl.Kind, tbl.QualifiedName(), read, verb, fld.Column, tbl.Name)
}

// fieldTagName is what pgx names in "cannot find field X in returned row":
// the tag when there is one, else the Go field name.
func fieldTagName(f *Field) string {
	if f.tagged {
		return f.Column
	}
	_, name := splitLast(f.Name, ".")
	return name
}

// judgeColumn grades one Go destination against one column: the type,
// then (when the type works) NULL.
func judgeColumn(f Finding, s shape, col *catalog.Column, drv Driver, what string, view bool) []Finding {
	var out []Finding
	v := scanVerdict(s, col.Type, drv)
	switch v.Outcome {
	case Fails:
		g := f
		g.Rule, g.Severity = RuleTypeMismatch, rules.SeverityError
		g.Message = fmt.Sprintf("%s is %s but column %s is %s: %s; use %s",
			what, f.GoType, col.Name, col.Type.Display, failText(v, drv), suggestType(col.Type, !col.NotNull))
		return append(out, g)
	case Converts:
		g := f
		g.Rule, g.Severity = RuleTypeMismatch, rules.SeverityWarning
		g.Message = fmt.Sprintf("%s is %s but column %s is %s: it works by conversion (%s); %s holds it exactly",
			what, f.GoType, col.Name, col.Type.Display, v.Note, suggestType(col.Type, !col.NotNull))
		out = append(out, g)
	}
	if col.NotNull {
		return out
	}
	outcome, quoted := nullVerdict(s, drv)
	g := f
	g.Rule = RuleNullability
	nullable := fmt.Sprintf("column %s is nullable", col.Name)
	if col.NullUnknown {
		nullable = fmt.Sprintf("column %s of a view may be NULL (views record no NOT NULL)", col.Name)
	}
	switch outcome {
	case NullFails:
		g.Severity = rules.SeverityError
		if col.NullUnknown {
			g.Severity = rules.SeverityInfo
		}
		err := "the scan fails on NULL"
		if quoted != "" {
			err = fmt.Sprintf("a NULL fails with %q", quoted)
		}
		g.Message = fmt.Sprintf("%s but %s is %s, which cannot hold NULL: %s; use %s", nullable, what, f.GoType, err, suggestType(col.Type, true))
	case NullSilentZero:
		g.Severity = rules.SeverityWarning
		if col.NullUnknown {
			g.Severity = rules.SeverityInfo
		}
		g.Message = fmt.Sprintf("%s but %s is %s: a NULL scans without an error into the zero value, indistinguishable from real data; use %s", nullable, what, f.GoType, suggestType(col.Type, true))
	default:
		return out
	}
	return append(out, g)
}

func failText(v Verdict, drv Driver) string {
	who := "pgx"
	if drv == DriverDatabaseSQL {
		who = "database/sql"
	}
	if v.Err != "" {
		return fmt.Sprintf("%s fails with %q", who, v.Err)
	}
	return who + " fails to scan it"
}

// suggestType names the Go types that hold the column's type exactly.
func suggestType(t catalog.Type, nullable bool) string {
	c := columnOf(t)
	var plain, null string
	switch c.class {
	case pcInt:
		plain = map[int]string{16: "int16", 32: "int32", 64: "int64"}[c.bits]
		null = "*" + plain + " or pgtype.Int" + map[int]string{16: "2", 32: "4", 64: "8"}[c.bits]
	case pcFloat:
		plain = map[int]string{32: "float32", 64: "float64"}[c.bits]
		null = "*" + plain + " or pgtype.Float" + map[int]string{32: "4", 64: "8"}[c.bits]
	case pcNumeric:
		plain, null = "pgtype.Numeric (or string)", "pgtype.Numeric"
	case pcText, pcEnum:
		plain, null = "string", "*string, sql.NullString or pgtype.Text"
	case pcUUID:
		plain, null = "uuid.UUID, [16]byte or pgtype.UUID", "uuid.NullUUID, *uuid.UUID or pgtype.UUID"
	case pcBool:
		plain, null = "bool", "*bool or pgtype.Bool"
	case pcTimestamp, pcTimestamptz, pcDate:
		plain, null = "time.Time", "*time.Time, sql.NullTime or pgtype."+map[pgClass]string{pcTimestamp: "Timestamp", pcTimestamptz: "Timestamptz", pcDate: "Date"}[c.class]
	case pcInterval:
		plain, null = "time.Duration or pgtype.Interval", "*time.Duration or pgtype.Interval"
	case pcJSON, pcJSONB:
		plain, null = "[]byte, json.RawMessage, a map or a struct", "[]byte, json.RawMessage, a map or a pointer"
	case pcBytea:
		plain, null = "[]byte", "[]byte"
	case pcInet:
		plain, null = "netip.Prefix (or netip.Addr for host addresses)", "*netip.Prefix or *netip.Addr"
	case pcCidr:
		plain, null = "netip.Prefix", "*netip.Prefix"
	case pcMacaddr:
		plain, null = "net.HardwareAddr", "net.HardwareAddr"
	default:
		return "a Go type that holds " + t.Display
	}
	if c.array {
		return "a slice of " + plain + " (with " + strings.Split(null, " or ")[0] + " elements if elements can be NULL)"
	}
	if nullable {
		return null
	}
	return plain
}

// quoteIdent shows a table name as the code gave it.
func quoteIdent(s string) string { return `"` + s + `"` }
