package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/kinds"
)

var (
	errShutdown = errors.New("server shutting down")
	errCanceled = errors.New("run canceled")
	errTimeout  = errors.New("run time limit reached")
)

// runnerConfig are the runner's settings (see the Server fields of the same
// names).
type runnerConfig struct {
	workers, maxQueue, maxResumes int
	timeout                       time.Duration
	recoverEvery                  time.Duration
	cacheBytes                    int64
	// admit checks a run against the server's budget before it is
	// computed, so that a run accepted by an earlier server with a larger
	// budget (or none) is failed instead of run.
	admit func(s *jirga.Scenario, run *jirga.RunRecord) error
}

// runner computes runs on a bounded pool of workers. Runs reach it already
// stored as queued; it marks them running, then done, failed or canceled.
//
// A run is accepted atomically: a request reserves a place (reserve), stores
// the run, then turns the place into a queued job (add), which cannot fail
// but at shutdown. A store error never loses a run: the worker puts the run
// back and tries again later, and a final status that cannot be stored is
// retried until it is. Every RecoverEvery the runner also takes up queued
// runs in the store that it does not hold.
type runner struct {
	store   jirga.Store
	cfg     runnerConfig
	cache   *versionCache
	log     *slog.Logger
	ctx     context.Context // canceled with errShutdown by stop
	stopAll context.CancelCauseFunc
	wg      sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond     // signalled when pending grows or stopping is set
	pending  []int64        // queued runs held here, oldest first
	jobs     map[int64]*job // runs queued or running in this process
	reserved int            // places promised to requests storing a run
	stopping bool           // set by stop: queued runs then stay queued
	recover  chan struct{}  // asks the recovery loop to look now
	stopped  chan struct{}  // closed when the recovery loop has ended; nil before it starts
}

// job is a run this process has accepted and not yet finished.
type job struct {
	done     chan struct{}           // closed when the run has finished or was left queued
	cancel   context.CancelCauseFunc // set while a worker computes it
	canceled bool                    // canceled while queued
	retries  int                     // store errors so far, for the back-off
}

func newRunner(store jirga.Store, cfg runnerConfig, log *slog.Logger) *runner {
	ctx, cancel := context.WithCancelCause(context.Background())
	r := &runner{store: store, cfg: cfg, cache: newVersionCache(cfg.cacheBytes), log: log, ctx: ctx, stopAll: cancel,
		jobs: map[int64]*job{}, recover: make(chan struct{}, 1)}
	r.cond = sync.NewCond(&r.mu)
	for range cfg.workers {
		r.wg.Add(1)
		go r.work()
	}
	return r
}

// resume is called once at start. Runs the store holds as running were
// being computed by a server that stopped without finishing them (a
// graceful stop leaves them queued): each is resumed, unless it has been
// resumed maxResumes times already, in which case it is failed with the
// reason, so that a run that kills the server cannot do so forever. Then
// the queued runs are taken up, oldest first, as many as the queue holds,
// and the recovery loop starts.
func (r *runner) resume(ctx context.Context) error {
	running, err := r.listRuns(ctx, jirga.RunRunning)
	if err != nil {
		return fmt.Errorf("resume runs: %w", err)
	}
	for _, run := range running {
		run.Restarts++
		if r.cfg.maxResumes < 0 || run.Restarts > r.cfg.maxResumes {
			now := time.Now().UTC()
			run.Status, run.FinishedAt, run.Result = jirga.RunFailed, &now, nil
			run.Error = fmt.Sprintf("the server stopped %d times while computing this run (it may have run out of memory, or been killed); "+
				"it is not resumed again: try it with fewer actors, draws or rounds, or with the command line", run.Restarts)
			r.log.Warn("run failed after repeated restarts", slog.Int64("run", run.ID), slog.Int("restarts", run.Restarts))
		} else {
			run.Status = jirga.RunQueued
			r.log.Info("resuming a run the server stopped while running", slog.Int64("run", run.ID), slog.Int("restarts", run.Restarts))
		}
		if err := r.store.UpdateRun(ctx, run); err != nil {
			return fmt.Errorf("resume run %d: %w", run.ID, err)
		}
	}
	n, err := r.adoptQueued(ctx)
	if err != nil {
		return fmt.Errorf("resume runs: %w", err)
	}
	if n > 0 {
		r.log.Info("resumed runs", slog.Int("count", n))
	}
	r.stopped = make(chan struct{})
	go r.recoverLoop()
	return nil
}

