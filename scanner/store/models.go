package store

import (
	"time"

	"github.com/google/uuid"
)

// Job statuses. pending and running are live; the rest are terminal.
const (
	StatusPending     = "pending"
	StatusRunning     = "running"
	StatusCompleted   = "completed"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// Terminal reports whether a job in this status will not change any more.
func Terminal(status string) bool {
	return status == StatusCompleted || status == StatusFailed || status == StatusInterrupted
}

// Sitemap file kinds and sources, as stored.
const (
	KindURLSet       = "urlset"
	KindSitemapIndex = "sitemapindex"

	SourceRobots    = "robots"
	SourceWellKnown = "well-known"
	SourceIndex     = "index"
)

// Batch is a row of batches.
//
//dbaudit:table batches
type Batch struct {
	BatchID           uuid.UUID `db:"batch_id"`
	MaxPages          int32     `db:"max_pages"`
	MaxConcurrentJobs int32     `db:"max_concurrent_jobs"`
	CreatedAt         time.Time `db:"created_at"`
}

// Domain is a row of domains.
//
//dbaudit:table domains
type Domain struct {
	DomainID      int64      `db:"domain_id"`
	Host          string     `db:"host"`
	CreatedAt     time.Time  `db:"created_at"`
	LastScannedAt *time.Time `db:"last_scanned_at"`
}

// Job is a row of jobs.
//
//dbaudit:table jobs
type Job struct {
	JobID           uuid.UUID  `db:"job_id"`
	DomainID        int64      `db:"domain_id"`
	BatchID         *uuid.UUID `db:"batch_id"`
	BaseURL         string     `db:"base_url"`
	MaxPages        int32      `db:"max_pages"`
	Status          string     `db:"status"`
	Error           *string    `db:"error"`
	FilesFound      int32      `db:"files_found"`
	FilesFailed     int32      `db:"files_failed"`
	URLsFound       int64      `db:"urls_found"`
	MaxPagesReached bool       `db:"max_pages_reached"`
	Attempts        int32      `db:"attempts"`
	Owner           *string    `db:"owner"`
	CreatedAt       time.Time  `db:"created_at"`
	StartedAt       *time.Time `db:"started_at"`
	FinishedAt      *time.Time `db:"finished_at"`
	HeartbeatAt     *time.Time `db:"heartbeat_at"`
}

// jobColumns lists the columns of Job in RowToStructByName order.
const jobColumns = `job_id, domain_id, batch_id, base_url, max_pages, status, error, files_found,
	files_failed, urls_found, max_pages_reached, attempts, owner, created_at, started_at,
	finished_at, heartbeat_at`

// SitemapFile is a row of sitemap_files.
//
//dbaudit:table sitemap_files
type SitemapFile struct {
	FileID    int64      `db:"file_id"`
	JobID     uuid.UUID  `db:"job_id"`
	URL       string     `db:"url"`
	Kind      *string    `db:"kind"`
	Source    string     `db:"source"`
	ParentURL *string    `db:"parent_url"`
	Depth     int32      `db:"depth"`
	URLCount  int32      `db:"url_count"`
	Bytes     int64      `db:"bytes"`
	Lastmod   *time.Time `db:"lastmod"`
	Error     *string    `db:"error"`
	FetchedAt time.Time  `db:"fetched_at"`
	// EndedAt is nil while the file is being read.
	EndedAt *time.Time `db:"ended_at"`
}

const fileColumns = `file_id, job_id, url, kind, source, parent_url, depth, url_count, bytes,
	lastmod, error, fetched_at, ended_at`

// SitemapURL is a row of sitemap_urls.
//
//dbaudit:table sitemap_urls
type SitemapURL struct {
	URLID      int64      `db:"url_id"`
	JobID      uuid.UUID  `db:"job_id"`
	FileID     int64      `db:"file_id"`
	Loc        string     `db:"loc"`
	Lastmod    *time.Time `db:"lastmod"`
	Changefreq *string    `db:"changefreq"`
	Priority   *float32   `db:"priority"`
}

const urlColumns = `url_id, job_id, file_id, loc, lastmod, changefreq, priority`
