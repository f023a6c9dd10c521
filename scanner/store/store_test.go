package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/internal/testdb"
	"github.com/dbaudit/dbaudit/scanner/store"
)

var ctx = context.Background()

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	st, _ := testdb.Store(t, 0)
	again, err := st.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Migrate: %d applied, err %v", len(again), err)
	}
	status, err := st.MigrationStatus(ctx)
	if err != nil || len(status) == 0 {
		t.Fatalf("MigrationStatus: %v, %v", status, err)
	}
	for _, m := range status {
		if !m.Applied {
			t.Errorf("migration %d not applied", m.Version)
		}
	}
}

// TestModelsMatchCatalog checks every model struct against the live
// catalog: each db tag names a column, each column has a field, nullable
// columns have pointer fields and NOT NULL columns do not, and the Go types
// are the ones pgx maps the column types to.
func TestModelsMatchCatalog(t *testing.T) {
	t.Parallel()
	_, dsn := testdb.Store(t, 0)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	goTypes := map[string][]string{
		"uuid":        {"uuid.UUID"},
		"text":        {"string"},
		"int4":        {"int32"},
		"int8":        {"int64"},
		"bool":        {"bool"},
		"timestamptz": {"time.Time"},
		"float4":      {"float32"},
	}
	models := map[string]any{
		"batches":       store.Batch{},
		"domains":       store.Domain{},
		"jobs":          store.Job{},
		"sitemap_files": store.SitemapFile{},
		"sitemap_urls":  store.SitemapURL{},
	}
	for table, model := range models {
		type column struct {
			typ      string
			nullable bool
		}
		columns := map[string]column{}
		rows, err := conn.Query(ctx, `SELECT a.attname, t.typname, NOT a.attnotnull
			FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
			WHERE a.attrelid = (current_schema() || '.' || $1)::regclass AND a.attnum > 0 AND NOT a.attisdropped`, table)
		if err != nil {
			t.Fatal(err)
		}
		var name, typ string
		var nullable bool
		if _, err := pgx.ForEachRow(rows, []any{&name, &typ, &nullable}, func() error {
			columns[name] = column{typ, nullable}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		rt := reflect.TypeOf(model)
		seen := map[string]bool{}
		for i := range rt.NumField() {
			f := rt.Field(i)
			tag := f.Tag.Get("db")
			col, ok := columns[tag]
			if !ok {
				t.Errorf("%s.%s: db:%q is not a column of %s", rt.Name(), f.Name, tag, table)
				continue
			}
			seen[tag] = true
			goType := f.Type.String()
			isPtr := strings.HasPrefix(goType, "*")
			if col.nullable != isPtr {
				t.Errorf("%s.%s (%s): column nullable=%v but field type %s", rt.Name(), f.Name, tag, col.nullable, goType)
			}
			want := goTypes[col.typ]
			if !containsString(want, strings.TrimPrefix(goType, "*")) {
				t.Errorf("%s.%s (%s %s): field type %s, want one of %v", rt.Name(), f.Name, tag, col.typ, goType, want)
			}
		}
		for c := range columns {
			if !seen[c] {
				t.Errorf("%s: column %s.%s has no field", rt.Name(), table, c)
			}
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestCreateBatchIsAtomic(t *testing.T) {
	t.Parallel()
	st, _ := testdb.Store(t, 0)
	jobs := []store.NewJob{
		{BaseURL: "https://a.example", Host: "a.example"},
		{BaseURL: "https://b.example", Host: "b.example"},
	}
	// The batch row and the first job are written before the second job
	// fails (PostgreSQL text cannot hold NUL): nothing may remain.
	broken := append([]store.NewJob{}, jobs...)
	broken[1].Host = "b\x00.example"
	if _, _, err := st.CreateBatch(ctx, 50, 2, broken); err == nil {
		t.Fatal("CreateBatch with a NUL in a host succeeded")
	}
	counts, err := st.CountByStatus(ctx)
	if err != nil || len(counts) != 0 {
		t.Fatalf("jobs after a failed batch: %v, %v", counts, err)
	}
	if _, err := st.GetDomain(ctx, "a.example"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("domain after a failed batch: %v", err)
	}

	batch, created, err := st.CreateBatch(ctx, 50, 2, jobs)
	if err != nil || len(created) != 2 {
		t.Fatalf("CreateBatch: %v", err)
	}
	got, gotJobs, err := st.GetBatch(ctx, batch.BatchID)
	if err != nil || got.MaxConcurrentJobs != 2 || len(gotJobs) != 2 || *gotJobs[0].BatchID != batch.BatchID ||
		gotJobs[1].MaxPages != 50 {
		t.Fatalf("GetBatch: %+v %+v %v", got, gotJobs, err)
	}
	if _, _, err := st.GetBatch(ctx, uuid.New()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetBatch(unknown) = %v", err)
	}
}

func TestClaimRespectsBatchConcurrency(t *testing.T) {
	t.Parallel()
	st, _ := testdb.Store(t, 10)
	var jobs []store.NewJob
	for i := range 6 {
		jobs = append(jobs, store.NewJob{BaseURL: fmt.Sprintf("https://%d.example", i), Host: fmt.Sprintf("%d.example", i)})
	}
	if _, _, err := st.CreateBatch(ctx, 10, 2, jobs); err != nil {
		t.Fatal(err)
	}
	single, err := st.CreateJob(ctx, store.NewJob{BaseURL: "https://solo.example", Host: "solo.example", MaxPages: 5})
	if err != nil {
		t.Fatal(err)
	}

	// Eight claimers race; the batch admits two, the lone job one.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var claimed []store.Job
	for i := range 8 {
		wg.Go(func() {
			job, err := st.ClaimNext(ctx, fmt.Sprintf("worker-%d", i))
			if err != nil {
				t.Error(err)
				return
			}
			if job != nil {
				mu.Lock()
				claimed = append(claimed, *job)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != 3 {
		t.Fatalf("claimed %d jobs, want 3 (2 of the batch + 1 alone)", len(claimed))
	}
	counts, _ := st.CountByStatus(ctx)
	if counts[store.StatusRunning] != 3 || counts[store.StatusPending] != 4 {
		t.Fatalf("counts %v", counts)
	}
	var batchJob store.Job
	for _, j := range claimed {
		if j.Status != store.StatusRunning || j.Attempts != 1 || j.Owner == nil || j.StartedAt == nil {
			t.Errorf("claimed job %+v", j)
		}
		if j.JobID != single.JobID {
			batchJob = j
		}
	}

	// Finishing one batch job frees one slot.
	if err := st.FinishJob(ctx, store.LeaseOf(batchJob), store.Outcome{Status: store.StatusCompleted}); err != nil {
		t.Fatal(err)
	}
	next, err := st.ClaimNext(ctx, "late")
	if err != nil || next == nil || next.BatchID == nil {
		t.Fatalf("claim after a slot freed: %+v, %v", next, err)
	}
	if again, err := st.ClaimNext(ctx, "late"); err != nil || again != nil {
		t.Fatalf("claim with the batch full: %+v, %v", again, err)
	}
}

func claimOne(t *testing.T, st *store.Store, owner string) store.Lease {
	t.Helper()
	if _, err := st.CreateJob(ctx, store.NewJob{BaseURL: "https://x.example", Host: "x.example", MaxPages: 1000}); err != nil {
		t.Fatal(err)
	}
	job, err := st.ClaimNext(ctx, owner)
	if err != nil || job == nil {
		t.Fatalf("ClaimNext: %v, %v", job, err)
	}
	return store.LeaseOf(*job)
}

func urls(locs ...string) []store.NewURL {
	out := make([]store.NewURL, len(locs))
	for i, l := range locs {
		out[i] = store.NewURL{Loc: l}
	}
	return out
}

func TestAddURLsDeduplicatesAndKeepsCountsExact(t *testing.T) {
	t.Parallel()
	st, _ := testdb.Store(t, 0)
	lease := claimOne(t, st, "w")
	f1, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/a.xml", Source: store.SourceRobots})
	if err != nil {
		t.Fatal(err)
	}
	lastmod := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	prio := float32(0.25)
	freq := "daily"
	batch := []store.NewURL{{Loc: "https://x.example/1", Lastmod: &lastmod, Priority: &prio, Changefreq: &freq}}
	batch = append(batch, urls("https://x.example/2", "https://x.example/2", "https://x.example/3")...)
	added, err := st.AddURLs(ctx, lease, f1, batch)
	if err != nil || added != 3 {
		t.Fatalf("AddURLs: added %d, err %v; want 3 (a duplicate in the batch)", added, err)
	}
	if err := st.EndFile(ctx, lease, f1, store.FileEnd{Kind: ptr(store.KindURLSet), Bytes: 123}); err != nil {
		t.Fatal(err)
	}
	f2, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/b.xml", Source: store.SourceRobots})
	if err != nil {
		t.Fatal(err)
	}
	added, err = st.AddURLs(ctx, lease, f2, urls("https://x.example/3", "https://x.example/4"))
	if err != nil || added != 1 {
		t.Fatalf("AddURLs across files: added %d, err %v; want 1", added, err)
	}
	if err := st.EndFile(ctx, lease, f2, store.FileEnd{Kind: ptr(store.KindURLSet), Error: ptr("malformed XML on line 9: x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/a.xml", Source: store.SourceIndex}); err == nil {
		t.Fatal("the same file twice in one job was accepted")
	}

	job, err := st.GetJob(ctx, lease.JobID)
	if err != nil || job.URLsFound != 4 || job.FilesFound != 2 || job.FilesFailed != 1 {
		t.Fatalf("job counts: %+v, %v", job, err)
	}
	files, err := st.ListFiles(ctx, lease.JobID)
	if err != nil || len(files) != 2 || files[0].URLCount != 3 || files[1].URLCount != 1 ||
		files[1].Error == nil || *files[0].Kind != store.KindURLSet || files[0].Bytes != 123 {
		t.Fatalf("files: %+v, %v", files, err)
	}
	page, err := st.ListURLs(ctx, lease.JobID, 0, 2)
	if err != nil || len(page) != 2 {
		t.Fatalf("ListURLs: %v", err)
	}
	first := page[0]
	if first.Loc != "https://x.example/1" || first.Lastmod == nil || !first.Lastmod.Equal(lastmod) ||
		*first.Priority != 0.25 || *first.Changefreq != "daily" || page[1].Lastmod != nil {
		t.Errorf("first URLs: %+v %+v", first, page[1])
	}
	rest, err := st.ListURLs(ctx, lease.JobID, page[1].URLID, 10)
	if err != nil || len(rest) != 2 {
		t.Fatalf("second page: %d, %v", len(rest), err)
	}

	if err := st.FinishJob(ctx, lease, store.Outcome{Status: store.StatusFailed, Error: ptr("1 of 2 failed")}); err != nil {
		t.Fatal(err)
	}
	d, err := st.GetDomain(ctx, "x.example")
	if err != nil || d.LastScannedAt == nil {
		t.Fatalf("domain not stamped: %+v %v", d, err)
	}
	if err := st.FinishJob(ctx, lease, store.Outcome{Status: store.StatusCompleted}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("finishing a finished job: %v", err)
	}
	if err := st.FinishJob(ctx, lease, store.Outcome{Status: store.StatusRunning}); err == nil {
		t.Fatal("FinishJob accepted a non-terminal status")
	}
}

func TestRecoveryResumesOrFailsAndFencesOldWorkers(t *testing.T) {
	t.Parallel()
	st, dsn := testdb.Store(t, 0)
	lease := claimOne(t, st, "crashed")
	fileID, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/a.xml", Source: store.SourceRobots})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddURLs(ctx, lease, fileID, urls("https://x.example/1")); err != nil {
		t.Fatal(err)
	}
	other := claimOne(t, st, "alive")

	rec, err := st.RecoverOwned(ctx, "crashed", 3)
	if err != nil || len(rec.Resumed) != 1 || rec.Resumed[0] != lease.JobID || len(rec.Failed) != 0 {
		t.Fatalf("RecoverOwned: %+v, %v", rec, err)
	}
	job, _ := st.GetJob(ctx, lease.JobID)
	if job.Status != store.StatusPending || job.URLsFound != 0 || job.Owner != nil {
		t.Fatalf("resumed job: %+v", job)
	}
	if files, _ := st.ListFiles(ctx, lease.JobID); len(files) != 0 {
		t.Fatalf("partial files kept: %+v", files)
	}
	// The crashed worker's lease is void.
	if _, err := st.AddURLs(ctx, lease, fileID, urls("https://x.example/2")); err == nil {
		t.Fatal("write under a recovered lease succeeded")
	}
	if _, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/z.xml", Source: store.SourceRobots}); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("BeginFile under a recovered lease: %v", err)
	}
	if got, _ := st.GetJob(ctx, other.JobID); got.Status != store.StatusRunning {
		t.Fatalf("another owner's job was touched: %+v", got)
	}

	// Rerun and crash again with max 2 attempts: the job fails for good.
	again, err := st.ClaimNext(ctx, "crashed")
	if err != nil || again == nil || again.JobID != lease.JobID || again.Attempts != 2 {
		t.Fatalf("reclaim: %+v, %v", again, err)
	}
	rec, err = st.RecoverOwned(ctx, "crashed", 2)
	if err != nil || len(rec.Failed) != 1 || len(rec.Resumed) != 0 {
		t.Fatalf("RecoverOwned at max attempts: %+v, %v", rec, err)
	}
	job, _ = st.GetJob(ctx, lease.JobID)
	if job.Status != store.StatusFailed || job.Error == nil || !strings.Contains(*job.Error, "attempt 2 of 2") || job.FinishedAt == nil {
		t.Fatalf("failed job: %+v %v", job, deref(job.Error))
	}

	// A live owner that stops sending heartbeats is reaped. Heartbeats are
	// aged in the database rather than by sleeping, with a margin of ten
	// minutes either way, so a loaded machine cannot change the outcome.
	const staleAfter = 10 * time.Minute
	ageHeartbeat(t, dsn, other.JobID, time.Hour)
	rec, err = st.ReapStale(ctx, staleAfter, 3)
	if err != nil || len(rec.Resumed) != 1 || rec.Resumed[0] != other.JobID {
		t.Fatalf("ReapStale: %+v, %v", rec, err)
	}
	// Heartbeats keep a job from being reaped; a job claimed just now is
	// not stale either.
	fresh := claimOne(t, st, "beating")
	ageHeartbeat(t, dsn, fresh.JobID, time.Hour)
	if err := st.Heartbeat(ctx, "beating", []uuid.UUID{fresh.JobID}); err != nil {
		t.Fatal(err)
	}
	claimOne(t, st, "just-claimed")
	rec, err = st.ReapStale(ctx, staleAfter, 3)
	if err != nil || len(rec.Resumed)+len(rec.Failed) != 0 {
		t.Fatalf("ReapStale took a job with a fresh heartbeat: %+v, %v", rec, err)
	}
	marked, err := st.MarkInterrupted(ctx, "beating", []uuid.UUID{fresh.JobID}, "shutdown")
	if err != nil || len(marked) != 1 {
		t.Fatalf("MarkInterrupted: %v, %v", marked, err)
	}
}

// ageHeartbeat moves a job's last heartbeat back by age.
func ageHeartbeat(t *testing.T, dsn string, id uuid.UUID, age time.Duration) {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tag, err := conn.Exec(ctx, `UPDATE jobs SET heartbeat_at = heartbeat_at - make_interval(secs => $2) WHERE job_id = $1`,
		id, age.Seconds())
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("ageing the heartbeat of %s: %v", id, err)
	}
}

func TestOpenPoolSettings(t *testing.T) {
	t.Parallel()
	log := testdb.Logger(t)
	cfg := config.Default().DB

	// Pool construction does not connect, so unreachable hosts are fine here.
	for dsn, pooler := range map[string]bool{
		"postgres://app:pw@db.internal:5432/app":                         false,
		"postgres://app:pw@db.internal:6543/app":                         true,
		"postgres://app:pw@aws-0-eu.pooler.supabase.com:5432/postgres":   true,
		"host=pgbouncer.svc port=5432 user=app dbname=app":               true,
		"postgres://app:pw@db.internal/app?default_query_exec_mode=exec": false,
	} {
		cfg.URL = dsn
		cfg.MaxConns = 2
		st, err := store.Open(ctx, cfg, log)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if st.PoolerMode() != pooler {
			t.Errorf("pooler mode %v for %s", st.PoolerMode(), st.Target())
		}
		if pooler && st.QueryExecMode() != pgx.QueryExecModeCacheDescribe {
			t.Errorf("exec mode %v behind a pooler, want cache_describe", st.QueryExecMode())
		}
		if !pooler && st.QueryExecMode() == pgx.QueryExecModeCacheDescribe {
			t.Errorf("exec mode changed without a pooler")
		}
		if st.MaxConns() != config.MinMaxConns {
			t.Errorf("MaxConns %d, want the minimum %d", st.MaxConns(), config.MinMaxConns)
		}
		if strings.Contains(st.Target().String(), "pw") {
			t.Errorf("Target leaks the password: %s", st.Target())
		}
		st.Close()
	}

	cfg.URL = "postgres://app:s3cret@db.internal:notaport/app"
	_, err := store.Open(ctx, cfg, log)
	if !errors.Is(err, store.ErrBadURL) || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("bad URL: %v", err)
	}
}

// TestPoolerModeAgainstServer runs the write path with the pooler-safe exec
// mode forced, against the real server: arrays and UUID parameters must
// still encode under cache_describe.
func TestPoolerModeAgainstServer(t *testing.T) {
	t.Parallel()
	dsn := testdb.New(t)
	cfg := config.Default().DB
	cfg.URL = dsn
	cfg.Pooler = config.PoolerOn
	st, err := store.Open(ctx, cfg, testdb.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	lease := claimOne(t, st, "w")
	fileID, err := st.BeginFile(ctx, lease, store.NewFile{URL: "https://x.example/a.xml", Source: store.SourceRobots})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := st.AddURLs(ctx, lease, fileID, urls("https://x.example/1", "https://x.example/2")); err != nil || n != 2 {
		t.Fatalf("AddURLs: %d, %v", n, err)
	}
	if err := st.Heartbeat(ctx, "w", []uuid.UUID{lease.JobID}); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishJob(ctx, lease, store.Outcome{Status: store.StatusCompleted}); err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
