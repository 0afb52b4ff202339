package queue

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/sqlstore"
)

// Recover looks now for runs and parts that no live job computes (see the
// package documentation) and takes them up.
func (q *Queue) Recover(ctx context.Context) { q.recoverOnce(ctx) }

func (q *Queue) recoverOnce(ctx context.Context) {
	ids, err := q.db.RunsWithoutParts(ctx, 100)
	if err != nil {
		q.storeError("find runs without parts", err)
		return
	}
	for _, id := range ids {
		if err := q.adopt(ctx, id); err != nil {
			q.storeError("take up a run", err)
			return
		}
	}
	stranded, err := q.db.StrandedParts(ctx, time.Now().Add(-q.cfg.WorkerTimeout), 500)
	if err != nil {
		q.storeError("find stranded parts", err)
		return
	}
	for _, s := range stranded {
		if err := q.rescue(ctx, s); err != nil {
			q.storeError("take up a part", err)
			return
		}
	}
}

// adopt gives parts and jobs to run id, stored without them (by
// Store.CreateRun alone, or by a server from before parts). A run found
// running was left so by a server that died: it counts as a restart.
func (q *Queue) adopt(ctx context.Context, id int64) error {
	log := q.log.With(slog.Int64("run", id))
	run, err := q.store.FindRun(ctx, id)
	if jirga.ErrorCode(err) == jirga.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	size, n := 0, 1
	var problem error
	if run.Damaged != "" {
		problem = jirga.Errorf(jirga.EINVALID, "the run's record is damaged in the database (%s); it cannot be computed", run.Damaged)
	} else if sv, err := q.cache.Find(ctx, q.store, run.ScenarioID, run.Version); jirga.ErrorCode(err) == jirga.EINTERNAL {
		return err
	} else if err != nil {
		problem = err
	} else if size, n, err = q.Plan(sv.Scenario, run); err != nil {
		problem = err
	}
	ended := false
	err = q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		ended = false
		r, err := q.db.LockRun(ctx, tq, id)
		if jirga.ErrorCode(err) == jirga.ENOTFOUND {
			return nil
		} else if err != nil || r.Status.Finished() {
			return err
		}
		if parts, err := q.db.FindParts(ctx, tq, id, false); err != nil || len(parts) > 0 {
			return err // taken up meanwhile
		}
		if problem != nil {
			ended = true
			return q.failRun(ctx, tq, j, r, problem.Error(), 0)
		}
		if r.Status == jirga.RunRunning {
			r.Restarts++
			if q.cfg.MaxResumes < 0 || r.Restarts > q.cfg.MaxResumes {
				ended = true
				log.Warn("run failed after repeated restarts", slog.Int("restarts", r.Restarts))
				return q.failRun(ctx, tq, j, r, restartsMessage(r.Restarts), 0)
			}
			log.Warn("resuming a run left running by a server that stopped", slog.Int("restarts", r.Restarts))
		}
		if err := q.insertParts(ctx, tq, j, id, size, n, r.Restarts); err != nil {
			return err
		}
		if err := q.db.SetParts(ctx, tq, id, n); err != nil {
			return err
		}
		r.Status = jirga.RunQueued
		_, err = q.db.SetRunStatus(ctx, tq, r)
		return err
	})
	if err == nil {
		if ended {
			q.finished(id)
		} else {
			log.Info("took up a queued run", slog.Int("parts", n))
		}
	}
	return err
}

// rescue takes up a part that no live job computes: a part whose worker
// died is taken over by a new job (its old one cancelled), as a restart; a
// part without a job, or whose job River completed without it, gets a new
// one; a part whose job River gave up on or that was cancelled outside
// jirga fails its run.
func (q *Queue) rescue(ctx context.Context, s *sqlstore.Stranded) error {
	log := q.log.With(slog.Int64("run", s.Run), slog.Int("part", s.Index), slog.Int64("job", s.JobID))
	var gaveUp string
	if s.JobState == "discarded" && !s.WorkerDead {
		gaveUp = "River gave up on the run's job"
		if job, err := q.b.job(ctx, s.JobID); err == nil && len(job.Errors) > 0 {
			last := job.Errors[len(job.Errors)-1]
			gaveUp = fmt.Sprintf("%s after %d attempts; the last failed with: %s", gaveUp, job.Attempt, last.Error)
		}
	}
	ended := false
	err := q.b.tx(ctx, func(tq sqlstore.Querier, j jobs) error {
		ended = false
		r, err := q.db.LockRun(ctx, tq, s.Run)
		if jirga.ErrorCode(err) == jirga.ENOTFOUND {
			return nil
		} else if err != nil || r.Status.Finished() {
			return err
		}
		p, err := q.db.FindPart(ctx, tq, s.Run, s.Index)
		if err != nil {
			return err
		}
		if p.JobID != s.JobID || p.Status != s.Status || p.Attempt != s.Attempt || p.Worker != s.Worker {
			return nil // it moved on meanwhile
		}
		switch {
		case s.WorkerDead:
			p.Restarts++
			r.Restarts++
			if q.cfg.MaxResumes < 0 || p.Restarts > q.cfg.MaxResumes {
				ended = true
				log.Warn("run failed after repeated restarts", slog.Int("restarts", p.Restarts))
				return q.failRun(ctx, tq, j, r, restartsMessage(p.Restarts), 0)
			}
			log.Warn("taking over a part whose worker stopped", slog.String("dead_worker", p.Worker), slog.Int("restarts", p.Restarts))
			if _, err := q.db.SetRunStatus(ctx, tq, r); err != nil {
				return err
			}
			if p.JobID != 0 {
				if err := j.cancel(ctx, p.JobID); err != nil {
					return err
				}
			}
		case gaveUp != "":
			ended = true
			return q.failRun(ctx, tq, j, r, gaveUp, 0)
		case s.JobState == "cancelled":
			ended = true
			return q.failRun(ctx, tq, j, r, "the run's job was cancelled outside jirga", 0)
		default:
			log.Info("giving a part without a live job a new one", slog.String("job_state", s.JobState))
		}
		p.Status = jirga.RunQueued
		if err := q.newJob(ctx, j, p); err != nil {
			return err
		}
		_, err = q.db.UpdatePart(ctx, tq, p, nil)
		return err
	})
	if err == nil && ended {
		q.finished(s.Run)
	}
	return err
}
