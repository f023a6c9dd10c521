package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ErrLeaseLost is returned by a write for a running job that this worker no
// longer owns: the job was recovered by another instance (or by a restart of
// this one) after its heartbeat went stale. The worker must stop the job.
var ErrLeaseLost = errors.New("job is no longer owned by this worker")

// Lease identifies one run of a job by one worker. Every write of a running
// job is fenced by it: the row must still be running, owned by Owner and on
// the same attempt.
type Lease struct {
	JobID   uuid.UUID
	Owner   string
	Attempt int32
}

// LeaseOf returns the lease of a job just claimed.
func LeaseOf(j Job) Lease {
	owner := ""
	if j.Owner != nil {
		owner = *j.Owner
	}
	return Lease{JobID: j.JobID, Owner: owner, Attempt: j.Attempts}
}

// claimCandidateSQL picks the oldest pending job whose batch (if any) has a
// free slot. SKIP LOCKED lets several workers and instances claim at once
// without waiting on each other. The batch check here is only a filter: it is
// repeated under the batch row's lock before the claim is final.
const claimCandidateSQL = `
SELECT j.job_id, j.batch_id
FROM jobs j
LEFT JOIN batches b ON b.batch_id = j.batch_id
WHERE j.status = 'pending'
  AND (j.batch_id IS NULL
       OR b.max_concurrent_jobs > (SELECT count(*) FROM jobs r
                                   WHERE r.batch_id = j.batch_id AND r.status = 'running'))
ORDER BY j.created_at, j.job_id
LIMIT 1
FOR UPDATE OF j SKIP LOCKED`

// ClaimNext moves the oldest runnable pending job to running, owned by owner,
// and returns it; nil when there is nothing to run.
func (s *Store) ClaimNext(ctx context.Context, owner string) (*Job, error) {
	// A claim loses only when another claimer filled the batch between the
	// filter and the lock; the next candidate query sees that and moves on.
	for range 5 {
		job, retry, err := s.tryClaim(ctx, owner)
		if err != nil || !retry {
			return job, err
		}
	}
	return nil, nil
}

