package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/postgres"
	"github.com/jirga/jirga/storetest"
)

// buildJirga builds the jirga binary into a temporary directory.
func buildJirga(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "jirga")
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to build jirga with")
	}
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a jirga process a test started.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stderr *syncBuffer
	id     string // its worker id, from its log
	url    string // serve's base URL
	done   chan struct{}
}

var workerIDRE = regexp.MustCompile(`worker=([a-z]+-[^ ]+-[0-9]+-[0-9a-f]{6})`)

// startProc starts bin with args and JIRGA_DB=dsn, and waits until it
// works (serve: until it listens).
func startProc(t testing.TB, bin, dsn, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(bin, args...), stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "JIRGA_DB="+dsn)
	pr, pw := io.Pipe()
	p.cmd.Stderr = pw
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.stderr.Write(append(sc.Bytes(), '\n'))
		}
	}()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); pw.Close(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("%s's log (last 3000 bytes):\n%s", p.name, tail(p.stderr.String(), 3000))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		log := p.stderr.String()
		if m := workerIDRE.FindStringSubmatch(log); m != nil && p.id == "" {
			p.id = m[1]
		}
		if m := regexp.MustCompile(`jirga: worker ([^ ]+) computing`).FindStringSubmatch(log); m != nil {
			p.id = m[1]
		}
		if sm := servingRE.FindStringSubmatch(log); sm != nil {
			p.url = sm[1]
		}
		if p.url != "" || args[0] == "worker" && p.id != "" {
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited: %s", name, log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not start: %s", name, log)
		}
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// scaleFlags are the queue settings of the test's processes: every
// sweep, deal and levers run cut into parts, and either short heartbeats,
// so that a killed worker's parts are taken over within seconds (River's
// rescuer soon after), or none that matter, so that River's rescuer alone
// retries its jobs.
var scaleFlags = map[string][]string{
	"takeover": {"--workers", "2", "--heartbeat", "300ms", "--worker-timeout", "2s",
		"--max-run-time", "20s", "--rescue-after", "25s", "--retry-backoff", "100ms",
		"--part-time", "1us", "--max-parts", "4", "--grace", "1s"},
	"rescue": {"--workers", "2", "--heartbeat", "300ms", "--worker-timeout", "1h",
		"--max-run-time", "10s", "--rescue-after", "12s", "--retry-backoff", "100ms",
		"--part-time", "1us", "--max-parts", "4", "--grace", "1s"},
}