// listRuns returns every run in status st, newest first.
func (r *runner) listRuns(ctx context.Context, st jirga.RunStatus) ([]*jirga.RunRecord, error) {
	var all []*jirga.RunRecord
	for offset := 0; ; offset += 500 {
		runs, err := r.store.FindRuns(ctx, jirga.RunFilter{Status: st, Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		all = append(all, runs...)
		if len(runs) < 500 {
			return all, nil
		}
	}
}

// adoptQueued takes up the queued runs in the store that this process does
// not hold, oldest first, while the queue has room. It returns how many it
// took.
func (r *runner) adoptQueued(ctx context.Context) (int, error) {
	runs, err := r.listRuns(ctx, jirga.RunQueued)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := len(runs) - 1; i >= 0; i-- {
		switch r.adopt(runs[i].ID) {
		case adopted:
			n++
		case full:
			r.log.Warn("run queue full; queued runs left in the store for later", slog.Int("left", i+1))
			return n, nil
		}
	}
	return n, nil
}

type adoption int

const (
	adopted adoption = iota
	held             // already held here
	full             // no room, or stopping
)

// adopt queues the stored queued run id unless it is held already.
func (r *runner) adopt(id int64) adoption {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.jobs[id]; ok {
		return held
	}
	if r.stopping || len(r.jobs)+r.reserved >= r.cfg.maxQueue {
		return full
	}
	r.queue(id)
	return adopted
}

// queue adds a job for id at the end of the queue; r.mu is held.
func (r *runner) queue(id int64) *job {
	j := &job{done: make(chan struct{})}
	r.jobs[id] = j
	r.pending = append(r.pending, id)
	r.cond.Signal()
	return j
}

// recoverLoop takes up queued runs the runner does not hold, every
// recoverEvery and whenever a worker met a store error, until stop.
func (r *runner) recoverLoop() {
	defer close(r.stopped)
	t := time.NewTicker(r.cfg.recoverEvery)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		case <-r.recover:
		}
		if n, err := r.adoptQueued(r.ctx); err != nil {
			if r.ctx.Err() == nil {
				r.log.Warn("looking for queued runs", slog.Any("err", err))
			}
		} else if n > 0 {
			r.log.Info("took up queued runs from the store", slog.Int("count", n))
		}
	}
}

// reserve promises a place in the queue to a run about to be stored. Every
// successful reserve is followed by add or release.
func (r *runner) reserve() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopping {
		return &httpError{eBusy, "the server is shutting down; try again shortly"}
	}
	if len(r.jobs)+r.reserved >= r.cfg.maxQueue {
		return &httpError{eBusy, fmt.Sprintf("the run queue is full (%d runs); try again shortly", r.cfg.maxQueue)}
	}
	r.reserved++
	return nil
}

// release gives back a place reserved for a run that was not stored.
func (r *runner) release() {
	r.mu.Lock()
	r.reserved--
	r.mu.Unlock()
}

// add turns a reserved place into a queued job for the stored run id and
// returns a channel closed when it has finished (or was left queued at
// shutdown). It returns nil only when the server is shutting down: the run
// then stays queued in the store and resumes on the next start.
func (r *runner) add(id int64) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reserved--
	if j, ok := r.jobs[id]; ok { // taken up by the recovery loop meanwhile
		return j.done
	}
	if r.stopping {
		return nil
	}
	return r.queue(id).done
}

