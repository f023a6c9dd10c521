package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ErrNotFound is returned when a job or batch does not exist.
var ErrNotFound = errors.New("not found")

// NewJob describes a scan to queue.
type NewJob struct {
	BaseURL  string
	Host     string
	MaxPages int32
}

// createJobSQL upserts the domain and inserts the job in one statement, so a
// job never exists without its domain and a failed insert leaves nothing.
const createJobSQL = `
WITH d AS (
	INSERT INTO domains (host) VALUES ($2)
	ON CONFLICT (host) DO UPDATE SET host = EXCLUDED.host
	RETURNING domain_id
)
INSERT INTO jobs (job_id, domain_id, batch_id, base_url, max_pages, status)
SELECT $1, d.domain_id, $3, $4, $5, 'pending' FROM d
RETURNING ` + jobColumns

// CreateJob queues one scan.
func (s *Store) CreateJob(ctx context.Context, nj NewJob) (Job, error) {
	rows, err := s.pool.Query(ctx, createJobSQL, uuid.New(), nj.Host, (*uuid.UUID)(nil), nj.BaseURL, nj.MaxPages)
	if err != nil {
		return Job{}, fmt.Errorf("creating job: %w", err)
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Job])
	if err != nil {
		return Job{}, fmt.Errorf("creating job: %w", err)
	}
	return job, nil
}

// CreateBatch queues a batch and its jobs in one transaction: either all of
// them exist afterwards or none does. The jobs are returned in the order of
// jobs.
//
// The domains are upserted in one statement in sorted host order. Two
// batches that share hosts then lock the shared domain rows in the same
// order and cannot deadlock, which they did when each upserted its domains
// in request order (40P01, answered as 500). A deadlock or serialization
// failure that still happens (another writer of domains) is retried a few
// times with jittered backoff.
func (s *Store) CreateBatch(ctx context.Context, maxPages, maxConcurrent int32, jobs []NewJob) (Batch, []Job, error) {
	const attempts = 5
	for attempt := 0; ; attempt++ {
		batch, created, err := s.createBatch(ctx, maxPages, maxConcurrent, jobs)
		if err == nil || !conflict(err) || attempt == attempts-1 {
			return batch, created, err
		}
		if err := sleep(ctx, Backoff(attempt, 20*time.Millisecond, 500*time.Millisecond)); err != nil {
			return Batch{}, nil, fmt.Errorf("creating batch: %w", err)
		}
	}
}

const upsertDomainsSQL = `
INSERT INTO domains (host)
SELECT host FROM unnest($1::text[]) AS h (host) ORDER BY host
ON CONFLICT (host) DO UPDATE SET host = EXCLUDED.host
RETURNING host, domain_id`

const insertBatchJobsSQL = `
INSERT INTO jobs (job_id, domain_id, batch_id, base_url, max_pages, status)
SELECT j.job_id, j.domain_id, $1, j.base_url, $2, 'pending'
FROM unnest($3::uuid[], $4::bigint[], $5::text[]) AS j (job_id, domain_id, base_url)
RETURNING ` + jobColumns

func (s *Store) createBatch(ctx context.Context, maxPages, maxConcurrent int32, jobs []NewJob) (Batch, []Job, error) {
	hosts := make([]string, 0, len(jobs))
	for _, nj := range jobs {
		hosts = append(hosts, nj.Host)
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts) // ON CONFLICT DO UPDATE may touch a row once per statement

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch: %w", err)
	}
	defer tx.Rollback(ctx)

	rows, err := tx.Query(ctx, `INSERT INTO batches (batch_id, max_pages, max_concurrent_jobs)
		VALUES ($1, $2, $3) RETURNING batch_id, max_pages, max_concurrent_jobs, created_at`,
		uuid.New(), maxPages, maxConcurrent)
	if err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch: %w", err)
	}
	batch, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Batch])
	if err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch: %w", err)
	}

	domainIDs := make(map[string]int64, len(hosts))
	rows, err = tx.Query(ctx, upsertDomainsSQL, hosts)
	if err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch domains: %w", err)
	}
	var host string
	var domainID int64
	if _, err := pgx.ForEachRow(rows, []any{&host, &domainID}, func() error {
		domainIDs[host] = domainID
		return nil
	}); err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch domains: %w", err)
	}

	ids := make([]uuid.UUID, len(jobs))
	jobDomains := make([]int64, len(jobs))
	baseURLs := make([]string, len(jobs))
	for i, nj := range jobs {
		ids[i], jobDomains[i], baseURLs[i] = uuid.New(), domainIDs[nj.Host], nj.BaseURL
	}
	rows, err = tx.Query(ctx, insertBatchJobsSQL, &batch.BatchID, maxPages, ids, jobDomains, baseURLs)
	if err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch jobs: %w", err)
	}
	inserted, err := pgx.CollectRows(rows, pgx.RowToStructByName[Job])
	if err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch jobs: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Batch{}, nil, fmt.Errorf("creating batch: %w", err)
	}
	byID := make(map[uuid.UUID]Job, len(inserted))
	for _, j := range inserted {
		byID[j.JobID] = j
	}
	created := make([]Job, len(jobs))
	for i, id := range ids {
		created[i] = byID[id]
	}
	return batch, created, nil
}

