package queue

import (
	"context"
	"errors"
	"time"

	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// Worker is a live process computing runs, as GET /api/workers lists it:
// its record (its id is its River client id: role, host, process id and a
// random suffix) and what it does now.
type Worker struct {
	sqlstore.Worker
	// Leader marks the worker River elected to run its maintenance (the
	// rescue of stuck jobs, retries, cleaning).
	Leader bool `json:"leader,omitempty"`
	// Self marks the process that answers.
	Self bool `json:"self,omitempty"`
	// Running are the parts it computes now.
	Running []RunningPart `json:"running"`
}

// RunningPart is a part a worker computes.
type RunningPart struct {
	Run  int64 `json:"run"`
	Part int   `json:"part"`
	Job  int64 `json:"job"`
}

// Workers returns the live workers on the database: those whose last
// heartbeat is within Config.WorkerTimeout.
func (q *Queue) Workers(ctx context.Context) ([]*Worker, error) {
	ws, err := q.db.Workers(ctx, time.Now().Add(-q.cfg.WorkerTimeout))
	if err != nil {
		return nil, err
	}
	running, err := q.db.RunningParts(ctx)
	if err != nil {
		return nil, err
	}
	leader, _ := q.leader(ctx)
	out := []*Worker{}
	for _, w := range ws {
		x := &Worker{Worker: *w, Leader: w.ID == leader, Self: w.ID == q.id, Running: []RunningPart{}}
		for _, p := range running[w.ID] {
			x.Running = append(x.Running, RunningPart{Run: p.Run, Part: p.Index, Job: p.JobID})
		}
		out = append(out, x)
	}
	return out, nil
}

// leader returns the id of River's elected leader, "" when there is none.
func (q *Queue) leader(ctx context.Context) (string, error) {
	l, err := q.b.executor().LeaderGetElectedLeader(ctx, &riverdriver.LeaderGetElectedLeaderParams{})
	if errors.Is(err, rivertype.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	return l.LeaderID, nil
}

// Health is the state of the queue, as /healthz reports it.
type Health struct {
	// Worker is this process's worker id; Leader River's elected leader.
	Worker string `json:"worker"`
	Leader string `json:"leader,omitempty"`
	// Workers counts the live workers on the database.
	Workers int `json:"workers"`
	// Queued and Running count the runs not finished.
	Queued  int `json:"queued"`
	Running int `json:"running"`
	// Jobs counts River's jobs by state (available, running, retryable,
	// scheduled, and the finished ones River keeps a while).
	Jobs map[string]int `json:"jobs"`
}

// Health returns the state of the queue; an error when the database does
// not answer.
func (q *Queue) Health(ctx context.Context) (*Health, error) {
	h := &Health{Worker: q.id, Jobs: map[string]int{}}
	var err error
	if h.Queued, h.Running, err = q.db.CountUnfinished(ctx); err != nil {
		return nil, err
	}
	ws, err := q.db.Workers(ctx, time.Now().Add(-q.cfg.WorkerTimeout))
	if err != nil {
		return nil, err
	}
	h.Workers = len(ws)
	counts, err := q.b.executor().JobCountByAllStates(ctx, &riverdriver.JobCountByAllStatesParams{})
	if err != nil {
		return nil, err
	}
	for st, n := range counts {
		if n > 0 {
			h.Jobs[string(st)] = n
		}
	}
	if h.Leader, err = q.leader(ctx); err != nil {
		return nil, err
	}
	return h, nil
}
