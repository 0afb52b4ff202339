package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/internal/sqlstore"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/postgres"
	"github.com/jirga/jirga/sqlite"
	"github.com/jirga/jirga/storetest"
)

// backends runs fn on a SQLite store and, when JIRGA_TEST_POSTGRES is
// set, on a PostgreSQL one.
func backends(t *testing.T, fn func(t *testing.T, store jirga.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newStore(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.Postgres(t)) })
}

func dbOf(store jirga.Store) *sqlstore.DB {
	switch db := store.(type) {
	case *sqlite.DB:
		return db.DB
	case *postgres.DB:
		return db.DB
	}
	panic(fmt.Sprintf("%T", store))
}

// testConfig is a queue that looks for stranded work often.
func testConfig(c Config) Config {
	if c.RecoverEvery == 0 {
		c.RecoverEvery = 50 * time.Millisecond
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = 20 * time.Millisecond
	}
	if c.PollInterval == 0 {
		c.PollInterval = 20 * time.Millisecond
	}
	if c.Grace == 0 {
		c.Grace = 50 * time.Millisecond
	}
	return c
}

func open(t *testing.T, store jirga.Store, c Config) *Queue {
	t.Helper()
	q, err := Open(context.Background(), store, testConfig(c))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func flagship(t *testing.T, store jirga.Store) *jirga.ScenarioVersion {
	t.Helper()
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := store.CreateScenario(context.Background(), ss[0])
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

// wait waits for run id to finish and returns it.
func wait(t *testing.T, q *Queue, store jirga.Store, id int64) *jirga.RunRecord {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		q.Wait(context.Background(), id, time.Second)
		r, err := store.FindRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.Finished() {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d still %s", id, r.Status)
		}
	}
}

// outcomes counts the executions of run's parts by part and outcome.
func outcomes(t *testing.T, store jirga.Store, run int64) map[int]map[string]int {
	t.Helper()
	es, err := dbOf(store).Executions(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]map[string]int{}
	for _, e := range es {
		if out[e.Part] == nil {
			out[e.Part] = map[string]int{}
		}
		out[e.Part][e.Outcome]++
	}
	return out
}

// TestParts: a sweep, a deal and a levers run cut into parts are computed
// by two queues on one database, each part and the merge once, into the
// bytes of the run computed whole; progress ends at its total.
func TestParts(t *testing.T) {
	backends(t, func(t *testing.T, store jirga.Store) {
		sv := flagship(t, store)
		cfg := Config{PartTime: time.Microsecond, MaxParts: 4, Workers: 2}
		q1, q2 := open(t, store, cfg), open(t, store, cfg)
		for i, r := range []*jirga.RunRecord{
			{Kind: jirga.KindSweep, Models: []string{"mean", "median"}, Seed: 3, Options: jirga.RunOptions{Draws: 90}},
			{Kind: jirga.KindDeal, Models: []string{"mean"}, Seed: 4, Options: jirga.RunOptions{Draws: 40}},
			{Kind: jirga.KindLevers, Models: []string{"mean"}, Seed: 1},
			{Kind: jirga.KindForecast, Models: []string{"mean", "bdm"}, Seed: 1},
		} {
			r.ScenarioID = sv.ID
			q := []*Queue{q1, q2}[i%2]
			if err := q.Submit(context.Background(), r, sv); err != nil {
				t.Fatal(err)
			}
			wantParts := 4
			if r.Kind == jirga.KindForecast {
				wantParts = 1
			}
			if r.Parts != wantParts {
				t.Errorf("%s: %d parts, want %d", r.Kind, r.Parts, wantParts)
			}
			got := wait(t, q, store, r.ID)
			want, err := kinds.Compute(context.Background(), sv.Scenario, r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != jirga.RunDone || string(got.Result) != string(want) {
				t.Fatalf("%s: %s %q\n got %.300s\nwant %.300s", r.Kind, got.Status, got.Error, got.Result, want)
			}
			if got.Progress == nil || got.Progress.Done != got.Progress.Total || got.Progress.Total < 1 {
				t.Errorf("%s: progress %+v", r.Kind, got.Progress)
			}
			ex := outcomes(t, store, r.ID)
			for p := range r.Parts {
				if ex[p]["done"] != 1 || len(ex[p]) != 1 {
					t.Errorf("%s: part %d executions %v, want one done", r.Kind, p, ex[p])
				}
			}
			if r.Parts > 1 && (ex[sqlstore.MergePart]["done"] != 1 || len(ex[sqlstore.MergePart]) != 1) {
				t.Errorf("%s: merge executions %v", r.Kind, ex[sqlstore.MergePart])
			}
			parts, _ := dbOf(store).FindParts(context.Background(), sqlstore.SQL(dbOf(store).SQL()), r.ID, true)
			for _, p := range parts {
				if p.Result != nil {
					t.Errorf("%s: part %d keeps its result after the merge", r.Kind, p.Index)
				}
			}
		}
		ws, err := q1.Workers(context.Background())
		if err != nil || len(ws) != 2 {
			t.Fatalf("workers %v, %v; want the two queues", ws, err)
		}
		h, err := q2.Health(context.Background())
		if err != nil || h.Workers != 2 || h.Queued+h.Running != 0 || h.Jobs["completed"]+h.Jobs["running"] == 0 {
			t.Errorf("health %+v, %v", h, err)
		}
	})
}

// block registers a kind "block" of n iterations, whose part from lo
// (the whole run: 0) tells started, blocks until release is closed (or its
// context is done) and then fails with "part lo failed" when fail[lo], and
// whose merge joins the parts' values.
func block(t *testing.T, n int, release <-chan struct{}, fail map[int]bool, started chan<- int) {
	part := func(ctx context.Context, lo int) (any, error) {
		if started != nil {
			started <- lo
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-release:
		}
		if fail[lo] {
			return nil, jirga.Errorf(jirga.EINVALID, "part %d failed", lo)
		}
		return lo, nil
	}
	t.Cleanup(kinds.Register("block", kinds.Kind{
		Check: func(*jirga.RunRecord) error { return nil },
		Run: func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
			return part(ctx, 0)
		},
		Loop: &kinds.Loop{
			Size: func(*jirga.Scenario, *jirga.RunRecord) (int, error) { return n, nil },
			Part: func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, lo, hi int, progress func(done, total int)) (any, error) {
				return part(ctx, lo)
			},
			Merge: func(s *jirga.Scenario, r *jirga.RunRecord, parts []json.RawMessage) (any, error) {
				var sum []string
				for _, p := range parts {
					sum = append(sum, string(p))
				}
				return strings.Join(sum, "+"), nil
			},
		},
		Cost: func(*jirga.Scenario, *jirga.RunRecord) cost.Estimate { return cost.Estimate{Seconds: 1000} },
	}))
}

