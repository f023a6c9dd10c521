package poolercompat_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dbaudit/dbaudit/analyzers/poolercompat"
	"github.com/dbaudit/dbaudit/internal/pgtest"
	"github.com/dbaudit/dbaudit/internal/pgtest/pgbouncertest"
)

// The pooler tests run real pgx v5 through a real transaction-mode
// PgBouncer (internal/pgtest/pgbouncertest, two server connections per
// pool) and prove what the rule's help text quotes: every session feature
// the rule flags breaks once the client's next transaction runs on another
// server connection, and every look-alike it leaves alone works under
// concurrent load.

// client is one client connection to the pooler, which notes the
// notices the server sends it.
type client struct {
	*pgx.Conn
	mu      sync.Mutex
	notices []string
}

func (c *client) Notices() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.notices...)
}

func connect(t *testing.T, ctx context.Context, dsn string) *client {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe // pooler-safe (the rule's prepared-statement half)
	c := &client{}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		c.mu.Lock()
		c.notices = append(c.notices, n.Severity+": "+n.Message)
		c.mu.Unlock()
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connecting through the pooler: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	c.Conn = conn
	return c
}

// inTx runs sql in one transaction on c and returns the server process id
// that ran it.
func inTx(ctx context.Context, c *client, sql string) (pid uint32, err error) {
	tx, err := c.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if err := tx.QueryRow(ctx, "select pg_backend_pid()").Scan(&pid); err != nil {
		return 0, err
	}
	if sql != "" {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return pid, err
		}
	}
	return pid, tx.Commit(ctx)
}

// holdServer returns an open transaction, on a client of its own, that
// runs on the server connection pid, so that every other client's next
// transaction runs on another one. With two server connections it is
// deterministic: a first client's transaction takes one of them; if it is
// not pid, a second client's transaction gets pid, the only one left.
func holdServer(t *testing.T, ctx context.Context, dsn string, pid uint32) pgx.Tx {
	t.Helper()
	var open []pgx.Tx
	for try := 0; try < 4; try++ {
		tx, err := connect(t, ctx, dsn).Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got uint32
		if err := tx.QueryRow(ctx, "select pg_backend_pid()").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got == pid {
			for _, o := range open {
				o.Rollback(ctx)
			}
			return tx
		}
		open = append(open, tx)
	}
	t.Fatalf("could not get server connection %d for the holding client", pid)
	return nil
}

// sessionCase is a session feature the rule flags: setup runs it in one
// transaction, then another client holds that server connection and
// followUp runs in the next transaction, on the other server connection.
type sessionCase struct {
	name, setup, followUp string
	// followUpFlagged: the rule's finding is on followUp (RESET, UNLISTEN),
	// not on setup.
	followUpFlagged bool
	// wantErr is the error the rule's help quotes for followUp ("" when it
	// does not fail but check proves the state went missing).
	wantErr string
	// check proves the effect: a is the client that ran setup, holder the
	// transaction on setup's server connection.
	check func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string)
}

func showOn(t *testing.T, ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, name string) string {
	t.Helper()
	var v string
	if err := q.QueryRow(ctx, "select current_setting('"+name+"')").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func settingCase(name, setup string) sessionCase {
	return sessionCase{name: name, setup: setup, check: func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string) {
		if !strings.Contains(help, "SHOW statement_timeout: 0") || !strings.Contains(help, "keeps 1234ms") {
			t.Errorf("%s: the help does not say what was measured: %s", name, help)
		}
		if got := showOn(t, ctx, a, "statement_timeout"); got != "0" {
			t.Errorf("%s: the next transaction sees statement_timeout = %s, want the default 0 (the setting stayed behind)", name, got)
		}
		if got := showOn(t, ctx, holder, "statement_timeout"); got != "1234ms" {
			t.Errorf("%s: the other client on the setting's server connection sees statement_timeout = %s, want 1234ms (leaked)", name, got)
		}
	}}
}

