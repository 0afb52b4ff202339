package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/sqlstore"
)

// sqlOf returns the SQL of the backends, or skips the test for a store
// without.
func sqlOf(t *testing.T, s jirga.Store) *sqlstore.DB {
	t.Helper()
	db, ok := s.(interface{ SQLStore() *sqlstore.DB })
	if !ok {
		t.Skip("the store keeps no parts")
	}
	return db.SQLStore()
}

// testParts checks the parts of runs: stored and read in order, updated
// only by the attempt that holds them, summed into the run's progress, and
// found when no job computes them.
func testParts(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	db := sqlOf(t, s)
	q := sqlstore.SQL(db.SQL())
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	r := newRun("alpha", jirga.KindSweep)
	r.Parts = 3
	must(t, s.CreateRun(ctx, r))
	lone := newRun("alpha", jirga.KindForecast)
	must(t, s.CreateRun(ctx, lone))
	if ids, err := db.RunsWithoutParts(ctx, 10); err != nil || len(ids) != 2 {
		t.Fatalf("runs without parts: %v, %v", ids, err)
	}
	for i, rg := range [][2]int{{0, 30}, {30, 60}, {60, 100}} {
		must(t, db.InsertPart(ctx, q, &sqlstore.Part{Run: r.ID, Index: i, Lo: rg[0], Hi: rg[1], Status: jirga.RunQueued, JobID: int64(100 + i)}))
	}
	if ids, err := db.RunsWithoutParts(ctx, 10); err != nil || len(ids) != 1 || ids[0] != lone.ID {
		t.Fatalf("runs without parts: %v, %v; want %d", ids, err, lone.ID)
	}
	got, err := s.FindRun(ctx, r.ID)
	must(t, err)
	if got.Parts != 3 || got.Progress == nil || *got.Progress != (jirga.Progress{Done: 0, Total: 100}) {
		t.Fatalf("run: %d parts, progress %+v", got.Parts, got.Progress)
	}
	if got, _ := s.FindRun(ctx, lone.ID); got.Parts != 1 || got.Progress != nil {
		t.Fatalf("a run without parts: %d parts, progress %+v", got.Parts, got.Progress)
	}
	// An attempt takes part 1; only it can store its outcome.
	p, err := db.FindPart(ctx, q, r.ID, 1)
	must(t, err)
	if p.Lo != 30 || p.Hi != 60 || p.JobID != 101 || p.Status != jirga.RunQueued {
		t.Fatalf("part 1: %+v", p)
	}
	p.Status, p.Attempt, p.Worker = jirga.RunRunning, 2, "w1"
	if ok, err := db.UpdatePart(ctx, q, p, nil); !ok || err != nil {
		t.Fatalf("start part 1: %v, %v", ok, err)
	}
	must(t, db.SetProgress(ctx, p, 12))
	if got, _ := s.FindRun(ctx, r.ID); got.Progress.Done != 12 {
		t.Errorf("progress %+v, want 12 done", got.Progress)
	}
	stale := *p
	stale.Attempt = 1
	done := *p
	done.Status, done.Done, done.Result = jirga.RunDone, 30, []byte(`{"part":1}`)
	if ok, err := db.UpdatePart(ctx, q, &done, &stale); ok || err != nil {
		t.Fatalf("a stale attempt stored its outcome: %v, %v", ok, err)
	}
	if ok, err := db.UpdatePart(ctx, q, &done, p); !ok || err != nil {
		t.Fatalf("the attempt holding the part: %v, %v", ok, err)
	}
	if ok, _ := db.UpdatePart(ctx, q, &done, p); ok {
		t.Fatal("an outcome stored twice")
	}
	parts, err := db.FindParts(ctx, q, r.ID, true)
	must(t, err)
	if len(parts) != 3 || parts[1].Status != jirga.RunDone || string(parts[1].Result) != `{"part":1}` || parts[0].Result != nil {
		t.Fatalf("parts: %+v", parts)
	}
	if got, _ := s.FindRun(ctx, r.ID); got.Progress.Done != 30 {
		t.Errorf("progress %+v, want 30 done", got.Progress)
	}
	must(t, db.ClearResults(ctx, q, r.ID))
	if parts, _ := db.FindParts(ctx, q, r.ID, true); parts[1].Result != nil {
		t.Error("results kept after ClearResults")
	}
	// The run's transitions.
	lr, err := db.LockRun(ctx, q, r.ID)
	must(t, err)
	if lr.ID != r.ID || lr.Status != jirga.RunQueued {
		t.Fatalf("LockRun: %+v", lr)
	}
	_, err = db.LockRun(ctx, q, 999999)
	code(t, err, jirga.ENOTFOUND)
	lr.Status = jirga.RunDone
	if ok, err := db.SetRunStatus(ctx, q, lr, jirga.RunRunning); ok || err != nil {
		t.Errorf("a queued run set done from running: %v, %v", ok, err)
	}
	lr.Status = jirga.RunRunning
	if ok, err := db.SetRunStatus(ctx, q, lr, jirga.RunQueued); !ok || err != nil {
		t.Errorf("a queued run set running: %v, %v", ok, err)
	}
	if st, err := db.RunStatus(ctx, r.ID); st != jirga.RunRunning || err != nil {
		t.Errorf("status %s, %v", st, err)
	}
	if n, err := db.AdmitRun(ctx, q); n != 2 || err != nil {
		t.Errorf("AdmitRun: %d unfinished, %v; want 2", n, err)
	}
	if qd, rn, err := db.CountUnfinished(ctx); qd != 1 || rn != 1 || err != nil {
		t.Errorf("CountUnfinished: %d, %d, %v", qd, rn, err)
	}
	// Stranded: parts 0 and 2 have jobs River does not know; part 0 is
	// running on a worker that no longer beats, part 2 on one that does.
	db.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	must(t, db.Heartbeat(ctx, &sqlstore.Worker{ID: "dead", Role: "worker", Host: "h", PID: 1, Version: "v", Concurrency: 1}))
	db.Now = time.Now
	must(t, db.Heartbeat(ctx, &sqlstore.Worker{ID: "alive", Role: "serve", Host: "h", PID: 2, Version: "v", Concurrency: 2}))
	for i, w := range map[int]string{0: "dead", 2: "alive"} {
		p, _ := db.FindPart(ctx, q, r.ID, i)
		p.Status, p.Worker, p.Attempt = jirga.RunRunning, w, 1
		_, err := db.UpdatePart(ctx, q, p, nil)
		must(t, err)
	}
	st, err := db.StrandedParts(ctx, time.Now().Add(-time.Minute), 10)
	must(t, err)
	if len(st) != 2 || st[0].Index != 0 || !st[0].WorkerDead || st[1].Index != 2 || st[1].WorkerDead || st[0].JobState != "" {
		t.Fatalf("stranded: %+v %+v", st[0], st[len(st)-1])
	}
	rp, err := db.RunningParts(ctx)
	must(t, err)
	if len(rp["dead"]) != 1 || len(rp["alive"]) != 1 {
		t.Errorf("running parts: %v", rp)
	}
}

