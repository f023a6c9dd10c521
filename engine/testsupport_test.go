package engine_test

import (
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
)

// A package that only tests import is test support: the engine reads that
// from the listed import graph (a pass sees its imports, never its
// importers) and hands it to the index. The same code in a package main
// imports is judged.
func TestRunTestSupportFromImportGraph(t *testing.T) {
	code := func(pkg string) string {
		return "package " + pkg + `

import (
	"database/sql"
	"net/http"
)

func Serve(w http.ResponseWriter, r *http.Request) {
	db, _ := sql.Open("pgx", "postgres://app:s3cr3t@db.internal/app")
	defer db.Close()
}
`
	}
	dir := writeModule(t, map[string]string{
		"go.mod":                       "module example.com/m\n\ngo 1.26\n",
		"internal/testserver/ds/ds.go": code("ds"),
		"store/store.go":               code("store"),
		"api/api.go":                   "package api\n",
		"api/api_test.go":              "package api\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/internal/testserver/ds\"\n)\n\nfunc TestX(t *testing.T) { _ = ds.Serve }\n",
		"cmd/app/main.go":              "package main\n\nimport \"example.com/m/store\"\n\nfunc main() { _ = store.Serve }\n",
	})
	for _, noCache := range []bool{true, false} {
		res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir), NoCache: noCache})
		mustNoErr(t, err)
		got := map[string]bool{}
		for _, f := range res.Findings {
			if f.Rule == "poolconstruct" || f.Rule == "rawdsn" {
				got[f.Rule+" "+f.File] = true
			}
		}
		if want := map[string]bool{"poolconstruct store/store.go": true, "rawdsn store/store.go": true}; !maps.Equal(got, want) {
			t.Errorf("noCache=%v: ds is imported only by api's test: got %v, want %v", noCache, got, want)
		}
	}

	// Once main imports it too, ds is production code and judged.
	mustNoErr(t, os.WriteFile(filepath.Join(dir, "cmd", "app", "main.go"), []byte(
		"package main\n\nimport (\n\t\"example.com/m/internal/testserver/ds\"\n\t\"example.com/m/store\"\n)\n\nfunc main() { _, _ = store.Serve, ds.Serve }\n"), 0o644))
	res, err := engine.Run(engine.Options{Dir: dir, Config: rules.Default(dir)})
	mustNoErr(t, err)
	n := 0
	for _, f := range res.Findings {
		if f.File == "internal/testserver/ds/ds.go" && (f.Rule == "poolconstruct" || f.Rule == "rawdsn") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("findings in ds: got %d, want 2: %v", n, res.Findings)
	}
}
