package schemacheck

import (
	"testing"

	"github.com/dbaudit/dbaudit/rules"
)

func TestFirstKeywordAndStatementCount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sql   string
		kw    string
		count int
	}{
		{"SELECT 1", "SELECT", 1},
		{"  -- leading comment\n /* block /* nested */ */ with x as (select 1) select * from x", "WITH", 1},
		{"(SELECT 1) UNION (SELECT 2)", "(", 1},
		{"create table t (id int);", "CREATE", 1},
		{"SELECT ';' FROM t", "SELECT", 1},
		{"SELECT $$a;b$$, $tag$;$tag$, E'it\\'s;', \"semi;colon\" FROM t", "SELECT", 1},
		{"SELECT 1; SELECT 2", "SELECT", 2},
		{"SELECT 1; -- trailing\n", "SELECT", 1},
		{"", "", 0},
		{";;", "", 0},
		{"SELECT $1::int", "SELECT", 1},
	} {
		if kw := firstKeyword(tc.sql); kw != tc.kw {
			t.Errorf("firstKeyword(%q) = %q, want %q", tc.sql, kw, tc.kw)
		}
		if n := statementCount(tc.sql); n != tc.count {
			t.Errorf("statementCount(%q) = %d, want %d", tc.sql, n, tc.count)
		}
	}
}

func TestRewriteNamedArgs(t *testing.T) {
	t.Parallel()
	got, names := rewriteNamedArgs("SELECT * FROM t WHERE a = @a AND b = @b_2 AND c = @a AND d = 'x@y' AND e = user@host -- @c\n")
	want := "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $1 AND d = 'x@y' AND e = user@host -- @c\n"
	if got != want || len(names) != 2 || names[0] != "a" || names[1] != "b_2" {
		t.Errorf("got %q %v", got, names)
	}
}

func TestResolveDSN(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "from-database-url", "APP_DSN": "from-app-dsn"}
	getenv := func(k string) string { return env[k] }
	cfg := rules.Default("")
	if dsn, src := ResolveDSN("from-flag", cfg, getenv); dsn != "from-flag" || src != "--dsn" {
		t.Errorf("flag: %q %q", dsn, src)
	}
	if dsn, src := ResolveDSN("", cfg, getenv); dsn != "from-database-url" || src != "$DATABASE_URL" {
		t.Errorf("default: %q %q", dsn, src)
	}
	cfg.Schema.DSNEnv = "APP_DSN"
	if dsn, src := ResolveDSN("", cfg, getenv); dsn != "from-app-dsn" || src != "$APP_DSN" {
		t.Errorf("dsn_env: %q %q", dsn, src)
	}
	cfg.Schema.DSNEnv = "UNSET"
	if dsn, _ := ResolveDSN("", cfg, getenv); dsn != "from-database-url" {
		t.Errorf("fallback: %q", dsn)
	}
	if dsn, _ := ResolveDSN("", cfg, func(string) string { return "" }); dsn != "" {
		t.Errorf("none: %q", dsn)
	}
	if err := MissingDSNError(cfg); err == nil || err.Error() != "no database to compare with: pass --dsn, set $UNSET or $DATABASE_URL, or give --schema-file" {
		t.Errorf("%v", err)
	}
}

func TestNamingAndMatching(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"UserID": "user_id", "URLCount": "url_count", "CreatedAt": "created_at", "ID": "id", "HTTPServer": "http_server", "Address1": "address1"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"User": "users", "SitemapFile": "sitemap_files", "Person": "people", "Category": "categories", "Address": "addresses", "Day": "days", "Box": "boxes"} {
		if got := gormTableName(in); got != want {
			t.Errorf("gormTableName(%q) = %q, want %q", in, got, want)
		}
	}
	cols := []string{"id", "user_id", "Name"}
	for _, tc := range []struct {
		f      Field
		mapper string
		want   int
	}{
		{Field{Column: "UserID"}, MapperPgx, 1},                 // untagged: underscores and case folded
		{Field{Column: "userid", tagged: true}, MapperPgx, -1},  // tagged: no underscore folding
		{Field{Column: "USER_ID", tagged: true}, MapperPgx, 1},  // tagged: case folded
		{Field{Column: "userid", tagged: true}, MapperSqlx, -1}, // sqlx lower-cases untagged names: UserID → userid
		{Field{Column: "name", tagged: true}, MapperSqlx, -1},   // sqlx compares exactly
		{Field{Column: "name", tagged: true}, MapperGorm, 2},
	} {
		if got := matchColumn(&tc.f, tc.mapper, cols); got != tc.want {
			t.Errorf("%s %+v: got %d, want %d", tc.mapper, tc.f, got, tc.want)
		}
	}
}
