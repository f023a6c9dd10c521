package schemacheck_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/internal/plaindata"
	"github.com/dbaudit/dbaudit/inventory"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck"
)

// TestCollector runs the collector analyzer on its own fixture and reads
// its result: the struct types with their fields and table hints, and the
// literal SQL with its arguments' and destinations' Go types, by name.
func TestCollector(t *testing.T) {
	cfg := rules.Default("")
	cfg.CheckTests = true // the fixture lives under testdata
	results := atest.Run(t, schemacheck.NewCollector(cfg, dbindex.New(cfg)), "collect")
	if len(results) != 1 {
		t.Fatalf("%d results, want 1", len(results))
	}
	data, ok := results[0].Result.(*schemacheck.PackageData)
	if !ok || data.Path != "collect" {
		t.Fatalf("result %#v, want *schemacheck.PackageData of collect", results[0].Result)
	}
	var got []string
	for _, s := range data.Structs {
		line := fmt.Sprintf("struct %s %s:%d comment=%q tablename=%q:", s.Name, filepath.Base(s.Pos.Filename), s.Pos.Line, s.CommentTable, s.TableName)
		for _, f := range s.Fields {
			line += fieldString(f)
		}
		got = append(got, line)
	}
	for _, st := range data.Statements {
		var args []string
		for _, a := range st.Args {
			args = append(args, a.Name)
		}
		line := fmt.Sprintf("stmt %d %s %q args=[%s]", st.Pos.Line, st.Kind, st.SQL, strings.Join(args, ","))
		for _, d := range st.Dests {
			var types []string
			for _, ty := range d.Types {
				types = append(types, ty.Name)
			}
			line += fmt.Sprintf(" dest(%d %s [%s]", d.Pos.Line, d.What, strings.Join(types, ","))
			if d.Struct != nil {
				line += " struct " + d.Struct.Name + ":"
				for _, f := range d.Struct.Fields {
					line += fieldString(f)
				}
			}
			line += ")"
		}
		got = append(got, line)
	}
	want := []string{
		`struct collect.Base collect.go:13 comment="" tablename="": CreatedAt time.Time "db:\"created_at\"" @14`,
		`struct collect.Account collect.go:18 comment="accounts" tablename="": Base collect.Base "" @19 embedded{CreatedAt time.Time "db:\"created_at\"" @14} ID int64 "db:\"id\"" @20 Email *string "db:\"email\"" @21 note string "" @22 unexported`,
		`struct collect.User collect.go:25 comment="" tablename="users": ID int64 "" @26 Name string "" @27`,
		`stmt 36 query "SELECT id, email FROM accounts WHERE id = $1" args=[int64] dest(36 Scan [int64,*string])`,
		`stmt 39 query "SELECT id, name FROM users" args=[] dest(43 pgx.RowToStructByName[collect.User] [] struct collect.User: ID int64 "" @26 Name string "" @27)`,
		`stmt 45 exec "DELETE FROM users WHERE name = $1" args=[*string]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("collected:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := plaindata.Check(data); err != nil {
		t.Errorf("the collector's result is not plain data: %v", err)
	}
}

func fieldString(f *schemacheck.StructField) string {
	s := fmt.Sprintf(" %s %s %q @%d", f.Name, f.Type.Name, f.Tag, f.Pos.Line)
	if !f.Exported {
		s += " unexported"
	}
	if f.Embedded {
		s += " embedded{"
		for i, sub := range f.Sub {
			if i > 0 {
				s += " "
			}
			s += strings.TrimPrefix(fieldString(sub), " ")
		}
		s += "}"
	}
	return s
}

// TestProductsArePlainData checks what the collector leaves of every
// package of an engine run: no syntax, types or file-set positions, and gob
// round-trips it (the result cache stores it so).
func TestProductsArePlainData(t *testing.T) {
	pkgs, _ := loadModels(t)
	if len(pkgs) == 0 {
		t.Fatal("the run collected no package")
	}
	statements := 0
	for _, p := range pkgs {
		statements += len(p.Statements)
		if err := plaindata.Check(p); err != nil {
			t.Errorf("%s: %v", p.Path, err)
		}
	}
	if statements == 0 {
		t.Error("no statement collected from testdata/models")
	}
}

// TestCombinedRun: one load serves the inventory and schemacheck together
// (a check --inventory-style run): both analyzers on one shared index, as
// Options.Extra of a single engine run on the streaming path, each
// product for every package.
func TestCombinedRun(t *testing.T) {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	cfg := rules.Default(dir)
	cfg.CheckTests = true
	index := dbindex.New(cfg)
	res, err := engine.Run(engine.Options{
		Dir: dir, Patterns: []string{"./testdata/models"}, Config: cfg,
		Extra: []*analysis.Analyzer{inventory.New(index), schemacheck.NewCollector(cfg, index)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) == 0 {
		t.Fatal("no package loaded")
	}
	for _, p := range res.Packages {
		for _, name := range []string{inventory.Name, schemacheck.CollectorName} {
			if res.Products[name][p.ID] == nil {
				t.Errorf("%s: no %s product", p.ID, name)
			}
		}
	}
	inv, err := inventory.Collect(res, dir)
	if err != nil {
		t.Fatal(err)
	}
	statements := 0
	for _, p := range schemacheck.Products(res) {
		statements += len(p.Statements)
	}
	if len(inv.Touchpoints) == 0 || statements == 0 {
		t.Errorf("one run gave %d touchpoints and %d statements; want both", len(inv.Touchpoints), statements)
	}
	// Every statement lies in a query, exec or prepare touchpoint of the
	// inventory.
	for _, p := range schemacheck.Products(res) {
		for _, st := range p.Statements {
			rel, _ := filepath.Rel(dir, st.Pos.Filename)
			rel = filepath.ToSlash(rel)
			if !slices.ContainsFunc(inv.Touchpoints, func(tp inventory.Touchpoint) bool {
				return tp.File == rel && tp.Kind == st.Kind && tp.Line <= st.Pos.Line && st.Pos.Line <= max(tp.Line, tp.EndLine)
			}) {
				t.Errorf("%s:%d: the statement is no %s touchpoint of the same run", rel, st.Pos.Line, st.Kind)
			}
		}
	}
}
