package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jirga/jirga"
)

var (
	errShutdown = errors.New("server shutting down")
	errCanceled = errors.New("run canceled")
)

// runner computes runs on a bounded pool of workers. Runs reach it already
// stored as queued; it marks them running, then done, failed or canceled.
type runner struct {
	store   jirga.Store
	cache   *versionCache
	log     *slog.Logger
	queue   chan int64
	ctx     context.Context
	stopAll context.CancelCauseFunc
	wg      sync.WaitGroup

	mu   sync.Mutex
	jobs map[int64]*job // runs queued or running in this process
	// stopping is set once stop is called; queued runs are then left queued.
	stopping bool
}

// job is a run this process has accepted and not yet finished.
type job struct {
	done     chan struct{} // closed when the run has finished or was left queued
	cancel   context.CancelCauseFunc
	canceled bool // canceled while queued
}

func newRunner(store jirga.Store, workers, maxQueue int, log *slog.Logger) *runner {
	ctx, cancel := context.WithCancelCause(context.Background())
	r := &runner{store: store, cache: newVersionCache(64), log: log, queue: make(chan int64, maxQueue), ctx: ctx, stopAll: cancel, jobs: map[int64]*job{}}
	for range workers {
		r.wg.Add(1)
		go r.work()
	}
	return r
}

// resume enqueues the runs the store holds as queued or running: runs left
// by a server that stopped before computing them.
func (r *runner) resume(ctx context.Context) error {
	var ids []int64
	for _, st := range []jirga.RunStatus{jirga.RunRunning, jirga.RunQueued} {
		for offset := 0; ; offset += 500 {
			runs, err := r.store.FindRuns(ctx, jirga.RunFilter{Status: st, Limit: 500, Offset: offset})
			if err != nil {
				return fmt.Errorf("resume runs: %w", err)
			}
			for _, run := range runs {
				ids = append(ids, run.ID)
			}
			if len(runs) < 500 {
				break
			}
		}
	}
	// Oldest first, as many as the queue holds; the rest stay queued in
	// the store for a later start.
	n := 0
	for i := len(ids) - 1; i >= 0; i-- {
		if _, err := r.enqueue(ids[i]); err != nil {
			r.log.Warn("run queue full; runs left queued for a later start", slog.Int("left", i+1))
			break
		}
		n++
	}
	if n > 0 {
		r.log.Info("resumed runs", slog.Int("count", n))
	}
	return nil
}

// reserve reports whether the queue has room for one more run.
func (r *runner) reserve() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopping {
		return &httpError{eBusy, "the server is shutting down; try again shortly"}
	}
	if len(r.jobs) >= cap(r.queue) {
		return &httpError{eBusy, fmt.Sprintf("the run queue is full (%d runs); try again shortly", cap(r.queue))}
	}
	return nil
}

// enqueue queues the stored run id and returns a channel closed when it has
// finished (or was left queued at shutdown).
func (r *runner) enqueue(id int64) (<-chan struct{}, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopping {
		return nil, &httpError{eBusy, "the server is shutting down; the run stays queued and resumes on restart"}
	}
	if j, ok := r.jobs[id]; ok {
		return j.done, nil
	}
	j := &job{done: make(chan struct{})}
	select {
	case r.queue <- id:
	default:
		return nil, &httpError{eBusy, fmt.Sprintf("the run queue is full (%d runs); the run stays queued and resumes on restart", cap(r.queue))}
	}
	r.jobs[id] = j
	return j.done, nil
}

// wait returns the done channel of a run this process is computing, or nil.
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
		<-j.done
		return nil
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

func (r *runner) work() {
	defer r.wg.Done()
	for {
		select {
		case <-r.ctx.Done():
			return
		case id := <-r.queue:
			r.mu.Lock()
			j := r.jobs[id]
			if r.ctx.Err() != nil {
				r.mu.Unlock()
				r.finish(id, j)
				return
			}
			if j.canceled || r.stopping {
				// Canceled while queued, or left queued for the next start.
				r.mu.Unlock()
				r.finish(id, j)
				continue
			}
			ctx, cancel := context.WithCancelCause(r.ctx)
			j.cancel = cancel
			r.mu.Unlock()
			r.execute(ctx, id)
			cancel(nil)
			r.finish(id, j)
		}
	}
}

func (r *runner) finish(id int64, j *job) {
	r.mu.Lock()
	delete(r.jobs, id)
	r.mu.Unlock()
	close(j.done)
}

// execute computes run id and stores its outcome. Store errors are logged:
// the run then stays in its last stored status and resumes on restart.
func (r *runner) execute(ctx context.Context, id int64) {
	// Store writes use a context that outlives cancellation of the run.
	sctx := context.WithoutCancel(ctx)
	run, err := r.store.FindRun(sctx, id)
	if err != nil {
		r.log.Error("load run", slog.Int64("run", id), slog.Any("err", err))
		return
	}
	if run.Status.Finished() {
		return
	}
	run.Status = jirga.RunRunning
	if err := r.store.UpdateRun(sctx, run); err != nil {
		r.log.Error("mark run running", slog.Int64("run", id), slog.Any("err", err))
		return
	}
	result, err := compute(ctx, r.cache, r.store, run)
	now := time.Now().UTC()
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errShutdown):
		// Leave it queued for the next start.
		run.Status, run.Result, run.Error, run.FinishedAt = jirga.RunQueued, nil, "", nil
	case errors.Is(cause, errCanceled):
		run.Status, run.Result, run.Error, run.FinishedAt = jirga.RunCanceled, nil, errCanceled.Error(), &now
	case err != nil:
		run.Status, run.Error, run.FinishedAt = jirga.RunFailed, err.Error(), &now
		if jirga.ErrorCode(err) == jirga.EINTERNAL {
			r.log.Error("run failed", slog.Int64("run", id), slog.Any("err", err))
		}
	default:
		run.Status, run.Result, run.FinishedAt = jirga.RunDone, result, &now
	}
	if err := r.store.UpdateRun(sctx, run); err != nil {
		r.log.Error("store run", slog.Int64("run", id), slog.Any("err", err))
	}
}

// compute loads the run's scenario version and runs its kind. The result is
// compact JSON without HTML escaping, so the same input always gives the
// same bytes.
func compute(ctx context.Context, cache *versionCache, store jirga.Store, run *jirga.RunRecord) (json.RawMessage, error) {
	kd, err := lookupKind(run.Kind)
	if err != nil {
		return nil, err
	}
	sv, err := cache.find(ctx, store, run.ScenarioID, run.Version)
	if err != nil {
		return nil, err
	}
	s, err := kd.state(sv.Scenario, run)
	if err != nil {
		return nil, err
	}
	v, err := kd.run(ctx, s, run)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// stop stops taking runs, lets running runs finish for up to grace, then
// cancels them; they, and every run still queued, stay queued in the store.
func (r *runner) stop(grace time.Duration) {
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
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
		close(done)
	}()
	<-done
	r.stopAll(errShutdown)
	r.wg.Wait()
	// Release waiters of the runs left queued.
	r.mu.Lock()
	for id, j := range r.jobs {
		delete(r.jobs, id)
		close(j.done)
	}
	r.mu.Unlock()
}
