package schemacheck

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// Options configure a schemacheck run.
type Options struct {
	// Packages are loaded with syntax and types (engine.Load).
	Packages []*packages.Package
	Config   *rules.Config
	// Dir is what finding paths are relative to.
	Dir string
	// DSN is the database to compare with. Leave it empty and set Catalog
	// to compare with a snapshot instead; statements are then not checked.
	DSN     string
	Catalog *catalog.Catalog
	Session SessionOptions
}

// Run discovers the models and literal SQL of the packages and compares
// them with the database (or the snapshot). It returns the catalog it
// compared with. Findings in files rules.yaml ignores are dropped.
func Run(ctx context.Context, opts Options) (*Result, *catalog.Catalog, error) {
	cfg := opts.Config
	if cfg == nil {
		cfg = rules.Default(opts.Dir)
	}
	idx, err := indexPackages(opts.Packages, cfg)
	if err != nil {
		return nil, nil, err
	}
	stmts, hints := collectStatements(opts.Packages, idx, cfg)
	hints.inferred = inferModels(stmts)
	res := &Result{Models: discoverModels(opts.Packages, cfg, hints), Statements: stmts}

	cat := opts.Catalog
	var sess *Session
	if cat == nil {
		if opts.DSN == "" {
			return nil, nil, MissingDSNError(cfg)
		}
		sess, err = Open(ctx, opts.DSN, opts.Session)
		if err != nil {
			return nil, nil, err
		}
		defer sess.Close(context.Background())
		cat, err = catalog.Introspect(ctx, sess.Conn, schemasOf(cfg))
		if err != nil {
			return nil, nil, &ConnectError{MaskedDSN: sess.MaskedDSN, Err: err}
		}
	}
	// Statements first: a model found by its query is judged by the
	// server's description of that query when it was prepared.
	if sess != nil {
		found, stats, err := checkStatements(ctx, sess, cat, stmts, opts.Dir)
		if err != nil {
			return nil, nil, &ConnectError{MaskedDSN: sess.MaskedDSN, Err: err}
		}
		res.Findings = append(res.Findings, found...)
		res.Queries = stats
	} else {
		res.Queries = QueryStats{Found: len(stmts), Skipped: len(stmts), SkippedReason: SnapshotSkipReason}
	}
	res.Findings = append(compareModels(res.Models, cat, opts.Dir), res.Findings...)
	kept := res.Findings[:0]
	for _, f := range res.Findings {
		if !cfg.Ignored(f.File) {
			kept = append(kept, f)
		}
	}
	res.Findings = kept
	sortFindings(res.Findings)
	return res, cat, nil
}

// SnapshotSkipReason says why literal SQL is not checked against a
// snapshot, and how to have it checked.
const SnapshotSkipReason = "a schema snapshot (--schema-file) holds the catalog but cannot prepare SQL; " +
	"run with --dsn, $DATABASE_URL or rules.yaml schema.dsn_env naming a database with the schema to have them prepared (never executed)"

// NothingCompared says, when the run compared nothing with the schema (no
// model found and no statement prepared), why and how to declare a model;
// "" when something was compared. A check that compares nothing must not
// pass silently: the CLI exits 2 with this message.
func (r *Result) NothingCompared(packages int) string {
	if len(r.Models) > 0 || r.Queries.Prepared > 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no models found in %d package(s), so nothing was compared with the schema", packages)
	if r.Queries.Found > 0 && r.Queries.Prepared == 0 {
		fmt.Fprintf(&b, " (%d literal SQL statement(s) found, none prepared)", r.Queries.Found)
	}
	b.WriteString(". A struct is a model when the code says which table it maps to: read it by name from a literal" +
		" single-table SELECT (pgx.CollectRows with pgx.RowToStructByName[T], sqlx Get/Select), give it a" +
		" TableName() string method, use it with gorm, put //dbaudit:table <table> on the line above its type," +
		" or map it in rules.yaml schema.tables; check the package patterns (and rules.yaml schema.packages)")
	return b.String()
}

// Introspect reads the catalog of the configured schemas, for
// --dump-schema, in the same read-only session Run uses.
func Introspect(ctx context.Context, dsn string, cfg *rules.Config, opts SessionOptions) (*catalog.Catalog, error) {
	if dsn == "" {
		return nil, MissingDSNError(cfg)
	}
	sess, err := Open(ctx, dsn, opts)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Introspect(ctx, sess.Conn, schemasOf(cfg))
	return cat, errors.Join(err, sess.Close(context.Background()))
}

func schemasOf(cfg *rules.Config) []string {
	if cfg != nil && len(cfg.Schema.Schemas) > 0 {
		return cfg.Schema.Schemas
	}
	return []string{"public"}
}