var sessionCases = []sessionCase{
	settingCase("SET", "SET statement_timeout = 1234"),
	settingCase("set_config false", "SELECT set_config('statement_timeout', '1234', false)"),
	{name: "RESET", setup: "SET statement_timeout = 1234", followUp: "RESET statement_timeout", followUpFlagged: true,
		check: func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string) {
			if got := showOn(t, ctx, holder, "statement_timeout"); got != "1234ms" {
				t.Errorf("RESET: the setting's server connection has statement_timeout = %s after RESET ran elsewhere, want 1234ms", got)
			}
			if !strings.Contains(help, "still had 1234ms") {
				t.Errorf("the RESET help does not say what was measured: %s", help)
			}
		}},
	{name: "pg_advisory_lock", setup: "SELECT pg_advisory_lock(716001)", followUp: "SELECT pg_advisory_unlock(716001)",
		check: func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string) {
			advisoryCheck(t, ctx, a, 716001, help)
		}},
	{name: "pg_try_advisory_lock", setup: "SELECT pg_try_advisory_lock(716002)", followUp: "SELECT pg_advisory_unlock(716002)",
		check: func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string) {
			advisoryCheck(t, ctx, a, 716002, help)
		}},
	{name: "LISTEN", setup: "LISTEN dbaudit_pooler",
		check: func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string) {
			if _, err := a.Exec(ctx, "NOTIFY dbaudit_pooler, 'hello'"); err != nil {
				t.Fatal(err)
			}
			wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			n, err := a.WaitForNotification(wctx)
			if err == nil {
				t.Errorf("LISTEN: the listening client got a notification through the pooler: %+v", n)
			}
			var chans []string
			if err := holder.QueryRow(ctx, "select coalesce(array_agg(c), '{}') from pg_listening_channels() c").Scan(&chans); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(chans) != "[dbaudit_pooler]" {
				t.Errorf("LISTEN: the server connection listens on %v, want [dbaudit_pooler]", chans)
			}
			if !strings.Contains(help, "WaitForNotification timed out") || !strings.Contains(help, "pg_listening_channels()") {
				t.Errorf("the LISTEN help does not say what was measured: %s", help)
			}
		}},
	{name: "UNLISTEN", setup: "LISTEN dbaudit_pooler2", followUp: "UNLISTEN dbaudit_pooler2", followUpFlagged: true,
		check: func(t *testing.T, ctx context.Context, a *client, holder pgx.Tx, help string) {
			var chans []string
			if err := holder.QueryRow(ctx, "select coalesce(array_agg(c), '{}') from pg_listening_channels() c").Scan(&chans); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(chans) != "[dbaudit_pooler2]" {
				t.Errorf("UNLISTEN: after UNLISTEN elsewhere the server connection listens on %v, want [dbaudit_pooler2]", chans)
			}
			if !strings.Contains(help, "still listed the channel in pg_listening_channels()") {
				t.Errorf("the UNLISTEN help does not say what was measured: %s", help)
			}
		}},
	{name: "temporary table", setup: "CREATE TEMP TABLE dbaudit_tmp (id int)", followUp: "INSERT INTO dbaudit_tmp VALUES (1)",
		wantErr: `ERROR: relation "dbaudit_tmp" does not exist (SQLSTATE 42P01)`},
	{name: "DECLARE WITH HOLD", setup: "DECLARE dbaudit_cur CURSOR WITH HOLD FOR SELECT 1", followUp: "FETCH dbaudit_cur",
		wantErr: `ERROR: cursor "dbaudit_cur" does not exist (SQLSTATE 34000)`},
	{name: "PREPARE", setup: "PREPARE dbaudit_stmt AS SELECT 1", followUp: "EXECUTE dbaudit_stmt",
		wantErr: `ERROR: prepared statement "dbaudit_stmt" does not exist (SQLSTATE 26000)`},
}

