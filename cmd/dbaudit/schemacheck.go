package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbaudit/dbaudit/dbmodel/redact"
	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/report"
	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

func init() { register(newSchemacheckCmd) }

type schemacheckFlags struct {
	outputFlags
	dsn              string
	schemaFile       string
	dumpSchema       string
	statementTimeout time.Duration
	lockTimeout      time.Duration
	connectTimeout   time.Duration
	noTests          bool
	tags             string
	noCache          bool
}

func newSchemacheckCmd() *cobra.Command {
	var f schemacheckFlags
	cmd := &cobra.Command{
		Use:   "schemacheck [packages]",
		Short: "Compare model structs and literal SQL with a PostgreSQL catalog (live or a snapshot)",
		Long: `Schemacheck finds the model structs of the packages (default ./...) — by a
TableName() method, a //dbaudit:table comment, rules.yaml schema.tables, or
gorm's conventions — and compares their fields with the tables and views of
rules.yaml schema.schemas (default public). With a database it also prepares,
never executes, the literal SQL that reaches pgx and database/sql calls, in
one pipeline inside a read-only transaction with statement and lock timeouts.

The database comes from --dsn, the variable named by rules.yaml
schema.dsn_env, or $DATABASE_URL; it is never printed with its password.
It is connected to before the packages are loaded, within --connect-timeout,
so an unreachable database fails in seconds.

  dbaudit schemacheck ./...                            # against $DATABASE_URL
  dbaudit schemacheck --dump-schema schema.json        # save the catalog
  dbaudit schemacheck --schema-file schema.json ./...  # no database: models only

Findings: missing-table, missing-column, type-mismatch, nullability,
unmapped-column, query-error, param-type. Formats: text, json
({"version":1,"models":[...],"findings":[...]}), sarif, github.

Exit status: 0 clean, 1 a finding at or above --fail-on, 2 bad usage, a bad
rules.yaml, packages that cannot be loaded, or a database that cannot be
reached.`,
		RunE: func(cmd *cobra.Command, args []string) error { return runSchemacheck(cmd, args, &f) },
	}
	f.register(cmd.Flags(), report.Formats)
	fs := cmd.Flags()
	fs.StringVar(&f.dsn, "dsn", "", "database to compare with (default: $DATABASE_URL or rules.yaml schema.dsn_env)")
	fs.StringVar(&f.schemaFile, "schema-file", "", "compare with this snapshot instead of a database (written by --dump-schema); literal SQL is then not checked")
	fs.StringVar(&f.dumpSchema, "dump-schema", "", "write the database's catalog to this file as deterministic JSON, and stop")
	fs.DurationVar(&f.statementTimeout, "statement-timeout", 30*time.Second, "statement_timeout of the read-only session")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 2*time.Second, "lock_timeout of the read-only session")
	fs.DurationVar(&f.connectTimeout, "connect-timeout", 10*time.Second, "time allowed for connecting and starting the read-only session (also the per-host dial timeout when the DSN sets no connect_timeout)")
	fs.BoolVar(&f.noTests, "no-tests", false, "leave _test.go files out")
	fs.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the result cache (see dbaudit cache)")
	fs.StringVar(&f.tags, "tags", "", "build tags, as for go build")
	return cmd
}

func runSchemacheck(cmd *cobra.Command, args []string, f *schemacheckFlags) error {
	dsn, err := schemacheckWithDSN(cmd, args, f)
	// Anything a driver or the server said may repeat the DSN or part of it.
	return redact.Error(err, dsn)
}

