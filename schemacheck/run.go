package schemacheck

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// Options configure a schemacheck run.
type Options struct {
	// Packages are what the collector analyzer found in each package
	// (Load), in load order.
	Packages []*PackageData
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
	stmts, hints := gather(opts.Packages)
	hints.inferred = inferModels(stmts)
	res := &Result{Models: discoverModels(opts.Packages, cfg, hints), Statements: stmts}

	cat := opts.Catalog
	var sess *Session
	var err error
	prepared := map[*Statement]bool{}
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
		found, stats, err := checkStatements(ctx, sess, cat, stmts, opts.Dir, prepared)
		if err != nil {
			return nil, nil, &ConnectError{MaskedDSN: sess.MaskedDSN, Err: err}
		}
		res.Findings = append(res.Findings, found...)
		res.Queries = stats
	} else {
		res.Queries = QueryStats{Found: len(stmts), Skipped: len(stmts), SkippedReason: SnapshotSkipReason}
	}
	res.Findings = append(compareModels(res.Models, cat, opts.Dir, prepared), res.Findings...)
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

// Load loads the packages on the engine's streaming path with the
// collector analyzer (each package's syntax and types are dropped once it
// is analysed) and returns what the collector found in each package, in
// load order, with the engine's result (packages, load errors). opts.Config
// is the configuration (check_tests decides whether test code is
// collected).
func Load(opts engine.Options) ([]*PackageData, *engine.Result, error) {
	if opts.Config == nil {
		return nil, nil, fmt.Errorf("schemacheck: no config")
	}
	// The collector alone, on the run's own index: schemacheck reports no
	// rule findings.
	opts.ExtraFor = func(index *analysis.Analyzer) []*analysis.Analyzer {
		return []*analysis.Analyzer{NewCollector(opts.Config, index)}
	}
	opts.NoRules = true
	res, err := engine.Run(opts)
	if err != nil {
		return nil, nil, err
	}
	return Products(res), res, nil
}

// Products returns the collector's results in an engine run that had it
// among its Extra analyzers, in the order of res.Packages. A package whose
// analysis failed is left out (its load error says why).
func Products(res *engine.Result) []*PackageData {
	byID := res.Products[CollectorName]
	var out []*PackageData
	for _, p := range res.Packages {
		if d, _ := byID[p.ID].(*PackageData); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// gather lists the statements of the packages, each once (a file in a
// package and in its test variant is collected twice), as copies Run may
// annotate, and the hints they give about models.
func gather(pkgs []*PackageData) ([]*Statement, modelHints) {
	hints := modelHints{gorm: map[string]bool{}, sqlx: map[string]bool{}}
	var out []*Statement
	seen := map[token.Position]bool{}
	for _, p := range pkgs {
		for _, name := range p.GormStructs {
			hints.gorm[name] = true
		}
		for _, st := range p.Statements {
			if seen[st.Pos] {
				continue
			}
			seen[st.Pos] = true
			cp := *st
			out = append(out, &cp)
			for _, d := range st.Dests {
				if d.Mapper == MapperSqlx && d.Struct != nil {
					hints.sqlx[d.Struct.Name] = true
				}
			}
		}
	}
	return out, hints
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
