package schemacheck_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck"
)

const modelsPkg = "github.com/dbaudit/dbaudit/schemacheck/testdata/models"

// loadModels collects the fixtures of testdata/models through the engine,
// with check_tests set (the fixtures live under testdata, which counts as
// test code).
func loadModels(t testing.TB) ([]*schemacheck.PackageData, string) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	cfg := rules.Default(dir)
	cfg.CheckTests = true
	pkgs, res, err := schemacheck.Load(engine.Options{Dir: dir, Patterns: []string{"./testdata/models"}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Packages {
		for _, e := range p.Errors {
			t.Fatalf("loading fixtures: %v", e)
		}
	}
	return pkgs, dir
}

func fixtureConfig(t testing.TB, dir, schema string) *rules.Config {
	cfg := rules.Default(dir)
	cfg.Schema.Schemas = []string{schema}
	cfg.CheckTests = true // the fixtures live under testdata, which counts as test code
	cfg.Schema.Tables = map[string]string{modelsPkg + ".SitemapFileFetched": "sitemap_files"}
	return cfg
}

func fixtureDDL(t testing.TB) string {
	data, err := os.ReadFile("testdata/models/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// wants reads the "// want rule:severity ..." comments of the fixture files
// into "file:line rule:severity" keys.
func wants(t testing.TB, files ...string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			_, want, ok := strings.Cut(line, "// want ")
			if !ok {
				continue
			}
			for _, w := range strings.Fields(want) {
				out[fmt.Sprintf("%s:%d %s", filepath.ToSlash(name), i+1, w)] = true
			}
		}
	}
	return out
}

func got(fs []schemacheck.Finding) map[string]bool {
	out := map[string]bool{}
	for _, f := range fs {
		out[fmt.Sprintf("%s:%d %s:%s", f.File, f.Line, f.Rule, f.Severity)] = true
	}
	return out
}

func diffKeys(t *testing.T, want, have map[string]bool) {
	t.Helper()
	var missing, extra []string
	for k := range want {
		if !have[k] {
			missing = append(missing, k)
		}
	}
	for k := range have {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	for _, k := range missing {
		t.Errorf("missing finding: %s", k)
	}
	for _, k := range extra {
		t.Errorf("unexpected finding: %s", k)
	}
}

// TestRunFindsWhatTheFixturesWant checks every finding against the want
// comments: each rule caught where marked, and silence everywhere else
// (the look-alikes).
func TestRunFindsWhatTheFixturesWant(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadModels(t)
	schema, dsn := pgtest.Schema(t, fixtureDDL(t))
	res, _, err := schemacheck.Run(context.Background(), schemacheck.Options{Packages: pkgs, Config: fixtureConfig(t, dir, schema), Dir: dir, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	diffKeys(t, wants(t, "testdata/models/models.go", "testdata/models/store.go"), got(res.Findings))
	if res.Queries.Prepared == 0 || res.Queries.Skipped != 2 || res.Queries.SkippedReason != "" {
		t.Errorf("queries: %+v", res.Queries)
	}
	for _, f := range res.Findings {
		if strings.Contains(f.Message, dsn) {
			t.Errorf("a finding quotes the DSN: %s", f.Message)
		}
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
