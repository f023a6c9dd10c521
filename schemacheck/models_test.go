package schemacheck_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// loadGopath collects the gorm and sqlx fixtures, which import stub
// packages, in GOPATH mode.
func loadGopath(t *testing.T) []*schemacheck.PackageData {
	return loadGopathPackage(t, "example.com/app")
}

// gopathLoadMode is what the collector needs of a package: its syntax and
// type information, its dependencies' types from export data.
const gopathLoadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax |
	packages.NeedTypesInfo | packages.NeedModule

// loadGopathPackage loads one fixture package of testdata/gopath in GOPATH
// mode (which engine.Options cannot ask for) and runs the collector on it,
// as analysistest would, with check_tests set.
func loadGopathPackage(t *testing.T, pkgPath string) []*schemacheck.PackageData {
	t.Helper()
	gopath, err := filepath.Abs("testdata/gopath")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode: gopathLoadMode,
		Dir:  filepath.Join(gopath, "src", filepath.FromSlash(pkgPath)),
		Env:  append(os.Environ(), "GO111MODULE=off", "GOPATH="+gopath, "GOFLAGS="),
	}
	pkgs, err := packages.Load(cfg, pkgPath)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("fixture errors")
	}
	rc := rules.Default("")
	rc.CheckTests = true
	collector := schemacheck.NewCollector(rc, dbindex.New(rc))
	graph, err := checker.Analyze([]*analysis.Analyzer{collector}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []*schemacheck.PackageData
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatal(act.Err)
		}
		out = append(out, act.Result.(*schemacheck.PackageData))
	}
	return out
}

func TestGormAndSqlxModels(t *testing.T) {
	t.Parallel()
	pkgs := loadGopath(t)
	cat, err := catalog.ReadFile("testdata/gopath/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := rules.Default("")
	cfg.CheckTests = true
	res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: cfg, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*schemacheck.Model{}
	for _, m := range res.Models {
		_, short, _ := strings.Cut(m.Struct, "example.com/app.")
		byName[short] = m
	}
	if len(byName) != 3 || byName["User"] == nil || byName["Company"] == nil || byName["Account"] == nil {
		t.Fatalf("models: %v (Order and Stats are not models)", keys(byName))
	}
	cols := func(m *schemacheck.Model) string {
		var out []string
		for _, f := range m.Fields {
			out = append(out, f.Name+"="+f.Column)
		}
		return strings.Join(out, " ")
	}
	if m := byName["User"]; m.Table != "users" || m.Source != "gorm" || m.Mapper != "gorm" ||
		cols(m) != "Model.ID=id Model.CreatedAt=created_at Model.UpdatedAt=updated_at Model.DeletedAt=deleted_at Name=name Email=email_address CompanyID=company_id Stats.Views=stats_views Legacy=legacy" {
		t.Errorf("User: %s %s %s: %s", m.Table, m.Source, m.Mapper, cols(m))
	}
	if m := byName["Company"]; m.Table != "companies" || m.Mapper != "gorm" || cols(m) != "ID=id Name=name" {
		t.Errorf("Company: %s %s: %s", m.Table, m.Mapper, cols(m))
	}
	if m := byName["Account"]; m.Table != "accounts" || m.Mapper != "sqlx" || cols(m) != "Base.CreatedAt=created_at AccountID=accountid Name=display_name" {
		t.Errorf("Account: %s %s: %s", m.Table, m.Mapper, cols(m))
	}
	var rulesFound []string
	for _, f := range res.Findings {
		rulesFound = append(rulesFound, f.Rule+":"+string(f.Severity)+":"+f.Field+f.Column)
	}
	want := []string{
		"missing-column:error:AccountIDaccountid", // sqlx reads AccountID as accountid, not account_id
		"unmapped-column:warning:account_id",
		"nullability:error:Namename", // gorm scans through database/sql: NULL into string fails
	}
	for _, w := range want {
		found := false
		for _, g := range rulesFound {
			found = found || g == w
		}
		if !found {
			t.Errorf("missing %s in %v", w, rulesFound)
		}
	}
	if res.Queries.Found != 3 || res.Queries.Prepared != 0 {
		t.Errorf("queries: %+v", res.Queries)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
