package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/queue"
	"github.com/jirga/jirga/sqlite"
	"github.com/jirga/jirga/storetest"
)

// testServer is a Server on an httptest listener with a SQLite store.
type testServer struct {
	*Server
	ts *httptest.Server
	t  *testing.T
}

func newStore(t *testing.T) jirga.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "jirga.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testRunWait is how long the tests' servers let POST /api/runs wait for a
// run. The tests' runs take milliseconds, but a test that wants 201 must
// not get 202 because the machine is busy: the default, DefaultRunWait, is
// a choice for users, not a bound on how slow a loaded CI machine may be.
const testRunWait = 2 * time.Minute

func newTestServer(t *testing.T, store jirga.Store, configure func(*Server)) *testServer {
	t.Helper()
	s := &Server{Store: store, RunWait: testRunWait}
	if configure != nil {
		configure(s)
	}
	if err := s.start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.queue.Close()
	})
	return &testServer{Server: s, ts: ts, t: t}
}

// do sends a request as a client of the API does (a JSON body declared
// application/json, an import as application/octet-stream) and decodes the
// JSON answer into out (if not nil), returning the status code and the raw
// body.
func (ts *testServer) do(method, path, token string, body any, out any) (int, []byte) {
	ts.t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		h.Set("Content-Type", "application/json")
		if strings.HasPrefix(path, "/api/import") {
			h.Set("Content-Type", "application/octet-stream")
		}
	}
	return ts.doHeader(method, path, h, body, out)
}

// doHeader is do with exactly the given headers.
func (ts *testServer) doHeader(method, path string, h http.Header, body any, out any) (int, []byte) {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.ts.URL+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			ts.t.Fatalf("%s %s: decoding %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, raw
}

func flagshipJSON(t *testing.T) []byte { return flagshipJSONB(t) }

func flagshipJSONB(t testing.TB) []byte {
	t.Helper()
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := format.Write(&b, ss, format.JSON); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func wantStatus(t *testing.T, what string, got, want int, body []byte) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, got, want, body)
	}
}

func TestScenarios(t *testing.T) { testScenarios(t, newStore(t)) }

func testScenarios(t *testing.T, store jirga.Store) {
	ts := newTestServer(t, store, nil)
	body := flagshipJSON(t)
	var sv jirga.ScenarioVersion
	code, raw := ts.do("POST", "/api/scenarios", "", body, &sv)
	wantStatus(t, "create", code, 201, raw)
	if sv.ID != examples.Flagship || sv.Version != 1 {
		t.Fatalf("created %s@%d, want %s@1", sv.ID, sv.Version, examples.Flagship)
	}
	code, raw = ts.do("POST", "/api/scenarios", "", body, nil)
	wantStatus(t, "create again", code, 409, raw)

	// Update: a new version; the old one is kept.
	var s jirga.Scenario
	json.Unmarshal(body, &s)
	s.Actors[0].Capability.Value = 71
	code, raw = ts.do("PUT", "/api/scenarios/"+s.ID, "", &s, &sv)
	wantStatus(t, "update", code, 200, raw)
	if sv.Version != 2 {
		t.Fatalf("update made version %d, want 2", sv.Version)
	}
	var got jirga.ScenarioVersion
	code, raw = ts.do("GET", "/api/scenarios/"+s.ID, "", nil, &got)
	wantStatus(t, "get", code, 200, raw)
	if got.Version != 2 || got.Scenario.Actors[0].Capability.Value != 71 {
		t.Fatalf("latest is version %d with capability %v, want 2 and 71", got.Version, got.Scenario.Actors[0].Capability.Value)
	}
	code, raw = ts.do("GET", "/api/scenarios/"+s.ID+"?version=1", "", nil, &got)
	wantStatus(t, "get v1", code, 200, raw)
	if got.Version != 1 || got.Scenario.Actors[0].Capability.Value == 71 {
		t.Fatalf("version 1 was overwritten")
	}
	var vs struct{ Versions []jirga.ScenarioVersion }
	code, raw = ts.do("GET", "/api/scenarios/"+s.ID+"/versions", "", nil, &vs)
	wantStatus(t, "versions", code, 200, raw)
	if len(vs.Versions) != 2 {
		t.Fatalf("%d versions, want 2", len(vs.Versions))
	}
	var list struct{ Scenarios []jirga.ScenarioVersion }
	ts.do("GET", "/api/scenarios", "", nil, &list)
	if len(list.Scenarios) != 1 || list.Scenarios[0].Version != 2 {
		t.Fatalf("list %+v", list)
	}
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/api/scenarios/nope", nil, 404},
		{"GET", "/api/scenarios/" + s.ID + "?version=9", nil, 404},
		{"GET", "/api/scenarios/" + s.ID + "?version=x", nil, 400},
		{"PUT", "/api/scenarios/nope", &s, 404},
		{"PUT", "/api/scenarios/other", nil, 404},
		{"GET", "/api/nothing", nil, 404},
		{"DELETE", "/api/scenarios/" + s.ID, nil, 404},
	} {
		code, raw := ts.do(c.method, c.path, "", c.body, nil)
		wantStatus(t, c.method+" "+c.path, code, c.want, raw)
	}
	// The body's id must match the URL's.
	s.ID = "renamed"
	code, raw = ts.do("PUT", "/api/scenarios/"+examples.Flagship, "", &s, nil)
	wantStatus(t, "rename", code, 400, raw)
}