// advisoryCheck: the unlock ran on another server connection, which owns no
// such lock, and the lock stays held.
func advisoryCheck(t *testing.T, ctx context.Context, a *client, key int, help string) {
	t.Helper()
	const warning = "WARNING: you don't own a lock of type ExclusiveLock"
	if !containsNotice(a.Notices(), warning) {
		t.Errorf("pg_advisory_unlock on another server connection: notices %q, want %q", a.Notices(), warning)
	}
	if !strings.Contains(help, "`"+warning+"`") {
		t.Errorf("the help does not quote %q: %s", warning, help)
	}
	var got bool
	if err := a.QueryRow(ctx, "select pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got {
		t.Errorf("lock %d could be taken again on another server connection: it was not held", key)
	}
}

func containsNotice(ns []string, want string) bool {
	for _, n := range ns {
		if n == want {
			return true
		}
	}
	return false
}

// TestPoolerSessionFeatures: each session feature the rule flags fails
// through the pooler as its help text says. Each case gets a pooler of its
// own, so no server connection carries another case's state.
func TestPoolerSessionFeatures(t *testing.T) {
	t.Parallel()
	for _, tc := range sessionCases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			flagged := tc.setup
			if tc.followUpFlagged {
				flagged = tc.followUp
			}
			helps := poolercompat.SessionHelps(flagged)
			if len(helps) != 1 {
				t.Fatalf("the rule finds %d session features in %q, want 1", len(helps), flagged)
			}
			b := pgbouncertest.Start(t, pgbouncertest.Options{PoolSize: 2})
			if !strings.Contains(helps[0], strings.TrimPrefix(b.Version, "PgBouncer ")[:4]) {
				t.Errorf("the help names another PgBouncer than %s: %s", b.Version, helps[0])
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			a := connect(t, ctx, b.DSN)
			pid, err := inTx(ctx, a, tc.setup)
			if err != nil {
				t.Fatalf("%s: %v", tc.setup, err)
			}
			holder := holdServer(t, ctx, b.DSN, pid)
			defer holder.Rollback(ctx)
			if tc.followUp != "" {
				next, err := inTx(ctx, a, tc.followUp)
				if next == pid {
					t.Fatalf("the follow-up ran on the same server connection %d", pid)
				}
				got := ""
				if err != nil {
					got = err.Error()
				}
				t.Logf("%s: %s, then %s on another server connection: error %q, notices %q", b.Version, tc.setup, tc.followUp, got, a.Notices())
				if got != tc.wantErr {
					t.Errorf("%s after %s on another server connection: error %q, want %q", tc.followUp, tc.setup, got, tc.wantErr)
				}
				if quote := anonymous(tc.wantErr); quote != "" && !strings.Contains(helps[0], "`"+quote+"`") {
					t.Errorf("the help does not quote %q: %s", quote, helps[0])
				}
			}
			if tc.check != nil {
				tc.check(t, ctx, a, holder, helps[0])
			}
		})
	}
}

// anonymous replaces the quoted object name in a server error with "…", as
// the help quotes it.
func anonymous(err string) string {
	i := strings.Index(err, `"`)
	j := strings.LastIndex(err, `"`)
	if i < 0 || j <= i {
		return err
	}
	return err[:i+1] + "…" + err[j:]
}

