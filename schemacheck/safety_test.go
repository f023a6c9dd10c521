package schemacheck_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/schemacheck"
	"github.com/dbaudit/dbaudit/schemacheck/catalog"
)

// TestReadOnlyRole runs schemacheck as a role that may only read, whose
// transactions are read-only by default, and without SELECT on one table:
// everything works (pg_catalog shows the columns information_schema would
// hide), the findings are those of a superuser, and no row changes
// although the fixtures hold UPDATE statements.
func TestReadOnlyRole(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadModels(t)
	schema, dsn := pgtest.Schema(t, fixtureDDL(t))
	ctx := context.Background()
	admin := pgtest.Connect(t, dsn)
	if _, err := admin.Exec(ctx, `INSERT INTO sitemap_files (url, job_id, size, tenant_id) VALUES ('u', gen_random_uuid()::text, 7, 1)`); err != nil {
		t.Fatal(err)
	}
	role := pgtest.Name("dbaudit_ro")
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"ALTER ROLE " + role + " SET default_transaction_read_only = on",
		"GRANT USAGE ON SCHEMA " + schema + " TO " + role,
		"GRANT SELECT ON sitemap_files, job_notes TO " + role, // not jobs
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Errorf("dropping role: %v", err)
			return
		}
		defer c.Close(context.Background())
		for _, q := range []string{"DROP OWNED BY " + role, "DROP ROLE " + role} {
			if _, err := c.Exec(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	roDSN := pgtest.WithUser(t, dsn, role, "")
	ro := pgtest.Connect(t, roDSN)
	if _, err := ro.Exec(ctx, "UPDATE sitemap_files SET size = 8"); err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Fatalf("the role should not be able to write: %v", err)
	}

	cfg := fixtureConfig(t, dir, schema)
	asAdmin, _, err := schemacheck.Run(ctx, schemacheck.Options{Packages: pkgs, Config: cfg, Dir: dir, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	asReader, _, err := schemacheck.Run(ctx, schemacheck.Options{Packages: pkgs, Config: cfg, Dir: dir, DSN: roDSN})
	if err != nil {
		t.Fatalf("schemacheck as a read-only role: %v", err)
	}
	diffKeys(t, got(asAdmin.Findings), got(asReader.Findings))

	var size int
	if err := admin.QueryRow(ctx, "SELECT size FROM sitemap_files").Scan(&size); err != nil || size != 7 {
		t.Errorf("size = %d, %v; schemacheck must not run the UPDATE it prepares", size, err)
	}
}

// TestSessionIsReadOnlyAndCleansUp checks the session settings schemacheck
// works in, that PrepareAll leaves no statement behind and keeps the
// transaction usable after a failing statement, and that introspection puts
// the caller's search_path back.
func TestSessionIsReadOnlyAndCleansUp(t *testing.T) {
	t.Parallel()
	schema, dsn := pgtest.Schema(t, fixtureDDL(t))
	ctx := context.Background()
	sess, err := schemacheck.Open(ctx, dsn, schemacheck.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close(ctx)
	var readOnly, timeout, lockTimeout, app, searchPath string
	if err := sess.Conn.QueryRow(ctx, "SELECT current_setting('transaction_read_only'), current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('application_name'), current_setting('search_path')").
		Scan(&readOnly, &timeout, &lockTimeout, &app, &searchPath); err != nil {
		t.Fatal(err)
	}
	if readOnly != "on" || timeout != "30s" || lockTimeout != "2s" || app != "dbaudit" {
		t.Errorf("read_only=%s statement_timeout=%s lock_timeout=%s application_name=%s", readOnly, timeout, lockTimeout, app)
	}
	if _, err := catalog.Introspect(ctx, sess.Conn, []string{schema}); err != nil {
		t.Fatal(err)
	}
	var after string
	if err := sess.Conn.QueryRow(ctx, "SELECT current_setting('search_path')").Scan(&after); err != nil || after != searchPath {
		t.Errorf("search_path after introspection = %q, want %q (%v)", after, searchPath, err)
	}
	sqls := []string{
		"SELECT id FROM sitemap_files WHERE url = $1",
		"SELECT nope FROM sitemap_files",
		"UPDATE sitemap_files SET size = $1 WHERE id = $2",
		"SELECT id FROM sitemap_files WHERE url = $1", // a duplicate
		"SELEC 1",
		"SELECT count(*) FROM jobs",
	}
	res, err := schemacheck.PrepareAll(ctx, sess.Conn.PgConn(), sqls)
	if err != nil {
		t.Fatal(err)
	}
	wantErr := []string{"", "42703", "", "", "42601", ""}
	for i, r := range res {
		switch {
		case wantErr[i] == "" && (r.Err != nil || r.Desc == nil):
			t.Errorf("%q: %v", sqls[i], r.Err)
		case wantErr[i] != "" && (r.Err == nil || r.Err.Code != wantErr[i]):
			t.Errorf("%q: got %v, want SQLSTATE %s", sqls[i], r.Err, wantErr[i])
		}
	}
	if got := res[2].Desc.ParamOIDs; len(got) != 2 || got[0] != 23 || got[1] != 20 {
		t.Errorf("UPDATE parameter OIDs = %v, want [23 20]", got)
	}
	var left int
	if err := sess.Conn.QueryRow(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'dbaudit%'").Scan(&left); err != nil || left != 0 {
		t.Errorf("%d prepared statements left behind (%v)", left, err)
	}
	if _, err := sess.Conn.Exec(ctx, "SELECT 1"); err != nil {
		t.Errorf("the transaction is not usable after a failing statement: %v", err)
	}
	if err := sess.Conn.QueryRow(ctx, "SELECT current_setting('transaction_read_only')").Scan(&readOnly); err != nil || readOnly != "on" {
		t.Errorf("still read-only after the pipeline: %s %v", readOnly, err)
	}

	// Many statements go in chunks of one pipeline each.
	many := make([]string, 600)
	for i := range many {
		many[i] = "SELECT id FROM sitemap_files WHERE size = " + strings.Repeat("1", 1+i%5)
	}
	many[599] = "SELECT broken FROM sitemap_files"
	res, err = schemacheck.PrepareAll(ctx, sess.Conn.PgConn(), many)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Desc == nil || res[598].Desc == nil || res[599].Err == nil {
		t.Errorf("chunked prepare: %v %v %v", res[0].Err, res[598].Err, res[599].Err)
	}
}

// TestOfflineSnapshot dumps the catalog, then compares the models with the
// file and no database: the model findings are the same, and the
// statements are reported as not checked.
func TestOfflineSnapshot(t *testing.T) {
	t.Parallel()
	pkgs, dir := loadModels(t)
	schema, dsn := pgtest.Schema(t, fixtureDDL(t))
	ctx := context.Background()
	cfg := fixtureConfig(t, dir, schema)
	live, _, err := schemacheck.Run(ctx, schemacheck.Options{Packages: pkgs, Config: cfg, Dir: dir, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := schemacheck.Introspect(ctx, dsn, cfg, schemacheck.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "schema.json")
	if err := cat.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	snap, err := catalog.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	offline, _, err := schemacheck.Run(ctx, schemacheck.Options{Packages: pkgs, Config: cfg, Dir: dir, Catalog: snap})
	if err != nil {
		t.Fatal(err)
	}
	modelOnly := func(fs []schemacheck.Finding) map[string]bool {
		out := map[string]bool{}
		for k := range got(fs) {
			if strings.HasPrefix(k, "testdata/models/models.go") {
				out[k] = true
			}
		}
		return out
	}
	diffKeys(t, modelOnly(live.Findings), modelOnly(offline.Findings))
	for k := range got(offline.Findings) {
		if strings.HasPrefix(k, "testdata/models/store.go") {
			t.Errorf("offline run reports a statement finding: %s", k)
		}
	}
	if offline.Queries.SkippedReason == "" || offline.Queries.Found != live.Queries.Found || offline.Queries.Prepared != 0 {
		t.Errorf("offline queries: %+v", offline.Queries)
	}
	var a, b bytes.Buffer
	if err := live.WriteJSON(&a); err != nil {
		t.Fatal(err)
	}
	if err := offline.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"skipped_reason"`) || !strings.HasPrefix(a.String(), "{\n  \"version\": 1,\n  \"models\": [") {
		t.Errorf("JSON shape:\n%s", a.String()[:200])
	}
}

func TestUnreachableDatabase(t *testing.T) {
	t.Parallel()
	_, err := schemacheck.Open(context.Background(), "postgres://me:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", schemacheck.SessionOptions{})
	var ce *schemacheck.ConnectError
	if err == nil || !errorsAs(err, &ce) {
		t.Fatalf("want a ConnectError, got %v", err)
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "xxxxx") {
		t.Errorf("the error must show the DSN without its password: %v", err)
	}
}
