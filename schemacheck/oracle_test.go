package schemacheck_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
	"github.com/dbaudit/dbaudit/schemacheck/testdata/models"
)

func collect[T any](rows pgx.Rows) error {
	_, err := pgx.CollectRows(rows, pgx.RowToStructByName[T])
	return err
}

// scanners scans rows into each pgx fixture model with RowToStructByName.
var scanners = map[string]func(pgx.Rows) error{
	"SitemapFile":        collect[models.SitemapFile],
	"SitemapFileCount":   collect[models.SitemapFileCount],
	"SitemapFileFetched": collect[models.SitemapFileFetched],
	"SitemapFileJob":     collect[models.SitemapFileJob],
	"Job":                collect[models.Job],
	"JobNote":            collect[models.JobNote],
	"JobAttempts":        collect[models.JobAttempts],
	"JobStatusCode":      collect[models.JobStatusCode],
	"JobOwner":           collect[models.JobOwner],
	"JobParent":          collect[models.JobParent],
	"JobIDText":          collect[models.JobIDText],
	"JobNoteView":        collect[models.JobNoteView],
	"Missing":            collect[models.Missing],
}

// sampleValue is an SQL expression for a typical value of the column.
func sampleValue(c *catalog.Column) string {
	t := c.Type
	var v string
	switch {
	case t.Kind == catalog.TypeEnum:
		v = "'" + t.Labels[0] + "'"
	case t.Name == "uuid":
		v = "gen_random_uuid()"
	case strings.HasPrefix(t.Name, "int") || t.Name == "numeric" || t.Name == "float8" || t.Name == "float4":
		v = "1"
	case t.Name == "text" || t.Name == "varchar":
		v = "gen_random_uuid()::text" // text that also parses as a UUID
	case t.Name == "bool":
		v = "true"
	case t.Name == "timestamptz" || t.Name == "timestamp":
		v = "now()"
	case t.Name == "jsonb" || t.Name == "json":
		v = `'{"a": 1}'`
	case t.Name == "inet":
		v = "'10.1.2.3'"
	default:
		panic("no sample for " + t.Display)
	}
	if t.Array {
		return "ARRAY[" + v + "]::" + t.Display
	}
	return "(" + v + ")::" + t.Display
}

