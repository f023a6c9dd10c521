package poolconstruct_test

import (
	"strings"
	"testing"

	"github.com/dbaudit/dbaudit/analyzers/poolconstruct"
	"github.com/dbaudit/dbaudit/dbmodel/dbindex"
	"github.com/dbaudit/dbaudit/internal/atest"
	"github.com/dbaudit/dbaudit/rules"
)

// TestPoolconstruct runs without rules.yaml: only pools per request, per
// iteration and per job are findings. The index is told, as dbaudit's
// engine tells it from the loaded import graph, that only tests import
// example.com/app/testserver/datastore.
func TestPoolconstruct(t *testing.T) {
	cfg := rules.Default("")
	index := dbindex.New(cfg)
	if err := index.Flags.Set(dbindex.TestSupportFlag, "example.com/app/testserver/datastore"); err != nil {
		t.Fatal(err)
	}
	atest.Diagnostics(t, atest.Run(t, poolconstruct.New(cfg, index), "example.com/app/..."))
}

// TestPoolconstructWithPolicy: with approved_packages, a pool built
// anywhere else is reported.
func TestPoolconstructWithPolicy(t *testing.T) {
	cfg, err := rules.Parse("rules.yaml", []byte(`
approved_packages: [example.com/policy/db/..., example.com/policy/cmd/...]
job_runners: [example.com/policy/jobs.Every]
`))
	if err != nil {
		t.Fatal(err)
	}
	results := atest.Run(t, poolconstruct.New(cfg, dbindex.New(cfg)), "example.com/policy/...")
	approvedHelp := 0
	for _, f := range atest.Findings(t, results) {
		if !strings.Contains(f.Help, "\nFix: ") {
			t.Errorf("%s: help %q names no fix", f.Message, f.Help)
		}
		if strings.Contains(f.Message, "not approved") && strings.Contains(f.Help, "approved_packages: example.com/policy/db/...") {
			approvedHelp++
		}
	}
	if approvedHelp == 0 {
		t.Error("no unapproved-package finding names rules.yaml approved_packages in its help")
	}
}
