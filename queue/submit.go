package queue

import (
	"context"
	"math"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/sweep"
	"github.com/riverqueue/river"
)

// PartArgs are the arguments of a River job computing a part of a run.
type PartArgs struct {
	Run  int64 `json:"run"`
	Part int   `json:"part"`
}

// Kind is the River job kind of parts.
func (PartArgs) Kind() string { return "jirga.part" }

// Plan returns the number of iterations of run's loop on the scenario
// version s (0 without a loop) and the number of parts Submit cuts it
// into: as many as make each take about Config.PartTime of CPU by the
// kind's cost estimate, at most Config.MaxParts and one per iteration.
func (q *Queue) Plan(s *jirga.Scenario, run *jirga.RunRecord) (size, parts int, err error) {
	return plan(s, run, q.cfg.PartTime, q.cfg.MaxParts)
}

func plan(s *jirga.Scenario, run *jirga.RunRecord, partTime time.Duration, maxParts int) (size, parts int, err error) {
	size, err = kinds.Size(s, run)
	if err != nil {
		return 0, 0, err
	}
	kd, err := kinds.Lookup(run.Kind)
	if err != nil {
		return 0, 0, err
	}
	if size < 2 || kd.Cost == nil {
		return size, 1, nil
	}
	st, err := kinds.State(s, run)
	if err != nil {
		return 0, 0, err
	}
	n := int(math.Ceil(kd.Cost(st, run).Seconds / partTime.Seconds()))
	return size, max(1, min(n, maxParts, size)), nil
}

// Submit stores run as queued on its scenario version sv, cut into parts
// (see Plan), with the parts' jobs, in one transaction: the run is stored
// with its jobs or not at all. It sets run's ID, Version, Status, Parts and
// CreatedAt. Beyond Config.MaxQueue runs not finished it stores nothing and
// returns ErrBusy.
func (q *Queue) Submit(ctx context.Context, run *jirga.RunRecord, sv *jirga.ScenarioVersion) error {
	size, n, err := q.Plan(sv.Scenario, run)
	if err != nil {
		return err
	}
	run.Version, run.Status, run.Parts = sv.Version, jirga.RunQueued, n
	err = q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		unfinished, err := q.db.AdmitRun(ctx, tq)
		if err != nil {
			return err
		}
		if unfinished >= q.cfg.MaxQueue {
			return ErrBusy
		}
		if err := q.db.CreateRunTx(ctx, tq, run); err != nil {
			return err
		}
		return q.insertParts(ctx, tq, j, run.ID, size, n, 0)
	})
	if err != nil {
		if err != ErrBusy && jirga.ErrorCode(err) == jirga.EINTERNAL {
			q.storeError("submit run", err)
		}
		return err
	}
	q.log.Info("run queued", "run", run.ID, "parts", n)
	return nil
}

// insertParts inserts the n parts of run, whose loop has size iterations,
// each restarted restarts times already, and their jobs.
func (q *Queue) insertParts(ctx context.Context, tq sqlstore.Querier, j jobs, run int64, size, n, restarts int) error {
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: PartArgs{Run: run, Part: i}, InsertOpts: &river.InsertOpts{Queue: Name}}
	}
	ids, err := j.insert(ctx, params)
	if err != nil {
		return err
	}
	for i := range n {
		lo, hi := 0, max(size, 1)
		if n > 1 {
			lo, hi = sweep.Split(size, n, i)
		}
		if err := q.db.InsertPart(ctx, tq, &sqlstore.Part{Run: run, Index: i, Lo: lo, Hi: hi, Status: jirga.RunQueued, JobID: ids[i], Restarts: restarts}); err != nil {
			return err
		}
	}
	return nil
}

// newJob inserts a job computing part p and records it on p (stored by
// the caller).
func (q *Queue) newJob(ctx context.Context, j jobs, p *sqlstore.Part) error {
	ids, err := j.insert(ctx, []river.InsertManyParams{{Args: PartArgs{Run: p.Run, Part: p.Index}, InsertOpts: &river.InsertOpts{Queue: Name}}})
	if err != nil {
		return err
	}
	p.JobID, p.Attempt, p.Worker = ids[0], 0, ""
	return nil
}

// Cancel cancels run id from any process: it is stored canceled at once
// and its jobs are cancelled; a part running anywhere sees its context
// cancelled. ENOTFOUND for an unknown run, ECONFLICT for one that has
// finished.
func (q *Queue) Cancel(ctx context.Context, id int64) error {
	err := q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		r, err := q.db.LockRun(ctx, tq, id)
		if err != nil {
			return err
		}
		if r.Status.Finished() {
			return jirga.Errorf(jirga.ECONFLICT, "run %d has already finished (%s)", id, r.Status)
		}
		now := time.Now().UTC()
		r.Status, r.Result, r.Error, r.FinishedAt = jirga.RunCanceled, nil, "run canceled", &now
		if _, err := q.db.SetRunStatus(ctx, tq, r); err != nil {
			return err
		}
		return q.stopParts(ctx, tq, j, id, 0)
	})
	if err != nil {
		return err
	}
	q.log.Info("run canceled", "run", id)
	q.finished(id)
	return nil
}

// stopParts marks the parts of run that have not finished canceled and
// cancels their jobs, but job except (the caller's own).
func (q *Queue) stopParts(ctx context.Context, tq sqlstore.Querier, j jobs, run int64, except int64) error {
	parts, err := q.db.FindParts(ctx, tq, run, false)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if p.Status.Finished() {
			continue
		}
		p.Status = jirga.RunCanceled
		if _, err := q.db.UpdatePart(ctx, tq, p, nil); err != nil {
			return err
		}
		if p.JobID != 0 && p.JobID != except {
			if err := j.cancel(ctx, p.JobID); err != nil {
				return err
			}
		}
	}
	return nil
}

// pollWait is how often Wait looks whether a run computed elsewhere has
// finished.
const pollWait = 100 * time.Millisecond

// Wait returns when run id has finished, after d, or when ctx is done,
// whichever comes first.
func (q *Queue) Wait(ctx context.Context, id int64, d time.Duration) {
	if d <= 0 {
		return
	}
	ch := make(chan struct{})
	q.mu.Lock()
	q.waiters[id] = append(q.waiters[id], ch)
	q.mu.Unlock()
	defer q.unsubscribe(id, ch)
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(pollWait)
	defer tick.Stop()
	for {
		select {
		case <-ch:
			return
		case <-t.C:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
			if st, err := q.db.RunStatus(ctx, id); err != nil || st.Finished() {
				return
			}
		}
	}
}

func (q *Queue) unsubscribe(id int64, ch chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	chs := q.waiters[id]
	for i, c := range chs {
		if c == ch {
			q.waiters[id] = append(chs[:i], chs[i+1:]...)
			break
		}
	}
	if len(q.waiters[id]) == 0 {
		delete(q.waiters, id)
	}
}

// finished wakes the waiters of run id.
func (q *Queue) finished(id int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, ch := range q.waiters[id] {
		close(ch)
	}
	delete(q.waiters, id)
}