func (s *Store) tryClaim(ctx context.Context, owner string) (job *Job, retry bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("claiming a job: %w", err)
	}
	defer tx.Rollback(ctx)

	var id uuid.UUID
	var batchID *uuid.UUID
	err = tx.QueryRow(ctx, claimCandidateSQL).Scan(&id, &batchID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("claiming a job: %w", err)
	}
	if batchID != nil {
		// Claimers of the same batch queue up on its row; each counts the
		// running jobs only once the previous claimer has committed, so the
		// batch never exceeds max_concurrent_jobs.
		var limit int32
		var running int64
		if err := tx.QueryRow(ctx, `SELECT max_concurrent_jobs FROM batches WHERE batch_id = $1 FOR UPDATE`,
			*batchID).Scan(&limit); err != nil {
			return nil, false, fmt.Errorf("claiming a job: locking its batch: %w", err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE batch_id = $1 AND status = 'running'`,
			*batchID).Scan(&running); err != nil {
			return nil, false, fmt.Errorf("claiming a job: counting its batch: %w", err)
		}
		if running >= int64(limit) {
			return nil, true, nil
		}
	}
	rows, err := tx.Query(ctx, `UPDATE jobs SET status = 'running', owner = $2, attempts = attempts + 1,
		started_at = coalesce(started_at, now()), heartbeat_at = now()
		WHERE job_id = $1 RETURNING `+jobColumns, id, owner)
	if err != nil {
		return nil, false, fmt.Errorf("claiming a job: %w", err)
	}
	claimed, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Job])
	if err != nil {
		return nil, false, fmt.Errorf("claiming a job: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, false, fmt.Errorf("claiming a job: %w", err)
	}
	return &claimed, false, nil
}

// fence is the WHERE clause every write of a running job carries; $1, $2, $3
// are the lease's job id, owner and attempt.
const fence = `job_id = $1 AND owner = $2 AND attempts = $3 AND status = 'running'`

// NewFile describes a sitemap file a job starts reading.
type NewFile struct {
	URL       string
	Kind      *string
	Source    string
	ParentURL *string
	Depth     int32
	Lastmod   *time.Time
}

// BeginFile records a sitemap file the job is about to read and returns its
// id. The file counts towards the job once EndFile is called, or when the
// job stops with the file still open.
//
// It may be retried after a lost connection: when the first attempt was
// committed after all, the file is still open and empty, and its id is
// returned. A file the job already ended cannot be begun again.
func (s *Store) BeginFile(ctx context.Context, l Lease, f NewFile) (int64, error) {
	var fileID int64
	err := s.pool.QueryRow(ctx, `WITH job AS (SELECT 1 FROM jobs WHERE `+fence+`),
		ins AS (
			INSERT INTO sitemap_files (job_id, url, kind, source, parent_url, depth, lastmod)
			SELECT $1, $4, $5, $6, $7, $8, $9 WHERE EXISTS (SELECT 1 FROM job)
			ON CONFLICT (job_id, url) DO NOTHING
			RETURNING file_id
		)
		SELECT file_id FROM ins
		UNION ALL
		SELECT f.file_id FROM sitemap_files f
		WHERE f.job_id = $1 AND f.url = $4 AND f.ended_at IS NULL AND f.url_count = 0
			AND EXISTS (SELECT 1 FROM job) AND NOT EXISTS (SELECT 1 FROM ins)`,
		l.JobID, l.Owner, l.Attempt, f.URL, f.Kind, f.Source, f.ParentURL, f.Depth, f.Lastmod).Scan(&fileID)
	if errors.Is(err, pgx.ErrNoRows) {
		if err := s.checkLease(ctx, l); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("recording sitemap file %s: the job already read it", f.URL)
	}
	if err != nil {
		return 0, fmt.Errorf("recording sitemap file %s: %w", f.URL, err)
	}
	return fileID, nil
}

// checkLease returns ErrLeaseLost unless l's job is running under l.
func (s *Store) checkLease(ctx context.Context, l Lease) error {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE `+fence+`)`,
		l.JobID, l.Owner, l.Attempt).Scan(&ok); err != nil {
		return fmt.Errorf("checking the job's lease: %w", err)
	}
	if !ok {
		return ErrLeaseLost
	}
	return nil
}

// lockJob locks the running job's row for the rest of tx, or returns
// ErrLeaseLost. Every transaction that writes a job's files locks the job
// row first, so the job's own writes and a concurrent stop (MarkInterrupted,
// recovery) queue on the job row instead of deadlocking on a file row.
func lockJob(ctx context.Context, tx pgx.Tx, l Lease) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM jobs WHERE `+fence+` FOR NO KEY UPDATE`, l.JobID, l.Owner, l.Attempt).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrLeaseLost
	}
	return err
}

// NewURL is one URL entry of a urlset.
type NewURL struct {
	Loc        string
	Lastmod    *time.Time
	Changefreq *string
	Priority   *float32
}

// AddURLs stores urls found in a file and returns how many were new to the
// job (a location already recorded by the job is skipped). The URLs, the
// file's url_count and the job's urls_found change in one transaction, so
// the counts always equal the rows, and a retry after a lost connection adds
// nothing twice.
func (s *Store) AddURLs(ctx context.Context, l Lease, fileID int64, urls []NewURL) (int64, error) {
	if len(urls) == 0 {
		return 0, nil
	}
	locs := make([]string, len(urls))
	lastmods := make([]*time.Time, len(urls))
	freqs := make([]*string, len(urls))
	prios := make([]*float32, len(urls))
	for i, u := range urls {
		locs[i], lastmods[i], freqs[i], prios[i] = u.Loc, u.Lastmod, u.Changefreq, u.Priority
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("storing urls: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := lockJob(ctx, tx, l); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			return 0, err
		}
		return 0, fmt.Errorf("storing urls: %w", err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO sitemap_urls (job_id, file_id, loc, lastmod, changefreq, priority)
		SELECT $1, $2, u.loc, u.lastmod, u.changefreq, u.priority
		FROM unnest($3::text[], $4::timestamptz[], $5::text[], $6::real[]) AS u (loc, lastmod, changefreq, priority)
		ON CONFLICT (job_id, loc) DO NOTHING`,
		l.JobID, fileID, locs, lastmods, freqs, prios)
	if err != nil {
		return 0, fmt.Errorf("storing urls: %w", err)
	}
	added := tag.RowsAffected()
	if added > 0 {
		if _, err := tx.Exec(ctx, `UPDATE sitemap_files SET url_count = url_count + $2 WHERE file_id = $1`,
			fileID, added); err != nil {
			return 0, fmt.Errorf("storing urls: %w", err)
		}
	}
	tag, err = tx.Exec(ctx, `UPDATE jobs SET urls_found = urls_found + $4, heartbeat_at = now() WHERE `+fence,
		l.JobID, l.Owner, l.Attempt, added)
	if err != nil {
		return 0, fmt.Errorf("storing urls: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return 0, ErrLeaseLost
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("storing urls: %w", err)
	}
	return added, nil
}