// TestFirstFailure: when parts fail, the run fails with the error of the
// first failing part, whatever the order in which the parts end.
func TestFirstFailure(t *testing.T) {
	backends(t, func(t *testing.T, store jirga.Store) {
		sv := flagship(t, store)
		release := make(chan struct{})
		block(t, 4, release, map[int]bool{1: true, 3: true}, nil)
		q := open(t, store, Config{PartTime: time.Millisecond, MaxParts: 4, Workers: 4})
		r := &jirga.RunRecord{ScenarioID: sv.ID, Kind: "block"}
		if err := q.Submit(context.Background(), r, sv); err != nil {
			t.Fatal(err)
		}
		close(release)
		got := wait(t, q, store, r.ID)
		if got.Status != jirga.RunFailed || got.Error != "part 1 failed" {
			t.Fatalf("run %s %q, want failed with part 1's error", got.Status, got.Error)
		}
	})
}

// TestCancelParts: cancel stops a run cut into parts at once, from any
// process: it is canceled, its parts running in two processes see their
// context end, and no part is done.
func TestCancelParts(t *testing.T) {
	backends(t, func(t *testing.T, store jirga.Store) {
		sv := flagship(t, store)
		started := make(chan int, 4)
		block(t, 4, nil, nil, started)
		cfg := Config{PartTime: time.Millisecond, MaxParts: 4, Workers: 1}
		q, other := open(t, store, cfg), open(t, store, cfg)
		r := &jirga.RunRecord{ScenarioID: sv.ID, Kind: "block"}
		if err := q.Submit(context.Background(), r, sv); err != nil {
			t.Fatal(err)
		}
		<-started // one part on each process, each of one worker
		<-started
		if err := other.Cancel(context.Background(), r.ID); err != nil {
			t.Fatal(err)
		}
		got := wait(t, q, store, r.ID)
		if got.Status != jirga.RunCanceled {
			t.Fatalf("run %s", got.Status)
		}
		if err := q.Cancel(context.Background(), r.ID); jirga.ErrorCode(err) != jirga.ECONFLICT {
			t.Errorf("cancel twice: %v", err)
		}
		// The two running parts end canceled.
		deadline := time.Now().Add(time.Minute)
		for {
			ex := outcomes(t, store, r.ID)
			n := 0
			for _, o := range ex {
				n += o["canceled"]
				if o["done"] > 0 {
					t.Fatalf("a part of a canceled run is done: %v", ex)
				}
			}
			if n == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("executions %v, want two canceled", ex)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// TestTakeover: a part whose worker stops beating is taken over by another
// worker and computed once; the first worker's late result is not stored.
func TestTakeover(t *testing.T) {
	backends(t, func(t *testing.T, store jirga.Store) {
		sv := flagship(t, store)
		release := make(chan struct{})
		started := make(chan int, 4)
		block(t, 2, release, nil, started)
		// a beats once, at its start: it looks dead 300 ms later.
		a := open(t, store, Config{Heartbeat: time.Hour, PartTime: time.Millisecond, MaxParts: 1, Workers: 1})
		r := &jirga.RunRecord{ScenarioID: sv.ID, Kind: "block"}
		if err := a.Submit(context.Background(), r, sv); err != nil {
			t.Fatal(err)
		}
		<-started // a computes the run's one part
		b := open(t, store, Config{Heartbeat: 50 * time.Millisecond, WorkerTimeout: 300 * time.Millisecond, Workers: 1})
		select {
		case <-started: // b took it over
		case <-time.After(time.Minute):
			t.Fatal("the part was not taken over")
		}
		close(release)
		got := wait(t, b, store, r.ID)
		if got.Status != jirga.RunDone || got.Restarts != 1 {
			t.Fatalf("run %s %q, restarts %d", got.Status, got.Error, got.Restarts)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			ex := outcomes(t, store, r.ID)[0]
			if ex["done"] == 1 && ex["canceled"]+ex["superseded"] == 1 && len(ex) == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("executions %v, want one done and the first worker's canceled or superseded", ex)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// TestQueueFull: Submit refuses runs beyond MaxQueue, counted over every
// process, and stores nothing for them.
func TestQueueFull(t *testing.T) {
	backends(t, func(t *testing.T, store jirga.Store) {
		sv := flagship(t, store)
		block(t, 1, nil, nil, nil)
		q1 := open(t, store, Config{MaxQueue: 3, Workers: 1})
		q2 := open(t, store, Config{MaxQueue: 3, Workers: 1})
		var mu sync.Mutex
		busy, ok := 0, 0
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				r := &jirga.RunRecord{ScenarioID: sv.ID, Kind: "block"}
				err := []*Queue{q1, q2}[i%2].Submit(context.Background(), r, sv)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == ErrBusy:
					busy++
				case err == nil:
					ok++
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		runs, _ := store.FindRuns(context.Background(), jirga.RunFilter{})
		if ok != 3 || busy != 7 || len(runs) != 3 {
			t.Errorf("%d accepted, %d busy, %d stored; want 3, 7, 3", ok, busy, len(runs))
		}
	})
}

// TestAPIOnly: a queue with negative Workers computes nothing; the runs it
// stores are computed by the others.
func TestAPIOnly(t *testing.T) {
	backends(t, func(t *testing.T, store jirga.Store) {
		sv := flagship(t, store)
		api := open(t, store, Config{Workers: -1})
		r := &jirga.RunRecord{ScenarioID: sv.ID, Kind: jirga.KindForecast, Models: []string{"mean"}, Seed: 1}
		if err := api.Submit(context.Background(), r, sv); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if st, _ := dbOf(store).RunStatus(context.Background(), r.ID); st != jirga.RunQueued {
			t.Fatalf("an API-only queue computed the run: %s", st)
		}
		w := open(t, store, Config{Role: "worker", Workers: 1})
		if got := wait(t, api, store, r.ID); got.Status != jirga.RunDone {
			t.Fatalf("run %s %q", got.Status, got.Error)
		}
		ws, _ := w.Workers(context.Background())
		if len(ws) != 2 || ws[0].Concurrency != 0 || ws[1].Role != "worker" {
			t.Errorf("workers %+v", ws)
		}
	})
}