// wait returns the done channel of a run this process holds, or nil.
func (r *runner) wait(id int64) <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j, ok := r.jobs[id]; ok {
		return j.done
	}
	return nil
}

// cancel cancels run id. A queued run is marked canceled at once; a running
// one is canceled and stored canceled by its worker. Returns ENOTFOUND for
// an unknown run and ECONFLICT for one that has finished.
func (r *runner) cancel(ctx context.Context, id int64) error {
	run, err := r.store.FindRun(ctx, id)
	if err != nil {
		return err
	}
	if run.Status.Finished() {
		return jirga.Errorf(jirga.ECONFLICT, "run %d has already finished (%s)", id, run.Status)
	}
	r.mu.Lock()
	j, ok := r.jobs[id]
	if ok && j.cancel != nil {
		j.cancel(errCanceled)
		r.mu.Unlock()
		select {
		case <-j.done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if ok {
		j.canceled = true
	}
	r.mu.Unlock()
	// Queued here, or queued in a store no worker of ours holds.
	now := time.Now().UTC()
	run.Status, run.Error, run.FinishedAt = jirga.RunCanceled, errCanceled.Error(), &now
	return r.store.UpdateRun(ctx, run)
}

// next waits for a queued run and returns it with the context to compute
// it in; ok is false when the runner stops.
func (r *runner) next() (id int64, j *job, ctx context.Context, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		for len(r.pending) == 0 && !r.stopping {
			r.cond.Wait()
		}
		if r.stopping {
			return 0, nil, nil, false
		}
		id = r.pending[0]
		r.pending = r.pending[1:]
		j = r.jobs[id]
		if !j.canceled {
			break
		}
		// Canceled while queued: the canceler stored it.
		delete(r.jobs, id)
		close(j.done)
	}
	ctx, cancel := context.WithCancelCause(r.ctx)
	j.cancel = cancel
	return id, j, ctx, true
}

func (r *runner) work() {
	defer r.wg.Done()
	for {
		id, j, ctx, ok := r.next()
		if !ok {
			return
		}
		retry := r.execute(ctx, id)
		r.mu.Lock()
		j.cancel(nil)
		j.cancel = nil
		r.mu.Unlock()
		if retry && r.requeue(id, j) {
			continue
		}
		r.finish(id, j)
	}
}

// requeue puts run id back in the queue after a store error, once a
// back-off has passed (100 ms, doubling to 10 s), and asks the recovery
// loop to look for other runs the error left behind. It returns false when
// the runner stops or the run was canceled meanwhile.
func (r *runner) requeue(id int64, j *job) bool {
	j.retries++
	select {
	case <-time.After(backoff(j.retries)):
	case <-r.ctx.Done():
		return false
	}
	select {
	case r.recover <- struct{}{}:
	default:
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopping || j.canceled {
		return false
	}
	r.pending = append(r.pending, id)
	r.cond.Signal()
	return true
}

func backoff(attempt int) time.Duration {
	return min(100*time.Millisecond<<min(attempt-1, 10), 10*time.Second)
}

func (r *runner) finish(id int64, j *job) {
	r.mu.Lock()
	delete(r.jobs, id)
	r.mu.Unlock()
	close(j.done)
}

// execute computes run id and stores its outcome. It returns true when a
// store error kept it from starting: the run is then still queued (or
// running) in the store and must be tried again.
func (r *runner) execute(ctx context.Context, id int64) (retry bool) {
	// Store writes use a context that outlives cancellation of the run.
	sctx := context.WithoutCancel(ctx)
	run, err := r.store.FindRun(sctx, id)
	if jirga.ErrorCode(err) == jirga.ENOTFOUND {
		return false
	} else if err != nil {
		return true
	}
	if run.Status.Finished() {
		return false
	}
	now := func() *time.Time { t := time.Now().UTC(); return &t }
	if run.Damaged != "" {
		run.Status, run.Result, run.FinishedAt = jirga.RunFailed, nil, now()
		run.Error = "the run's record is damaged in the database (" + run.Damaged + "); it cannot be computed"
		r.save(run)
		return false
	}
	sv, loadErr := r.cache.find(sctx, r.store, run.ScenarioID, run.Version)
	if loadErr != nil && jirga.ErrorCode(loadErr) == jirga.EINTERNAL {
		return true
	}
	run.Status = jirga.RunRunning
	if err := r.store.UpdateRun(sctx, run); err != nil {
		return true
	}
	result, err := r.run(ctx, sv, loadErr, run)
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errShutdown):
		// Leave it queued for the next start.
		run.Status, run.Result, run.Error, run.FinishedAt = jirga.RunQueued, nil, "", nil
	case errors.Is(cause, errCanceled):
		run.Status, run.Result, run.Error, run.FinishedAt = jirga.RunCanceled, nil, errCanceled.Error(), now()
	case err != nil:
		run.Status, run.Result, run.Error, run.FinishedAt = jirga.RunFailed, nil, clip(err.Error(), 4000), now()
		if jirga.ErrorCode(err) == jirga.EINTERNAL {
			r.log.Error("run failed", slog.Int64("run", id), slog.Any("err", err))
		}
	default:
		run.Status, run.Result, run.FinishedAt = jirga.RunDone, result, now()
	}
	r.save(run)
	return false
}

