// Package jobs runs scans in the background. The jobs table is the queue: a
// dispatcher claims pending jobs from the injected store, and a bounded set
// of workers runs them, each with its own context derived from the runner
// (never from the HTTP request that queued it) and its own short
// transactions taken from the pool. Every job reaches a terminal status:
// on shutdown running jobs are marked interrupted within the timeout, and
// jobs a crash left running are resumed or failed at the next start.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/dbaudit/dbaudit/scanner/config"
	"github.com/dbaudit/dbaudit/scanner/sitemap"
	"github.com/dbaudit/dbaudit/scanner/store"
)

// Runner owns the background workers of one process.
type Runner struct {
	cfg     config.Jobs
	store   *store.Store
	scanner *sitemap.Scanner
	log     *slog.Logger

	// ctx is the parent of every job's context. It is the runner's own, so
	// a job outlives the request that queued it and ends with the runner.
	ctx      context.Context
	cancel   context.CancelFunc
	stopping chan struct{}
	stopOnce sync.Once

	wake  chan struct{}
	slots chan struct{}
	jobs  sync.WaitGroup // running jobs
	loops sync.WaitGroup // dispatcher, heartbeat and reaper

	mu   sync.Mutex
	live map[uuid.UUID]*liveJob
}

// New returns a Runner; call Start to begin work.
func New(cfg config.Jobs, st *store.Store, sc *sitemap.Scanner, log *slog.Logger) *Runner {
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{
		cfg:      cfg,
		store:    st,
		scanner:  sc,
		log:      log,
		ctx:      ctx,
		cancel:   cancel,
		stopping: make(chan struct{}),
		wake:     make(chan struct{}, 1),
		slots:    make(chan struct{}, cfg.Workers),
		live:     make(map[uuid.UUID]*liveJob),
	}
}

// Start recovers the jobs this instance left running (a crash: nothing else
// leaves a job running at start-up) and starts the workers.
func (r *Runner) Start(ctx context.Context) error {
	rec, err := r.store.RecoverOwned(ctx, r.cfg.InstanceID, r.cfg.MaxAttempts)
	if err != nil {
		return fmt.Errorf("recovering jobs left running: %w", err)
	}
	if len(rec.Resumed)+len(rec.Failed) > 0 {
		r.log.Warn("recovered jobs left running by an earlier crash",
			"resumed", len(rec.Resumed), "failed", len(rec.Failed), "instance", r.cfg.InstanceID)
	}
	r.loops.Add(3)
	go r.dispatch()
	go r.every(r.cfg.HeartbeatInterval, r.heartbeat)
	go r.every(max(r.cfg.StaleAfter/4, time.Second), r.reap)
	return nil
}

// Notify tells the dispatcher there may be new work.
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Shutdown stops claiming jobs and cancels the running ones, which then
// record themselves as interrupted, keeping the files and URLs stored so
// far. It waits until they are done or ctx ends; jobs still running then
// are marked interrupted directly.
func (r *Runner) Shutdown(ctx context.Context) error {
	r.stopOnce.Do(func() { close(r.stopping) })
	r.cancel()
	done := make(chan struct{})
	go func() {
		r.jobs.Wait()
		r.loops.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	ids := r.liveIDs()
	markCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := r.store.MarkInterrupted(markCtx, r.cfg.InstanceID, ids,
		"interrupted: the scanner shut down before this job stopped")
	if err != nil {
		return fmt.Errorf("marking %d jobs interrupted: %w", len(ids), err)
	}
	r.log.Warn("jobs did not stop within the shutdown timeout; marked interrupted", "jobs", n)
	return nil
}

// dispatch claims pending jobs while a worker slot is free.
func (r *Runner) dispatch() {
	defer r.loops.Done()
	for {
		select {
		case r.slots <- struct{}{}:
		case <-r.stopping:
			return
		}
		// A slot freed by a job ending at shutdown must not start another.
		select {
		case <-r.stopping:
			<-r.slots
			return
		default:
		}
		job, err := r.store.ClaimNext(r.ctx, r.cfg.InstanceID)
		if err != nil && r.ctx.Err() == nil {
			r.log.Error("claiming a job", "error", err)
		}
		if err != nil || job == nil {
			<-r.slots
			select {
			case <-r.wake:
			case <-time.After(r.cfg.PollInterval):
			case <-r.stopping:
				return
			}
			continue
		}
		r.jobs.Add(1)
		go r.run(*job)
	}
}

// every calls fn every interval until the runner stops.
func (r *Runner) every(interval time.Duration, fn func()) {
	defer r.loops.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			fn()
		case <-r.stopping:
			return
		}
	}
}

func (r *Runner) heartbeat() {
	if err := r.store.Heartbeat(r.ctx, r.cfg.InstanceID, r.liveIDs()); err != nil && r.ctx.Err() == nil {
		r.log.Error("heartbeat", "error", err)
	}
}

// reap recovers jobs of instances that stopped sending heartbeats.
func (r *Runner) reap() {
	rec, err := r.store.ReapStale(r.ctx, r.cfg.StaleAfter, r.cfg.MaxAttempts)
	if err != nil {
		if r.ctx.Err() == nil {
			r.log.Error("recovering stale jobs", "error", err)
		}
		return
	}
	if len(rec.Resumed)+len(rec.Failed) > 0 {
		r.log.Warn("recovered jobs with stale heartbeats", "resumed", len(rec.Resumed), "failed", len(rec.Failed))
		r.Notify()
	}
}

