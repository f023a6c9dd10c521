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
	// halted ends when the shutdown timeout has passed: writes of job
	// outcomes stop retrying then.
	halted context.Context
	halt   context.CancelFunc

	wake  chan struct{}
	slots chan struct{}
	jobs  sync.WaitGroup // running jobs
	loops sync.WaitGroup // dispatcher, heartbeat and reaper

	mu   sync.Mutex
	live map[uuid.UUID]*liveJob
	// unrecorded holds the jobs whose outcome is not written yet; at
	// shutdown, those left are reported.
	unrecorded map[uuid.UUID]bool
}

// New returns a Runner; call Start to begin work.
func New(cfg config.Jobs, st *store.Store, sc *sitemap.Scanner, log *slog.Logger) *Runner {
	ctx, cancel := context.WithCancel(context.Background())
	halted, halt := context.WithCancel(context.Background())
	return &Runner{
		cfg:        cfg,
		store:      st,
		scanner:    sc,
		log:        log,
		ctx:        ctx,
		cancel:     cancel,
		stopping:   make(chan struct{}),
		halted:     halted,
		halt:       halt,
		wake:       make(chan struct{}, 1),
		slots:      make(chan struct{}, cfg.Workers),
		live:       make(map[uuid.UUID]*liveJob),
		unrecorded: make(map[uuid.UUID]bool),
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

// UnrecordedError is returned by Shutdown when the outcome of some jobs
// could not be written (the database was unreachable): they stay running in
// the database until this instance starts again or another instance's
// reaper takes them over.
type UnrecordedError struct {
	Jobs int
	Err  error
}

func (e *UnrecordedError) Error() string {
	msg := fmt.Sprintf("could not record the outcome of %d jobs; they stay running until this instance restarts "+
		"or another instance takes them over after SCANNER_STALE_AFTER", e.Jobs)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *UnrecordedError) Unwrap() error { return e.Err }

// Shutdown stops claiming jobs and cancels the running ones, which then
// record themselves as interrupted, keeping the files and URLs stored so
// far. It waits until they are done or ctx ends; jobs still running then
// are marked interrupted directly. It returns an *UnrecordedError when the
// outcome of any job could not be written.
func (r *Runner) Shutdown(ctx context.Context) error {
	r.stopOnce.Do(func() { close(r.stopping) })
	r.cancel()
	defer r.halt()
	done := make(chan struct{})
	go func() {
		r.jobs.Wait()
		r.loops.Wait()
		close(done)
	}()
	select {
	case <-done:
		return r.unrecordedError(nil)
	case <-ctx.Done():
	}
	ids := r.liveIDs()
	r.halt() // outcome writes still retrying give up now
	markCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	marked, err := r.store.MarkInterrupted(markCtx, r.cfg.InstanceID, ids,
		"interrupted: the scanner shut down before this job stopped")
	r.mu.Lock()
	for _, id := range marked {
		delete(r.unrecorded, id)
	}
	r.mu.Unlock()
	if err != nil {
		r.log.Error("marking jobs interrupted at the shutdown timeout", "jobs", len(ids), "error", err)
	} else {
		r.log.Warn("jobs did not stop within the shutdown timeout; marked interrupted", "jobs", len(marked))
	}
	// The jobs' goroutines return promptly once halted.
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return r.unrecordedError(err)
}

func (r *Runner) unrecordedError(err error) error {
	r.mu.Lock()
	n := len(r.unrecorded)
	r.mu.Unlock()
	if n == 0 {
		return nil
	}
	return &UnrecordedError{Jobs: n, Err: err}
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
	// Unregistered only once the outcome is written or given up: heartbeats
	// keep the lease alive while the write is retried.
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
		sink := &storeSink{store: r.store, lease: lease, retry: r.retryWrite}
		sum, err := r.scanner.Scan(ctx, sitemap.Request{
			BaseURL:    job.BaseURL,
			MaxPages:   int64(job.MaxPages),
			OnProgress: lj.update,
		}, sink)
		outcome = r.outcome(ctx, sum, sink.open != 0, err)
		if sink.open != 0 {
			outcome.CutShortBytes = sum.CutShortBytes
		}
	}()
	if outcome.Status == "" {
		r.recorded(job.JobID)
		return // the lease was lost: the job belongs to someone else now
	}

	// The job's context may have ended (timeout, shutdown); its outcome must
	// still be written, so it is retried on a context of its own until it is
	// written, SCANNER_WRITE_RETRY passes or the shutdown timeout does.
	err := r.retryWrite(r.halted, "recording the job's outcome", func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return r.store.FinishJob(ctx, lease, outcome)
	})
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		r.recorded(job.JobID)
		log.Warn("job taken over by another worker before its outcome was recorded", "status", outcome.Status)
		return
	case err != nil:
		log.Error("could not record the job's outcome; it stays running until it is taken over",
			"status", outcome.Status, "error", err)
		select {
		case <-r.stopping: // reported by Shutdown
		default:
			r.recorded(job.JobID) // the reaper resumes it
		}
		return
	}
	r.recorded(job.JobID)
	log.Info("job finished", "status", outcome.Status, "files", lj.snapshot().FilesDone,
		"urls", lj.snapshot().URLs, "error", deref(outcome.Error))
}

