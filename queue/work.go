package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/jirga/jirga/kinds"
	"github.com/riverqueue/river"
)

// partWorker is River's worker of parts.
type partWorker struct {
	river.WorkerDefaults[PartArgs]
	q *Queue
}

func (w *partWorker) Work(ctx context.Context, job *river.Job[PartArgs]) error {
	return w.q.work(ctx, job.ID, job.Attempt, job.Args)
}

// attempt is one attempt at computing a part: River's job and attempt, the
// run, the part as this attempt started it and its execution record.
type attempt struct {
	job  int64
	n    int
	run  *jirga.RunRecord
	part *sqlstore.Part
	exec int64
	log  *slog.Logger
}

// outcome is what an attempt ends with: a result, a failure of the
// computation (err: the run fails with the error of its first failed
// part), or a reason to fail the run at once (abort).
type outcome struct {
	result json.RawMessage
	err    error
	abort  string
}

// work runs one attempt of the job computing part a. It returns an error
// only when the store failed before the part started (River then tries
// again after a back-off) or when the part was handed back or canceled.
func (q *Queue) work(ctx context.Context, job int64, n int, a PartArgs) error {
	log := q.log.With(slog.Int64("run", a.Run), slog.Int("part", a.Part), slog.Int64("job", job), slog.Int("attempt", n))
	sctx := context.WithoutCancel(ctx) // store writes outlive a cancelled run
	run, err := q.store.FindRun(sctx, a.Run)
	if jirga.ErrorCode(err) == jirga.ENOTFOUND {
		log.Warn("the job's run does not exist; nothing to compute")
		return nil
	} else if err != nil {
		return err
	}
	if run.Status.Finished() {
		return nil
	}
	// What the attempt needs before it starts: the scenario, and for a
	// merge the parts. A store error now leaves nothing to undo.
	var s *jirga.Scenario
	var problem error
	if run.Damaged != "" {
		problem = jirga.Errorf(jirga.EINVALID, "the run's record is damaged in the database (%s); it cannot be computed", run.Damaged)
	} else if sv, err := q.cache.Find(sctx, q.store, run.ScenarioID, run.Version); jirga.ErrorCode(err) == jirga.EINTERNAL {
		return err
	} else if err != nil {
		problem = err
	} else {
		s = sv.Scenario
	}
	if problem == nil && q.cfg.Admit != nil {
		st, err := kinds.State(s, run)
		if err == nil {
			err = q.cfg.Admit(st, run)
		}
		problem = err
	}
	var merged []json.RawMessage
	if a.Part == sqlstore.MergePart && problem == nil {
		parts, err := q.db.FindParts(sctx, sqlstore.SQL(q.db.SQL()), a.Run, true)
		if err != nil {
			return err
		}
		for _, p := range parts {
			if p.Index >= 0 {
				merged = append(merged, p.Result)
			}
		}
	}

	at := &attempt{job: job, n: n, run: run, log: log}
	started, err := q.start(sctx, at, a, problem)
	if err != nil {
		q.storeError("start a part", err)
		return err
	}
	if !started {
		return nil
	}

	res, cerr := q.compute(ctx, at, s, merged)
	switch {
	case cerr == nil:
		q.settle(at, outcome{result: res})
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely):
		q.finishExecution(at, "canceled")
		log.Info("part canceled")
		return context.Cause(ctx)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		what := "the run"
		if run.Parts > 1 {
			what = fmt.Sprintf("part %d of the run's %d", a.Part+1, run.Parts)
			if a.Part == sqlstore.MergePart {
				what = "the merge of the run's parts"
			}
		}
		q.settle(at, outcome{abort: fmt.Sprintf("%s stopped after running for %v, the server's limit per run (jirga serve --max-run-time); try fewer actors, draws or rounds", what, q.cfg.MaxRunTime)})
	case ctx.Err() != nil:
		// The process is stopping: another takes the part.
		q.handBack(at)
		return ctx.Err()
	default:
		if jirga.ErrorCode(cerr) == jirga.EINTERNAL {
			log.Error("part failed", slog.Any("err", cerr))
		}
		q.settle(at, outcome{err: cerr})
	}
	return nil
}

