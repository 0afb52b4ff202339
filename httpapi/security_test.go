package httpapi

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/sqlite"
)

// generated is an n-actor, one-issue scenario of random positions.
func generated(id string, n int) *jirga.Scenario {
	rng := rand.New(rand.NewPCG(uint64(n), 9))
	s := &jirga.Scenario{ID: id, Issues: []*jirga.Issue{{ID: "x"}}}
	for i := range n {
		s.Actors = append(s.Actors, &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(1 + 9*rng.Float64()),
			Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(5 + 90*rng.Float64())}}})
	}
	return s
}

func scenarioJSON(t *testing.T, s *jirga.Scenario) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := format.Write(&b, []*jirga.Scenario{s}, format.JSON); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// waitRun long-polls run id until it has finished and returns it.
func waitRun(t *testing.T, ts *testServer, token string, id int64) runView {
	t.Helper()
	deadline := time.Now().Add(testRunWait)
	for {
		var v runView
		code, raw := ts.do("GET", "/api/runs/"+itoa(id)+"?wait=10", token, nil, &v)
		wantStatus(t, "get run", code, 200, raw)
		if v.Status.Finished() {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d still %s after %v", id, v.Status, testRunWait)
		}
	}
}

// TestFileOptions (issue 12.1): no option that names a file is taken from
// a request. Whatever the path (a device that never ends, a FIFO that
// blocks, a secret, a missing file), the answer is the same 400 at once,
// which reveals nothing about the file system; and a stored run that holds
// such an option (accepted by an older server) fails without reading it.
func TestFileOptions(t *testing.T) {
	store := newStore(t)
	fifo := makeFIFO(t)
	secret := filepath.Join(t.TempDir(), "secret.json")
	os.WriteFile(secret, []byte(`{"s3cret": 1}`), 0o600)
	ts := newTestServer(t, store, nil)
	createFlagship(t, ts, "")
	var msgs []string
	for _, p := range []string{"/dev/zero", fifo, "/etc/shadow", "/proc/self/environ", "/nonexistent/params.json", secret, ""} {
		if p == "" && fifo == "" {
			continue
		}
		var eb errorBody
		start := time.Now()
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"stacked"},
			"opts": map[string]string{"stacked.params": p}}, &eb)
		wantStatus(t, "stacked.params="+p, code, 400, raw)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("stacked.params=%s: answered after %v", p, d)
		}
		if strings.Contains(eb.Error.Message, p) && p != "" {
			t.Errorf("stacked.params=%s: the message repeats the path: %s", p, eb.Error.Message)
		}
		msgs = append(msgs, eb.Error.Message)
	}
	for _, m := range msgs[1:] {
		if m != msgs[0] {
			t.Errorf("messages differ by path, which tells what exists:\n%s\n%s", msgs[0], m)
		}
	}
	if !strings.Contains(msgs[0], "names a file") {
		t.Errorf("message %q does not say why", msgs[0])
	}
	// The registry the API shows marks the option.
	code, raw := ts.do("GET", "/api/models", "", nil, nil)
	wantStatus(t, "models", code, 200, raw)
	if !bytes.Contains(raw, []byte(`"name":"params","type":"path"`)) || !bytes.Contains(raw, []byte(`"file":true`)) {
		t.Errorf("/api/models does not mark stacked.params as naming a file: %.300s", raw)
	}
	// A run stored with such an option by an older server.
	path := fifo
	if path == "" {
		path = "/dev/zero"
	}
	run := &jirga.RunRecord{ScenarioID: examples.Flagship, Version: 1, Kind: jirga.KindForecast, Models: []string{"stacked"},
		Options: jirga.RunOptions{Opts: map[string]string{"stacked.params": path}}, Seed: 1, Status: jirga.RunQueued}
	if err := store.CreateRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	ts.queue.Recover(context.Background())
	v := waitRun(t, ts, "", run.ID)
	if v.Status != jirga.RunFailed || !strings.Contains(v.Error, "names a file") {
		t.Errorf("stored run with a file option: %s %q", v.Status, v.Error)
	}
}

