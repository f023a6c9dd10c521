package main

import (
	"context"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/schemacheck/benchmark"
)

// SchemacheckTables is the schema size the schemacheck figures are taken at.
const SchemacheckTables = 1000

// SchemacheckBench is schemacheck at scale: introspection and comparison
// against a generated schema, and preparing one statement per table.
type SchemacheckBench struct {
	NA     string `json:"na,omitempty"`
	Server string `json:"server,omitempty"`
	// Seconds by stage, from schemacheck/benchmark.Figures.
	Tables            int     `json:"tables,omitempty"`
	Statements        int     `json:"statements,omitempty"`
	Findings          int     `json:"findings,omitempty"`
	SetupSeconds      float64 `json:"setup_seconds,omitempty"`
	LoadSeconds       float64 `json:"load_seconds,omitempty"`
	IntrospectSeconds float64 `json:"introspect_seconds,omitempty"`
	CompareSeconds    float64 `json:"compare_seconds,omitempty"`
	PrepareSeconds    float64 `json:"prepare_seconds,omitempty"`
	RunSeconds        float64 `json:"run_seconds,omitempty"`
}

// schemacheckBench runs schemacheck/benchmark (written with schemacheck) on
// the test server: SchemacheckTables tables, models and statements.
func schemacheckBench(o *options) *SchemacheckBench {
	if o.onlyTools != nil {
		return &SchemacheckBench{NA: "skipped (-tools)"}
	}
	if o.schemaDSN == "" {
		return &SchemacheckBench{NA: "no database: set DBAUDIT_TEST_DATABASE_URL or -schemacheck-db"}
	}
	sc := &SchemacheckBench{Server: redact.DSN(o.schemaDSN)}
	logf("schemacheck at %d tables on %s", SchemacheckTables, sc.Server)
	fig, err := benchmark.Run(context.Background(), o.schemaDSN, o.repoRoot, SchemacheckTables)
	if err != nil {
		sc.NA = "schemacheck/benchmark failed: " + oneLine(redact.Secrets(err.Error(), o.schemaDSN))
		return sc
	}
	sc.Tables, sc.Statements, sc.Findings = fig.Tables, fig.Statements, fig.Findings
	sc.SetupSeconds, sc.LoadSeconds = fig.Setup.Seconds(), fig.Load.Seconds()
	sc.IntrospectSeconds, sc.CompareSeconds = fig.Introspect.Seconds(), fig.Compare.Seconds()
	sc.PrepareSeconds, sc.RunSeconds = fig.Prepare.Seconds(), fig.Run.Seconds()
	return sc
}