// run computes run on the loaded scenario version sv (loadErr when it could
// not be loaded), after checking it against the budget, within the time
// limit.
func (r *runner) run(ctx context.Context, sv *jirga.ScenarioVersion, loadErr error, run *jirga.RunRecord) (json.RawMessage, error) {
	if loadErr != nil {
		return nil, loadErr
	}
	if r.cfg.admit != nil {
		if err := r.cfg.admit(sv.Scenario, run); err != nil {
			return nil, err
		}
	}
	cctx, stop := context.WithTimeoutCause(ctx, r.cfg.timeout, errTimeout)
	defer stop()
	result, err := kinds.Compute(cctx, sv.Scenario, run, nil)
	if err != nil && errors.Is(context.Cause(cctx), errTimeout) {
		err = jirga.Errorf(jirga.EINVALID, "stopped after running for %v, the server's limit per run (jirga serve --max-run-time); try fewer actors, draws or rounds", r.cfg.timeout)
	}
	return result, err
}

// save stores run's outcome, trying again with a back-off until the store
// takes it or the runner stops (the run is then resumed on the next start).
func (r *runner) save(run *jirga.RunRecord) {
	for attempt := 1; ; attempt++ {
		err := r.store.UpdateRun(context.Background(), run)
		if err == nil || jirga.ErrorCode(err) == jirga.ENOTFOUND {
			return
		}
		r.log.Warn("storing a run's outcome failed; trying again", slog.Int64("run", run.ID), slog.Int("attempt", attempt))
		select {
		case <-time.After(backoff(attempt)):
		case <-r.ctx.Done():
			return
		}
	}
}

// stop stops taking runs, lets running runs finish for up to grace, then
// cancels them; they, and every run still queued, stay queued in the store.
func (r *runner) stop(grace time.Duration) {
	r.mu.Lock()
	r.stopping = true
	r.cond.Broadcast()
	r.mu.Unlock()
	// Wait for the running jobs only: queued ones stay queued.
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		running := 0
		for _, j := range r.jobs {
			if j.cancel != nil {
				running++
			}
		}
		r.mu.Unlock()
		if running == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.stopAll(errShutdown)
	r.wg.Wait()
	if r.stopped != nil {
		<-r.stopped
	}
	// Release waiters of the runs left queued.
	r.mu.Lock()
	for id, j := range r.jobs {
		delete(r.jobs, id)
		close(j.done)
	}
	r.mu.Unlock()
}