// TestBadScenario checks that a bad scenario gets the CLI's messages, with
// file, line, actor, issue and field.
func TestBadScenario(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	body := strings.Replace(string(flagshipJSON(t)), `"salience": {
            "value": 90,`, `"salience": {
            "value": 190,`, 1)
	if !strings.Contains(body, `"value": 190`) {
		t.Fatal("test scenario has no salience 90 to break")
	}
	var eb errorBody
	code, raw := ts.do("POST", "/api/scenarios", "", body, &eb)
	wantStatus(t, "bad", code, 400, raw)
	_, cliErr := format.Read("request.json", []byte(body), format.Options{Format: format.JSON})
	ves := jirga.ValidationErrors(cliErr)
	if len(ves) == 0 || len(eb.Error.Problems) != len(ves) {
		t.Fatalf("%d problems, CLI finds %d: %s", len(eb.Error.Problems), len(ves), raw)
	}
	for i, p := range eb.Error.Problems {
		if p.Text != ves[i].Error() || p.Line == 0 || p.Field != "salience" || p.Actor == "" || p.Issue == "" {
			t.Errorf("problem %d = %+v, CLI says %q", i, p, ves[i].Error())
		}
	}
	code, raw = ts.do("POST", "/api/scenarios", "", "{", &eb)
	wantStatus(t, "syntax", code, 400, raw)
	if len(eb.Error.Problems) != 1 || eb.Error.Problems[0].Line != 1 {
		t.Errorf("syntax error problems %+v", eb.Error.Problems)
	}
}

func createFlagship(t *testing.T, ts *testServer, token string) {
	t.Helper()
	code, raw := ts.do("POST", "/api/scenarios", token, flagshipJSON(t), nil)
	wantStatus(t, "create flagship", code, 201, raw)
}

// TestRunForecast checks that a run's results are the CLI's JSON results and
// that a re-run gives the same result byte for byte.
func TestRunForecast(t *testing.T) { testRunForecast(t, newStore(t)) }