// TestAdmission (issue 12.2): a run whose estimated memory or CPU time is
// over the server's budget is refused with 422 before it is stored; a run
// within it is accepted; a run that runs past the time limit is stopped and
// failed.
func TestAdmission(t *testing.T) {
	store := newStore(t)
	ts := newTestServer(t, store, func(s *Server) { s.MaxRunMemory = 64 << 20; s.MaxRunTime = time.Minute; s.MaxRunCPU = time.Minute })
	code, raw := ts.do("POST", "/api/scenarios", "", scenarioJSON(t, generated("big", 2000)), nil)
	wantStatus(t, "create big", code, 201, raw)
	for _, c := range []struct {
		models []string
		kind   string
		want   []string
	}{
		{[]string{"bdm"}, "forecast", []string{"of memory", "--max-run-memory"}},
		{[]string{"smp"}, "forecast", []string{"of CPU time", "--max-run-time"}},
		{[]string{"bdm"}, "sweep", []string{"--max-run-time"}},
		// Cut into parts, a run is bounded per part and in all.
		{[]string{"mean"}, "levers", []string{"--max-run-cpu"}},
	} {
		var eb errorBody
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": "big", "kind": c.kind, "models": c.models}, &eb)
		wantStatus(t, fmt.Sprint(c.kind, c.models), code, 422, raw)
		for _, w := range c.want {
			if eb.Error.Code != eOverBudget || !strings.Contains(eb.Error.Message, w) {
				t.Errorf("%s %v: %s %q, want %s and %q", c.kind, c.models, eb.Error.Code, eb.Error.Message, eOverBudget, w)
			}
		}
	}
	if runs, _ := store.FindRuns(context.Background(), jirga.RunFilter{}); len(runs) != 0 {
		t.Errorf("%d refused runs were stored", len(runs))
	}
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": "big", "models": []string{"mean", "median"}}, nil)
	wantStatus(t, "mean on big", code, 201, raw)

	// The wall-time limit.
	withKind(t, "block", blockKind(nil))
	ts2 := newTestServer(t, newStore(t), func(s *Server) { s.MaxRunTime = 300 * time.Millisecond })
	createFlagship(t, ts2, "")
	var v runView
	code, raw = ts2.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block"}, &v)
	if code != 201 && code != 202 {
		wantStatus(t, "blocking run", code, 201, raw)
	}
	if v = waitRun(t, ts2, "", v.ID); v.Status != jirga.RunFailed || !strings.Contains(v.Error, "the server's limit per run") {
		t.Errorf("run past the time limit: %s %q", v.Status, v.Error)
	}
}

// TestCrashLoop (issue 12.2): a run that was running when the server died
// is resumed at most MaxResumes times, then failed with the reason; and a
// run over the budget left running by a server without one (the bdm run
// that killed it) is failed at once instead of run again.
func TestCrashLoop(t *testing.T) { testCrashLoop(t, newStore) }

