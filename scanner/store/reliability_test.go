package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// TestConcurrentOverlappingBatches creates many batches at once that share
// their hosts in different orders (reversed, shuffled). Upserting the domains
// in request order deadlocked two such transactions (40P01) and the API
// answered 500 (reliability report D1); every batch must now be created.
func TestConcurrentOverlappingBatches(t *testing.T) {
	t.Parallel()
	st, _ := testdb.Store(t, 20)
	const batches, hosts = 60, 10
	shared := make([]store.NewJob, hosts)
	for k := range shared {
		h := fmt.Sprintf("overlap-%02d.example", k)
		shared[k] = store.NewJob{BaseURL: "https://" + h, Host: h}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	orders := make([][]store.NewJob, batches)
	for i := range orders {
		jobs := append([]store.NewJob(nil), shared...)
		switch i % 3 {
		case 0: // request order
		case 1:
			for a, b := 0, len(jobs)-1; a < b; a, b = a+1, b-1 {
				jobs[a], jobs[b] = jobs[b], jobs[a]
			}
		default:
			rng.Shuffle(len(jobs), func(a, b int) { jobs[a], jobs[b] = jobs[b], jobs[a] })
		}
		orders[i] = jobs
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, batches)
	for i := range batches {
		wg.Go(func() {
			<-start
			_, created, err := st.CreateBatch(ctx, 10, 2, orders[i])
			if err != nil {
				errs <- err
				return
			}
			for k, j := range created {
				if j.BaseURL != orders[i][k].BaseURL {
					errs <- fmt.Errorf("batch %d job %d is %s, want %s (request order)", i, k, j.BaseURL, orders[i][k].BaseURL)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		failed++
		if failed <= 3 {
			t.Errorf("CreateBatch: %v", err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d concurrent overlapping batches failed", failed, batches)
	}
	counts, err := st.CountByStatus(ctx)
	if err != nil || counts[store.StatusPending] != batches*hosts {
		t.Fatalf("pending jobs %v, %v; want %d", counts, err, batches*hosts)
	}
}

// countsAndRows reads a job's stored counters next to what its rows say.
type countsAndRows struct {
	filesFound, filesFailed, fileRows, failedRows int64
	urlsFound, urlRows, urlCountSum               int64
	status                                        string
}

func readCounts(t *testing.T, dsn string, jobID uuid.UUID) countsAndRows {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var c countsAndRows
	err = conn.QueryRow(ctx, `SELECT j.status, j.files_found, j.files_failed, j.urls_found,
		(SELECT count(*) FROM sitemap_files f WHERE f.job_id = j.job_id),
		(SELECT count(*) FROM sitemap_files f WHERE f.job_id = j.job_id AND f.error IS NOT NULL),
		(SELECT count(*) FROM sitemap_urls u WHERE u.job_id = j.job_id),
		(SELECT coalesce(sum(url_count), 0) FROM sitemap_files f WHERE f.job_id = j.job_id)
		FROM jobs j WHERE j.job_id = $1`, jobID).Scan(&c.status, &c.filesFound, &c.filesFailed, &c.urlsFound,
		&c.fileRows, &c.failedRows, &c.urlRows, &c.urlCountSum)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c countsAndRows) check(t *testing.T, what string) {
	t.Helper()
	if c.filesFound != c.fileRows || c.filesFailed != c.failedRows || c.urlsFound != c.urlRows || c.urlCountSum != c.urlRows {
		t.Errorf("%s (%s): files_found %d vs %d rows, files_failed %d vs %d rows with an error, urls_found %d vs %d rows (sum of url_count %d)",
			what, c.status, c.filesFound, c.fileRows, c.filesFailed, c.failedRows, c.urlsFound, c.urlRows, c.urlCountSum)
	}
}

// TestStoppedJobsCloseTheirOpenFile stops a job in each way a job can stop
// with a sitemap file half read: it finishes interrupted (SIGTERM), it is
// marked interrupted at the shutdown timeout, or recovery gives up on it.
// The open file used to keep a row that looked complete but was not counted
// (reliability report D4); it must be closed as failed in the same
// transaction, so the counts equal the rows.
func TestStoppedJobsCloseTheirOpenFile(t *testing.T) {
	t.Parallel()
	stop := map[string]func(st *store.Store, l store.Lease) error{
		"finished interrupted": func(st *store.Store, l store.Lease) error {
			return st.FinishJob(ctx, l, store.Outcome{Status: store.StatusInterrupted, Error: ptr("interrupted: shutting down"),
				CutShortBytes: 4096})
		},
		"marked interrupted at the shutdown timeout": func(st *store.Store, l store.Lease) error {
			marked, err := st.MarkInterrupted(ctx, l.Owner, []uuid.UUID{l.JobID}, "interrupted: timeout")
			if err == nil && len(marked) != 1 {
				err = fmt.Errorf("MarkInterrupted marked %v", marked)
			}
			return err
		},
		"given up by recovery": func(st *store.Store, l store.Lease) error {
			rec, err := st.RecoverOwned(ctx, l.Owner, 1)
			if err == nil && len(rec.Failed) != 1 {
				err = fmt.Errorf("RecoverOwned: %+v", rec)
			}
			return err
		},
	}
	for name, stopJob := range stop {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, dsn := testdb.Store(t, 0)
			lease := claimOne(t, st, "w")
			done, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/done.xml", Source: store.SourceRobots})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.AddURLs(ctx, lease, done, urls("https://x.example/1", "https://x.example/2")); err != nil {
				t.Fatal(err)
			}
			if err := st.EndFile(ctx, lease, done, store.FileEnd{Kind: ptr(store.KindURLSet), Bytes: 200}); err != nil {
				t.Fatal(err)
			}
			open, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/open.xml", Source: store.SourceRobots, Kind: ptr(store.KindURLSet)})
			if err != nil {
				t.Fatal(err)
			}
			var half []string
			for i := range 2000 {
				half = append(half, fmt.Sprintf("https://x.example/p%d", i))
			}
			if _, err := st.AddURLs(ctx, lease, open, urls(half...)); err != nil {
				t.Fatal(err)
			}

			if err := stopJob(st, lease); err != nil {
				t.Fatal(err)
			}
			c := readCounts(t, dsn, lease.JobID)
			c.check(t, name)
			if c.fileRows != 2 || c.urlRows != 2002 || c.failedRows != 1 {
				t.Errorf("rows: %+v; want 2 files (1 closed with an error) and 2002 URLs", c)
			}
			files, err := st.ListFiles(ctx, lease.JobID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if f.FileID == open && (f.Error == nil || f.URLCount != 2000 || f.EndedAt == nil) {
					t.Errorf("the open file after the stop: error %s, url_count %d, ended_at %v", deref(f.Error), f.URLCount, f.EndedAt)
				}
				if f.FileID == open && name == "finished interrupted" && f.Bytes != 4096 {
					t.Errorf("the open file's bytes: %d, want the 4096 the scan read", f.Bytes)
				}
			}
		})
	}
}

// TestWritesAreSafeToRetry repeats each write of a job as a retry does when
// the connection was lost after the server committed the first attempt:
// nothing may be counted twice, and the repeat must not fail.
func TestWritesAreSafeToRetry(t *testing.T) {
	t.Parallel()
	st, dsn := testdb.Store(t, 0)
	lease := claimOne(t, st, "w")
	nf := store.NewFile{URL: "https://x.example/a.xml", Source: store.SourceRobots}
	first, err := st.BeginFile(ctx, lease, nf)
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.BeginFile(ctx, lease, nf)
	if err != nil || again != first {
		t.Fatalf("BeginFile repeated: id %d (first %d), %v", again, first, err)
	}
	for range 2 {
		if _, err := st.AddURLs(ctx, lease, first, urls("https://x.example/1", "https://x.example/2")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.BeginFile(ctx, lease, nf); err == nil {
		t.Fatal("BeginFile of a file with URLs stored succeeded; only an empty open file may be begun again")
	}
	end := store.FileEnd{Kind: ptr(store.KindURLSet), Bytes: 100}
	for range 2 {
		if err := st.EndFile(ctx, lease, first, end); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.BeginFile(ctx, lease, nf); err == nil {
		t.Fatal("BeginFile of an ended file succeeded")
	}
	done := store.Outcome{Status: store.StatusCompleted}
	for range 2 {
		if err := st.FinishJob(ctx, lease, done); err != nil {
			t.Fatalf("FinishJob repeated: %v", err)
		}
	}
	c := readCounts(t, dsn, lease.JobID)
	c.check(t, "after repeated writes")
	if c.status != store.StatusCompleted || c.fileRows != 1 || c.urlRows != 2 || c.failedRows != 0 {
		t.Errorf("after repeated writes: %+v", c)
	}
}

// TestRetryableClassifiesRealErrors takes the errors from the server and the
// driver and checks which a write may retry.
func TestRetryableClassifiesRealErrors(t *testing.T) {
	t.Parallel()
	st, dsn := testdb.Store(t, 0)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	// A connection the server terminates (57P01).
	victim, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer victim.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend($1)`, victim.PgConn().PID()); err != nil {
		t.Fatal(err)
	}
	_, terminated := victim.Exec(ctx, `SELECT 1`)
	// Its closed connection, used again.
	_, closed := victim.Exec(ctx, `SELECT 1`)
	// A server that refuses the connection.
	_, refused := pgx.Connect(ctx, "postgres://nobody@127.0.0.1:1/x?connect_timeout=2")
	// Errors of the statement itself.
	_, syntax := conn.Exec(ctx, `SELEC 1`)
	_, unique := st.BeginFile(ctx, claimOne(t, st, "w"), store.NewFile{URL: "x\x00", Source: "robots"})
	_, deadline := conn.Exec(canceledContext(), `SELECT 1`)

	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"terminated": {terminated, true}, "closed": {closed, true}, "refused": {refused, true},
		"syntax": {syntax, false}, "invalid input": {unique, false}, "canceled": {deadline, false},
	} {
		if c.err == nil {
			t.Errorf("%s: no error to classify", name)
			continue
		}
		if got := store.Retryable(c.err); got != c.want {
			t.Errorf("Retryable(%s: %v) = %v, want %v", name, c.err, got, c.want)
		}
	}
}

func canceledContext() context.Context {
	c, cancel := context.WithCancel(context.Background())
	cancel()
	return c
}
