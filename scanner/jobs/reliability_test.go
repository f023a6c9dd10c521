package jobs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/sitetest"
	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// sqlExec runs statements on a connection of its own, outside the pool
// under test. It may be called from any goroutine.
func sqlExec(t *testing.T, dsn string, stmts ...string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(c, dsn)
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(c, s); err != nil {
			t.Errorf("%s: %v", s, err)
			return
		}
	}
}

// rowCounts is what a job's rows say, next to its stored counters.
type rowCounts struct {
	files, failed, urls int64
}

func (h *harness) rowCounts(id fmt.Stringer) rowCounts {
	h.t.Helper()
	conn, err := pgx.Connect(ctx, h.dsn)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	var c rowCounts
	if err := conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM sitemap_files WHERE job_id = $1),
		(SELECT count(*) FROM sitemap_files WHERE job_id = $1 AND error IS NOT NULL),
		(SELECT count(*) FROM sitemap_urls WHERE job_id = $1)`, id.String()).Scan(&c.files, &c.failed, &c.urls); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// TestShutdownMidFileKeepsCountsEqualToRows stops the runner while a large
// sitemap is being read, after 1,000 of its URLs were stored. The half-read
// file kept a row that looked complete but was not counted (reliability
// report D4: "files: 0, urls: 2000" next to one file without an error). It
// must be closed as interrupted, so files_found and files_failed equal the
// rows.
func TestShutdownMidFileKeepsCountsEqualToRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	site := sitetest.New(t)
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/big.xml"))}).
		Handle("/big.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/p"), 3000)...),
			Chunks: 30, Delay: 200 * time.Millisecond})
	id := h.submit(site.URL(""), 10000)
	deadline := time.Now().Add(20 * time.Second)
	for {
		job, err := h.store.GetJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.URLsFound >= 1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URLs stored after 20s: %+v", job)
		}
		time.Sleep(20 * time.Millisecond)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := h.runner.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	job, err := h.store.GetJob(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rows := h.rowCounts(id)
	if job.Status != store.StatusInterrupted || int64(job.FilesFound) != rows.files || int64(job.FilesFailed) != rows.failed ||
		job.URLsFound != rows.urls || rows.files != 1 {
		t.Fatalf("after shutdown mid-file: %s, files_found %d (rows %d), files_failed %d (rows with an error %d), urls_found %d (rows %d); error %q",
			job.Status, job.FilesFound, rows.files, job.FilesFailed, rows.failed, job.URLsFound, rows.urls, deref(job.Error))
	}
	h.checkCounts(job)
	files := h.files(id)
	if f := files["/big.xml"]; f.Error == nil || !strings.Contains(*f.Error, "interrupted") || f.Bytes == 0 {
		t.Errorf("the half-read file: error %q, bytes %d; want interrupted with the bytes read so far", deref(f.Error), f.Bytes)
	}
}

// TestOutcomeWriteSurvivesTerminatedConnections makes the server terminate
// the connection of every attempt to record a job's outcome for four
// seconds from the first (a trigger calls pg_terminate_backend on its own
// backend: a real 57P01, the connection dies). One such error used to leave
// the job running without heartbeats until the reaper took it ~2.5 min
// later and ran the whole scan again, or failed it "giving up" after its
// last attempt although the scan had succeeded (reliability report D5). The
// outcome write must be retried while the lease is kept alive: the job
// completes on its first attempt although the retries outlast
// SCANNER_STALE_AFTER (2s).
func TestOutcomeWriteSurvivesTerminatedConnections(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config.Config) {
		c.Jobs.HeartbeatInterval = 100 * time.Millisecond
		c.Jobs.StaleAfter = 2 * time.Second
	})
	// The first fault's time is kept in a sequence: setval survives the
	// rollback of the terminated transaction.
	sqlExec(t, h.dsn,
		`CREATE SEQUENCE outcome_fault_start MINVALUE 0 START 0`,
		`CREATE FUNCTION terminate_outcome_writes() RETURNS trigger LANGUAGE plpgsql AS $$
		DECLARE
			now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
		BEGIN
			IF NOT (SELECT is_called FROM outcome_fault_start) THEN
				PERFORM setval('outcome_fault_start', now_ms);
			END IF;
			IF now_ms < (SELECT last_value FROM outcome_fault_start) + 4000 THEN
				PERFORM pg_terminate_backend(pg_backend_pid());
			END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER outcome_fault BEFORE UPDATE ON jobs FOR EACH ROW
			WHEN (OLD.status = 'running' AND NEW.status NOT IN ('running', 'pending'))
			EXECUTE FUNCTION terminate_outcome_writes()`)
	site := sitetest.New(t)
	site.Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/p"), 50)...)})
	h.patience = 20 * time.Second
	job := h.wait(h.submit(site.URL(""), 1000))
	if job.Status != store.StatusCompleted || job.Attempts != 1 || job.URLsFound != 50 {
		t.Fatalf("job %s after attempt %d, urls %d, error %q; want completed on the first attempt",
			job.Status, job.Attempts, job.URLsFound, deref(job.Error))
	}
	h.checkCounts(job)
}

// TestScanSurvivesDatabaseOutage takes the job's database away for about two
// seconds while a sitemap is being stored (ALLOW_CONNECTIONS false and every
// connection terminated, as in the reliability report's outage run). The
// store writes meet terminated connections and refused connects; they used
// to fail the job with the database error (or strand it for the reaper). They
// must wait the outage out: the job completes on its first attempt with
// exact counts.
func TestScanSurvivesDatabaseOutage(t *testing.T) {
	t.Parallel()
	admin := testdb.AdminURL(t)
	dsn := testdb.NewDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	h := newHarnessOn(t, func(db config.DB) (*store.Store, string) {
		db.URL = dsn
		st, err := store.Open(ctx, db, testdb.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return st, dsn
	}, func(c *config.Config) {
		// The scan waits out the outage with a sitemap response half read.
		c.Fetch.Timeout = 30 * time.Second
	})
	// Re-enabled however the test ends, before the database is dropped.
	t.Cleanup(func() { sqlExec(t, admin, `ALTER DATABASE `+dbName+` ALLOW_CONNECTIONS true`) })

	site := sitetest.New(t)
	first := sitetest.URLSet(sitetest.Pages(site.URL("/a"), 100)...)
	second := sitetest.URLSet(sitetest.Pages(site.URL("/b"), 1500)...)
	var outage sync.Once
	outageOver := make(chan struct{})
	site.Handle("/robots.txt", sitetest.Resource{Body: sitetest.Robots(site.URL("/a.xml"), site.URL("/b.xml"))}).
		Handle("/a.xml", sitetest.Resource{Body: first})
	mux := http.NewServeMux()
	mux.HandleFunc("/b.xml", func(w http.ResponseWriter, r *http.Request) {
		outage.Do(func() {
			sqlExec(t, admin, `ALTER DATABASE `+dbName+` ALLOW_CONNECTIONS false`,
				`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '`+dbName+`' AND pid <> pg_backend_pid()`)
			go func() {
				defer close(outageOver)
				time.Sleep(2 * time.Second)
				sqlExec(t, admin, `ALTER DATABASE `+dbName+` ALLOW_CONNECTIONS true`)
			}()
		})
		time.Sleep(200 * time.Millisecond) // the URLs arrive while the database is away
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write(second)
	})
	mux.Handle("/", site.Config.Handler)
	site.Config.Handler = mux

	id := h.submit(site.URL(""), 10000)
	select {
	case <-outageOver:
	case <-time.After(20 * time.Second):
		t.Fatal("the outage never began or never ended")
	}
	// The test's own reads go through the same pool, whose idle connections
	// the outage killed: a failed read is retried.
	var job store.Job
	deadline := time.Now().Add(40 * time.Second)
	for {
		job, err = h.store.GetJob(ctx, id)
		if err == nil && store.Terminal(job.Status) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job not terminal 40s after the outage: %+v, %v", job, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if job.Status != store.StatusCompleted || job.Attempts != 1 || job.URLsFound != 1600 || job.FilesFound != 2 {
		t.Fatalf("job %s after attempt %d: files %d, urls %d, error %q; want completed on the first attempt with 2 files and 1600 URLs",
			job.Status, job.Attempts, job.FilesFound, job.URLsFound, deref(job.Error))
	}
	h.checkCounts(job)
}

// TestOutcomeWriteGivesUpAfterWriteRetry: when the outcome cannot be written
// for longer than SCANNER_WRITE_RETRY, the worker stops retrying and lets
// the job go (its heartbeats stop, so the reaper resumes it later) instead
// of holding a worker slot for ever.
func TestOutcomeWriteGivesUpAfterWriteRetry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *config.Config) {
		c.Jobs.WriteRetry = 1500 * time.Millisecond
		c.Jobs.StaleAfter = time.Minute
	})
	sqlExec(t, h.dsn,
		`CREATE FUNCTION terminate_outcome_writes() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			PERFORM pg_terminate_backend(pg_backend_pid());
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER outcome_fault BEFORE UPDATE ON jobs FOR EACH ROW
			WHEN (OLD.status = 'running' AND NEW.status NOT IN ('running', 'pending'))
			EXECUTE FUNCTION terminate_outcome_writes()`)
	site := sitetest.New(t)
	site.Handle("/sitemap.xml", sitetest.Resource{Body: sitetest.URLSet(sitetest.Pages(site.URL("/p"), 5)...)})
	id := h.submit(site.URL(""), 1000)

	deadline := time.Now().Add(15 * time.Second)
	for started := false; ; {
		_, live := h.runner.Live(id)
		started = started || live
		if started && !live {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker still holds the job 15s after it started (live %v, ever started %v)", live, started)
		}
		time.Sleep(10 * time.Millisecond)
	}
	job, err := h.store.GetJob(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != store.StatusRunning || job.Attempts != 1 {
		t.Fatalf("job %s after attempt %d; want it left running for the reaper", job.Status, job.Attempts)
	}
	sqlExec(t, h.dsn, `DROP TRIGGER outcome_fault ON jobs`)
}