func testCrashLoop(t *testing.T, newStore func(*testing.T) jirga.Store) {
	ctx := context.Background()
	store := newStore(t)
	if _, err := store.CreateScenario(ctx, generated("big", 2000)); err != nil {
		t.Fatal(err)
	}
	killer := &jirga.RunRecord{ScenarioID: "big", Version: 1, Kind: jirga.KindForecast, Models: []string{"bdm"}, Seed: 1, Status: jirga.RunRunning}
	if err := store.CreateRun(ctx, killer); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, store, func(s *Server) { s.MaxRunMemory = 64 << 20 })
	if v := waitRun(t, ts, "", killer.ID); v.Status != jirga.RunFailed || !strings.Contains(v.Error, "of memory") {
		t.Fatalf("over-budget run left running: %s %q", v.Status, v.Error)
	}

	// A run the server's estimate lets through, that keeps killing it.
	withKind(t, "block", blockKind(nil))
	ss, _ := examples.Load(examples.Flagship, format.Options{})
	store = newStore(t)
	if _, err := store.CreateScenario(ctx, ss[0]); err != nil {
		t.Fatal(err)
	}
	run := &jirga.RunRecord{ScenarioID: examples.Flagship, Version: 1, Kind: "block", Seed: 1, Status: jirga.RunRunning}
	if err := store.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	for start := 1; start <= DefaultMaxResumes+1; start++ {
		s := &Server{Store: store, Grace: time.Millisecond}
		if err := s.start(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := store.FindRun(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Restarts != start {
			t.Errorf("start %d: restarts %d", start, got.Restarts)
		}
		if start <= DefaultMaxResumes {
			if got.Status.Finished() {
				t.Fatalf("start %d: run %s (%s), want it resumed", start, got.Status, got.Error)
			}
		} else if got.Status != jirga.RunFailed || !strings.Contains(got.Error, fmt.Sprintf("stopped %d times", start)) {
			t.Fatalf("start %d: run %s %q, want failed after %d restarts", start, got.Status, got.Error, DefaultMaxResumes)
		}
		s.queue.Close()
		// The server "dies" while the run is running: it stays running, on
		// a worker that no longer beats.
		if !got.Status.Finished() {
			crash(t, store, run.ID)
		}
	}
}

// crash leaves run id as a server that died while computing it leaves it:
// running, its part running on a worker that is gone.
func crash(t *testing.T, store jirga.Store, id int64) {
	t.Helper()
	db := store.(interface{ SQL() *sql.DB }).SQL()
	for _, q := range []string{
		fmt.Sprintf(`UPDATE run_parts SET status = 'running', worker = 'serve-gone-1-000000' WHERE run_id = %d`, id),
		fmt.Sprintf(`UPDATE runs SET status = 'running' WHERE id = %d`, id),
	} {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestForgedRequests (issue 12.3): writes need a JSON (or, for imports, a
// non-form) content type, writes from another site's pages are refused,
// and only the configured host names are served.
func TestForgedRequests(t *testing.T) {
	ts := newTestServer(t, newStore(t), func(s *Server) {
		s.Hosts = []string{"jirga.example.org"}
		s.Origins = []string{"https://public.example.org"}
	})
	createFlagship(t, ts, "")
	run := fmt.Sprintf(`{"scenario_id":%q,"models":["mean"]}`, examples.Flagship)
	_, yml, _ := examples.Bytes(examples.Flagship)
	self := ts.ts.URL
	for _, c := range []struct {
		name, method, path string
		h                  http.Header
		body               any
		want               int
	}{
		{"evil origin, text/plain", "POST", "/api/runs", http.Header{"Origin": {"http://evil.example"}, "Content-Type": {"text/plain"}}, run, 403},
		{"evil origin, JSON", "POST", "/api/runs", http.Header{"Origin": {"http://evil.example"}, "Content-Type": {"application/json"}}, run, 403},
		{"evil origin, import", "POST", "/api/import", http.Header{"Origin": {"http://evil.example"}, "Content-Type": {"application/octet-stream"}}, yml, 403},
		{"evil origin, cancel", "POST", "/api/runs/1/cancel", http.Header{"Origin": {"http://evil.example"}}, nil, 403},
		{"cross-site fetch", "PUT", "/api/scenarios/" + examples.Flagship, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Content-Type": {"application/json"}}, flagshipJSON(t), 403},
		{"form post", "POST", "/api/runs", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, run, 415},
		{"multipart", "POST", "/api/import", http.Header{"Content-Type": {"multipart/form-data; boundary=x"}}, yml, 415},
		{"text/plain import", "POST", "/api/import", http.Header{"Content-Type": {"text/plain"}}, yml, 415},
		{"text/plain rerun", "POST", "/api/runs/1/rerun", http.Header{"Content-Type": {"text/plain"}}, "", 415},
		{"no content type", "POST", "/api/runs", http.Header{}, run, 415},
		{"DNS rebinding", "GET", "/api/scenarios", http.Header{"Host": {"attacker.example"}}, nil, 403},
		{"DNS rebinding with port", "GET", "/", http.Header{"Host": {"attacker.example:8080"}}, nil, 403},
		{"DNS rebinding write", "POST", "/api/runs", http.Header{"Host": {"attacker.example"}, "Content-Type": {"application/json"}}, run, 403},
		// Allowed: same origin, trusted origin, configured and loopback names.
		{"same origin", "POST", "/api/runs", http.Header{"Origin": {self}, "Sec-Fetch-Site": {"same-origin"}, "Content-Type": {"application/json"}}, run, 201},
		{"trusted origin", "POST", "/api/runs", http.Header{"Origin": {"https://public.example.org"}, "Sec-Fetch-Site": {"same-site"}, "Content-Type": {"application/json; charset=utf-8"}}, run, 201},
		{"import", "POST", "/api/import", http.Header{"Content-Type": {"application/octet-stream"}}, yml, 201},
		{"import without a type", "POST", "/api/import", http.Header{}, yml, 201},
		{"configured host", "GET", "/api/scenarios", http.Header{"Host": {"jirga.example.org"}}, nil, 200},
		{"localhost", "GET", "/api/scenarios", http.Header{"Host": {"localhost:1234"}}, nil, 200},
		{"IPv6 loopback", "GET", "/api/scenarios", http.Header{"Host": {"[::1]:1234"}}, nil, 200},
	} {
		h := c.h.Clone()
		host := h.Get("Host")
		h.Del("Host")
		code, raw := ts.doHost(c.method, c.path, host, h, c.body)
		if code != c.want {
			t.Errorf("%s: %d, want %d; %s", c.name, code, c.want, raw)
		}
	}
	// No forged request created anything.
	var list struct{ Runs []jirga.RunRecord }
	ts.do("GET", "/api/runs", "", nil, &list)
	if len(list.Runs) != 2 {
		t.Errorf("%d runs stored, want the 2 allowed ones", len(list.Runs))
	}
}

// doHost is doHeader with the Host header set (when host is not empty).
func (ts *testServer) doHost(method, path, host string, h http.Header, body any) (int, []byte) {
	ts.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	}
	req, err := http.NewRequest(method, ts.ts.URL+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	req.Header = h
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp.StatusCode, out.Bytes()
}

// TestAtomicAcceptance (issue 12.4): under concurrent submissions to a
// small queue, every run answered 202 runs, and no refused run is stored.
func TestAtomicAcceptance(t *testing.T) { testAtomicAcceptance(t, newStore(t)) }

func testAtomicAcceptance(t *testing.T, store jirga.Store) {
	release := make(chan struct{})
	withKind(t, "block", blockKind(release))
	ts := newTestServer(t, store, func(s *Server) { s.Workers = 1; s.MaxQueue = 8 })
	createFlagship(t, ts, "")
	const n = 100
	var mu sync.Mutex
	var accepted []int64
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			var v runView
			code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 0}, nil)
			json.Unmarshal(raw, &v)
			mu.Lock()
			defer mu.Unlock()
			codes[code]++
			if code == 202 {
				accepted = append(accepted, v.ID)
			}
		})
	}
	wg.Wait()
	if codes[202]+codes[503] != n || codes[202] == 0 || codes[202] > 8 {
		t.Fatalf("answers %v, want 202 for at most 8 and 503 for the rest", codes)
	}
	runs, _ := store.FindRuns(context.Background(), jirga.RunFilter{Limit: 1000})
	if len(runs) != codes[202] {
		t.Errorf("%d runs stored, %d accepted", len(runs), codes[202])
	}
	close(release)
	for _, id := range accepted {
		if v := waitRun(t, ts, "", id); v.Status != jirga.RunDone {
			t.Errorf("accepted run %d is %s", id, v.Status)
		}
	}
}

