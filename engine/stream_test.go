package engine_test

import (
	"reflect"
	"testing"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// A module with something for every part of the report: a finding in a
// package with a test variant, an external test package, a bad directive, a
// type error and a parse error.
func reportModule(t *testing.T) string {
	return writeModule(t, map[string]string{
		"go.mod":          goMod,
		"api/api.go":      handler,
		"api/api_test.go": "package api\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
		"api/ext_test.go": "package api_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/api\"\n)\n\nfunc TestY(t *testing.T) { _ = api.Handle }\n",
		"api/ignored.go":  "package api\n\n//dbaudit:ignore poolconstruct\nvar _ = 1\n",
		"svc/svc.go":      "package svc\n\nimport \"example.com/m/api\"\n\nvar H = api.Handle\n\nvar x int = \"not an int\"\n",
		"bad/bad.go":      "package bad\n\nfunc f( {\n",
	})
}

// A run analyses each package as soon as it is type-checked and drops its
// syntax and type information right after; a run served by the result
// cache reports the same.
func TestRunDropsSyntaxAndTheCacheReportsTheSame(t *testing.T) {
	dir := reportModule(t)
	fresh, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	mustNoErr(t, err)
	cold, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)
	warm, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)

	if len(fresh.Findings) == 0 {
		t.Fatal("no findings")
	}
	for i, run := range []*engine.Result{cold, warm} {
		name := []string{"cold", "warm"}[i]
		sameReport(t, name, run, fresh)
		if !reflect.DeepEqual(fresh.Rules, run.Rules) {
			t.Errorf("%s rules:\n got %v\nwant %v", name, run.Rules, fresh.Rules)
		}
		if len(run.Packages) != len(fresh.Packages) {
			t.Errorf("%s packages: got %d, want %d", name, len(run.Packages), len(fresh.Packages))
		}
		if len(run.Timings.Analyzer) != len(fresh.Timings.Analyzer) {
			t.Errorf("%s analyzer timings: got %d, want %d", name, len(run.Timings.Analyzer), len(fresh.Timings.Analyzer))
		}
	}
	if warm.Timings.Cached <= 0 {
		t.Errorf("the second run is served by the cache: cached %d", warm.Timings.Cached)
	}
	for _, p := range fresh.Packages {
		if p.Syntax != nil {
			t.Errorf("%s keeps its syntax", p.ID)
		}
		if p.TypesInfo != nil {
			t.Errorf("%s keeps its type information", p.ID)
		}
	}
}

// With an empty build cache the dependencies are checked from source
// (declarations only) instead of compiled for export data; the report must
// not change.
func TestColdCacheChecksDependenciesFromSource(t *testing.T) {
	dir := reportModule(t)
	warm, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	mustNoErr(t, err)

	t.Setenv("GOCACHE", t.TempDir())
	cold, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: true})
	mustNoErr(t, err)
	sameReport(t, "cold", cold, warm)
}
