package schemacheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// classify decides whether a statement is worth preparing: PostgreSQL only
// checks planned statements against the catalog when it parses them.
func classify(st *Statement) {
	if st.Skip != "" {
		return
	}
	switch n := statementCount(st.Prepared); {
	case n == 0:
		st.Skip = "empty SQL; not prepared"
		return
	case n > 1:
		st.Skip = "several statements in one string run only with the simple protocol; not prepared"
		return
	}
	kw := firstKeyword(st.Prepared)
	if !preparable[kw] {
		st.Skip = fmt.Sprintf("%s is a utility or DDL statement, which PostgreSQL does not check against the catalog when preparing; not prepared", kw)
	}
}

// checkStatements prepares the preparable statements in one pipeline and
// turns the server's answers into findings. It adds the statements the
// server prepared to prepared.
func checkStatements(ctx context.Context, sess *Session, cat *catalog.Catalog, stmts []*Statement, dir string, prepared map[*Statement]bool) ([]Finding, QueryStats, error) {
	stats := QueryStats{Found: len(stmts)}
	var out []Finding
	var todo []*Statement
	var sqls []string
	for _, st := range stmts {
		classify(st)
		if st.Skip != "" {
			stats.Skipped++
			out = append(out, Finding{
				Rule: RuleQueryError, Severity: rules.SeverityInfo,
				File: relPath(dir, st.Pos.Filename), Line: st.Pos.Line, Col: st.Pos.Column,
				Message: st.Skip,
			})
			continue
		}
		todo = append(todo, st)
		sqls = append(sqls, st.Prepared)
	}
	if len(todo) == 0 {
		return out, stats, nil
	}
	results, err := PrepareAll(ctx, sess.Conn.PgConn(), sqls)
	if err != nil {
		return nil, stats, err
	}
	stats.Prepared = len(todo)
	for _, st := range todo {
		prepared[st] = true
	}
	var oids []uint32
	for _, r := range results {
		if r.Desc != nil {
			oids = append(oids, r.Desc.ParamOIDs...)
			for _, f := range r.Desc.Fields {
				oids = append(oids, f.DataTypeOID)
			}
		}
	}
	if err := cat.ResolveTypes(ctx, sess.Conn, oids); err != nil {
		return nil, stats, err
	}
	for i, st := range todo {
		out = append(out, judgeStatement(st, results[i], cat, dir)...)
	}
	return out, stats, nil
}

func judgeStatement(st *Statement, r Prepared, cat *catalog.Catalog, dir string) []Finding {
	at := Finding{File: relPath(dir, st.Pos.Filename), Line: st.Pos.Line, Col: st.Pos.Column}
	if r.Err != nil {
		f := at
		f.Rule, f.Severity = RuleQueryError, rules.SeverityError
		f.Message = queryErrorMessage(st, r.Err)
		return []Finding{f}
	}
	var out []Finding
	out = append(out, judgeParams(st, r.Desc, cat, at)...)
	for _, d := range st.Dests {
		out = append(out, judgeDest(st, d, r.Desc, cat, dir)...)
	}
	return out
}

func queryErrorMessage(st *Statement, e *pgconn.PgError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the server refuses to prepare this statement: ERROR: %s (SQLSTATE %s)", e.Message, e.Code)
	if e.Position > 0 {
		if near := nearText(st.Prepared, int(e.Position)); near != "" {
			fmt.Fprintf(&b, " at %q", near)
		}
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, "; %s", e.Detail)
	}
	b.WriteString("; it fails the same way every time it runs")
	if e.Hint != "" {
		fmt.Fprintf(&b, "; hint: %s", e.Hint)
	}
	if st.Prepared != st.SQL {
		b.WriteString(" (SQL shown with pgx's @names numbered)")
	}
	return b.String()
}

// nearText is the SQL around a 1-based character position.
func nearText(sql string, pos int) string {
	rs := []rune(sql)
	if pos < 1 || pos > len(rs) {
		return ""
	}
	start, end := pos-1, min(len(rs), pos-1+30)
	s := strings.Join(strings.Fields(string(rs[start:end])), " ")
	return s
}

func judgeParams(st *Statement, desc *pgconn.StatementDescription, cat *catalog.Catalog, at Finding) []Finding {
	if !st.ArgsKnown {
		return nil
	}
	want, got := len(desc.ParamOIDs), len(st.Args)
	if want != got {
		f := at
		f.Rule, f.Severity = RuleParamType, rules.SeverityError
		var err string
		switch {
		case st.Driver == DriverDatabaseSQL:
			err = fmt.Sprintf("sql: expected %d arguments, got %d", want, got)
		case st.Kind == "exec":
			err = "mismatched param and argument count"
		default:
			err = fmt.Sprintf("expected %d arguments, got %d", want, got)
		}
		f.Message = fmt.Sprintf("the statement has %d parameter(s) but the call passes %d argument(s): it fails with %q; pass one argument per $n", want, got, err)
		return []Finding{f}
	}
	if st.Driver != DriverPgx {
		return nil // database/sql drivers encode differently; lib/pq sends text
	}
	var out []Finding
	for i, t := range st.Args {
		pt, ok := cat.TypeByOID(desc.ParamOIDs[i])
		if !ok || !t.known() {
			continue
		}
		v := encodeVerdict(t.Shape, pt)
		if v.Outcome != Fails && v.Outcome != Converts {
			continue
		}
		f := at
		f.Rule, f.GoType, f.DBType = RuleParamType, t.Name, pt.Display
		if v.Outcome == Fails {
			f.Severity = rules.SeverityError
			f.Message = fmt.Sprintf("argument %d ($%d) is %s but the server expects %s: pgx fails before sending with \"failed to encode args[%d]: unable to encode … %s\"; pass %s, or cast the parameter in the SQL",
				i+1, i+1, f.GoType, pt.Display, i, v.Err, suggestType(pt, false))
		} else {
			f.Severity = rules.SeverityWarning
			f.Message = fmt.Sprintf("argument %d ($%d) is %s but the server expects %s: %s; pass %s", i+1, i+1, f.GoType, pt.Display, v.Note, suggestType(pt, false))
		}
		out = append(out, f)
	}
	return out
}

