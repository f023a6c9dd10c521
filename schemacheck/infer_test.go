package schemacheck_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// Issue 14 #6: on pgx, sqlx and gorm code without //dbaudit:table, the
// models are the structs the code reads by name from single-table
// SELECTs, TableName methods and gorm's conventions; a run that finds
// none says so.

const inferredFile = "testdata/inferred/inferred.go"

func loadInferred(t *testing.T, pattern string) ([]*schemacheck.PackageData, string) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	pkgs, res, err := schemacheck.Load(engine.Options{Dir: dir, Patterns: []string{pattern}, Config: inferredConfig(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(res.Packages) > 0 {
		t.Fatal("fixture errors")
	}
	return pkgs, dir
}

func inferredConfig(dir string, schemas ...string) *rules.Config {
	cfg := rules.Default(dir)
	cfg.CheckTests = true // the fixtures live under testdata
	if len(schemas) > 0 {
		cfg.Schema.Schemas = schemas
	}
	return cfg
}

func inferredSnapshot(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.ReadFile("testdata/inferred/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func inferredDDL(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/inferred/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// modelTables is "Struct=table/source/mapper" for each model.
func modelTables(models []*schemacheck.Model) []string {
	var out []string
	for _, m := range models {
		_, name := splitAt(m.Struct)
		out = append(out, name+"="+m.Table+"/"+m.Source+"/"+m.Mapper)
	}
	slices.Sort(out)
	return out
}

func splitAt(s string) (string, string) {
	i := strings.LastIndex(s, ".")
	return s[:i], s[i+1:]
}

func TestInferredPgxModelsAgainstSnapshot(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadInferred(t, "./testdata/inferred")
	res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: inferredConfig(dir), Dir: dir, Catalog: inferredSnapshot(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Customer=customers/query/pgx", "Invoice=invoices/query/pgx", "Label=tags/query/pgx", "Total=invoices/query/pgx"}
	if got := modelTables(res.Models); !slices.Equal(got, want) {
		t.Errorf("models %v, want %v (Tagged is read from a join: not a model)", got, want)
	}
	for _, m := range res.Models {
		if !strings.HasPrefix(m.Query, inferredFile+":") {
			t.Errorf("%s: query %q, want the statement's position", m.Struct, m.Query)
		}
	}
	diffKeys(t, wants(t, inferredFile), got(res.Findings))
	if msg := res.NothingCompared(1); msg != "" {
		t.Errorf("models were compared, yet: %s", msg)
	}
	for _, f := range res.Findings {
		if f.Rule == schemacheck.RuleMissingColumn && !strings.Contains(f.Message, `column "amount" does not exist`) {
			t.Errorf("missing-column message does not quote the server's error: %s", f.Message)
		}
	}
	if testing.Verbose() {
		for _, f := range res.Findings {
			t.Logf("%s:%d %s %s", f.File, f.Line, f.Rule, f.Message)
		}
	}
}

// With a database the statements are prepared, and the structs are judged
// on the server's description of each result (at the call), not a second
// time at the fields: the same three bugs, once each.
func TestInferredPgxModelsAgainstDatabase(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadInferred(t, "./testdata/inferred")
	schema, dsn := pgtest.Schema(t, inferredDDL(t))
	res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: inferredConfig(dir, schema), Dir: dir, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	if got := modelTables(res.Models); len(got) != 4 {
		t.Errorf("models %v", got)
	}
	var found []string
	for _, f := range res.Findings {
		if f.Severity == "info" {
			continue
		}
		found = append(found, f.Rule+":"+f.Field+f.Column)
		if wants(t, inferredFile)[f.File+":"+itoa(f.Line)+" "+f.Rule+":"+string(f.Severity)] {
			t.Errorf("judged at the field as well as at the call: %s:%d %s", f.File, f.Line, f.Rule)
		}
	}
	slices.Sort(found)
	want := []string{"nullability:Emailemail", "param-type:", "query-error:", "unmapped-column:label"}
	if !slices.Equal(found, want) {
		t.Errorf("findings %v, want %v", found, want)
	}
}

func itoa(n int) string { return fmtInt(n) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func loadInferredGopath(t *testing.T) []*schemacheck.PackageData {
	return loadGopathPackage(t, "example.com/inferred")
}

const inferredGopathFile = "testdata/gopath/src/example.com/inferred/inferred.go"

func TestInferredSqlxAndGormModels(t *testing.T) {
	t.Parallel()
	pkgs := loadInferredGopath(t)
	dir, _ := filepath.Abs(".")
	res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: inferredConfig(dir), Dir: dir, Catalog: inferredSnapshot(t)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Firm=firms/TableName/gorm", "Member=members/query/sqlx", "Parcel=parcels/gorm/gorm"}
	if got := modelTables(res.Models); !slices.Equal(got, want) {
		t.Errorf("models %v, want %v", got, want)
	}
	diffKeys(t, wants(t, inferredGopathFile), got(res.Findings))

	t.Run("database", func(t *testing.T) {
		schema, dsn := pgtest.Schema(t, inferredDDL(t))
		res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: inferredConfig(dir, schema), Dir: dir, DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, f := range res.Findings {
			if f.Severity != "info" {
				found = append(found, f.Rule+":"+f.Field)
			}
		}
		slices.Sort(found)
		// Member is judged at its Get (the statement was prepared), the
		// gorm models at their fields.
		if want := []string{"missing-column:Size", "nullability:Name", "type-mismatch:Joined"}; !slices.Equal(found, want) {
			t.Errorf("findings %v, want %v", found, want)
		}
	})
}

// A run that finds no model and prepares nothing says so, and how to
// declare a model.
func TestNothingCompared(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadInferred(t, "./testdata/inferred/none")
	res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: inferredConfig(dir), Dir: dir, Catalog: inferredSnapshot(t)})
	if err != nil {
		t.Fatal(err)
	}
	msg := res.NothingCompared(len(pkgs))
	for _, want := range []string{"no models found in 1 package(s)", "nothing was compared", "1 literal SQL statement(s) found, none prepared", "RowToStructByName", "TableName()", "//dbaudit:table"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if !strings.Contains(res.Queries.SkippedReason, "--dsn") {
		t.Errorf("the not-checked reason does not say how to check them: %q", res.Queries.SkippedReason)
	}
}