// lookAlikes are what the rule leaves alone: each runs as one transaction
// and must work however the pooler assigns server connections.
var lookAlikes = []struct{ name, sql string }{
	{"SET LOCAL", "BEGIN; SET LOCAL statement_timeout = 1234; SELECT 1/(current_setting('statement_timeout') = '1234ms')::int; COMMIT"},
	{"set_config true", "BEGIN; SELECT set_config('statement_timeout', '1234', true); SELECT 1/(current_setting('statement_timeout') = '1234ms')::int; COMMIT"},
	{"pg_advisory_xact_lock", "BEGIN; SELECT pg_advisory_xact_lock(716003); COMMIT"},
	{"pg_try_advisory_xact_lock", "BEGIN; SELECT 1/pg_try_advisory_xact_lock(716004)::int; COMMIT"},
	{"temporary table ON COMMIT DROP", "BEGIN; CREATE TEMP TABLE dbaudit_tmp2 (id int) ON COMMIT DROP; INSERT INTO dbaudit_tmp2 VALUES (1); COMMIT"},
	{"DECLARE without HOLD", "BEGIN; DECLARE dbaudit_cur2 CURSOR FOR SELECT 1; FETCH dbaudit_cur2; COMMIT"},
	{"NOTIFY", "NOTIFY dbaudit_pooler3, 'x'"},
	{"pg_notify", "SELECT pg_notify('dbaudit_pooler3', 'x')"},
}

