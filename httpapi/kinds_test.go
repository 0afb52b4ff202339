package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/report"
	"github.com/jirga/jirga/sweep"
	"github.com/jirga/jirga/whatif"
)

// shippedPlan is how the CLI makes the predictive intervals of the named
// models, run with their defaults, on s (jirga compare, jirga report).
func shippedPlan(t *testing.T, s *jirga.Scenario, names ...string) *calib.Plan {
	t.Helper()
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return calib.NewPlan(c, s, names, calib.Options{})
}

func buildAll(t *testing.T, names ...string) []jirga.Model {
	t.Helper()
	ms, err := models.Build(names, 0, 7, nil, models.Trusted)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestRunCompare: a compare run's result is whatif.Compare's with the
// predictive intervals, as jirga compare --format json prints it, and a
// re-run gives the same bytes; error_scale widens its intervals.
func TestRunCompare(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	var run runView
	code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "compare", "models": []string{"mean", "bdm"}, "seed": 7}, &run)
	wantStatus(t, "compare", code, 201, raw)
	s := exampletest.Flagship(t)
	c, err := whatif.Compare(context.Background(), s, buildAll(t, "mean", "bdm"), whatif.Options{Predict: shippedPlan(t, s, "mean", "bdm")})
	if err != nil {
		t.Fatal(err)
	}
	if want := mustJSON(c); string(run.Result) != strings.TrimSpace(want) {
		t.Fatalf("compare result differs from whatif.Compare:\n got %.300s\nwant %.300s", run.Result, want)
	}
	if r := c.Rows[0]; r.Predictive == nil {
		t.Fatalf("compare row %+v has no predictive interval", r)
	}
	var wide runView
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "compare", "models": []string{"mean", "bdm"}, "seed": 7, "error_scale": 2}, &wide)
	wantStatus(t, "compare with error_scale 2", code, 201, raw)
	var cw whatif.Comparison
	if err := json.Unmarshal(wide.Result, &cw); err != nil {
		t.Fatal(err)
	}
	if p, q := c.Rows[0].Predictive, cw.Rows[0].Predictive; q == nil || !(q.P90-q.P10 > p.P90-p.P10) {
		t.Errorf("error_scale 2: compare interval %+v, against %+v", q, p)
	}
	var rerun runView
	code, raw = ts.do("POST", "/api/runs/"+itoa(run.ID)+"/rerun", "", nil, &rerun)
	wantStatus(t, "rerun", code, 201, raw)
	if !bytes.Equal(run.Result, rerun.Result) {
		t.Fatal("compare rerun differs")
	}
}

// TestRunExplain: an explain run tells the story jirga explain prints, of
// every issue or one; a static model, two models, an unknown issue, or an
// issue on another kind are refused before the run is stored.
func TestRunExplain(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	for _, issue := range []string{"", "merger"} {
		var run runView
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "explain", "issue": issue}, &run)
		wantStatus(t, "explain "+issue, code, 201, raw)
		if strings.Join(run.Models, ",") != "bdm" || run.Options.Issue != issue {
			t.Fatalf("explain run %+v", run.RunRecord)
		}
		var got struct { // an explain run's result
			Model     string
			Forecasts map[string]float64
			Text      string
		}
		if err := json.Unmarshal(run.Result, &got); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		r, err := models.Explain(context.Background(), &want, exampletest.Flagship(t), buildAll(t, "bdm")[0], issue)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != want.String() || got.Model != "bdm" || len(got.Forecasts) != len(r.Issues) {
			t.Fatalf("explain %q: got %d bytes of text and %d forecasts, want %d and %d", issue, len(got.Text), len(got.Forecasts), want.Len(), len(r.Issues))
		}
	}
	for _, c := range []struct {
		req  map[string]any
		want string
	}{
		{map[string]any{"kind": "explain", "models": []string{"mean"}}, "is static"},
		{map[string]any{"kind": "explain", "models": []string{"bdm", "smp"}}, "exactly one model"},
		{map[string]any{"kind": "explain", "issue": "nope"}, `issue "nope": no such issue`},
		{map[string]any{"kind": "forecast", "issue": "merger"}, "issue applies to explain runs"},
	} {
		c.req["scenario_id"] = examples.Flagship
		var eb errorBody
		code, raw := ts.do("POST", "/api/runs", "", c.req, &eb)
		if code != 400 || !strings.Contains(eb.Error.Message, c.want) {
			t.Errorf("%v: %d %s, want 400 with %q", c.req, code, raw, c.want)
		}
	}
}