// run executes one claimed job to a terminal status.
func (r *Runner) run(job store.Job) {
	defer r.jobs.Done()
	defer func() {
		<-r.slots
		r.Notify()
	}()
	lease := store.LeaseOf(job)
	lj := r.register(job)
	defer r.unregister(job.JobID)
	log := r.log.With("job_id", job.JobID, "base_url", job.BaseURL, "attempt", job.Attempts)

	ctx, cancel := context.WithTimeout(r.ctx, r.cfg.JobTimeout)
	defer cancel()

	var outcome store.Outcome
	func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("job panicked", "panic", p, "stack", string(debug.Stack()))
				outcome = failed(fmt.Sprintf("internal error: %v", p))
			}
		}()
		sink := &storeSink{store: r.store, lease: lease}
		sum, err := r.scanner.Scan(ctx, sitemap.Request{
			BaseURL:    job.BaseURL,
			MaxPages:   int64(job.MaxPages),
			OnProgress: lj.update,
		}, sink)
		outcome = r.outcome(ctx, sum, err)
	}()
	if outcome.Status == "" {
		return // the lease was lost: the job belongs to someone else now
	}

	// The job's context may have ended (timeout, shutdown); its outcome must
	// still be written, on a context of its own with a short deadline.
	finishCtx, cancelFinish := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelFinish()
	if err := r.store.FinishJob(finishCtx, lease, outcome); err != nil {
		log.Error("recording the job's outcome", "status", outcome.Status, "error", err)
		return
	}
	log.Info("job finished", "status", outcome.Status, "files", lj.snapshot().FilesDone,
		"urls", lj.snapshot().URLs, "error", deref(outcome.Error))
}

// outcome turns a scan's result into the job's terminal status. A zero
// Outcome means the lease was lost and nothing may be written.
func (r *Runner) outcome(ctx context.Context, sum sitemap.Summary, err error) store.Outcome {
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		r.log.Warn("job taken over by another worker; stopping it here")
		return store.Outcome{}
	case err != nil && r.ctx.Err() != nil:
		return store.Outcome{Status: store.StatusInterrupted, MaxPagesReached: sum.MaxPagesReached,
			Error: ptr(fmt.Sprintf("interrupted: the scanner shut down; %d files and %d URLs read so far are kept",
				sum.Files, sum.URLs))}
	case err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return failed(fmt.Sprintf("timed out after %s; %d files and %d URLs read so far are kept",
			r.cfg.JobTimeout, sum.Files, sum.URLs))
	case err != nil:
		return failed(err.Error())
	case sum.Files == 0:
		return failed("no sitemap found (" + strings.Join(sum.NotFound, "; ") + ")")
	case sum.FailedFiles > 0:
		first := sum.Failures[0]
		return store.Outcome{Status: store.StatusFailed, MaxPagesReached: sum.MaxPagesReached,
			Error: ptr(fmt.Sprintf("%d of %d sitemap files failed; first: %s: %v",
				sum.FailedFiles, sum.Files, first.URL, first.Err))}
	}
	return store.Outcome{Status: store.StatusCompleted, MaxPagesReached: sum.MaxPagesReached}
}

func failed(msg string) store.Outcome {
	return store.Outcome{Status: store.StatusFailed, Error: ptr(msg)}
}

// Snapshot is a running job as this process sees it: the row it claimed
// with the counts brought up to date from memory.
type Snapshot struct {
	Job      store.Job
	Progress sitemap.Progress
}

// Live returns the in-memory state of a job this process is running.
func (r *Runner) Live(id uuid.UUID) (Snapshot, bool) {
	r.mu.Lock()
	lj := r.live[id]
	r.mu.Unlock()
	if lj == nil {
		return Snapshot{}, false
	}
	p := lj.snapshot()
	job := lj.job
	job.FilesFound = int32(p.FilesDone)
	job.FilesFailed = int32(p.FilesFailed)
	job.URLsFound = p.URLs
	return Snapshot{Job: job, Progress: p}, true
}

// Running reports how many jobs this process is running.
func (r *Runner) Running() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.live)
}

type liveJob struct {
	job      store.Job
	mu       sync.Mutex
	progress sitemap.Progress
}

func (l *liveJob) update(p sitemap.Progress) {
	l.mu.Lock()
	l.progress = p
	l.mu.Unlock()
}

func (l *liveJob) snapshot() sitemap.Progress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.progress
}

func (r *Runner) register(job store.Job) *liveJob {
	lj := &liveJob{job: job}
	r.mu.Lock()
	r.live[job.JobID] = lj
	r.mu.Unlock()
	return lj
}

func (r *Runner) unregister(id uuid.UUID) {
	r.mu.Lock()
	delete(r.live, id)
	r.mu.Unlock()
}

func (r *Runner) liveIDs() []uuid.UUID {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]uuid.UUID, 0, len(r.live))
	for id := range r.live {
		ids = append(ids, id)
	}
	return ids
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
