// Package benchmark measures schemacheck on a generated schema: N tables
// of ten columns, N model structs and N literal statements, against a real
// server. The bench/ harness and this package's test call Run.
package benchmark

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/engine"
	"github.com/dbaudit/dbaudit/internal/testmodules"
	"github.com/dbaudit/dbaudit/rules"
	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// Figures are the timings of one run.
type Figures struct {
	Tables     int
	Statements int
	Findings   int
	// Setup creates the tables (not schemacheck's work).
	Setup time.Duration
	// Load is loading the generated models and calls and collecting them
	// (schemacheck.Load: the engine's streaming path with the collector).
	Load time.Duration
	// Introspect is the one catalog query, in a read-only session.
	Introspect time.Duration
	// Compare judges the models against the catalog.
	Compare time.Duration
	// Prepare prepares the statements in the pipeline and describes their
	// parameter and result types.
	Prepare time.Duration
	// Run is schemacheck.Run end to end on the collected packages:
	// discovery, session, introspection, comparison and preparation.
	Run time.Duration
}

func (f *Figures) String() string {
	return fmt.Sprintf("%d tables, %d statements, %d findings: setup %s, load %s, introspect %s, compare %s, prepare %s, run (end to end, packages loaded) %s",
		f.Tables, f.Statements, f.Findings, f.Setup.Round(time.Millisecond), f.Load.Round(time.Millisecond),
		f.Introspect.Round(time.Millisecond), f.Compare.Round(time.Millisecond), f.Prepare.Round(time.Millisecond), f.Run.Round(time.Millisecond))
}

const columnsDDL = `id bigint PRIMARY KEY, name text NOT NULL, email text, created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz, score numeric(10,2), active bool NOT NULL DEFAULT true, tags text[], payload jsonb, owner uuid`

// Run creates a schema of n tables on the server at dsn (dropped at the
// end), generates a module with n models and n queries, and times
// schemacheck on it. moduleRoot is the dbaudit checkout, whose go.sum lets
// the generated module resolve pgx from the module cache offline.
func Run(ctx context.Context, dsn, moduleRoot string, n int) (_ *Figures, err error) {
	fig := &Figures{Tables: n, Statements: n}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer admin.Close(context.Background())
	schema := fmt.Sprintf("dbaudit_bench_%d", time.Now().UnixNano())
	t0 := time.Now()
	var ddl strings.Builder
	fmt.Fprintf(&ddl, "CREATE SCHEMA %s;\n", schema)
	for i := range n {
		fmt.Fprintf(&ddl, "CREATE TABLE %s.t_%04d (%s);\n", schema, i, columnsDDL)
	}
	if _, err := admin.Exec(ctx, ddl.String()); err != nil {
		return nil, fmt.Errorf("creating the schema: %w", err)
	}
	defer func() {
		_, dropErr := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		err = errors.Join(err, dropErr)
	}()
	fig.Setup = time.Since(t0)

	dir, err := os.MkdirTemp("", "dbaudit-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := writeModule(dir, moduleRoot, n); err != nil {
		return nil, err
	}
	cfg := rules.Default(dir)
	cfg.Schema.Schemas = []string{schema}
	t0 = time.Now()
	// -mod=mod lets the go command complete the generated go.mod from the
	// module cache.
	pkgs, loaded, err := schemacheck.Load(engine.Options{Dir: dir, Patterns: []string{"./..."}, BuildFlags: []string{"-mod=mod"}, Config: cfg})
	if err != nil {
		return nil, err
	}
	for _, p := range loaded.Packages {
		if len(p.Errors) > 0 {
			return nil, fmt.Errorf("generated module: %v", p.Errors[0])
		}
	}
	fig.Load = time.Since(t0)
	sdsn, err := withSearchPath(dsn, schema)
	if err != nil {
		return nil, err
	}

	sess, err := schemacheck.Open(ctx, sdsn, schemacheck.SessionOptions{})
	if err != nil {
		return nil, err
	}
	defer sess.Close(context.Background())
	t0 = time.Now()
	cat, err := catalog.Introspect(ctx, sess.Conn, cfg.Schema.Schemas)
	if err != nil {
		return nil, err
	}
	fig.Introspect = time.Since(t0)
	if len(cat.Tables) != n {
		return nil, fmt.Errorf("introspected %d tables, want %d", len(cat.Tables), n)
	}
	models := schemacheck.DiscoverModels(pkgs, cfg)
	t0 = time.Now()
	schemacheck.CompareModels(models, cat, dir)
	fig.Compare = time.Since(t0)
	if len(models) != n {
		return nil, fmt.Errorf("found %d models, want %d", len(models), n)
	}

	sqls := make([]string, n)
	var oids []uint32
	for i := range n {
		sqls[i] = fmt.Sprintf("SELECT id, name, email, created_at FROM t_%04d WHERE id = $1 AND active", i)
	}
	t0 = time.Now()
	prepared, err := schemacheck.PrepareAll(ctx, sess.Conn.PgConn(), sqls)
	if err != nil {
		return nil, err
	}
	for i, p := range prepared {
		if p.Err != nil {
			return nil, fmt.Errorf("%s: %v", sqls[i], p.Err)
		}
		oids = append(oids, p.Desc.ParamOIDs...)
		for _, f := range p.Desc.Fields {
			oids = append(oids, f.DataTypeOID)
		}
	}
	if err := cat.ResolveTypes(ctx, sess.Conn, oids); err != nil {
		return nil, err
	}
	fig.Prepare = time.Since(t0)

	t0 = time.Now()
	res, _, err := schemacheck.Run(ctx, schemacheck.Options{Packages: pkgs, Config: cfg, Dir: dir, DSN: sdsn})
	if err != nil {
		return nil, err
	}
	fig.Run = time.Since(t0)
	fig.Findings = len(res.Findings)
	if res.Queries.Prepared != n {
		return nil, fmt.Errorf("run prepared %d statements, want %d", res.Queries.Prepared, n)
	}
	return fig, nil
}