// firstHalf reports whether worker computes a part of run that has done
// some of its draws and less than half.
func firstHalf(t *testing.T, db *postgres.DB, run int64, worker string) bool {
	var n int
	err := db.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM run_parts
		WHERE run_id = $1 AND worker = $2 AND status = 'running' AND done > 0 AND 2 * done < hi - lo`, run, worker).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n > 0
}

// slowReserve is the number of slow runs TestScaleOut may add while it
// waits for the worker it kills to compute one.
const slowReserve = 10

// TestScaleOut (issue 16) runs three jirga processes, one serve and two
// workers, on one PostgreSQL database; submits 300 runs of every kind,
// sweeps, deals and levers cut into parts among them; kills a worker with
// SIGKILL while it computes and starts another. Every run must end done,
// each part computed to completion exactly once (the executions table
// counts the attempts and their outcomes), and every result must be the
// bytes this process computes for the same run. The killed worker's parts
// are taken over once its heartbeat stops ("takeover"), or, with heartbeats
// that would take an hour to say so, rescued by River ("rescue").
func TestScaleOut(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; set it to a PostgreSQL DSN to run this test")
	}
	if testing.Short() {
		t.Skip("builds jirga and runs 300 runs on four processes")
	}
	bin := buildJirga(t)
	for _, name := range []string{"takeover", "rescue"} {
		t.Run(name, func(t *testing.T) { testScaleOut(t, bin, name) })
	}
}

func testScaleOut(t *testing.T, bin, mode string) {
	dsn := storetest.PostgresDSN(t)
	scaleFlags := scaleFlags[mode]
	serve := startProc(t, bin, dsn, "serve", append([]string{"serve", "--addr", "127.0.0.1:0", "--max-queue", "1000"}, scaleFlags...)...)
	w1 := startProc(t, bin, dsn, "worker 1", append([]string{"worker"}, scaleFlags...)...)
	startProc(t, bin, dsn, "worker 2", append([]string{"worker"}, scaleFlags...)...)

	// The runs: every kind, several seeds; the first four, and up to ten
	// more held in reserve, are slower sweeps (smp, parts of 900 draws,
	// about 0.5 s of CPU since issue 18 made smp five times faster, longer
	// on a busy machine), so that the worker is killed in the middle of a
	// part.
	type req struct {
		Kind   string   `json:"kind"`
		Models []string `json:"models,omitempty"`
		Seed   uint64   `json:"seed"`
		Draws  int      `json:"draws,omitempty"`
		Rounds int      `json:"rounds,omitempty"`
	}
	var reqs []req
	for i := range 300 {
		seed := uint64(i + 1)
		if i < 4 || i >= 150 && i < 150+slowReserve {
			reqs = append(reqs, req{Kind: "sweep", Models: []string{"smp"}, Seed: seed, Draws: 3600})
			continue
		}
		switch i % 6 {
		case 0:
			reqs = append(reqs, req{Kind: "forecast", Models: []string{"mean", "median", "bdm"}, Seed: seed})
		case 1, 2:
			reqs = append(reqs, req{Kind: "sweep", Models: []string{"mean", "median"}, Seed: seed, Draws: 40 + i%50})
		case 3:
			reqs = append(reqs, req{Kind: "deal", Models: []string{"mean"}, Seed: seed, Draws: 30 + i%20})
		case 4:
			reqs = append(reqs, req{Kind: "levers", Models: []string{"median"}, Seed: seed})
		case 5:
			reqs = append(reqs, req{Kind: "sweep", Models: []string{"bdm"}, Seed: seed, Draws: 24, Rounds: 4})
		}
	}
	t0 := time.Now()
	ids := make([]int64, len(reqs))
	submit := func(from, to int) {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i := from; i < to; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				r := reqs[i]
				body, _ := json.Marshal(map[string]any{"scenario_id": "pakistan-ttp-2022", "kind": r.Kind, "models": r.Models,
					"seed": r.Seed, "draws": r.Draws, "rounds": r.Rounds, "wait": 0})
				var v jirga.RunRecord
				if code := postJSON(t, serve.url+"/api/runs", "", string(body), &v); code != 202 && code != 201 {
					t.Errorf("run %d: status %d", i, code)
				}
				ids[i] = v.ID
			}()
		}
		wg.Wait()
	}
	submit(0, 150)

	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Kill worker 1 while it computes a part of a slow run: its heartbeat
	// stops, and its parts must be taken over. While none of the slow runs
	// is left for it, another from the reserve is submitted.
	slow := map[int64]bool{ids[0]: true, ids[1]: true, ids[2]: true, ids[3]: true}
	next, lastExtra := 150, time.Now()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var ws struct {
			Workers []struct {
				ID      string
				Running []struct{ Run int64 }
			}
		}
		getJSON(t, serve.url+"/api/workers", &ws)
		busy, slowLeft := false, false
		for _, w := range ws.Workers {
			for _, p := range w.Running {
				// In the first half of its part (its progress says), so
				// that it does not finish before the signal lands.
				busy = busy || w.ID == w1.id && slow[p.Run] && firstHalf(t, db, p.Run, w1.id)
				slowLeft = slowLeft || slow[p.Run]
			}
		}
		if busy {
			break
		}
		if !slowLeft && next < 150+slowReserve && time.Since(lastExtra) > 2*time.Second {
			lastExtra = time.Now()
			submit(next, next+1)
			slow[ids[next]] = true
			next++
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker 1 (%s) never computed a slow part: %+v", w1.id, ws)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := w1.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-w1.done
	t.Logf("killed worker 1 (%s) after %v", w1.id, time.Since(t0))
	startProc(t, bin, dsn, "worker 3", append([]string{"worker"}, scaleFlags...)...)
	submit(next, len(reqs))

	// Every run ends done.
	ctx := context.Background()
	for deadline := time.Now().Add(4 * time.Minute); ; {
		queued, running, err := db.CountUnfinished(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if queued+running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d runs queued and %d running after 4 minutes", queued, running)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("300 runs done %v after the first was submitted", time.Since(t0))

	// Each part of each run (and each merge) was computed to completion
	// exactly once; the killed worker left attempts without an outcome.
	rows, err := db.SQL().QueryContext(ctx, `SELECT run_id, part, worker, job_id, outcome FROM executions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	done := map[[2]int64]int{}
	doneJob := map[[2]int64]int64{}
	lostJob := map[[2]int64]int64{}
	outcomes := map[string]int{}
	for rows.Next() {
		var run, part, job int64
		var worker, outcome string
		if err := rows.Scan(&run, &part, &worker, &job, &outcome); err != nil {
			t.Fatal(err)
		}
		outcomes[outcome]++
		if outcome == "done" {
			done[[2]int64{run, part}]++
			doneJob[[2]int64{run, part}] = job
		}
		if outcome == "" && worker == w1.id {
			lostJob[[2]int64{run, part}] = job
		}
	}
	rows.Close()
	t.Logf("executions by outcome: %v", outcomes)
	if len(lostJob) == 0 {
		t.Errorf("worker 1 was killed computing parts, but left no attempt unfinished")
	}
	// Taken over: a new job computed the part; rescued: River retried the
	// killed worker's own job.
	for k, job := range lostJob {
		if rescued := doneJob[k] == job; rescued != (mode == "rescue") {
			t.Errorf("run %d part %d: lost in job %d, done in job %d; want the %s path", k[0], k[1], job, doneJob[k], mode)
		}
	}
	sv, err := db.FindScenario(ctx, "pakistan-ttp-2022", 0)
	if err != nil {
		t.Fatal(err)
	}
	restarted := 0
	for i, id := range ids {
		r, err := db.FindRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != jirga.RunDone {
			t.Errorf("run %d (%s): %s %q", id, r.Kind, r.Status, r.Error)
			continue
		}
		if r.Restarts > 0 {
			restarted++
		}
		if r.Parts > 1 && done[[2]int64{id, -1}] != 1 {
			t.Errorf("run %d: merged %d times", id, done[[2]int64{id, -1}])
		}
		for p := range r.Parts {
			if done[[2]int64{id, int64(p)}] != 1 {
				t.Errorf("run %d part %d: computed to completion %d times", id, p, done[[2]int64{id, int64(p)}])
			}
		}
		if reqs[i].Kind != "forecast" && r.Parts != 4 {
			t.Errorf("run %d (%s) in %d parts, want 4", id, r.Kind, r.Parts)
		}
		// The result is what one process computes for the run.
		res, err := kinds.Compute(ctx, sv.Scenario, r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(res) != string(r.Result) {
			t.Errorf("run %d (%s, seed %d): the result differs from the one computed here", id, r.Kind, r.Seed)
		}
		if r.Progress == nil || r.Progress.Done != r.Progress.Total {
			t.Errorf("run %d: progress %+v", id, r.Progress)
		}
	}
	t.Logf("%d runs resumed after the kill; all 300 equal to a single process's results", restarted)
	if restarted == 0 {
		t.Error("no run records a restart, yet worker 1 was killed computing")
	}
}
