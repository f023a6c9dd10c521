package txescape_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// The tests below prove, with the real pgx v5 driver and PostgreSQL, what
// txescape's shared-connection message quotes: one *pgx.Conn used from two
// goroutines at once fails with "conn busy", directly and through an HTTP
// handler type holding it; a pool shared the same way does not.

// waitRunning waits until the server runs a statement containing marker.
func waitRunning(t *testing.T, ctx context.Context, watcher *pgx.Conn, marker string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var n int
		if err := watcher.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()", marker).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the statement marked %s never ran", marker)
		}
	}
}

// TestConnSharedByGoroutines: while a goroutine's statement runs on a
// *pgx.Conn, the starting function's statement on it fails with "conn
// busy"; on a pool both run.
func TestConnSharedByGoroutines(t *testing.T) {
	url := pgtest.DSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	watcher := pgtest.Connect(t, url)
	conn := pgtest.Connect(t, url)

	marker := fmt.Sprintf("dbaudit_shared_%d", time.Now().UnixNano())
	err := runAtOnce(t, ctx, watcher, conn, marker) // BadConnGoroutineAndLauncher
	if err == nil || err.Error() != "conn busy" {
		t.Fatalf("a statement while a goroutine's runs on the same *pgx.Conn: err = %v, want \"conn busy\"", err)
	}
	t.Logf("the starting function's statement: %v", err)

	pool := pgtest.Pool(t, url) // the fix: a pool

	// BadTxErrgroupTasks: a transaction's statements at once fail the same way.
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = runAtOnce(t, ctx, watcher, tx, marker+"_tx")
	if err == nil || err.Error() != "conn busy" {
		t.Fatalf("a statement while a goroutine's runs in the same transaction: err = %v, want \"conn busy\"", err)
	}
	t.Logf("the transaction's second statement at once: %v", err)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := runAtOnce(t, ctx, watcher, pool, marker+"_tx_pool"); err != nil {
		t.Fatalf("a pool statement while another runs: %v", err)
	}
}

// runAtOnce runs a statement marked marker on db in a goroutine and, while
// the server runs it, SELECT 1 on db from the calling one. It returns the
// error of SELECT 1 once the goroutine's statement has ended, and fails the
// test if that one failed.
func runAtOnce(t *testing.T, ctx context.Context, watcher *pgx.Conn, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, marker string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := db.Exec(ctx, "SELECT pg_sleep(0.5) /* "+marker+" */")
		done <- err
	}()
	waitRunning(t, ctx, watcher, marker)
	_, err := db.Exec(ctx, "SELECT 1")
	if err := <-done; err != nil {
		t.Fatalf("the goroutine's statement %s: %v", marker, err)
	}
	return err
}

// connServer is the fixture ConnServer: one *pgx.Conn for every request.
type connServer struct {
	conn *pgx.Conn
}

func (s *connServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := s.conn.Exec(r.Context(), "SELECT pg_sleep($1::float8) /* "+r.URL.Query().Get("marker")+" */", r.URL.Query().Get("sleep")); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// poolServer is the look-alike PoolServer.
type poolServer struct {
	pool *pgxpool.Pool
}

func (s *poolServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := s.pool.Exec(r.Context(), "SELECT pg_sleep($1::float8) /* "+r.URL.Query().Get("marker")+" */", r.URL.Query().Get("sleep")); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// TestHandlerSharedConn: net/http serves each request on its own
// goroutine, so a second request to a handler holding one *pgx.Conn fails
// with "conn busy" while the first one's statement runs; a handler holding
// a pool serves both.
func TestHandlerSharedConn(t *testing.T) {
	url := pgtest.DSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	watcher := pgtest.Connect(t, url)
	conn := pgtest.Connect(t, url)
	pool := pgtest.Pool(t, url)

	get := func(srv *httptest.Server, query string) (int, string) {
		resp, err := http.Get(srv.URL + "/?" + query)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	overlap := func(h http.Handler) (first, second int, secondBody string) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		marker := fmt.Sprintf("dbaudit_handler_%d", time.Now().UnixNano())
		firstDone := make(chan int, 1)
		go func() {
			code, _ := get(srv, "sleep=0.5&marker="+marker)
			firstDone <- code
		}()
		waitRunning(t, ctx, watcher, marker)
		second, secondBody = get(srv, "sleep=0&marker=second")
		return <-firstDone, second, secondBody
	}

	first, second, body := overlap(&connServer{conn: conn})
	t.Logf("one *pgx.Conn: first request %d, second %d: %s", first, second, body)
	if first != http.StatusOK || second != http.StatusInternalServerError || body != "conn busy\n" {
		t.Fatalf("one *pgx.Conn in the handler: first %d, second %d %q; want 200, and 500 \"conn busy\"", first, second, body)
	}

	first, second, body = overlap(&poolServer{pool: pool})
	if first != http.StatusOK || second != http.StatusOK {
		t.Fatalf("a pool in the handler: first %d, second %d %q; want 200 and 200", first, second, body)
	}
}
