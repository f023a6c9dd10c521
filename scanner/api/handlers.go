package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/dbaudit/dbaudit/scanner/store"
)

// scanRequest is the body of POST /api/v3/sitemap/scan.
type scanRequest struct {
	BaseURL  *string `json:"base_url"`
	MaxPages *int    `json:"max_pages"`
}

// scanAccepted answers a queued scan.
type scanAccepted struct {
	JobID     uuid.UUID `json:"job_id"`
	Status    string    `json:"status"`
	BaseURL   string    `json:"base_url"`
	MaxPages  int32     `json:"max_pages"`
	StatusURL string    `json:"status_url"`
	FilesURL  string    `json:"files_url"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) createScan(w http.ResponseWriter, r *http.Request) {
	var req scanRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if req.BaseURL == nil {
		writeError(w, http.StatusBadRequest, "base_url", "base_url is required")
		return
	}
	target, ferr := s.parseTarget("base_url", *req.BaseURL, false)
	if ferr != nil {
		writeError(w, http.StatusBadRequest, ferr.field, ferr.msg)
		return
	}
	maxPages, ferr := s.maxPages(req.MaxPages)
	if ferr != nil {
		writeError(w, http.StatusBadRequest, ferr.field, ferr.msg)
		return
	}
	job, err := s.store.CreateJob(r.Context(), store.NewJob{BaseURL: target.baseURL, Host: target.host, MaxPages: maxPages})
	if err != nil {
		s.internalError(w, r, "creating a job", err)
		return
	}
	s.runner.Notify()
	statusURL := jobStatusPath(job.JobID)
	w.Header().Set("Location", statusURL)
	writeJSON(w, http.StatusAccepted, scanAccepted{
		JobID:     job.JobID,
		Status:    job.Status,
		BaseURL:   job.BaseURL,
		MaxPages:  job.MaxPages,
		StatusURL: statusURL,
		FilesURL:  jobFilesPath(job.JobID),
		CreatedAt: job.CreatedAt,
	})
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := pathUUID(w, r, "job_id")
	if !ok {
		return
	}
	// A job this process is running is answered from memory: no query, and
	// the counts are current to the last batch of URLs.
	if snap, ok := s.runner.Live(id); ok {
		writeJSON(w, http.StatusOK, liveJobView(snap))
		return
	}
	job, err := s.store.GetJob(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "job_id", "no job "+id.String())
		return
	}
	if err != nil {
		s.internalError(w, r, "reading a job", err)
		return
	}
	writeJSON(w, http.StatusOK, storedJobView(job))
}

// filesResponse lists a job's sitemap files.
type filesResponse struct {
	JobID  uuid.UUID  `json:"job_id"`
	Status string     `json:"status"`
	Count  int        `json:"count"`
	Files  []fileView `json:"files"`
}

type fileView struct {
	FileID    int64      `json:"file_id"`
	URL       string     `json:"url"`
	Kind      *string    `json:"kind"`
	Source    string     `json:"source"`
	ParentURL *string    `json:"parent_url"`
	Depth     int32      `json:"depth"`
	URLCount  int32      `json:"url_count"`
	Bytes     int64      `json:"bytes"`
	Lastmod   *time.Time `json:"lastmod"`
	Error     *string    `json:"error"`
	FetchedAt time.Time  `json:"fetched_at"`
}

func (s *Server) jobFiles(w http.ResponseWriter, r *http.Request) {
	id, ok := pathUUID(w, r, "job_id")
	if !ok {
		return
	}
	job, err := s.store.GetJob(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "job_id", "no job "+id.String())
		return
	}
	if err != nil {
		s.internalError(w, r, "reading a job", err)
		return
	}
	files, err := s.store.ListFiles(r.Context(), id)
	if err != nil {
		s.internalError(w, r, "listing files", err)
		return
	}
	resp := filesResponse{JobID: id, Status: job.Status, Count: len(files), Files: make([]fileView, 0, len(files))}
	for _, f := range files {
		resp.Files = append(resp.Files, fileView{
			FileID: f.FileID, URL: f.URL, Kind: f.Kind, Source: f.Source, ParentURL: f.ParentURL,
			Depth: f.Depth, URLCount: f.URLCount, Bytes: f.Bytes, Lastmod: f.Lastmod, Error: f.Error,
			FetchedAt: f.FetchedAt,
		})
	}
	writeJSON(w, http.StatusOK, resp)
}

// urlsResponse is one page of a job's URLs.
type urlsResponse struct {
	JobID     uuid.UUID `json:"job_id"`
	URLs      []urlView `json:"urls"`
	NextAfter *int64    `json:"next_after"`
}

type urlView struct {
	URLID      int64      `json:"url_id"`
	FileID     int64      `json:"file_id"`
	Loc        string     `json:"loc"`
	Lastmod    *time.Time `json:"lastmod"`
	Changefreq *string    `json:"changefreq"`
	Priority   *float32   `json:"priority"`
}

func (s *Server) jobURLs(w http.ResponseWriter, r *http.Request) {
	id, ok := pathUUID(w, r, "job_id")
	if !ok {
		return
	}
	q := r.URL.Query()
	after, limit := int64(0), 100
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "after", "after must be a url_id (a non-negative integer)")
			return
		}
		after = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusBadRequest, "limit", "limit must be an integer from 1 to 1000")
			return
		}
		limit = n
	}
	if _, err := s.store.GetJob(r.Context(), id); errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "job_id", "no job "+id.String())
		return
	} else if err != nil {
		s.internalError(w, r, "reading a job", err)
		return
	}
	urls, err := s.store.ListURLs(r.Context(), id, after, limit)
	if err != nil {
		s.internalError(w, r, "listing urls", err)
		return
	}
	resp := urlsResponse{JobID: id, URLs: make([]urlView, 0, len(urls))}
	for _, u := range urls {
		resp.URLs = append(resp.URLs, urlView{URLID: u.URLID, FileID: u.FileID, Loc: u.Loc, Lastmod: u.Lastmod,
			Changefreq: u.Changefreq, Priority: u.Priority})
	}
	if len(urls) == limit {
		resp.NextAfter = &urls[len(urls)-1].URLID
	}
	writeJSON(w, http.StatusOK, resp)
}

// batchRequest is the body of POST /api/v3/batch.
type batchRequest struct {
	Domains           []string `json:"domains"`
	MaxPages          *int     `json:"max_pages"`
	MaxConcurrentJobs *int     `json:"max_concurrent_jobs"`
}

type batchAccepted struct {
	BatchID           uuid.UUID  `json:"batch_id"`
	StatusURL         string     `json:"status_url"`
	MaxPages          int32      `json:"max_pages"`
	MaxConcurrentJobs int32      `json:"max_concurrent_jobs"`
	CreatedAt         time.Time  `json:"created_at"`
	Jobs              []batchJob `json:"jobs"`
}

type batchJob struct {
	Domain    string    `json:"domain"`
	JobID     uuid.UUID `json:"job_id"`
	BaseURL   string    `json:"base_url"`
	StatusURL string    `json:"status_url"`
}

func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	var req batchRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if len(req.Domains) == 0 {
		writeError(w, http.StatusBadRequest, "domains", "domains must list at least one domain")
		return
	}
	if len(req.Domains) > s.cfg.MaxBatchDomains {
		writeError(w, http.StatusBadRequest, "domains",
			fmt.Sprintf("domains lists %d domains; a batch takes at most %d", len(req.Domains), s.cfg.MaxBatchDomains))
		return
	}
	maxPages, ferr := s.maxPages(req.MaxPages)
	if ferr != nil {
		writeError(w, http.StatusBadRequest, ferr.field, ferr.msg)
		return
	}
	concurrency := s.cfg.DefaultBatchConcurrency
	if req.MaxConcurrentJobs != nil {
		concurrency = *req.MaxConcurrentJobs
		if concurrency < 1 || concurrency > s.cfg.MaxBatchConcurrency {
			writeError(w, http.StatusBadRequest, "max_concurrent_jobs",
				fmt.Sprintf("max_concurrent_jobs must be from 1 to %d", s.cfg.MaxBatchConcurrency))
			return
		}
	}
	// Every domain is validated before anything is written, and the batch
	// is written in one transaction: a bad domain creates nothing.
	newJobs := make([]store.NewJob, 0, len(req.Domains))
	seen := map[string]int{}
	for i, d := range req.Domains {
		field := fmt.Sprintf("domains[%d]", i)
		target, ferr := s.parseTarget(field, d, true)
		if ferr != nil {
			writeError(w, http.StatusBadRequest, ferr.field, ferr.msg)
			return
		}
		if j, dup := seen[target.host]; dup {
			writeError(w, http.StatusBadRequest, field, fmt.Sprintf("%s repeats domains[%d] (%s)", field, j, target.host))
			return
		}
		seen[target.host] = i
		newJobs = append(newJobs, store.NewJob{BaseURL: target.baseURL, Host: target.host, MaxPages: maxPages})
	}
	batch, created, err := s.store.CreateBatch(r.Context(), maxPages, int32(concurrency), newJobs)
	if err != nil {
		s.internalError(w, r, "creating a batch", err)
		return
	}
	s.runner.Notify()
	resp := batchAccepted{
		BatchID:           batch.BatchID,
		StatusURL:         batchStatusPath(batch.BatchID),
		MaxPages:          batch.MaxPages,
		MaxConcurrentJobs: batch.MaxConcurrentJobs,
		CreatedAt:         batch.CreatedAt,
		Jobs:              make([]batchJob, 0, len(created)),
	}
	for i, job := range created {
		resp.Jobs = append(resp.Jobs, batchJob{Domain: req.Domains[i], JobID: job.JobID, BaseURL: job.BaseURL,
			StatusURL: jobStatusPath(job.JobID)})
	}
	w.Header().Set("Location", resp.StatusURL)
	writeJSON(w, http.StatusAccepted, resp)
}

// batchView is the answer of GET /api/v3/batch/{batch_id}.
type batchView struct {
	BatchID           uuid.UUID       `json:"batch_id"`
	Status            string          `json:"status"`
	MaxPages          int32           `json:"max_pages"`
	MaxConcurrentJobs int32           `json:"max_concurrent_jobs"`
	CreatedAt         time.Time       `json:"created_at"`
	FinishedAt        *time.Time      `json:"finished_at"`
	Counts            map[string]int  `json:"counts"`
	URLs              int64           `json:"urls"`
	Jobs              []jobStatusView `json:"jobs"`
}

func (s *Server) batchStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := pathUUID(w, r, "batch_id")
	if !ok {
		return
	}
	batch, jobs, err := s.store.GetBatch(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "batch_id", "no batch "+id.String())
		return
	}
	if err != nil {
		s.internalError(w, r, "reading a batch", err)
		return
	}
	view := batchView{
		BatchID:           batch.BatchID,
		Status:            "completed",
		MaxPages:          batch.MaxPages,
		MaxConcurrentJobs: batch.MaxConcurrentJobs,
		CreatedAt:         batch.CreatedAt,
		Counts: map[string]int{store.StatusPending: 0, store.StatusRunning: 0, store.StatusCompleted: 0,
			store.StatusFailed: 0, store.StatusInterrupted: 0},
		Jobs: make([]jobStatusView, 0, len(jobs)),
	}
	for _, job := range jobs {
		jv := storedJobView(job)
		if snap, ok := s.runner.Live(job.JobID); ok {
			jv = liveJobView(snap)
		}
		view.Jobs = append(view.Jobs, jv)
		view.Counts[jv.Status]++
		view.URLs += jv.Counts.URLs
		if !store.Terminal(jv.Status) {
			view.Status = "running"
		} else if f := jv.Timings.FinishedAt; f != nil && (view.FinishedAt == nil || f.After(*view.FinishedAt)) {
			view.FinishedAt = f
		}
	}
	if view.Status != "completed" {
		view.FinishedAt = nil
	}
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) internalError(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away
	}
	s.log.Error(what, "method", r.Method, "path", r.URL.Path, "error", err)
	writeError(w, http.StatusInternalServerError, "", what+" failed; see the server log")
}

func pathUUID(w http.ResponseWriter, r *http.Request, name string) (uuid.UUID, bool) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		writeError(w, http.StatusBadRequest, name, name+" must be a UUID")
		return uuid.UUID{}, false
	}
	return id, true
}

func contextWithTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}

func jobStatusPath(id uuid.UUID) string   { return "/api/v3/sitemap/status/" + id.String() }
func jobFilesPath(id uuid.UUID) string    { return "/api/v3/sitemap/jobs/" + id.String() + "/files" }
func batchStatusPath(id uuid.UUID) string { return "/api/v3/batch/" + id.String() }
