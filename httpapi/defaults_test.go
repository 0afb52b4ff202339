package httpapi

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/option"
	"github.com/jirga/jirga/sweep"
)

// TestRunDefaults: a run that names no model runs the default of the CLI
// command that computes the same, from models' one definition, and
// GET /api/models says which.
func TestRunDefaults(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	for kind, want := range map[string]string{
		"forecast": models.DefaultForecast,
		"sweep":    models.DefaultSweep,
		"deal":     models.DefaultSweep,
		"levers":   models.DefaultLevers,
		"compare":  models.DefaultForecast,
		"explain":  "bdm",
	} {
		var run runView
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": kind, "draws": 8, "wait": 0}, &run)
		if code != 201 && code != 202 {
			t.Fatalf("%s: status %d: %s", kind, code, raw)
		}
		if got := strings.Join(run.Models, ","); got != want {
			t.Errorf("%s run without models runs %s, want %s", kind, got, want)
		}
	}
	var info struct {
		Default     []string            `json:"default"`
		Defaults    map[string][]string `json:"defaults"`
		Draws       int                 `json:"draws"`
		Uncertainty sweep.Uncertainty   `json:"uncertainty"`
	}
	code, raw := ts.do("GET", "/api/models", "", nil, &info)
	wantStatus(t, "models", code, 200, raw)
	if strings.Join(info.Default, ",") != models.DefaultForecast || strings.Join(info.Defaults["sweep"], ",") != models.DefaultSweep ||
		strings.Join(info.Defaults["levers"], ",") != models.DefaultLevers || info.Draws != sweep.DefaultDraws || info.Uncertainty != sweep.DefaultUncertainty() {
		t.Errorf("GET /api/models defaults: %s", raw)
	}
}

