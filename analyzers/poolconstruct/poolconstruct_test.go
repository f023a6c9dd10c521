package poolconstruct_test

import (
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
	atest.Run(t, poolconstruct.New(cfg, index), "example.com/app/...")
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
	atest.Run(t, poolconstruct.New(cfg, dbindex.New(cfg)), "example.com/policy/...")
}