// faults makes the SQLite store fail on demand, like a full disk or a
// database that restarts, through its Fault hook: every operation while
// down, and the next failUpdates updates of runs.
type faults struct {
	down        atomic.Bool
	failUpdates atomic.Int64
}

var errDisk = errors.New("disk I/O error: database or disk is full (127.0.0.1:5432)")

func (f *faults) fault(op string) error {
	if f.down.Load() || op == "update run" && f.failUpdates.Add(-1) >= 0 {
		return errDisk
	}
	return nil
}

// TestStoreRecovery (issue 12.4): after store errors (a full disk, a
// database restart) the server finishes every accepted run without a
// restart, takes up queued runs it does not hold, and /healthz says so.
func TestStoreRecovery(t *testing.T) {
	release := make(chan struct{})
	withKind(t, "block", blockKind(release))
	store := newStore(t)
	fs := &faults{}
	store.(*sqlite.DB).Fault = fs.fault
	ts := newTestServer(t, store, func(s *Server) {
		s.RecoverEvery = 50 * time.Millisecond
		s.Queue.RetryBackoff = 20 * time.Millisecond
	})
	createFlagship(t, ts, "")
	mean := map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}, "wait": 0}

	// The disk is full for the first writes of a run: it still finishes.
	fs.failUpdates.Store(3)
	var v runView
	code, raw := ts.do("POST", "/api/runs", "", mean, &v)
	wantStatus(t, "run on a full disk", code, 202, raw)
	if v = waitRun(t, ts, "", v.ID); v.Status != jirga.RunDone {
		t.Errorf("run after the disk was freed: %s %q", v.Status, v.Error)
	}

	// A run computing when the database goes away stores its outcome when
	// it is back.
	var blocked runView
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 0}, &blocked)
	wantStatus(t, "blocking run", code, 202, raw)
	for deadline := time.Now().Add(testRunWait); ; {
		r, _ := store.FindRun(context.Background(), blocked.ID)
		if r.Status == jirga.RunRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the blocking run never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	fs.down.Store(true)
	close(release)
	code, raw = ts.do("POST", "/api/runs", "", mean, nil)
	wantStatus(t, "run while the database is down", code, 500, raw)
	if bytes.Contains(raw, []byte("127.0.0.1")) || bytes.Contains(raw, []byte("disk")) {
		t.Errorf("the error tells the client the store's error: %s", raw)
	}
	code, raw = ts.do("GET", "/healthz", "", nil, nil)
	wantStatus(t, "healthz while the database is down", code, 503, raw)
	// A run left queued in the store by the outage (stored, never queued
	// here), as by a server that lost its queue.
	lost := &jirga.RunRecord{ScenarioID: examples.Flagship, Version: 1, Kind: jirga.KindForecast, Models: []string{"mean"}, Seed: 1, Status: jirga.RunQueued}
	fs.down.Store(false)
	if err := store.CreateRun(context.Background(), lost); err != nil {
		t.Fatal(err)
	}
	fs.down.Store(true)
	time.Sleep(200 * time.Millisecond) // the runner retries meanwhile
	fs.down.Store(false)
	for _, id := range []int64{blocked.ID, lost.ID} {
		if v := waitRun(t, ts, "", id); v.Status != jirga.RunDone {
			t.Errorf("run %d after the database came back: %s %q", id, v.Status, v.Error)
		}
	}
	var h struct {
		Status string
		Store  *storeReport
	}
	code, raw = ts.do("GET", "/healthz", "", nil, &h)
	wantStatus(t, "healthz after the outage", code, 200, raw)
	if h.Status != "degraded" || h.Store == nil || h.Store.Errors == 0 || h.Store.LastErrorAt == nil {
		t.Errorf("healthz after store errors: %s", raw)
	}
}