// TestRunUncertainty: a sweep or deal run sets the default uncertainty as
// jirga sweep --uncertainty does (fields not given keep the default), it
// enters the stored input and its hash, and bad values are refused before
// the run is stored, as the CLI refuses them.
func TestRunUncertainty(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	createFlagship(t, ts, "")
	var run runView
	req := map[string]any{"scenario_id": examples.Flagship, "kind": "sweep", "models": []string{"mean", "nbs"}, "draws": 50, "seed": 3,
		"uncertainty": map[string]float64{"salience": 5, "status_quo": 0.05}}
	code, raw := ts.do("POST", "/api/runs", "", req, &run)
	wantStatus(t, "sweep with uncertainty", code, 201, raw)
	// The same sweep in the library, with the CLI's flag value.
	u := sweep.DefaultUncertainty()
	if err := u.Parse("salience=5,status_quo=0.05"); err != nil {
		t.Fatal(err)
	}
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms := []jirga.Model{}
	for _, n := range []string{"mean", "nbs"} {
		m, _ := models.New(n, models.Options{Seed: 3})
		ms = append(ms, m)
	}
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	plan := calib.NewPlan(c, ss[0], []string{"mean", "nbs"}, calib.Options{})
	want, err := sweep.Run(context.Background(), ss[0], ms, sweep.Options{Draws: 50, Seed: 3, Uncertainty: &u, Predict: plan})
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := json.Marshal(want)
	if string(wb) != string(run.Result) {
		t.Errorf("the API's sweep differs from the library's with --uncertainty salience=5,status_quo=0.05:\n%.300s\n%.300s", run.Result, wb)
	}
	// The default run differs, and its hash too.
	var plain runView
	delete(req, "uncertainty")
	code, raw = ts.do("POST", "/api/runs", "", req, &plain)
	wantStatus(t, "sweep", code, 201, raw)
	if plain.InputHash == run.InputHash || string(plain.Result) == string(run.Result) {
		t.Error("the uncertainty changes neither the input hash nor the result")
	}
	for _, c := range []struct {
		kind string
		u    map[string]float64
		msg  string
	}{
		{"sweep", map[string]float64{"position": 2}, "position=2"},
		{"deal", map[string]float64{"salience": -1}, "salience=-1"},
		{"sweep", map[string]float64{"wobble": 1}, `unknown uncertainty "wobble"`},
		{"forecast", map[string]float64{"position": 0.1}, "uncertainty applies to sweep, deal and timeline runs"},
		{"levers", map[string]float64{"position": 0.1}, "uncertainty applies to sweep, deal and timeline runs"},
	} {
		var eb errorBody
		code, raw := ts.do("POST", "/api/runs", "", map[string]any{"scenario_id": examples.Flagship, "kind": c.kind, "uncertainty": c.u}, &eb)
		if code != 400 || !strings.Contains(eb.Error.Message, c.msg) {
			t.Errorf("%s %v: %d %s; want 400 with %q", c.kind, c.u, code, raw, c.msg)
		}
	}
	runs, err := ts.Store.FindRuns(context.Background(), jirga.RunFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(runs); n != 2 || !slices.ContainsFunc(runs, func(r *jirga.RunRecord) bool { return r.Options.Uncertainty["salience"] == 5 }) {
		t.Errorf("%d runs stored, want the 2 good ones, one with its uncertainty", n)
	}
}

// TestConflictNamesRoute: the store's conflict names no route; the API's
// answer says which route saves a new version.
func TestConflictNamesRoute(t *testing.T) {
	store := newStore(t)
	ts := newTestServer(t, store, nil)
	createFlagship(t, ts, "")
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.CreateScenario(context.Background(), ss[0])
	if jirga.ErrorCode(err) != jirga.ECONFLICT || strings.Contains(err.Error(), "/api") || strings.Contains(err.Error(), "PUT") {
		t.Errorf("store conflict: %v; want ECONFLICT naming no route", err)
	}
	var eb errorBody
	code, raw := ts.do("POST", "/api/scenarios", "", flagshipJSON(t), &eb)
	if code != 409 || !strings.Contains(eb.Error.Message, "PUT /api/scenarios/"+examples.Flagship) {
		t.Errorf("POST an existing scenario: %d %s", code, raw)
	}
}

// TestModelsChoices: GET /api/models gives every value of every choice
// option with its one-line meaning and its source, and a reading with the
// options it sets, as the models' declarations give them (issue 15).
func TestModelsChoices(t *testing.T) {
	ts := newTestServer(t, newStore(t), nil)
	var got struct {
		Models []struct {
			Name   string `json:"name"`
			Params []struct {
				Name    string         `json:"name"`
				Choices []option.Value `json:"choices"`
			} `json:"params"`
		} `json:"models"`
	}
	code, raw := ts.do("GET", "/api/models", "", nil, &got)
	wantStatus(t, "models", code, 200, raw)
	listed := map[string][]option.Value{}
	for _, m := range got.Models {
		for _, p := range m.Params {
			listed[m.Name+"."+p.Name] = p.Choices
		}
	}
	n := 0
	for _, info := range models.All() {
		for _, o := range info.Options {
			if o.Type != option.Choice {
				continue
			}
			l := listed[info.Name+"."+o.Name]
			if len(l) != len(o.Values) {
				t.Errorf("%s.%s: %d choices listed, %d declared", info.Name, o.Name, len(l), len(o.Values))
				continue
			}
			for i, v := range o.Values {
				n++
				if l[i].Name != v.Name || l[i].Doc != v.Doc || l[i].Cite != v.Cite || l[i].Doc == "" || l[i].Cite == "" || !maps.Equal(l[i].Sets, v.Sets) {
					t.Errorf("%s.%s: listed %+v, declared %+v", info.Name, o.Name, l[i], v)
				}
			}
		}
	}
	if r := listed["bdm.reading"]; len(r) == 0 || r[0].Name != "scholz" || r[0].Sets["accept"] != "lowest" {
		t.Errorf("bdm.reading: %+v", r)
	}
	if n < 40 {
		t.Errorf("only %d choice values declared", n)
	}
}