// resultColumn describes a result field as a catalog column: its type, and
// NOT NULL when it comes straight from a table column the catalog knows.
// Computed columns have unknown nullability and are treated as NOT NULL,
// so that nothing is claimed about them.
func resultColumn(fd pgconn.FieldDescription, cat *catalog.Catalog) *catalog.Column {
	t, _ := cat.TypeByOID(fd.DataTypeOID)
	col := &catalog.Column{Name: fd.Name, Type: t, NotNull: true}
	if tbl := cat.ByOID(fd.TableOID); tbl != nil {
		for _, c := range tbl.Columns {
			if c.Num == int(fd.TableAttributeNumber) {
				col.NotNull = c.NotNull || c.NullUnknown
				col.Type = c.Type
				if t.Known() {
					col.Type.OID = t.OID
				}
			}
		}
	}
	return col
}

func judgeDest(st *Statement, d *ScanDest, desc *pgconn.StatementDescription, cat *catalog.Catalog, dir string) []Finding {
	at := Finding{File: relPath(dir, d.Pos.Filename), Line: d.Pos.Line, Col: d.Pos.Column}
	fields := desc.Fields
	if d.Struct == nil {
		if len(d.Types) != len(fields) {
			f := at
			f.Rule, f.Severity = RuleTypeMismatch, rules.SeverityError
			err := fmt.Sprintf("number of field descriptions must equal number of destinations, got %d and %d", len(fields), len(d.Types))
			if st.Driver == DriverDatabaseSQL {
				err = fmt.Sprintf("sql: expected %d destination arguments in Scan, not %d", len(fields), len(d.Types))
			}
			f.Message = fmt.Sprintf("the statement returns %d column(s) but %s receives %d: it fails with %q", len(fields), d.What, len(d.Types), err)
			return []Finding{f}
		}
		var out []Finding
		for i, t := range d.Types {
			if !t.known() {
				continue
			}
			col := resultColumn(fields[i], cat)
			if !col.Type.Known() {
				continue
			}
			f := at
			f.GoType, f.Column, f.DBType = t.Name, col.Name, col.Type.Display
			out = append(out, judgeColumn(f, t.Shape, col, st.Driver, fmt.Sprintf("destination %d of %s", i+1, d.What), false)...)
		}
		return out
	}
	mapper := d.Mapper
	m := &Model{Struct: d.Struct.Name, Mapper: mapper}
	mfields := modelFields(d.Struct.Fields, mapper)
	names := make([]string, len(fields))
	for i, fd := range fields {
		names[i] = fd.Name
	}
	var out []Finding
	claimed := make([]bool, len(fields))
	var missing []*Field
	for _, mf := range mfields {
		i := matchColumn(mf, mapper, names)
		if i < 0 || claimed[i] {
			missing = append(missing, mf)
			continue
		}
		claimed[i] = true
		col := resultColumn(fields[i], cat)
		if !col.Type.Known() {
			continue
		}
		f := at
		f.Struct, f.Field, f.GoType, f.Column, f.DBType = m.Struct, mf.Name, mf.GoType, col.Name, col.Type.Display
		drv := DriverPgx
		if mapper == MapperSqlx {
			drv = DriverDatabaseSQL
		}
		out = append(out, judgeColumn(f, mf.shape, col, drv, fmt.Sprintf("field %s.%s", m.short(), mf.Name), false)...)
	}
	if len(missing) > 0 && !d.Lax && mapper == MapperPgx {
		// pgx stops at the first; name them all.
		f := at
		f.Rule, f.Severity, f.Struct, f.Field, f.Column = RuleMissingColumn, rules.SeverityError, m.Struct, missing[0].Name, missing[0].Column
		var names []string
		for _, mf := range missing {
			names = append(names, mf.Name)
		}
		f.Message = fmt.Sprintf("%s needs a column for each field of %s, and the statement does not return one for %s: it fails with \"cannot find field %s in returned row\"; select the columns, or use RowToStructByNameLax",
			d.What, m.short(), strings.Join(names, ", "), fieldTagName(missing[0]))
		out = append(out, f)
	}
	for i, fd := range fields {
		if claimed[i] {
			continue
		}
		f := at
		f.Rule, f.Severity, f.Struct, f.Column = RuleUnmappedColumn, rules.SeverityError, m.Struct, fd.Name
		err := fmt.Sprintf("struct doesn't have corresponding row field %s", fd.Name)
		if mapper == MapperSqlx {
			err = fmt.Sprintf("missing destination name %s in *%s", fd.Name, d.Struct.GoName)
		}
		f.Message = fmt.Sprintf("the statement returns column %q, which %s has no field for: it fails with %q; drop the column from the select list or add a field", fd.Name, m.short(), err)
		out = append(out, f)
	}
	return out
}