// TestRunReport: a report run stores the page jirga report writes (the
// same bytes as report.Write with the run's options), GET
// /api/runs/{id}/report serves it as an HTML file to save, and other runs
// have no report.
func TestRunReport(t *testing.T) {
	if testing.Short() {
		t.Skip("a report of the flagship takes seconds")
	}
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	var run runView
	code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": "report", "models": []string{"mean", "median"}, "draws": 16, "seed": 7, "as_of": "2022-07-06"}, &run)
	wantStatus(t, "report", code, 201, raw)
	var want bytes.Buffer
	u := sweep.DefaultUncertainty()
	s := exampletest.Flagship(t)
	if err := report.Write(context.Background(), &want, s, buildAll(t, "mean", "median"), report.Options{Draws: 16, Seed: 7, Uncertainty: &u, AsOf: "2022-07-06", Predict: shippedPlan(t, s, "mean", "median"),
		Engine: run.EngineVersion, InputHash: run.InputHash, Date: run.CreatedAt.UTC().Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ts.ts.URL + "/api/runs/" + itoa(run.ID) + "/report")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="pakistan-ttp-2022-v1-report-`) ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("report answer %d %v", resp.StatusCode, resp.Header)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("the served report (%d bytes) differs from report.Write's (%d bytes)", got.Len(), want.Len())
	}
	// The footer states the stored run's provenance.
	for _, want := range []string{"sha256:" + run.InputHash, "jirga " + run.EngineVersion, run.CreatedAt.UTC().Format(time.DateOnly)} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("the served report lacks %q", want)
		}
	}
	var other runView
	code, raw = ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "models": []string{"mean"}}, &other)
	wantStatus(t, "forecast", code, 201, raw)
	var eb errorBody
	code, raw = ts.do("GET", "/api/runs/"+itoa(other.ID)+"/report", "", nil, &eb)
	if code != 404 || !strings.Contains(eb.Error.Message, "only report runs") {
		t.Errorf("report of a forecast run: %d %s", code, raw)
	}
}

// TestValidate: POST /api/validate finds what saving would refuse, at the
// same paths and with the CLI's messages, and stores nothing.
func TestValidate(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	type answer struct {
		Valid    bool      `json:"valid"`
		Problems []problem `json:"problems"`
		Warnings []problem `json:"warnings"`
	}
	var a answer
	code, raw := ts.do("POST", "/api/validate", "", flagshipJSON(t), &a)
	wantStatus(t, "validate flagship", code, 200, raw)
	if !a.Valid || len(a.Problems) != 0 {
		t.Fatalf("flagship: %s", raw)
	}
	body := `{"id": "x", "as_of": "2024-01-01", "sources": [{"id": "s"}], "issues": [{"id": "i"}],
 "actors": [{"id": "a", "capability": 1, "stances": {"i": {"position": 50, "salience": 150}}}, {"id": "b", "capability": 0, "stances": {"i": {"position": 5}}}]}`
	code, raw = ts.do("POST", "/api/validate", "", body, &a)
	wantStatus(t, "validate bad", code, 200, raw)
	_, cliErr := format.Read("request.json", []byte(body), format.Options{Format: format.JSON})
	ves := jirga.ValidationErrors(cliErr)
	if a.Valid || len(a.Problems) != len(ves) || len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0].Message, "no date") {
		t.Fatalf("bad scenario: %s", raw)
	}
	paths := map[string]bool{}
	for i, p := range a.Problems {
		paths[p.Path] = true
		if p.Text != ves[i].Error() {
			t.Errorf("problem %d %q, CLI says %q", i, p.Text, ves[i].Error())
		}
	}
	for _, p := range []string{"actors[0].stances.i.salience", "actors[1].capability", "actors[1].stances.i.salience"} {
		if !paths[p] {
			t.Errorf("no problem at %s: %s", p, raw)
		}
	}
	var list struct{ Scenarios []any }
	ts.do("GET", "/api/scenarios", "", nil, &list)
	if len(list.Scenarios) != 0 {
		t.Errorf("validate stored a scenario")
	}
	var eb errorBody
	code, raw = ts.do("POST", "/api/validate", "", `{"id": `, &eb)
	wantStatus(t, "syntax", code, 200, raw)
}
