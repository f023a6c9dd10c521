package sqlinject_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// TestInjectionAgainstServer proves what the rule's help says, with the
// real pgx driver and server, through handlers shaped like the fixtures'
// Bad cases: request text concatenated into a literal ends it (x' OR
// '1'='1 deletes every row), and through Exec without arguments, which pgx
// sends with the simple protocol, a ; starts a second statement that runs
// too. The placeholder form of the same handler deletes nothing.
func TestInjectionAgainstServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema, dsn := pgtest.SchemaNamed(t, "dbaudit_sqlinject", "")
	pool := pgtest.Pool(t, dsn)
	users, audit := schema+".users", schema+".audit"
	reset := func() {
		t.Helper()
		if _, err := pool.Exec(ctx, "DROP TABLE IF EXISTS "+users+", "+audit+"; CREATE TABLE "+users+
			" (name text); INSERT INTO "+users+" VALUES ('ann'), ('bob'), ('eve'); CREATE TABLE "+audit+" (at timestamptz)"); err != nil {
			t.Fatal(err)
		}
	}
	count := func(table string) (int, error) {
		var n int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n)
		return n, err
	}

	mux := http.NewServeMux()
	// What sqlinject flags (BadPgxConnExecPlusAssign's shape).
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) {
		if _, err := pool.Exec(r.Context(), "DELETE FROM "+users+" WHERE name = '"+r.FormValue("name")+"'"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	// The fix: a placeholder.
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) {
		if _, err := pool.Exec(r.Context(), "DELETE FROM "+users+" WHERE name = $1", r.FormValue("name")); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path, name string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path + "?name=" + url.QueryEscape(name))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s?name=%q: %s", path, name, resp.Status)
		}
	}

	reset()
	get("/bad", "bob")
	if n, err := count(users); err != nil || n != 2 {
		t.Fatalf("an honest name: %d users left (err %v), want 2", n, err)
	}
	get("/bad", "x' OR '1'='1")
	if n, err := count(users); err != nil || n != 0 {
		t.Errorf("x' OR '1'='1 through the concatenated handler: %d users left (err %v), want 0: every row deleted", n, err)
	}

	reset()
	get("/bad", "x'; DROP TABLE "+audit+"; --")
	if _, err := count(audit); err == nil {
		t.Errorf("a stacked DROP TABLE through Exec without arguments: %s still exists", audit)
	}

	reset()
	get("/good", "x' OR '1'='1")
	get("/good", "x'; DROP TABLE "+audit+"; --")
	if n, err := count(users); err != nil || n != 3 {
		t.Errorf("the placeholder handler: %d users left (err %v), want 3", n, err)
	}
	if _, err := count(audit); err != nil {
		t.Errorf("the placeholder handler: %s: %v", audit, err)
	}
}