// retryWrite runs write until it succeeds or fails in a way a retry cannot
// help: an error that is not store.Retryable, ctx ending, or
// SCANNER_WRITE_RETRY passing since the first failure. The waits back off
// exponentially with jitter.
func (r *Runner) retryWrite(ctx context.Context, what string, write func(context.Context) error) error {
	var giveUp time.Time
	for attempt := 0; ; attempt++ {
		err := write(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		// A deadline of the attempt's own (the outer context is alive) is a
		// connection that did not answer.
		if !store.Retryable(err) && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if attempt == 0 {
			giveUp = time.Now().Add(r.cfg.WriteRetry)
		}
		wait := store.Backoff(attempt, 100*time.Millisecond, 5*time.Second)
		if time.Now().Add(wait).After(giveUp) {
			return fmt.Errorf("%s: still failing after %s: %w", what, r.cfg.WriteRetry, err)
		}
		r.log.Warn("database write failed; retrying", "write", what, "attempt", attempt+1,
			"retry_in", wait.Round(time.Millisecond), "error", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		}
	}
}

// outcome turns a scan's result into the job's terminal status. cutShort
// says the scan stopped with a file open, which FinishJob closes and counts
// as failed. A zero Outcome means the lease was lost and nothing may be
// written.
func (r *Runner) outcome(ctx context.Context, sum sitemap.Summary, cutShort bool, err error) store.Outcome {
	kept := fmt.Sprintf("%d files and %d URLs read so far are kept", sum.Files, sum.URLs)
	if cutShort {
		kept = fmt.Sprintf("%d files (the last one cut short) and %d URLs read so far are kept", sum.Files+1, sum.URLs)
	}
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		r.log.Warn("job taken over by another worker; stopping it here")
		return store.Outcome{}
	case err != nil && r.ctx.Err() != nil:
		return store.Outcome{Status: store.StatusInterrupted, MaxPagesReached: sum.MaxPagesReached,
			Error: ptr("interrupted: the scanner shut down; " + kept)}
	case err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return failed(fmt.Sprintf("timed out after %s; %s", r.cfg.JobTimeout, kept))
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
	r.unrecorded[job.JobID] = true
	r.mu.Unlock()
	return lj
}

// recorded notes that a job's outcome no longer needs this process: it is
// written, the job was taken over, or the reaper will resume it.
func (r *Runner) recorded(id uuid.UUID) {
	r.mu.Lock()
	delete(r.unrecorded, id)
	r.mu.Unlock()
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
