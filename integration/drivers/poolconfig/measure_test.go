package poolconfig_test

import (
	"context"
	"database/sql"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // sql.Open("pgx")
	_ "github.com/lib/pq"              // sql.Open("postgres")

	"github.com/dbaudit/dbaudit/internal/pgtest"
)

// TestParseConfigSetsMaxConns proves the premise of the default-after-parse
// finding with the real pgxpool: ParseConfig never leaves MaxConns below 1.
func TestParseConfigSetsMaxConns(t *testing.T) {
	t.Parallel()
	want := max(int32(4), int32(runtime.NumCPU()))
	for _, s := range []string{
		"postgres://app@db/orders",
		"host=db user=app",
		"postgres://app@db/orders?pool_min_conns=2",
	} {
		cfg, err := pgxpool.ParseConfig(s)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxConns != want {
			t.Errorf("%s: MaxConns = %d, want max(4, NumCPU) = %d", s, cfg.MaxConns, want)
		}
	}
	cfg, err := pgxpool.ParseConfig("postgres://app@db/orders?pool_max_conns=1")
	if err != nil || cfg.MaxConns != 1 {
		t.Errorf("pool_max_conns=1: %v %v", cfg, err)
	}
	for _, s := range []string{"postgres://app@db/orders?pool_max_conns=0", "postgres://app@db/orders?pool_max_conns=-3"} {
		if _, err := pgxpool.ParseConfig(s); err == nil {
			t.Errorf("%s: ParseConfig accepted a MaxConns below 1", s)
		}
	}
}

// TestZeroIdleTime proves with the real pgxpool and server that
// MaxConnIdleTime = 0 does not mean never: the health check closes every
// idle connection above MinConns, while MaxConnLifetime = 0 (never
// expires) with an idle time left as it is keeps them.
func TestZeroIdleTime(t *testing.T) {
	url := pgtest.DSN(t)
	t.Parallel()
	open := func(t *testing.T, idle, lifetime time.Duration) *pgxpool.Pool {
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			t.Fatal(err)
		}
		cfg.MaxConns = 4
		cfg.MaxConnIdleTime = idle
		cfg.MaxConnLifetime = lifetime
		cfg.HealthCheckPeriod = 100 * time.Millisecond
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		a, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a.Release()
		b.Release()
		return pool
	}
	zero := open(t, 0, time.Hour)
	kept := open(t, 30*time.Minute, 0)
	deadline := time.Now().Add(5 * time.Second)
	for zero.Stat().TotalConns() > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := zero.Stat().TotalConns(); n != 0 || zero.Stat().MaxIdleDestroyCount() < 2 {
		t.Errorf("MaxConnIdleTime = 0: %d connections left, %d closed for idleness; the finding says the health check closes them",
			n, zero.Stat().MaxIdleDestroyCount())
	}
	if n := kept.Stat().TotalConns(); n != 2 {
		t.Errorf("MaxConnIdleTime = 30m, MaxConnLifetime = 0: %d connections, want the 2 opened", n)
	}
}

// TestNeverExpiringConnectionsSurviveServerClose proves the silent
// look-alikes of zero lifetimes: with MaxConnLifetime = 0 (pgxpool) and
// SetConnMaxIdleTime(0) / SetConnMaxLifetime(0) (database/sql with pgx's
// stdlib and lib/pq) a connection the server closes while idle
// (idle_session_timeout) is replaced, not handed to the next query: pgx
// pings a connection idle for over a second, and lib/pq's write to the dead
// socket returns driver.ErrBadConn, which database/sql retries.
func TestNeverExpiringConnectionsSurviveServerClose(t *testing.T) {
	url := pgtest.DSN(t)
	t.Parallel()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["idle_session_timeout"] = "300"
	cfg.MaxConnLifetime = 0
	dsn := pgtest.WithParam(t, url, "options", "-c idle_session_timeout=300")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	twice := func(name string, query func(*int) error) {
		var pid1, pid2 int
		if err := query(&pid1); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		time.Sleep(time.Second) // past idle_session_timeout: the server closes the session
		if err := query(&pid2); err != nil {
			t.Errorf("%s: the query after the server closed the idle connection failed: %v", name, err)
		}
		if pid1 == pid2 {
			t.Errorf("%s: backend %d still serves: idle_session_timeout did not close it, the test proves nothing", name, pid1)
		}
	}
	twice("pgxpool MaxConnLifetime = 0", func(pid *int) error {
		return pool.QueryRow(ctx, "select pg_backend_pid()").Scan(pid)
	})
	for _, drv := range []string{"pgx", "postgres"} {
		db, err := sql.Open(drv, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetConnMaxIdleTime(0)
		db.SetConnMaxLifetime(0)
		twice("database/sql "+drv+" SetConnMaxIdleTime(0)", func(pid *int) error {
			return db.QueryRowContext(ctx, "select pg_backend_pid()").Scan(pid)
		})
	}
}