func testRunForecast(t *testing.T, store jirga.Store) {
	ts := newTestServer(t, store, nil)
	createFlagship(t, ts, "")
	req := map[string]any{"scenario_id": examples.Flagship, "models": []string{"all"}, "opts": map[string]string{"nbs.utility": "linear"}}
	var run struct {
		runView
		Results json.RawMessage `json:"results"`
	}
	code, raw := ts.do("POST", "/api/runs", "", req, &run)
	wantStatus(t, "run", code, 201, raw)
	if run.ID == 0 || run.Status != jirga.RunDone || run.Version != 1 || run.Seed != 1 || run.EngineVersion != jirga.Version || len(run.InputHash) != 64 {
		t.Fatalf("run %+v", run.RunRecord)
	}
	// The CLI's results for the same input.
	ss, _ := examples.Load(examples.Flagship, format.Options{})
	var ms []jirga.Model
	for _, n := range models.Names() {
		p := map[string]string{}
		if n == "nbs" {
			p["utility"] = "linear"
		}
		m, err := models.New(n, models.Options{Seed: 1, Params: p})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	fc, err := jirga.Run(context.Background(), ss[0], ms)
	if err != nil {
		t.Fatal(err)
	}
	predictAll(t, fc, ss[0], models.Names(), map[string]string{"nbs.utility": "linear"})
	want, _ := json.Marshal(fc.Results)
	var gotv, wantv any
	json.Unmarshal(run.Results, &gotv)
	json.Unmarshal(want, &wantv)
	if g, w := mustJSON(gotv), mustJSON(wantv); g != w {
		t.Fatalf("results\n got %s\nwant %s", g, w)
	}

	var stored runView
	code, raw = ts.do("GET", "/api/runs/1", "", nil, &stored)
	wantStatus(t, "get run", code, 200, raw)
	var rerun runView
	code, raw = ts.do("POST", "/api/runs/1/rerun", "", nil, &rerun)
	wantStatus(t, "rerun", code, 201, raw)
	if rerun.ID == stored.ID || rerun.InputHash != stored.InputHash {
		t.Fatalf("rerun id %d hash %s; stored id %d hash %s", rerun.ID, rerun.InputHash, stored.ID, stored.InputHash)
	}
	if !bytes.Equal(rerun.Result, stored.Result) || len(stored.Result) < 100 {
		t.Fatalf("rerun result differs:\n%s\n%s", rerun.Result, stored.Result)
	}

	var list struct{ Runs []jirga.RunRecord }
	ts.do("GET", "/api/runs?scenario="+examples.Flagship+"&kind=forecast&status=done", "", nil, &list)
	if len(list.Runs) != 2 || list.Runs[0].ID != rerun.ID {
		t.Fatalf("run list %+v", list.Runs)
	}
	ts.do("GET", "/api/runs?status=failed", "", nil, &list)
	if len(list.Runs) != 0 {
		t.Fatalf("failed runs %+v", list.Runs)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRunErrors(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	for _, c := range []struct {
		name string
		body any
		want int
		msg  string
	}{
		{"unknown model", map[string]any{"scenario_id": examples.Flagship, "models": []string{"oracle"}}, 400, `unknown model "oracle"`},
		{"unknown opt", map[string]any{"scenario_id": examples.Flagship, "opts": map[string]string{"nbs.x": "1"}}, 400, "nbs: unknown option x"},
		{"unknown scenario", map[string]any{"scenario_id": "nope"}, 404, `scenario "nope" not found`},
		{"unknown version", map[string]any{"scenario_id": examples.Flagship, "version": 5}, 404, "version 5 not found"},
		{"unknown kind", map[string]any{"scenario_id": examples.Flagship, "kind": "astrology"}, 400, `unknown run kind "astrology"`},
		{"no scenario", map[string]any{"models": []string{"mean"}}, 400, "scenario_id is missing"},
		{"unknown field", map[string]any{"scenario_id": examples.Flagship, "modles": []string{"mean"}}, 400, `unknown field "modles"`},
		{"negative rounds", map[string]any{"scenario_id": examples.Flagship, "rounds": -1}, 400, "rounds must be ≥ 0"},
		{"not json", "hello", 400, "request body"},
		{"empty", "", 400, "request body is empty"},
	} {
		var eb errorBody
		code, _ := ts.do("POST", "/api/runs", "", c.body, &eb)
		if code != c.want || !strings.Contains(eb.Error.Message, c.msg) {
			t.Errorf("%s: %d %q, want %d containing %q", c.name, code, eb.Error.Message, c.want, c.msg)
		}
	}
	// A bad option value is rejected before the run is stored, with the
	// message of models.Build, which parses the CLI's --opt too. Before,
	// nbs.utility=cubic was stored and failed when it ran.
	for _, c := range []struct {
		models []string
		opts   map[string]string
	}{
		{nil, map[string]string{"nbs.utility": "cubic"}},
		{[]string{"exchange"}, map[string]string{"exchange.fixed_weight": "0.7", "exchange.salience_weight": "0.7"}},
		{[]string{"mean"}, map[string]string{"nbs.utility": "linear"}},
		{[]string{"stacked"}, map[string]string{"stacked.params": "/etc/passwd"}},
		{[]string{"bdm", "smp"}, map[string]string{"bdm.q": "2", "smp.VotingRule": "Quad"}},
	} {
		names := c.models
		if names == nil {
			names = strings.Split(models.DefaultForecast, ",")
		}
		_, want := models.Build(names, 0, 1, c.opts, models.Untrusted)
		if want == nil {
			t.Fatalf("%v: models.Build accepts it", c.opts)
		}
		var eb errorBody
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": c.models, "opts": c.opts}, &eb)
		if code != 400 || eb.Error.Message != want.Error() {
			t.Errorf("%v: %d %s, want 400 with %q", c.opts, code, raw, want.Error())
		}
	}
	var list struct{ Runs []jirga.RunRecord }
	ts.do("GET", "/api/runs", "", nil, &list)
	if len(list.Runs) != 0 {
		t.Errorf("runs stored despite bad options: %+v", list.Runs)
	}
	for _, p := range []string{"/api/runs/999", "/api/runs/abc"} {
		code, raw := ts.do("GET", p, "", nil, nil)
		wantStatus(t, p, code, 404, raw)
	}
	code, raw := ts.do("POST", "/api/runs/999/cancel", "", nil, nil)
	wantStatus(t, "cancel unknown", code, 404, raw)
	code, raw = ts.do("GET", "/api/runs?status=bogus", "", nil, nil)
	wantStatus(t, "bad filter", code, 400, raw)
}

// TestAuth: with a token, every API request needs it, reads included; a
// read token allows reads only; the UI's page and /healthz stay open.
func TestAuth(t *testing.T) {
	ts := newTestServer(t, newStore(t), func(s *Server) { s.Token = "s3cret"; s.ReadToken = "look" })
	code, raw := ts.do("POST", "/api/scenarios", "", flagshipJSON(t), nil)
	wantStatus(t, "no token", code, 401, raw)
	code, raw = ts.do("POST", "/api/scenarios", "wrong", flagshipJSON(t), nil)
	wantStatus(t, "wrong token", code, 401, raw)
	code, raw = ts.do("POST", "/api/scenarios", "look", flagshipJSON(t), nil)
	wantStatus(t, "write with the read token", code, 401, raw)
	createFlagship(t, ts, "s3cret")
	for _, p := range []string{"/api/scenarios", "/api/scenarios/" + examples.Flagship, "/api/runs", "/api/models", "/api/runs/1"} {
		code, raw = ts.do("GET", p, "", nil, nil)
		wantStatus(t, "read without token "+p, code, 401, raw)
		code, raw = ts.do("GET", p, "wrong", nil, nil)
		wantStatus(t, "read with a wrong token "+p, code, 401, raw)
	}
	for _, tok := range []string{"s3cret", "look"} {
		code, raw = ts.do("GET", "/api/scenarios/"+examples.Flagship, tok, nil, nil)
		wantStatus(t, "read with token "+tok, code, 200, raw)
	}
	for _, p := range []string{"/", "/healthz"} {
		code, raw = ts.do("GET", p, "", nil, nil)
		wantStatus(t, "open "+p, code, 200, raw)
	}
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship}, nil)
	wantStatus(t, "run without token", code, 401, raw)
	code, raw = ts.do("POST", "/api/runs", "s3cret", map[string]any{"scenario_id": examples.Flagship}, nil)
	wantStatus(t, "run with token", code, 201, raw)
	// A read token without a token for writes is a mistake.
	s := &Server{Store: newStore(t), ReadToken: "look"}
	if err := s.start(context.Background()); err == nil {
		s.queue.Close()
		t.Error("a read token without a token was accepted")
	}
}

func TestLimits(t *testing.T) {
	ts := newTestServer(t, newStore(t), func(s *Server) { s.MaxBody = 1000 })
	code, raw := ts.do("POST", "/api/scenarios", "", flagshipJSON(t), nil)
	wantStatus(t, "large scenario", code, 413, raw)
	code, raw = ts.do("POST", "/api/runs", "", `{"scenario_id":"`+strings.Repeat("x", 2000)+`"}`, nil)
	wantStatus(t, "large run", code, 413, raw)
	code, raw = ts.do("GET", "/healthz", "", nil, nil)
	wantStatus(t, "health", code, 200, raw)
	if !strings.Contains(string(raw), `"status":"ok"`) {
		t.Errorf("health %s", raw)
	}
}

func TestImport(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	_, csv, err := examples.Bytes("emission")
	if err != nil {
		t.Fatal(err)
	}
	var out importAnswer
	code, raw := ts.do("POST", "/api/import?name=emission_standards.csv", "", csv, &out)
	wantStatus(t, "import csv", code, 201, raw)
	if len(out.Scenarios) != 1 || !out.Scenarios[0].Created || out.Scenarios[0].Version != 1 || out.Scenarios[0].ID != "emission_standards" || out.Scenarios[0].RequestedID != "" {
		t.Fatalf("import %s", raw)
	}
	// The same file again is a new scenario, never a new version of the first.
	code, raw = ts.do("POST", "/api/import?name=emission_standards.csv&format=csv", "", csv, &out)
	wantStatus(t, "import again", code, 201, raw)
	if sv := out.Scenarios[0]; !sv.Created || sv.Version != 1 || sv.ID != "emission_standards-2" || sv.RequestedID != "emission_standards" {
		t.Fatalf("second import %s", raw)
	}
	_, yml, _ := examples.Bytes(examples.Flagship)
	code, raw = ts.do("POST", "/api/import", "", yml, &out)
	wantStatus(t, "import yaml", code, 201, raw)
	if sv := out.Scenarios[0]; sv.ID != examples.Flagship {
		t.Fatalf("import yaml %s", raw)
	}
	var eb errorBody
	code, raw = ts.do("POST", "/api/import?format=json", "", yml, &eb)
	wantStatus(t, "yaml as json", code, 400, raw)
	code, raw = ts.do("POST", "/api/import?format=nope", "", yml, &eb)
	wantStatus(t, "unknown format", code, 400, raw)
	// Saliences written on 0–1 are refused, with the fix named, unless the
	// request says so (issue 14, item 4).
	small := []byte("actor,capability,position,salience\na,1,10,0.8\nb,2,60,0.5\nc,1,90,0.3\n")
	code, raw = ts.do("POST", "/api/import?name=small.csv", "", small, &eb)
	wantStatus(t, "saliences on 0–1", code, 400, raw)
	if !strings.Contains(string(raw), "salience_scale") {
		t.Errorf("saliences on 0–1: %s does not name salience_scale", raw)
	}
	code, raw = ts.do("POST", "/api/import?name=small.csv&salience_scale=1", "", small, &out)
	wantStatus(t, "salience_scale=1", code, 201, raw)
	code, raw = ts.do("POST", "/api/import?name=small.csv&salience_scale=-1", "", small, &eb)
	wantStatus(t, "salience_scale=-1", code, 400, raw)
}

type importAnswer struct {
	Scenarios []struct {
		ID          string `json:"id"`
		Version     int    `json:"version"`
		Created     bool   `json:"created"`
		RequestedID string `json:"requested_id"`
	} `json:"scenarios"`
}

// smallDecide is a Decide file unrelated to CoP21: two actors, one issue.
const smallDecide = "#A\tnorth\tNorth\n#A\tsouth\tSouth\n#P\twater\tWater share\n" +
	"#D\tnorth\twater\t20\t0.55\t1\n#D\tsouth\twater\t80\t0.7\t2\n"

// TestImportDecideTwice imports two different Decide files, as issue 17
// found them overwriting each other (both were named "decide"), with and
// without file names, and finds every one of them in the list.
func TestImportDecideTwice(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	_, cop21, err := examples.Bytes("cop21")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tc := range []struct {
		query string
		body  []byte
		want  string
	}{
		{"?name=cop21-paris.tsv", cop21, "cop21-paris"},
		{"?name=water.tsv", []byte(smallDecide), "water"},
		// Without a file name: from the title (#O), else the format's name.
		{"", cop21, "CoP21-Paris-negotiations-power-scores-based-on-expert-judgements"},
		{"", []byte(smallDecide), "decide"},
		{"", []byte(smallDecide), "decide-2"},
	} {
		var out importAnswer
		code, raw := ts.do("POST", "/api/import"+tc.query, "", tc.body, &out)
		wantStatus(t, "import "+tc.want, code, 201, raw)
		if len(out.Scenarios) != 1 || out.Scenarios[0].ID != tc.want || out.Scenarios[0].Version != 1 {
			t.Fatalf("import %s: %s", tc.want, raw)
		}
		ids = append(ids, tc.want)
	}
	var list struct {
		Scenarios []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"scenarios"`
	}
	code, raw := ts.do("GET", "/api/scenarios", "", nil, &list)
	wantStatus(t, "list", code, 200, raw)
	var got []string
	for _, sv := range list.Scenarios {
		got = append(got, sv.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(got, ids) {
		t.Fatalf("scenarios %v, want %v", got, ids)
	}
	// The two CoP21 imports are the same scenario under two ids; the small
	// file is not CoP21.
	var a, b struct {
		Scenario *jirga.Scenario `json:"scenario"`
	}
	ts.do("GET", "/api/scenarios/cop21-paris", "", nil, &a)
	ts.do("GET", "/api/scenarios/water", "", nil, &b)
	if len(a.Scenario.Actors) != 15 || len(b.Scenario.Actors) != 2 {
		t.Fatalf("cop21-paris has %d actors, water %d", len(a.Scenario.Actors), len(b.Scenario.Actors))
	}
}

// TestCreateFreshLongID checks that a suffix keeps an id of 64 characters
// within the limit.
func TestCreateFreshLongID(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	long := strings.Repeat("a", 63) + "b"
	body := "id: " + long + "\nissues: [{id: x}]\nactors: [{id: a, capability: 1, stances: {x: {position: 1, salience: 50}}}]\n"
	var ids []string
	for range 3 {
		var out importAnswer
		code, raw := ts.do("POST", "/api/import?name=x.yaml", "", []byte(body), &out)
		wantStatus(t, "import", code, 201, raw)
		ids = append(ids, out.Scenarios[0].ID)
	}
	want := []string{long, strings.Repeat("a", 62) + "-2", strings.Repeat("a", 62) + "-3"}
	if !slices.Equal(ids, want) {
		t.Fatalf("ids %q, want %q", ids, want)
	}
}

// blockKind is a run kind that blocks until canceled or released.
func blockKind(release <-chan struct{}) kinds.Kind {
	return kinds.Kind{
		Check: func(*jirga.RunRecord) error { return nil },
		Run: func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-release:
				return map[string]string{"scenario": s.ID}, nil
			}
		},
	}
}

// withKind installs a run kind for one test.
func withKind(t *testing.T, name jirga.RunKind, k kinds.Kind) {
	t.Cleanup(kinds.Register(name, k))
}

func TestCancel(t *testing.T) { testCancel(t, newStore(t)) }

func testCancel(t *testing.T, store jirga.Store) {
	withKind(t, "block", blockKind(nil))
	ts := newTestServer(t, store, func(s *Server) { s.Workers = 1 })
	createFlagship(t, ts, "")
	var a, b runView
	code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 0}, &a)
	wantStatus(t, "start a", code, 202, raw)
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 0}, &b)
	wantStatus(t, "start b", code, 202, raw)
	// b waits for the only worker; cancel it while queued, then a while running.
	for _, id := range []int64{b.ID, a.ID} {
		var got runView
		code, raw = ts.do("POST", "/api/runs/"+itoa(id)+"/cancel", "", nil, &got)
		wantStatus(t, "cancel", code, 200, raw)
		if got.Status != jirga.RunCanceled || got.FinishedAt == nil {
			t.Fatalf("after cancel: %+v", got.RunRecord)
		}
	}
	code, raw = ts.do("POST", "/api/runs/"+itoa(a.ID)+"/cancel", "", nil, nil)
	wantStatus(t, "cancel twice", code, 409, raw)
	// The worker is free again.
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}}, nil)
	wantStatus(t, "run after cancel", code, 201, raw)
}

func itoa(id int64) string { return strings.TrimSpace(mustJSON(id)) }

// TestShutdownResume checks that runs accepted before a shutdown are kept
// queued and finished by the next server on the same store.
func TestShutdownResume(t *testing.T) { testShutdownResume(t, newStore(t)) }

func testShutdownResume(t *testing.T, store jirga.Store) {
	release := make(chan struct{})
	withKind(t, "block", blockKind(release))
	s := &Server{Store: store, Workers: 1, Grace: 50 * time.Millisecond, RunWait: testRunWait}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: s, ts: &httptest.Server{URL: s.URL(), Config: &http.Server{}}, t: t}
	ts.ts.URL = s.URL()
	createFlagship(t, ts, "")
	var ids []int64
	for range 3 {
		var v runView
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 0}, &v)
		wantStatus(t, "start", code, 202, raw)
		ids = append(ids, v.ID)
	}
	// Wait for the first to be running.
	deadline := time.Now().Add(testRunWait)
	for {
		r, err := store.FindRun(context.Background(), ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == jirga.RunRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("run never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		r, _ := store.FindRun(context.Background(), id)
		if r.Status != jirga.RunQueued {
			t.Fatalf("after shutdown run %d is %s, want queued", id, r.Status)
		}
	}
	close(release)
	s2 := &Server{Store: store, Workers: 2, RunWait: testRunWait}
	if err := s2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	ts.ts.URL = s2.URL()
	for _, id := range ids {
		var v runView
		code, raw := ts.do("GET", "/api/runs/"+itoa(id)+"?wait=120", "", nil, &v)
		wantStatus(t, "resumed", code, 200, raw)
		if v.Status != jirga.RunDone {
			t.Fatalf("resumed run %d is %s", id, v.Status)
		}
	}
}

// TestRunKinds runs the sweep and deal kinds and checks that a re-run gives
// the same bytes (both are seeded Monte Carlo computations).
func TestRunKinds(t *testing.T) { testRunKinds(t, newStore(t)) }

func testRunKinds(t *testing.T, store jirga.Store) {
	ts := newTestServer(t, store, nil)
	createFlagship(t, ts, "")
	for _, c := range []struct {
		kind string
		want string // a key the result must have
	}{
		{"sweep", `"p90"`},
		{"deal", `"deal_probability"`},
		{"levers", `"effect"`},
		{"timeline", `"changes"`},
	} {
		var run runView
		ms := []string{"mean", "median"}
		if c.kind == "levers" {
			ms = ms[:1]
		}
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": c.kind, "models": ms, "draws": 64, "seed": 7}, &run)
		wantStatus(t, c.kind, code, 201, raw)
		if run.Status != jirga.RunDone || !strings.Contains(string(run.Result), c.want) {
			t.Fatalf("%s: status %s error %q result %.200s", c.kind, run.Status, run.Error, run.Result)
		}
		var rerun runView
		code, raw = ts.do("POST", "/api/runs/"+itoa(run.ID)+"/rerun", "", nil, &rerun)
		wantStatus(t, c.kind+" rerun", code, 201, raw)
		if !bytes.Equal(run.Result, rerun.Result) {
			t.Fatalf("%s: rerun differs", c.kind)
		}
	}
	var eb errorBody
	code, _ := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "levers", "models": []string{"mean", "nbs"}}, &eb)
	if code != 400 || !strings.Contains(eb.Error.Message, "exactly one model") {
		t.Errorf("levers with two models: %d %q", code, eb.Error.Message)
	}
	code, _ = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "sweep", "draws": kinds.MaxDraws + 1}, &eb)
	if code != 400 || !strings.Contains(eb.Error.Message, "draws must be in") {
		t.Errorf("too many draws: %d %q", code, eb.Error.Message)
	}
}

// TestRunAsOf checks the as_of option: a run uses the state it picks, as
// jirga forecast --as-of does; a timeline takes none; a date before the
// first state is refused before the run is stored.
func TestRunAsOf(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	ss, _ := examples.Load(examples.Flagship, format.Options{})
	m, _ := models.New("mean", models.Options{Seed: 1})
	for _, date := range []string{"", "2022-07-06", "2022-08-01"} {
		var run runView
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}, "as_of": date}, &run)
		wantStatus(t, "as_of "+date, code, 201, raw)
		st, err := ss[0].At(date)
		if err != nil {
			t.Fatal(err)
		}
		fc, err := jirga.Run(context.Background(), st, []jirga.Model{m})
		if err != nil {
			t.Fatal(err)
		}
		predictAll(t, fc, st, []string{"mean"}, nil)
		want, _ := json.Marshal(fc.Results)
		if string(run.Results) != string(want) {
			t.Errorf("as_of %q: results\n got %s\nwant %s", date, run.Results, want)
		}
		if run.Options.AsOf != date {
			t.Errorf("as_of %q stored as %q", date, run.Options.AsOf)
		}
	}
	for _, c := range []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"scenario_id": examples.Flagship, "as_of": "2022-06-01"}, "has no state as of 2022-06-01"},
		{map[string]any{"scenario_id": examples.Flagship, "as_of": "June"}, "want a date YYYY-MM-DD"},
		{map[string]any{"scenario_id": examples.Flagship, "kind": "timeline", "as_of": "2022-07-06"}, "as_of does not apply"},
	} {
		var eb errorBody
		code, _ := ts.do("POST", "/api/runs", "", c.body, &eb)
		if code != 400 || !strings.Contains(eb.Error.Message, c.msg) {
			t.Errorf("%v: %d %q, want 400 containing %q", c.body, code, eb.Error.Message, c.msg)
		}
	}
	var list struct{ Runs []jirga.RunRecord }
	ts.do("GET", "/api/runs", "", nil, &list)
	if len(list.Runs) != 3 {
		t.Errorf("%d runs stored, want the 3 valid ones", len(list.Runs))
	}
}

// TestQueueFull checks that runs beyond the queue's bound are refused with
// 503 before they are stored.
func TestQueueFull(t *testing.T) {
	release := make(chan struct{})
	withKind(t, "block", blockKind(release))
	store := newStore(t)
	ts := newTestServer(t, store, func(s *Server) { s.Workers = 1; s.MaxQueue = 2 })
	createFlagship(t, ts, "")
	req := map[string]any{"scenario_id": examples.Flagship, "kind": "block", "wait": 0}
	for i := range 2 {
		code, raw := ts.do("POST", "/api/runs", "", req, nil)
		wantStatus(t, "run "+itoa(int64(i)), code, 202, raw)
	}
	var eb errorBody
	code, raw := ts.do("POST", "/api/runs", "", req, &eb)
	wantStatus(t, "third run", code, 503, raw)
	if eb.Error.Code != eBusy {
		t.Errorf("code %q, want %q", eb.Error.Code, eBusy)
	}
	runs, _ := store.FindRuns(context.Background(), jirga.RunFilter{})
	if len(runs) != 2 {
		t.Errorf("%d runs stored, want 2: a refused run is not stored", len(runs))
	}
	close(release)
}

// TestPostgres runs the API tests on PostgreSQL when JIRGA_TEST_POSTGRES is
// set.
func TestPostgres(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; set it to a PostgreSQL DSN to run the API tests on PostgreSQL")
	}
	for name, fn := range map[string]func(*testing.T, jirga.Store){
		"Scenarios": testScenarios, "RunForecast": testRunForecast, "RunKinds": testRunKinds,
		"Cancel": testCancel, "ShutdownResume": testShutdownResume, "AtomicAcceptance": testAtomicAcceptance,
	} {
		t.Run(name, func(t *testing.T) { fn(t, storetest.Postgres(t)) })
	}
	t.Run("CrashLoop", func(t *testing.T) { testCrashLoop(t, storetest.Postgres) })
}

// TestResumeBeyondQueue checks that a server starts even when the store holds
// more queued runs than its queue: it takes what fits.
func TestResumeBeyondQueue(t *testing.T) {
	store := newStore(t)
	ctx := context.Background()
	ss, _ := examples.Load(examples.Flagship, format.Options{})
	if _, err := store.CreateScenario(ctx, ss[0]); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		r := &jirga.RunRecord{ScenarioID: examples.Flagship, Version: 1, Kind: jirga.KindForecast, Models: []string{"mean"}, Seed: 1, Status: jirga.RunQueued}
		if err := store.CreateRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ts := newTestServer(t, store, func(s *Server) { s.MaxQueue = 3 })
	var v runView
	code, raw := ts.do("GET", "/api/runs/1?wait=120", "", nil, &v)
	wantStatus(t, "first resumed run", code, 200, raw)
	if v.Status != jirga.RunDone {
		t.Fatalf("first resumed run is %s", v.Status)
	}
}

// TestWorkersAndProgress (issue 16): GET /api/workers lists this server
// as a live worker, /healthz reports the queue, and a run cut into parts
// reports its parts and its progress, done of all draws.
func TestWorkersAndProgress(t *testing.T) {
	ts := newTestServer(t, newStore(t), func(s *Server) { s.Queue.PartTime = time.Microsecond; s.Queue.MaxParts = 3 })
	createFlagship(t, ts, "")
	var ws struct{ Workers []queue.Worker }
	code, raw := ts.do("GET", "/api/workers", "", nil, &ws)
	wantStatus(t, "workers", code, 200, raw)
	if len(ws.Workers) != 1 || !ws.Workers[0].Self || ws.Workers[0].Role != "serve" || ws.Workers[0].Concurrency != DefaultWorkers {
		t.Errorf("workers: %s", raw)
	}
	var v runView
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "sweep", "models": []string{"mean"}, "draws": 90}, &v)
	wantStatus(t, "sweep", code, 201, raw)
	if v.Parts != 3 || v.Progress == nil || *v.Progress != (jirga.Progress{Done: 90, Total: 90}) {
		t.Errorf("sweep in %d parts, progress %+v; want 3 parts, 90 of 90", v.Parts, v.Progress)
	}
	var h struct {
		Status string
		Queue  *queue.Health
	}
	code, raw = ts.do("GET", "/healthz", "", nil, &h)
	wantStatus(t, "healthz", code, 200, raw)
	jobs := 0 // River marks jobs completed a moment after they end
	if h.Queue != nil {
		jobs = h.Queue.Jobs["completed"] + h.Queue.Jobs["running"]
	}
	if h.Status != "ok" || h.Queue == nil || h.Queue.Workers != 1 || h.Queue.Worker != ws.Workers[0].ID || jobs != 4 {
		t.Errorf("healthz: %s", raw)
	}
}

// predictAll gives every forecast of fc, made by the named models on s with
// the options opts (MODEL.KEY), its predictive interval and notes, as jirga
// forecast does.
func predictAll(t testing.TB, fc *jirga.Forecast, s *jirga.Scenario, names []string, opts map[string]string) {
	t.Helper()
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	plan := calib.NewPlan(c, s, names, calib.Options{Custom: models.CustomAll(names, 0, opts)})
	for _, r := range fc.Results {
		plan.Apply(r, s, nil)
	}
}

// TestRunErrorScale checks the error_scale option: it widens the predictive
// intervals of a forecast run, enters the input hash, and is refused on a
// kind without predictive intervals or out of its range.
func TestRunErrorScale(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	var plain, wide struct {
		runView
		Results []jirga.Result `json:"results"`
	}
	code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}}, &plain)
	wantStatus(t, "forecast", code, 201, raw)
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}, "error_scale": 2}, &wide)
	wantStatus(t, "forecast with error_scale 2", code, 201, raw)
	p, q := plain.Results[0].Issues[0].Predictive, wide.Results[0].Issues[0].Predictive
	if p == nil || q == nil || q.ErrorScale != 2 || !(q.P75-q.P25 > p.P75-p.P25) || plain.InputHash == wide.InputHash {
		t.Errorf("error_scale 2: %+v against %+v, hashes %s %s", q, p, wide.InputHash, plain.InputHash)
	}
	for _, body := range []map[string]any{
		{"scenario_id": examples.Flagship, "kind": "deal", "error_scale": 2},
		{"scenario_id": examples.Flagship, "kind": "explain", "error_scale": 2},
		{"scenario_id": examples.Flagship, "error_scale": -1},
		{"scenario_id": examples.Flagship, "error_scale": 1000},
	} {
		var eb errorBody
		code, raw := ts.do("POST", "/api/runs", "", body, &eb)
		if code != 400 || !strings.Contains(eb.Error.Message, "error_scale") {
			t.Errorf("%v: %d %s, want 400 naming error_scale", body, code, raw)
		}
	}
}