// start marks the part running in this attempt and records the execution,
// in one transaction. It reports false when there is nothing to compute:
// the run has finished, another job computes the part, or the run failed
// now (problem, or a part whose workers keep dying).
func (q *Queue) start(ctx context.Context, at *attempt, a PartArgs, problem error) (bool, error) {
	started, ended := false, false
	err := q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		started, ended = false, false
		r, err := q.db.LockRun(ctx, tq, at.run.ID)
		if jirga.ErrorCode(err) == jirga.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if r.Status.Finished() {
			return nil
		}
		p, err := q.db.FindPart(ctx, tq, a.Run, a.Part)
		if jirga.ErrorCode(err) == jirga.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if p.JobID != at.job || p.Status.Finished() {
			at.log.Info("the part is computed by another job or has finished; nothing to do", slog.Int64("part_job", p.JobID), slog.String("status", string(p.Status)))
			return nil
		}
		if problem != nil {
			ended = true
			return q.failRun(ctx, tq, j, r, problem.Error(), at.job)
		}
		if p.Status == jirga.RunRunning {
			// The attempt that marked it running never finished it: its
			// worker died (River rescued the job).
			p.Restarts++
			r.Restarts++
			if q.cfg.MaxResumes < 0 || p.Restarts > q.cfg.MaxResumes {
				ended = true
				at.log.Warn("run failed after repeated restarts", slog.Int("restarts", p.Restarts))
				return q.failRun(ctx, tq, j, r, restartsMessage(p.Restarts), at.job)
			}
			at.log.Warn("taking up a part whose worker stopped while computing it", slog.Int("restarts", p.Restarts))
		}
		p.Status, p.Attempt, p.Worker = jirga.RunRunning, at.n, q.id
		if _, err := q.db.UpdatePart(ctx, tq, p, nil); err != nil {
			return err
		}
		r.Status = jirga.RunRunning
		if _, err := q.db.SetRunStatus(ctx, tq, r); err != nil {
			return err
		}
		e := &sqlstore.Execution{Run: a.Run, Part: a.Part, Worker: q.id, JobID: at.job, Attempt: at.n}
		if err := q.db.StartExecution(ctx, tq, e); err != nil {
			return err
		}
		at.part, at.exec, started = p, e.ID, true
		return nil
	})
	if err != nil {
		return false, err
	}
	if ended {
		q.finished(at.run.ID)
	}
	if started {
		at.log.Info("part started", slog.Int("from", at.part.Lo), slog.Int("to", at.part.Hi), slog.Int("parts", at.run.Parts))
	}
	return started, nil
}

func restartsMessage(n int) string {
	return fmt.Sprintf("the server stopped %d times while computing this run (it may have run out of memory, or been killed); "+
		"it is not resumed again: try it with fewer actors, draws or rounds, or with the command line", n)
}

// compute computes the attempt's part on s: the whole run for a run of
// one part, a range of its loop, or the merge of the parts' results. A
// panic is an internal error, not a crash of the process.
func (q *Queue) compute(ctx context.Context, at *attempt, s *jirga.Scenario, merged []json.RawMessage) (res json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			at.log.Error("panic computing a part", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			res, err = nil, jirga.Errorf(jirga.EINTERNAL, "internal error computing the run: %v", p)
		}
	}()
	p, run := at.part, at.run
	progress := q.progress(p)
	switch {
	case p.Index == sqlstore.MergePart:
		return kinds.Merge(s, run, merged)
	case run.Parts <= 1:
		return kinds.Compute(ctx, s, run, progress)
	default:
		return kinds.Part(ctx, s, run, p.Lo, p.Hi, progress)
	}
}

// progressEvery is how often a part's progress is stored.
const progressEvery = time.Second

// progress returns a function storing p's progress at most every
// progressEvery.
func (q *Queue) progress(p *sqlstore.Part) func(done, total int) {
	var last time.Time
	return func(done, _ int) {
		if time.Since(last) < progressEvery {
			return
		}
		last = time.Now()
		if err := q.db.SetProgress(context.Background(), p, done); err != nil {
			q.storeError("store progress", err)
		}
	}
}

// settle stores the outcome of an attempt and what follows from it, in one
// transaction, trying again with a back-off until the store takes it or
// the process stops (the part is then taken over as if its worker died).
func (q *Queue) settle(at *attempt, o outcome) {
	for try := 1; ; try++ {
		ended, err := q.settleOnce(context.Background(), at, o)
		if err == nil {
			if ended {
				q.finished(at.run.ID)
			}
			return
		}
		q.storeError("store a part's outcome", err)
		select {
		case <-time.After((&backoff{base: 100 * time.Millisecond}).delay(try)):
		case <-q.ctx.Done():
			return
		}
	}
}