// FileEnd is how reading a sitemap file ended.
type FileEnd struct {
	Kind *string
	// Children is the number of sitemaps an index lists (0 for a urlset,
	// whose URLs AddURLs counted).
	Children int32
	// Bytes is the uncompressed size read.
	Bytes int64
	// Lastmod, when not nil, replaces the file's lastmod (from the
	// Last-Modified header when the parent index gave none).
	Lastmod *time.Time
	// Error is why the file could not be read completely, or nil.
	Error *string
}

// EndFile completes a file's row and adds it to the job's counts. A file
// already ended (a retry after a lost connection whose first attempt was
// committed) is left as it is.
func (s *Store) EndFile(ctx context.Context, l Lease, fileID int64, end FileEnd) error {
	failed := int32(0)
	if end.Error != nil {
		failed = 1
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("finishing sitemap file: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := lockJob(ctx, tx, l); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			return err
		}
		return fmt.Errorf("finishing sitemap file: %w", err)
	}
	tag, err := tx.Exec(ctx, `UPDATE sitemap_files SET kind = coalesce($3, kind), url_count = url_count + $4,
		bytes = $5, lastmod = coalesce(lastmod, $6), error = $7, ended_at = now()
		WHERE file_id = $1 AND job_id = $2 AND ended_at IS NULL`,
		fileID, l.JobID, end.Kind, end.Children, end.Bytes, end.Lastmod, end.Error)
	if err != nil {
		return fmt.Errorf("finishing sitemap file: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return nil // already ended
	}
	if _, err := tx.Exec(ctx, `UPDATE jobs SET files_found = files_found + 1, files_failed = files_failed + $4,
		heartbeat_at = now() WHERE `+fence, l.JobID, l.Owner, l.Attempt, failed); err != nil {
		return fmt.Errorf("finishing sitemap file: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("finishing sitemap file: %w", err)
	}
	return nil
}

// FileCutShort is the error recorded for a file that was still being read
// when its job stopped.
const FileCutShort = "interrupted: the job stopped before this file was read completely"

// closeOpenFiles ends the files of the given jobs that are still open, as
// failed with FileCutShort, and counts them in their jobs' files_found and
// files_failed. bytes, when known (else 0), is how much of the open file was
// read. The caller holds the jobs' row locks in tx.
func closeOpenFiles(ctx context.Context, tx pgx.Tx, jobIDs []uuid.UUID, bytes int64) error {
	if len(jobIDs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		WITH closed AS (
			UPDATE sitemap_files SET error = $2, ended_at = now(), bytes = greatest(bytes, $3)
			WHERE job_id = ANY($1) AND ended_at IS NULL
			RETURNING job_id
		), n AS (
			SELECT job_id, count(*) AS files FROM closed GROUP BY job_id
		)
		UPDATE jobs j SET files_found = j.files_found + n.files, files_failed = j.files_failed + n.files
		FROM n WHERE j.job_id = n.job_id`, jobIDs, FileCutShort, bytes)
	if err != nil {
		return fmt.Errorf("closing the files left open: %w", err)
	}
	return nil
}

// Outcome is how a job run ended.
type Outcome struct {
	Status          string
	Error           *string
	MaxPagesReached bool
	// CutShortBytes is how much was read of the file still open when the
	// job stopped (FinishJob closes it), if the scan knows.
	CutShortBytes int64
}

// FinishJob moves a running job to a terminal status, closes the file it
// was reading if it stopped mid-file (see closeOpenFiles), and stamps its
// domain as scanned, in one transaction. It may be retried after a lost
// connection: when the first attempt was committed after all, the job is
// already in o.Status under this lease and FinishJob returns nil.
func (s *Store) FinishJob(ctx context.Context, l Lease, o Outcome) error {
	if !Terminal(o.Status) {
		return fmt.Errorf("finishing job: %q is not a terminal status", o.Status)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("finishing job: %w", err)
	}
	defer tx.Rollback(ctx)
	if err := lockJob(ctx, tx, l); errors.Is(err, ErrLeaseLost) {
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM jobs WHERE job_id = $1 AND owner = $2 AND attempts = $3`,
			l.JobID, l.Owner, l.Attempt).Scan(&status)
		if err == nil && status == o.Status {
			return nil // recorded by an earlier attempt
		}
		return ErrLeaseLost
	} else if err != nil {
		return fmt.Errorf("finishing job: %w", err)
	}
	if err := closeOpenFiles(ctx, tx, []uuid.UUID{l.JobID}, o.CutShortBytes); err != nil {
		return fmt.Errorf("finishing job: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		WITH j AS (
			UPDATE jobs SET status = $4, error = $5, max_pages_reached = $6,
				finished_at = now(), heartbeat_at = now()
			WHERE `+fence+`
			RETURNING domain_id
		)
		UPDATE domains d SET last_scanned_at = now() FROM j WHERE d.domain_id = j.domain_id`,
		l.JobID, l.Owner, l.Attempt, o.Status, o.Error, o.MaxPagesReached); err != nil {
		return fmt.Errorf("finishing job: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("finishing job: %w", err)
	}
	return nil
}

// Heartbeat marks the given running jobs of owner as alive.
func (s *Store) Heartbeat(ctx context.Context, owner string, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE jobs SET heartbeat_at = now()
		WHERE job_id = ANY($1) AND owner = $2 AND status = 'running'`, ids, owner)
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// MarkInterrupted ends the given running jobs of owner as interrupted, for
// jobs that did not stop by themselves within the shutdown timeout, closing
// the files they were reading. It returns the jobs it marked.
func (s *Store) MarkInterrupted(ctx context.Context, owner string, ids []uuid.UUID, reason string) ([]uuid.UUID, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("marking jobs interrupted: %w", err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `UPDATE jobs SET status = 'interrupted', error = $3, finished_at = now()
		WHERE job_id = ANY($1) AND owner = $2 AND status = 'running' RETURNING job_id`, ids, owner, reason)
	if err != nil {
		return nil, fmt.Errorf("marking jobs interrupted: %w", err)
	}
	marked, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("marking jobs interrupted: %w", err)
	}
	if err := closeOpenFiles(ctx, tx, marked, 0); err != nil {
		return nil, fmt.Errorf("marking jobs interrupted: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("marking jobs interrupted: %w", err)
	}
	return marked, nil
}

// Recovered lists the jobs a recovery found abandoned.
type Recovered struct {
	// Resumed jobs were reset to pending (their partial files removed) and
	// will run again.
	Resumed []uuid.UUID
	// Failed jobs had used up their attempts and were marked failed.
	Failed []uuid.UUID
}

// RecoverOwned recovers the jobs owner left running: at start-up these can
// only be left over from a crash of this same instance.
func (s *Store) RecoverOwned(ctx context.Context, owner string, maxAttempts int) (Recovered, error) {
	return s.recoverJobs(ctx, `owner = $1`, owner, maxAttempts,
		"the scanner stopped unexpectedly while running this job")
}

// ReapStale recovers running jobs of any owner whose heartbeat is older than
// staleAfter: their instance is gone.
func (s *Store) ReapStale(ctx context.Context, staleAfter time.Duration, maxAttempts int) (Recovered, error) {
	return s.recoverJobs(ctx, `heartbeat_at < now() - make_interval(secs => $1)`, staleAfter.Seconds(), maxAttempts,
		fmt.Sprintf("the worker running this job stopped sending heartbeats for %s", staleAfter))
}

// recoverJobs resets the running jobs matching cond ($1 = arg) to pending,
// or fails those that used up maxAttempts, in one transaction. The job rows
// are updated before their files are touched, the lock order of every
// transaction that writes a job's files.
func (s *Store) recoverJobs(ctx context.Context, cond string, arg any, maxAttempts int, why string) (Recovered, error) {
	var rec Recovered
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}
	defer tx.Rollback(ctx)

	rows, err := tx.Query(ctx, `UPDATE jobs SET status = 'failed', finished_at = now(),
		error = $3 || format(' (attempt %s of %s); giving up', attempts, $2::int)
		WHERE status = 'running' AND attempts >= $2 AND `+cond+` RETURNING job_id`,
		arg, maxAttempts, why)
	if err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}
	rec.Failed, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}
	// What the failed jobs stored is kept, so the file each was reading is
	// closed and counted like the others.
	if err := closeOpenFiles(ctx, tx, rec.Failed, 0); err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}

	// Partial results are removed so the rerun's counts start from zero.
	rows, err = tx.Query(ctx, `
		WITH r AS (
			UPDATE jobs SET status = 'pending', owner = NULL, error = NULL, files_found = 0,
				files_failed = 0, urls_found = 0, max_pages_reached = false, heartbeat_at = NULL
			WHERE status = 'running' AND `+cond+`
			RETURNING job_id
		), gone AS (
			DELETE FROM sitemap_files f USING r WHERE f.job_id = r.job_id
		)
		SELECT job_id FROM r`, arg)
	if err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}
	rec.Resumed, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return rec, fmt.Errorf("recovering jobs: %w", err)
	}
	return rec, nil
}