// GetJob reads one job; ErrNotFound when there is none.
func (s *Store) GetJob(ctx context.Context, id uuid.UUID) (Job, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE job_id = $1`, id)
	if err != nil {
		return Job{}, fmt.Errorf("reading job: %w", err)
	}
	job, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Job])
	if errors.Is(err, pgx.ErrNoRows) {
		return Job{}, ErrNotFound
	}
	if err != nil {
		return Job{}, fmt.Errorf("reading job: %w", err)
	}
	return job, nil
}

// GetBatch reads a batch and its jobs in creation order.
func (s *Store) GetBatch(ctx context.Context, id uuid.UUID) (Batch, []Job, error) {
	rows, err := s.pool.Query(ctx, `SELECT batch_id, max_pages, max_concurrent_jobs, created_at
		FROM batches WHERE batch_id = $1`, id)
	if err != nil {
		return Batch{}, nil, fmt.Errorf("reading batch: %w", err)
	}
	batch, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Batch])
	if errors.Is(err, pgx.ErrNoRows) {
		return Batch{}, nil, ErrNotFound
	}
	if err != nil {
		return Batch{}, nil, fmt.Errorf("reading batch: %w", err)
	}
	jobRows, err := s.pool.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE batch_id = $1
		ORDER BY created_at, job_id`, id)
	if err != nil {
		return Batch{}, nil, fmt.Errorf("reading batch jobs: %w", err)
	}
	jobs, err := pgx.CollectRows(jobRows, pgx.RowToStructByName[Job])
	if err != nil {
		return Batch{}, nil, fmt.Errorf("reading batch jobs: %w", err)
	}
	return batch, jobs, nil
}

// ListFiles returns the sitemap files a job read, in the order it read them.
func (s *Store) ListFiles(ctx context.Context, jobID uuid.UUID) ([]SitemapFile, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+fileColumns+` FROM sitemap_files
		WHERE job_id = $1 ORDER BY file_id`, jobID)
	if err != nil {
		return nil, fmt.Errorf("listing files: %w", err)
	}
	files, err := pgx.CollectRows(rows, pgx.RowToStructByName[SitemapFile])
	if err != nil {
		return nil, fmt.Errorf("listing files: %w", err)
	}
	return files, nil
}

// ListURLs returns up to limit URLs of a job with url_id above afterID, for
// keyset pagination.
func (s *Store) ListURLs(ctx context.Context, jobID uuid.UUID, afterID int64, limit int) ([]SitemapURL, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+urlColumns+` FROM sitemap_urls
		WHERE job_id = $1 AND url_id > $2 ORDER BY url_id LIMIT $3`, jobID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("listing urls: %w", err)
	}
	urls, err := pgx.CollectRows(rows, pgx.RowToStructByName[SitemapURL])
	if err != nil {
		return nil, fmt.Errorf("listing urls: %w", err)
	}
	return urls, nil
}

// GetDomain reads a domain by host; ErrNotFound when there is none.
func (s *Store) GetDomain(ctx context.Context, host string) (Domain, error) {
	rows, err := s.pool.Query(ctx, `SELECT domain_id, host, created_at, last_scanned_at
		FROM domains WHERE host = $1`, host)
	if err != nil {
		return Domain{}, fmt.Errorf("reading domain: %w", err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Domain])
	if errors.Is(err, pgx.ErrNoRows) {
		return Domain{}, ErrNotFound
	}
	if err != nil {
		return Domain{}, fmt.Errorf("reading domain: %w", err)
	}
	return d, nil
}

// CountByStatus counts jobs per status.
func (s *Store) CountByStatus(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM jobs GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("counting jobs: %w", err)
	}
	type statusCount struct {
		status string
		count  int64
	}
	counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (statusCount, error) {
		var c statusCount
		err := row.Scan(&c.status, &c.count)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("counting jobs: %w", err)
	}
	out := make(map[string]int64, len(counts))
	for _, c := range counts {
		out[c.status] = c.count
	}
	return out, nil
}
