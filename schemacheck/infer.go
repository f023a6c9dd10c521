package schemacheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// A struct that literal SQL is read into by name — pgx.CollectRows(rows,
// pgx.RowToStructByName[User]) over `SELECT … FROM users`, sqlx's
// Get/Select(&user, `SELECT … FROM users …`) — is a model of the table the
// statement reads, when the statement reads one table (see simpleSelect).
// The code says so as plainly as a //dbaudit:table comment would.

// queryModel is what the statements reading a struct say about it.
type queryModel struct {
	table  string
	mapper string
	lax    bool // every read is RowToStructByNameLax
	star   bool // some read is SELECT *: every column must have a field
	// columns are the plain column references of the select lists, by
	// result name.
	columns []selectColumn
	stmts   []*Statement
}

// inferModels maps the structs read by name from single-table SELECTs to
// their table. A struct read from two different tables is left alone.
func inferModels(stmts []*Statement) map[string]*queryModel {
	out := map[string]*queryModel{}
	conflicting := map[string]bool{}
	for _, st := range stmts {
		if st.Kind != "query" {
			continue
		}
		for _, d := range st.Dests {
			if d.Struct == nil {
				continue
			}
			sel, ok := parseSimpleSelect(st.SQL)
			if !ok || !sel.Star && len(sel.Columns) == 0 {
				continue
			}
			obj := d.Struct.Name
			qm := out[obj]
			switch {
			case conflicting[obj]:
				continue
			case qm == nil:
				qm = &queryModel{table: sel.Table, mapper: d.Mapper, lax: d.Lax}
				out[obj] = qm
			case qm.table != sel.Table:
				conflicting[obj] = true
				delete(out, obj)
				continue
			}
			qm.lax = qm.lax && d.Lax
			qm.star = qm.star || sel.Star
			for _, c := range sel.Columns {
				if !slices.Contains(qm.columns, c) {
					qm.columns = append(qm.columns, c)
				}
			}
			if !slices.Contains(qm.stmts, st) {
				qm.stmts = append(qm.stmts, st)
			}
		}
	}
	return out
}

// prepared reports whether the database prepared one of the statements
// the model was inferred from (prepared holds those it prepared): their
// check, on the server's own description of the result, then covers the
// model exactly.
func (q *queryModel) prepared(prepared map[*Statement]bool) bool {
	for _, st := range q.stmts {
		if st.Skip == "" && prepared[st] {
			return true
		}
	}
	return false
}

// where names the first statement: "store/users.go:40".
func (q *queryModel) where(dir string) string {
	p := q.stmts[0].Pos
	return fmt.Sprintf("%s:%d", relPath(dir, p.Filename), p.Line)
}

// compareQueryModel judges a model inferred from its statements. With
// SELECT * every field must be a column and every column a field (pgx's
// RowToStructByName and sqlx fail otherwise); with a list, the fields that
// read a listed column are judged against that column, and the rest are
// left to a database check of the statements.
func compareQueryModel(m *Model, cat *catalog.Catalog) []Finding {
	qm := m.query
	if qm.star {
		out := compareModel(m, cat)
		for i := range out {
			if f := &out[i]; f.Rule == RuleUnmappedColumn && !qm.lax {
				// Not a note about inserts: the read itself fails.
				f.Severity = rules.SeverityError
				f.Message = fmt.Sprintf("the statement at %s selects every column of %s (SELECT *), and model %s has no field for %s%s",
					m.Query, f.Table, m.short(), strings.ReplaceAll(f.Column, ",", ", "), selectStarNote(m, strings.Split(f.Column, ",")[0]))
			}
		}
		return out
	}
	base := Finding{Struct: m.Struct, Table: m.Table, File: m.File, Line: m.Line, Col: m.pos.Column}
	tbl := cat.Lookup(m.Table)
	if tbl == nil {
		return compareModel(m, cat) // missing-table, said the same way
	}
	base.Table = tbl.QualifiedName()
	names := make([]string, len(qm.columns))
	for i, c := range qm.columns {
		names[i] = c.Name
	}
	var out []Finding
	drv := m.driver()
	for _, fld := range m.Fields {
		i := matchColumn(fld, m.Mapper, names)
		if i < 0 {
			continue
		}
		f := base
		f.Field, f.GoType, f.File, f.Line, f.Col = fld.Name, fld.GoType, fld.File, fld.Line, fld.pos.Column
		src := qm.columns[i].Column
		col := tbl.Column(src)
		if col == nil {
			f.Rule, f.Severity, f.Column = RuleMissingColumn, rules.SeverityError, src
			f.Message = fmt.Sprintf("field %s.%s reads column %q, which %s %s does not have: the statement at %s that reads it fails with ERROR: column %q does not exist (SQLSTATE 42703); add the column in a migration or fix the select list",
				m.short(), fld.Name, src, tbl.Kind, tbl.QualifiedName(), m.Query, src)
			out = append(out, f)
			continue
		}
		f.Column, f.DBType = col.Name, col.Type.Display
		out = append(out, judgeColumn(f, fld.shape, col, drv, fmt.Sprintf("field %s.%s", m.short(), fld.Name), tbl.IsView())...)
	}
	return out
}