// TestCancelLarge (issue 12.5): canceling a running smp run on hundreds of
// actors, and shutting the server down during one, take effect within the
// current turn. The bound here is generous (a loaded machine); the
// per-model tests (TestCancelPolls) check that the models poll their
// context at least once per O(N²) work.
func TestCancelLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("runs smp on 300 actors")
	}
	store := newStore(t)
	ts := newTestServer(t, store, func(s *Server) { s.MaxRunMemory = 1 << 30; s.MaxRunTime = time.Hour; s.Grace = time.Millisecond })
	code, raw := ts.do("POST", "/api/scenarios", "", scenarioJSON(t, generated("big", 300)), nil)
	wantStatus(t, "create", code, 201, raw)
	started := func(id int64) {
		for deadline := time.Now().Add(testRunWait); ; {
			r, _ := store.FindRun(context.Background(), id)
			if r.Status == jirga.RunRunning {
				time.Sleep(300 * time.Millisecond) // well inside the first turns
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the run never started")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	var v runView
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": "big", "models": []string{"smp"}, "wait": 0}, &v)
	wantStatus(t, "smp", code, 202, raw)
	started(v.ID)
	t0 := time.Now()
	code, raw = ts.do("POST", "/api/runs/"+itoa(v.ID)+"/cancel", "", nil, &v)
	d := time.Since(t0)
	wantStatus(t, "cancel", code, 200, raw)
	t.Logf("cancel of a running smp run on 300 actors took %v", d)
	if v.Status != jirga.RunCanceled || d > 10*time.Second {
		t.Errorf("cancel: %s after %v", v.Status, d)
	}
	// Shutdown: the running run is left queued for the next start.
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": "big", "models": []string{"smp"}, "wait": 0}, &v)
	wantStatus(t, "smp again", code, 202, raw)
	started(v.ID)
	t0 = time.Now()
	ts.queue.Close()
	d = time.Since(t0)
	t.Logf("shutdown during a running smp run on 300 actors took %v", d)
	r, _ := store.FindRun(context.Background(), v.ID)
	if r.Status != jirga.RunQueued || d > 10*time.Second {
		t.Errorf("shutdown: run %s after %v", r.Status, d)
	}
}

// TestDamagedRow (issue 12.8): a run whose stored record cannot be read
// answers 500 naming the damage, alone: the list still answers, with the
// run marked, and /healthz reports it.
func TestDamagedRow(t *testing.T) {
	store := newStore(t)
	ts := newTestServer(t, store, nil)
	createFlagship(t, ts, "")
	var ids []int64
	for range 3 {
		var v runView
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}}, &v)
		wantStatus(t, "run", code, 201, raw)
		ids = append(ids, v.ID)
	}
	db := store.(interface{ SQL() *sql.DB }).SQL()
	for _, q := range []string{
		fmt.Sprintf(`UPDATE runs SET result = '{"results": [' WHERE id = %d`, ids[0]),
		fmt.Sprintf(`UPDATE runs SET options = 'garbage' WHERE id = %d`, ids[1]),
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids[:2] {
		var eb errorBody
		code, raw := ts.do("GET", "/api/runs/"+itoa(id), "", nil, &eb)
		wantStatus(t, "damaged run", code, 500, raw)
		if eb.Error.Code != eDamaged || !strings.Contains(eb.Error.Message, fmt.Sprintf("run %d is damaged", id)) {
			t.Errorf("damaged run %d: %s", id, raw)
		}
	}
	code, raw := ts.do("GET", "/api/runs/"+itoa(ids[2]), "", nil, nil)
	wantStatus(t, "sound run", code, 200, raw)
	var list struct{ Runs []jirga.RunRecord }
	code, raw = ts.do("GET", "/api/runs", "", nil, &list)
	wantStatus(t, "list", code, 200, raw)
	if len(list.Runs) != 3 || list.Runs[1].Damaged == "" || list.Runs[0].Damaged != "" {
		t.Errorf("list with a damaged run: %s", raw)
	}
	var h struct {
		Status string
		Store  *storeReport
	}
	ts.do("GET", "/healthz", "", nil, &h)
	if h.Status != "degraded" || h.Store == nil || len(h.Store.DamagedRuns) != 2 {
		t.Errorf("healthz: %+v", h)
	}
	// An answer that cannot be encoded is a 500 with a body.
	w := httptest.NewRecorder()
	writeJSON(w, 200, math.NaN())
	if w.Code != 500 || w.Body.Len() == 0 {
		t.Errorf("unencodable answer: %d %q", w.Code, w.Body)
	}
}

