package ctxscope_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// TestRequestContextInGoroutineAgainstServer proves what the rule's
// message quotes, with the real pgx driver and server: a goroutine started
// by a handler and querying under r.Context() fails with "context canceled"
// once the handler returns, and the same goroutine under
// context.WithoutCancel(r.Context()) succeeds.
func TestRequestContextInGoroutineAgainstServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	schema, dsn := pgtest.SchemaNamed(t, "dbaudit_ctxscope", "CREATE TABLE visits (path text NOT NULL)")
	pool := pgtest.Pool(t, dsn) // closed before the schema is dropped: cleanups run last-in first-out
	// The insert sleeps first, so that it is still running (or not yet
	// started) when net/http cancels the request's context after
	// ServeHTTP returns.
	insert := "INSERT INTO " + schema + ".visits (path) SELECT $1::text FROM pg_sleep(0.5)"
	done := make(chan error, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/request", func(w http.ResponseWriter, r *http.Request) {
		go func() {
			_, err := pool.Exec(r.Context(), insert, r.URL.Path) // what ctxscope flags
			done <- err
		}()
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("/detached", func(w http.ResponseWriter, r *http.Request) {
		go func(ctx context.Context) {
			_, err := pool.Exec(ctx, insert, r.URL.Path) // the fix
			done <- err
		}(context.WithoutCancel(r.Context()))
		w.WriteHeader(http.StatusAccepted)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	visit := func(path string) error {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the goroutine's query did not finish", path)
		}
		return nil
	}
	count := func(path string) int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+schema+".visits WHERE path = $1", path).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	err := visit("/request")
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("query under r.Context() in a goroutine after the handler returned: err = %v, want \"context canceled\"", err)
	}
	t.Logf("under r.Context(): %v", err)
	if n := count("/request"); n != 0 {
		t.Errorf("the canceled insert wrote %d rows", n)
	}

	if err := visit("/detached"); err != nil {
		t.Fatalf("query under context.WithoutCancel(r.Context()): %v", err)
	}
	if n := count("/detached"); n != 1 {
		t.Errorf("the detached insert wrote %d rows, want 1", n)
	}
}