// settleOnce stores the outcome: the part done or failed, if this attempt
// still holds it; then, for a run of one part or a merge, the run's result
// or failure; for a part of many, the run's failure when a part failed and
// every part before it is done (so that the error is the first failing
// iteration's, whatever the order the parts finished in), or the merge's
// job when all are done. It reports whether the run ended.
func (q *Queue) settleOnce(ctx context.Context, at *attempt, o outcome) (ended bool, err error) {
	err = q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		ended = false
		r, err := q.db.LockRun(ctx, tq, at.run.ID)
		if err != nil {
			return err
		}
		p := *at.part
		p.Status = jirga.RunDone
		whole := p.Index == sqlstore.MergePart || r.Parts <= 1
		switch {
		case o.abort != "":
			p.Status, p.Error = jirga.RunFailed, o.abort
		case o.err != nil:
			p.Status, p.Error = jirga.RunFailed, clip(o.err.Error(), 4000)
		default:
			p.Done = p.Hi - p.Lo
			if !whole {
				p.Result = o.result
			}
		}
		ok, err := q.db.UpdatePart(ctx, tq, &p, at.part)
		if err != nil {
			return err
		}
		outcome := string(p.Status)
		if !ok {
			outcome = "superseded"
			if r.Status == jirga.RunCanceled {
				outcome = "canceled"
			}
		}
		if err := q.db.FinishExecution(ctx, tq, at.exec, outcome); err != nil {
			return err
		}
		if !ok || r.Status.Finished() {
			at.log.Info("part ended after its run or another attempt", slog.String("outcome", outcome))
			return nil
		}
		at.log.Info("part ended", slog.String("outcome", outcome))
		now := time.Now().UTC()
		switch {
		case o.abort != "":
			ended = true
			return q.failRun(ctx, tq, j, r, o.abort, at.job)
		case whole:
			ended = true
			r.FinishedAt = &now
			if o.err != nil {
				r.Status, r.Error, r.Result = jirga.RunFailed, p.Error, nil
			} else {
				r.Status, r.Error, r.Result = jirga.RunDone, "", o.result
			}
			if _, err := q.db.SetRunStatus(ctx, tq, r, jirga.RunQueued, jirga.RunRunning); err != nil {
				return err
			}
			if p.Index == sqlstore.MergePart {
				return q.db.ClearResults(ctx, tq, r.ID)
			}
			return nil
		}
		parts, err := q.db.FindParts(ctx, tq, r.ID, false)
		if err != nil {
			return err
		}
		if o.err != nil {
			// The parts after a failed one cannot change the outcome.
			for _, x := range parts {
				if x.Index > p.Index && !x.Status.Finished() {
					x.Status = jirga.RunCanceled
					if _, err := q.db.UpdatePart(ctx, tq, x, nil); err != nil {
						return err
					}
					if x.JobID != 0 {
						if err := j.cancel(ctx, x.JobID); err != nil {
							return err
						}
					}
				}
			}
		}
		all := true
		for _, x := range parts {
			switch {
			case x.Index == sqlstore.MergePart:
				return nil // merged already, or being merged
			case x.Status == jirga.RunFailed && all:
				ended = true
				return q.failRun(ctx, tq, j, r, x.Error, at.job)
			case x.Status != jirga.RunDone:
				all = false
			}
		}
		if !all {
			return nil
		}
		m := &sqlstore.Part{Run: r.ID, Index: sqlstore.MergePart, Status: jirga.RunQueued}
		if err := q.newJob(ctx, j, m); err != nil {
			return err
		}
		at.log.Info("every part is done; merging")
		return q.db.InsertPart(ctx, tq, m)
	})
	return ended, err
}

// failRun stores run r failed with msg and stops its other parts.
func (q *Queue) failRun(ctx context.Context, tq sqlstore.Querier, j jobs, r *jirga.RunRecord, msg string, except int64) error {
	now := time.Now().UTC()
	r.Status, r.Result, r.Error, r.FinishedAt = jirga.RunFailed, nil, clip(msg, 4000), &now
	if _, err := q.db.SetRunStatus(ctx, tq, r, jirga.RunQueued, jirga.RunRunning); err != nil {
		return err
	}
	q.log.Info("run failed", slog.Int64("run", r.ID), slog.String("err", r.Error))
	return q.stopParts(ctx, tq, j, r.ID, except)
}

// handBack queues the attempt's part again when the process stops: it is
// computed again by whichever process takes its job, which River makes
// available at once without counting an attempt. The run is queued again
// when none of its parts is running or done.
func (q *Queue) handBack(at *attempt) {
	ctx := context.Background()
	err := q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		r, err := q.db.LockRun(ctx, tq, at.run.ID)
		if err != nil {
			return err
		}
		p := *at.part
		p.Status, p.Worker = jirga.RunQueued, ""
		ok, err := q.db.UpdatePart(ctx, tq, &p, at.part)
		if err != nil {
			return err
		}
		if err := q.db.FinishExecution(ctx, tq, at.exec, "handed back"); err != nil || !ok || r.Status != jirga.RunRunning {
			return err
		}
		parts, err := q.db.FindParts(ctx, tq, r.ID, false)
		if err != nil {
			return err
		}
		for _, x := range parts {
			if x.Status == jirga.RunRunning || x.Status == jirga.RunDone {
				return nil
			}
		}
		r.Status = jirga.RunQueued
		_, err = q.db.SetRunStatus(ctx, tq, r, jirga.RunRunning)
		return err
	})
	if err != nil {
		q.storeError("hand back a part", err)
		return
	}
	at.log.Info("part handed back at shutdown")
}

// finishExecution records the outcome of an attempt that stores nothing
// else.
func (q *Queue) finishExecution(at *attempt, outcome string) {
	err := q.b.tx(context.Background(), func(tq sqlstore.Querier, _ jobs) error {
		return q.db.FinishExecution(context.Background(), tq, at.exec, outcome)
	})
	if err != nil {
		q.storeError("record an execution", err)
	}
}

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