// TestRequestBounds (issue 12.8): waits far too long are capped, not
// overflowed; messages repeat at most a bounded part of a request; JSON
// errors name the field and the JSON type, not Go's; models and options
// are checked.
func TestRequestBounds(t *testing.T) {
	release := make(chan struct{})
	withKind(t, "block", blockKind(release))
	ts := newTestServer(t, newStore(t), func(s *Server) { s.MaxBody = 8 << 20; s.RunWait = time.Minute })
	createFlagship(t, ts, "")
	// A run that finishes after 200 ms, waited for with "wait": 1e10 (the
	// overflow made that no wait at all: 202).
	time.AfterFunc(200*time.Millisecond, func() { close(release) })
	code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 1e10}, nil)
	wantStatus(t, "wait 1e10", code, 201, raw)
	for _, w := range []string{"NaN", "Inf", "-1", "x"} {
		code, raw := ts.do("GET", "/api/runs/1?wait="+w, "", nil, nil)
		wantStatus(t, "wait="+w, code, 400, raw)
	}
	code, raw = ts.do("GET", "/api/runs/1?wait=1e300", "", nil, nil)
	wantStatus(t, "wait=1e300", code, 200, raw)

	huge := strings.Repeat("x", 4<<20-100)
	many := map[string]string{}
	for i := range 100_000 {
		many[fmt.Sprintf("nbs.k%d", i)] = "1"
	}
	for _, c := range []struct {
		name string
		body any
		want string
	}{
		{"huge id", map[string]any{"scenario_id": huge}, "is not a scenario id"},
		{"huge model", map[string]any{"scenario_id": examples.Flagship, "models": []string{huge}}, "is not a model name"},
		{"many options", map[string]any{"scenario_id": examples.Flagship, "models": []string{"nbs"}, "opts": many}, "at most 64"},
		{"huge option", map[string]any{"scenario_id": examples.Flagship, "models": []string{"nbs"}, "opts": map[string]string{"nbs.utility": huge}}, "longer than"},
		{"huge unknown field", `{"` + huge + `": 1}`, "unknown field"},
		{"type", `{"scenario_id": 5}`, `field "scenario_id": want a string, got number`},
		{"list type", `{"scenario_id": "a", "models": "mean"}`, `field "models": want a list of strings, got string`},
		{"syntax", `{"scenario_id": }`, "not JSON at byte"},
		{"empty model", map[string]any{"scenario_id": examples.Flagship, "models": []string{""}}, "models[0] is empty"},
		{"blank model", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean", " "}}, "models[1] is empty"},
		{"option of another model", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}, "opts": map[string]string{"nbs.utility": "linear"}}, "not among the models run"},
		{"option of an unknown model", map[string]any{"scenario_id": examples.Flagship, "opts": map[string]string{huge[:100] + ".x": "1"}}, "longer than"},
	} {
		var eb errorBody
		code, raw := ts.do("POST", "/api/runs", "", c.body, &eb)
		if code != 400 || !strings.Contains(eb.Error.Message, c.want) || len(raw) > 2*maxMessage {
			t.Errorf("%s: %d, %d bytes: %.300s; want 400 with %q", c.name, code, len(raw), eb.Error.Message, c.want)
		}
		for _, leak := range []string{"Go struct", "runRequest", "httpapi", "map[string]"} {
			if strings.Contains(eb.Error.Message, leak) {
				t.Errorf("%s: message names Go's types: %s", c.name, eb.Error.Message)
			}
		}
	}
	// A scenario with a huge id: its problems are bounded too.
	sc := generated("s", 3)
	sc.Actors[0].ID = huge[:1<<20]
	code, raw = ts.do("POST", "/api/scenarios", "", scenarioJSON(t, sc), nil)
	wantStatus(t, "huge actor id", code, 400, raw)
	if len(raw) > 10*maxMessage {
		t.Errorf("%d-byte answer to a scenario with a 1 MiB id", len(raw))
	}
	// Reading a body that breaks says so without the connection's addresses.
	req := httptest.NewRequest("POST", "http://127.0.0.1/api/scenarios", errReader{})
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	ts.Handler().ServeHTTP(w, req)
	if w.Code != 400 || strings.Contains(w.Body.String(), "127.0.0.1") {
		t.Errorf("broken body: %d %s", w.Code, w.Body)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) {
	return 0, errors.New("read tcp 127.0.0.1:8080->127.0.0.1:5555: i/o timeout")
}
