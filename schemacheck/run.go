package schemacheck

import (
	"context"
	"errors"

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
	res.Findings = compareModels(res.Models, cat, opts.Dir)
	if sess != nil {
		found, stats, err := checkStatements(ctx, sess, cat, stmts, opts.Dir)
		if err != nil {
			return nil, nil, &ConnectError{MaskedDSN: sess.MaskedDSN, Err: err}
		}
		res.Findings = append(res.Findings, found...)
		res.Queries = stats
	} else {
		res.Queries = QueryStats{Found: len(stmts), Skipped: len(stmts), SkippedReason: "no database: compared with a schema snapshot, so literal SQL was not prepared"}
	}
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
