package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/dbaudit/dbaudit/scanner/jobs"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// jobStatusView is the answer of GET /api/v3/sitemap/status/{job_id}. It
// has the same shape whether it comes from memory (a job this process is
// running) or from the database.
type jobStatusView struct {
	JobID    uuid.UUID    `json:"job_id"`
	BatchID  *uuid.UUID   `json:"batch_id"`
	BaseURL  string       `json:"base_url"`
	Status   string       `json:"status"`
	MaxPages int32        `json:"max_pages"`
	Progress progressView `json:"progress"`
	Counts   countsView   `json:"counts"`
	Error    *string      `json:"error"`
	Timings  timingsView  `json:"timings"`
	Attempts int32        `json:"attempts"`
	// Source is "memory" or "database".
	Source   string `json:"source"`
	FilesURL string `json:"files_url"`
}

type progressView struct {
	FilesDone    int32 `json:"files_done"`
	FilesPending int   `json:"files_pending"`
	// Percent is files done out of files known so far; null when unknown
	// (a job another instance is running).
	Percent         *float64 `json:"percent"`
	MaxPagesReached bool     `json:"max_pages_reached"`
}

type countsView struct {
	Files       int32 `json:"files"`
	FilesFailed int32 `json:"files_failed"`
	URLs        int64 `json:"urls"`
}

type timingsView struct {
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// QueuedMS is the time from creation to the (latest) start.
	QueuedMS *int64 `json:"queued_ms"`
	// RunMS is the time from start to finish, or to now while running.
	RunMS *int64 `json:"run_ms"`
}

func baseView(job store.Job) jobStatusView {
	v := jobStatusView{
		JobID:    job.JobID,
		BatchID:  job.BatchID,
		BaseURL:  job.BaseURL,
		Status:   job.Status,
		MaxPages: job.MaxPages,
		Counts:   countsView{Files: job.FilesFound, FilesFailed: job.FilesFailed, URLs: job.URLsFound},
		Error:    job.Error,
		Attempts: job.Attempts,
		FilesURL: jobFilesPath(job.JobID),
		Progress: progressView{FilesDone: job.FilesFound, MaxPagesReached: job.MaxPagesReached},
		Timings:  timingsView{CreatedAt: job.CreatedAt, StartedAt: job.StartedAt, FinishedAt: job.FinishedAt},
	}
	if job.StartedAt != nil {
		v.Timings.QueuedMS = ms(job.StartedAt.Sub(job.CreatedAt))
		end := time.Now()
		if job.FinishedAt != nil {
			end = *job.FinishedAt
		}
		v.Timings.RunMS = ms(end.Sub(*job.StartedAt))
	}
	return v
}

func storedJobView(job store.Job) jobStatusView {
	v := baseView(job)
	v.Source = "database"
	switch {
	case job.Status == store.StatusPending:
		v.Progress.Percent = percent(0)
	case store.Terminal(job.Status):
		v.Progress.Percent = percent(100)
	}
	return v
}

func liveJobView(snap jobs.Snapshot) jobStatusView {
	v := baseView(snap.Job)
	v.Source = "memory"
	v.Progress.FilesPending = snap.Progress.FilesPending
	if total := snap.Progress.FilesDone + snap.Progress.FilesPending; total > 0 {
		v.Progress.Percent = percent(100 * float64(snap.Progress.FilesDone) / float64(total))
	} else {
		v.Progress.Percent = percent(0)
	}
	return v
}

func percent(p float64) *float64 {
	p = float64(int(p*10+0.5)) / 10
	return &p
}

func ms(d time.Duration) *int64 {
	n := max(d.Milliseconds(), 0)
	return &n
}