// writeModule writes a module with one package holding n models (every
// tenth reads the nullable email into a string) and a function with n
// QueryRow(...).Scan calls.
func writeModule(dir, moduleRoot string, n int) error {
	sum := testmodules.GoSum()
	gomod := "module example.com/bench\n\ngo 1.26\n\nrequire github.com/jackc/pgx/v5 v5.12.0\n"
	var src strings.Builder
	src.WriteString("package models\n\nimport (\n\t\"context\"\n\t\"time\"\n\n\t\"github.com/jackc/pgx/v5/pgxpool\"\n)\n\n")
	for i := range n {
		email := "*string"
		if i%10 == 0 {
			email = "string"
		}
		fmt.Fprintf(&src, "type T%04d struct {\n\tID int64 `db:\"id\"`\n\tName string `db:\"name\"`\n\tEmail %s `db:\"email\"`\n\tCreatedAt time.Time `db:\"created_at\"`\n\tUpdatedAt *time.Time `db:\"updated_at\"`\n\tScore *float64 `db:\"score\"`\n\tActive bool `db:\"active\"`\n\tTags []string `db:\"tags\"`\n\tPayload map[string]any `db:\"payload\"`\n\tOwner *[16]byte `db:\"owner\"`\n}\n\n", i, email)
		fmt.Fprintf(&src, "func (T%04d) TableName() string { return \"t_%04d\" }\n\n", i, i)
	}
	src.WriteString("func Read(ctx context.Context, pool *pgxpool.Pool, id int64) error {\n")
	for i := range n {
		fmt.Fprintf(&src, "\t{\n\t\tvar m T%04d\n\t\tif err := pool.QueryRow(ctx, \"SELECT id, name, email, created_at FROM t_%04d WHERE id = $1 AND active\", id).Scan(&m.ID, &m.Name, &m.Email, &m.CreatedAt); err != nil {\n\t\t\treturn err\n\t\t}\n\t}\n", i, i)
	}
	src.WriteString("\treturn nil\n}\n")
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "models/models.go": []byte(src.String())} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func withSearchPath(dsn, schema string) (string, error) {
	if _, err := pgx.ParseConfig(dsn); err != nil {
		return "", err
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema, nil
	}
	return dsn + sep + "search_path=" + schema, nil
}