// TestPoolerLookAlikes runs every look-alike from more clients than the pool
// has server connections, concurrently, many times: none may fail.
func TestPoolerLookAlikes(t *testing.T) {
	t.Parallel()
	for _, la := range lookAlikes {
		if helps := poolercompat.SessionHelps(la.sql); len(helps) != 0 {
			t.Errorf("the rule flags the look-alike %s (%q)", la.name, la.sql)
		}
	}
	b := pgbouncertest.Start(t, pgbouncertest.Options{PoolSize: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg, err := pgxpool.ParseConfig(b.DSN)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 6 // three clients per server connection
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rounds := 10
	var wg sync.WaitGroup
	errs := make(chan error, 6*rounds*len(lookAlikes))
	pids := sync.Map{}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				for _, la := range lookAlikes {
					conn, err := pool.Acquire(ctx)
					if err != nil {
						errs <- err
						return
					}
					// Each worker has its own try-lock key: the lock must be
					// free for it whichever server connection it gets.
					sql := strings.ReplaceAll(la.sql, "716004", fmt.Sprint(716100+w))
					// The simple protocol sends the whole transaction at once.
					if err := conn.Conn().PgConn().Exec(ctx, sql).Close(); err != nil {
						errs <- fmt.Errorf("%s: %w", la.name, err)
					}
					var pid uint32
					if err := conn.QueryRow(ctx, "select pg_backend_pid()").Scan(&pid); err == nil {
						pids.Store(pid, true)
					}
					conn.Release()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	pids.Range(func(any, any) bool { n++; return true })
	if n < 2 {
		t.Errorf("the look-alikes ran on %d server connection(s); the test needs at least 2 to mean anything", n)
	}
}

// startupParams are values the server takes for each parameter.
var startupParams = []struct{ key, value, show string }{
	{"search_path", "dbaudit_sp", "search_path"},
	{"statement_timeout", "1234", "statement_timeout"},
	{"lock_timeout", "1234", "lock_timeout"},
	{"idle_in_transaction_session_timeout", "1234", "idle_in_transaction_session_timeout"},
	{"work_mem", "8MB", "work_mem"},
	{"intervalstyle", "iso_8601", "intervalstyle"},
	{"extra_float_digits", "2", "extra_float_digits"},
	{"options", "-c work_mem=9MB", "work_mem"},
	{"application_name", "dbaudit", "application_name"},
	{"client_encoding", "UTF8", "client_encoding"},
	{"DateStyle", "ISO, DMY", "datestyle"},
	{"TimeZone", "Europe/Berlin", "timezone"},
	{"standard_conforming_strings", "on", "standard_conforming_strings"},
}

// TestPoolerStartupParameters: PgBouncer refuses exactly the startup
// parameters the rule flags, with the error its help quotes; the others
// reach the server. With ignore_startup_parameters the pooler accepts the
// connection and drops the value; PgBouncer 1.18 does not know
// track_extra_parameters.
func TestPoolerStartupParameters(t *testing.T) {
	t.Parallel()
	b := pgbouncertest.Start(t, pgbouncertest.Options{})
	var refused []string
	for _, p := range startupParams {
		t.Run(p.key, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			flagged, help := poolercompat.StartupRefused(p.key)
			got, err := connectWith(ctx, b.DSN, p.key, p.value, p.show)
			if !flagged {
				if err != nil {
					t.Errorf("%s through %s: %v, want it to work (the rule lets it pass)", p.key, b.Version, err)
				}
				return
			}
			refused = append(refused, p.key)
			want := fmt.Sprintf("FATAL: unsupported startup parameter: %s (SQLSTATE 08P01)", p.key)
			var pgErr *pgconn.PgError
			if err == nil || !errors.As(err, &pgErr) || pgErr.Severity+": "+pgErr.Message+" (SQLSTATE "+pgErr.Code+")" != want {
				t.Errorf("%s through %s: %v (value %q), want %s", p.key, b.Version, err, got, want)
			}
			if !strings.Contains(help, "`"+want+"`") {
				t.Errorf("the help does not quote %q: %s", want, help)
			}
			// The same key in the connection string is a startup parameter too.
			c, err := pgx.Connect(ctx, pgtest.WithParam(t, b.DSN, p.key, p.value))
			if err == nil {
				c.Close(ctx)
			}
			if err == nil || !errors.As(err, &pgErr) || pgErr.Message != "unsupported startup parameter: "+p.key {
				t.Errorf("%s in the connection string through %s: %v, want %s", p.key, b.Version, err, want)
			}
			// The server itself takes it: only the pooler refuses.
			if v, err := connectWith(ctx, pgtest.DSN(t), p.key, p.value, p.show); err != nil {
				t.Errorf("%s straight to the server: %v", p.key, err)
			} else if p.key != "options" && !strings.EqualFold(v, p.value) && v != p.value+"ms" {
				t.Logf("%s straight to the server shows %q", p.key, v)
			}
		})
	}
	t.Logf("%s refuses %v", b.Version, refused)

	t.Run("ignore_startup_parameters", func(t *testing.T) {
		ib := pgbouncertest.Start(t, pgbouncertest.Options{Settings: map[string]string{"ignore_startup_parameters": "search_path, statement_timeout, extra_float_digits, options"}})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		got, err := connectWith(ctx, ib.DSN, "search_path", "dbaudit_sp", "search_path")
		if err != nil {
			t.Fatalf("search_path through a pooler that ignores it: %v", err)
		}
		if got != `"$user", public` {
			t.Errorf("search_path through a pooler that ignores it: %q, want the server default", got)
		}
		_, help := poolercompat.StartupRefused("search_path")
		if !strings.Contains(help, `search_path stayed "$user", public`) {
			t.Errorf("the help does not say the ignored value is dropped: %s", help)
		}
	})
	t.Run("track_extra_parameters", func(t *testing.T) {
		tb, err := pgbouncertest.TryStart(t, pgbouncertest.Options{Settings: map[string]string{"track_extra_parameters": "search_path"}})
		_, help := poolercompat.StartupRefused("search_path")
		if err == nil {
			// A newer PgBouncer: the parameter then reaches the server.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			got, err := connectWith(ctx, tb.DSN, "search_path", "dbaudit_sp", "search_path")
			t.Logf("%s with track_extra_parameters = search_path: %q, %v", tb.Version, got, err)
			return
		}
		if !strings.Contains(err.Error(), "unknown parameter: pgbouncer/track_extra_parameters") {
			t.Fatalf("starting with track_extra_parameters: %v", err)
		}
		if !strings.Contains(help, "1.18 rejects it as an unknown setting") {
			t.Errorf("the help does not say 1.18 lacks track_extra_parameters: %s", help)
		}
	})
}

// connectWith connects with one runtime parameter and shows the setting.
func connectWith(ctx context.Context, dsn, key, value, show string) (string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "", err
	}
	cfg.RuntimeParams[key] = value
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var v string
	err = conn.QueryRow(ctx, "select current_setting('"+show+"')").Scan(&v)
	return v, err
}