// schemacheckWithDSN runs the command and returns the DSN it used, for
// scrubbing its error.
func schemacheckWithDSN(cmd *cobra.Command, args []string, f *schemacheckFlags) (dsn string, _ error) {
	if err := checkFormat(f.format, report.Formats); err != nil {
		return "", err
	}
	failOn, err := f.failOnSeverity()
	if err != nil {
		return "", err
	}
	switch {
	case f.schemaFile != "" && f.dsn != "":
		return "", usageError{errors.New("--schema-file and --dsn are exclusive: compare with a snapshot or with a database")}
	case f.schemaFile != "" && f.dumpSchema != "":
		return "", usageError{errors.New("--dump-schema needs a database, not --schema-file")}
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return "", err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	session := schemacheck.SessionOptions{StatementTimeout: f.statementTimeout, LockTimeout: f.lockTimeout, ConnectTimeout: f.connectTimeout}
	var snapshot *catalog.Catalog
	if f.schemaFile != "" {
		if snapshot, err = catalog.ReadFile(f.schemaFile); err != nil {
			return "", err
		}
	} else {
		if dsn, _ = schemacheck.ResolveDSN(f.dsn, cfg, os.Getenv); dsn == "" {
			return "", usageError{schemacheck.MissingDSNError(cfg)}
		}
	}

	if f.dumpSchema != "" {
		cat, err := schemacheck.Introspect(ctx, dsn, cfg, session)
		if err != nil {
			return dsn, err
		}
		if err := cat.WriteFile(f.dumpSchema); err != nil {
			return dsn, err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: wrote %d relation(s) of schema %v to %s\n", len(cat.Tables), cat.Schemas, f.dumpSchema)
		return dsn, nil
	}
	if dsn != "" {
		// Fail before the package load, which can take a minute, when the
		// database cannot be reached.
		sess, err := schemacheck.Open(ctx, dsn, session)
		if err != nil {
			return dsn, err
		}
		if err := sess.Close(ctx); err != nil {
			return dsn, err
		}
	}

	dir := engine.Getwd()
	patterns := args
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	for _, p := range cfg.Schema.Packages {
		if !slices.Contains(patterns, p) {
			patterns = append(patterns, p)
		}
	}
	loadOpts := engine.Options{Dir: dir, Patterns: patterns, Config: cfg, NoTests: f.noTests, NoCache: f.noCache}
	if f.tags != "" {
		loadOpts.BuildFlags = []string{"-tags=" + f.tags}
	}
	collected, loaded, err := schemacheck.Load(loadOpts)
	if err != nil {
		return dsn, err
	}
	pkgs := loaded.Packages
	var loadErrors []report.LoadError
	for _, p := range pkgs {
		for _, e := range p.Errors {
			loadErrors = append(loadErrors, report.LoadError{Message: e.Error()})
		}
	}

	res, _, err := schemacheck.Run(ctx, schemacheck.Options{
		Packages: collected, Config: cfg, Dir: dir, DSN: dsn, Catalog: snapshot, Session: session,
	})
	if err != nil {
		return dsn, err
	}

	w, finish, err := f.openOutput(cmd)
	if err != nil {
		return dsn, err
	}
	if f.format == "json" {
		err = res.WriteJSON(w)
	} else {
		err = report.Write(w, f.format, &report.Run{
			Findings:    res.ReportFindings(),
			Packages:    len(pkgs),
			Rules:       schemacheck.Rules,
			ToolVersion: version(),
			LoadErrors:  loadErrors,
		})
	}
	if err != nil {
		finish()
		return dsn, err
	}
	if err := finish(); err != nil {
		return dsn, err
	}
	if q := res.Queries; q.SkippedReason != "" && q.Found > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %d literal SQL statement(s) not checked: %s\n", q.Found, q.SkippedReason)
	}
	if msg := res.NothingCompared(len(pkgs)); msg != "" {
		// Exit 2, not 0: a pre-commit hook that compares nothing must not pass.
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %s\n", msg)
		return dsn, exitCode(exitError)
	}
	if len(loadErrors) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "dbaudit: %d package load or type error(s): the packages were checked as far as possible\n", len(loadErrors))
		return dsn, exitCode(exitError)
	}
	return dsn, exitCode(report.ExitCode(res.ReportFindings(), failOn))
}