// testExecutions checks the record of attempts.
func testExecutions(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	db := sqlOf(t, s)
	q := sqlstore.SQL(db.SQL())
	_, err := s.CreateScenario(ctx, scenario("alpha", 10))
	must(t, err)
	r := newRun("alpha", jirga.KindForecast)
	must(t, s.CreateRun(ctx, r))
	var ids []int64
	for i, w := range []string{"w1", "w2"} {
		e := &sqlstore.Execution{Run: r.ID, Part: 0, Worker: w, JobID: 7, Attempt: i + 1}
		must(t, db.StartExecution(ctx, q, e))
		ids = append(ids, e.ID)
	}
	must(t, db.FinishExecution(ctx, q, ids[1], "done"))
	es, err := db.Executions(ctx, r.ID)
	must(t, err)
	if len(es) != 2 || es[0].Worker != "w1" || es[0].Outcome != "" || es[0].FinishedAt != nil ||
		es[1].Outcome != "done" || es[1].FinishedAt == nil || es[1].Attempt != 2 || es[1].StartedAt.IsZero() {
		t.Fatalf("executions: %+v %+v", es[0], es[len(es)-1])
	}
}

// testWorkers checks the heartbeats of workers.
func testWorkers(t *testing.T, s jirga.Store) {
	ctx := context.Background()
	db := sqlOf(t, s)
	w := &sqlstore.Worker{ID: "serve-h-1-abc", Role: "serve", Host: "h", PID: 1, Version: jirga.Version, Concurrency: 2}
	must(t, db.Heartbeat(ctx, w))
	first := w.SeenAt
	time.Sleep(10 * time.Millisecond)
	must(t, db.Heartbeat(ctx, w))
	ws, err := db.Workers(ctx, first.Add(-time.Second))
	must(t, err)
	if len(ws) != 1 || ws[0].ID != w.ID || ws[0].Concurrency != 2 || !ws[0].SeenAt.After(first) || ws[0].StartedAt.IsZero() {
		t.Fatalf("workers: %+v", ws)
	}
	if ws, _ := db.Workers(ctx, time.Now().Add(time.Minute)); len(ws) != 0 {
		t.Errorf("workers seen in the future: %+v", ws)
	}
	must(t, db.DeleteWorker(ctx, w.ID, time.Now().Add(-time.Hour)))
	if ws, _ := db.Workers(ctx, time.Time{}); len(ws) != 0 {
		t.Errorf("workers after delete: %+v", ws)
	}
}