// insertRows adds two rows to every table: one with a value in every
// column, one with NULL wherever the column allows it.
func insertRows(t *testing.T, conn *pgx.Conn, cat *catalog.Catalog) {
	t.Helper()
	for _, tbl := range cat.Tables {
		if tbl.IsView() {
			continue
		}
		for _, nulls := range []bool{false, true} {
			var cols, vals []string
			for _, c := range tbl.Columns {
				if c.Generated || c.Identity == "always" {
					continue
				}
				cols = append(cols, pgx.Identifier{c.Name}.Sanitize())
				if nulls && !c.NotNull {
					vals = append(vals, "NULL")
				} else {
					vals = append(vals, sampleValue(c))
				}
			}
			q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", pgx.Identifier{tbl.Schema, tbl.Name}.Sanitize(), strings.Join(cols, ", "), strings.Join(vals, ", "))
			if _, err := conn.Exec(context.Background(), q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
}

// TestDifferentialOracle is the oracle the issue asks for. For every model
// of the fixtures, rows with values and with NULLs are inserted, the
// model's columns are selected and scanned with pgx.RowToStructByName: the
// scan fails exactly when schemacheck reports an error for the model (a
// warning or info never comes with a failure on typical data). Every
// statement reported as a query-error fails when run, and every other
// statement schemacheck prepared prepares.
func TestDifferentialOracle(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadModels(t)
	schema, dsn := pgtest.Schema(t, fixtureDDL(t))
	ctx := context.Background()
	conn := pgtest.Connect(t, dsn)
	res, cat, err := schemacheck.Run(ctx, schemacheck.Options{Packages: pkgs, Config: fixtureConfig(t, dir, schema), Dir: dir, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	insertRows(t, conn, cat)

	errorsOf := map[string][]string{}
	for _, f := range res.Findings {
		if f.Severity == rules.SeverityError && f.Struct != "" && f.Line > 0 && strings.HasSuffix(f.File, "models.go") {
			errorsOf[f.Struct] = append(errorsOf[f.Struct], f.Rule)
		}
	}
	checked := 0
	for _, m := range res.Models {
		if m.Mapper != schemacheck.MapperPgx {
			continue
		}
		_, short, _ := strings.Cut(m.Struct, modelsPkg+".")
		scan := scanners[short]
		if scan == nil {
			t.Errorf("model %s has no scanner in the oracle: add it to scanners", short)
			continue
		}
		var cols []string
		if tbl := cat.Lookup(m.Table); tbl != nil {
			for _, fld := range m.Fields {
				if c := columnFor(tbl, fld); c != "" {
					cols = append(cols, pgx.Identifier{c}.Sanitize())
				}
			}
		}
		if len(cols) == 0 {
			cols = []string{"*"}
		}
		q := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), m.Table)
		var scanErr error
		rows, err := conn.Query(ctx, q)
		if err != nil {
			scanErr = err
		} else {
			scanErr = scan(rows)
		}
		reported := errorsOf[m.Struct]
		switch {
		case len(reported) > 0 && scanErr == nil:
			t.Errorf("%s: schemacheck reports %v, but %q scanned into it without an error", short, reported, q)
		case len(reported) == 0 && scanErr != nil:
			t.Errorf("%s: schemacheck reports no error, but %q failed: %v", short, q, scanErr)
		}
		checked++
	}
	if checked < len(scanners) {
		t.Errorf("the oracle checked %d models, want %d", checked, len(scanners))
	}

	queryErrors := map[string]bool{}
	for _, f := range res.Findings {
		if f.Rule == schemacheck.RuleQueryError && f.Severity == rules.SeverityError {
			queryErrors[fmt.Sprintf("%s:%d", f.File, f.Line)] = true
		}
	}
	var failing, preparing int
	for _, st := range res.Statements {
		if st.Skip != "" {
			continue
		}
		key := fmt.Sprintf("%s:%d", relTo(dir, st.Pos.Filename), st.Pos.Line)
		if queryErrors[key] {
			failing++
			if err := runWithNulls(ctx, conn, st.Prepared); err == nil {
				t.Errorf("%s: reported as a query-error, but %q ran", key, st.Prepared)
			}
			continue
		}
		preparing++
		if _, err := conn.Prepare(ctx, "", st.Prepared); err != nil {
			t.Errorf("%s: not reported, but preparing %q failed: %v", key, st.Prepared, err)
		}
	}
	if failing == 0 || preparing == 0 {
		t.Errorf("the fixtures should hold failing and preparing statements: %d and %d", failing, preparing)
	}
}

func columnFor(tbl *catalog.Table, f *schemacheck.Field) string {
	for _, c := range tbl.Columns {
		if c.Name == f.Column || strings.EqualFold(strings.ReplaceAll(c.Name, "_", ""), strings.ReplaceAll(f.Column, "_", "")) {
			return c.Name
		}
	}
	return ""
}

func relTo(dir, name string) string {
	if rel, ok := strings.CutPrefix(name, dir+"/"); ok {
		return rel
	}
	return name
}

// runWithNulls executes sql with NULL for every parameter inside a
// transaction that is rolled back.
func runWithNulls(ctx context.Context, conn *pgx.Conn, sql string) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	n := 0
	for i := 1; i < 100; i++ {
		if strings.Contains(sql, fmt.Sprintf("$%d", i)) {
			n = i
		}
	}
	args := []any{pgx.QueryExecModeExec}
	for range n {
		args = append(args, nil)
	}
	_, err = tx.Exec(ctx, sql, args...)
	var pgErr *pgconn.PgError
	if err != nil && !strings.Contains(err.Error(), "SQLSTATE") {
		_ = pgErr
	}
	return err
}
