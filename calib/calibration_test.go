package calib_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/models"
)

// TestShipped checks the embedded calibration: its provenance, and a
// calibration for every registered model.
func TestShipped(t *testing.T) {
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if c.Name == "" || c.Data != "deu_dev.tsv" || len(c.DataSHA256) != 64 || c.Date == "" || c.EngineVersion == "" || c.Method == "" || c.Domain != calib.DomainEULegislation {
		t.Errorf("provenance: %+v", *c)
	}
	for _, name := range models.Names() {
		m := c.Model(name)
		if m == nil {
			t.Errorf("no calibration for model %s", name)
			continue
		}
		// 274 scorable DEU issues of 105 proposals (docs/backtest.md).
		if m.N != 274 || m.Groups != 105 || len(m.Residuals) != 274 {
			t.Errorf("%s: n %d groups %d residuals %d, want 274, 105, 274", name, m.N, m.Groups, len(m.Residuals))
		}
	}
	b, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := calib.Decode(b)
	if err != nil || c2.Same(c, 0) != nil {
		t.Errorf("round trip: %v, %v", err, c2.Same(c, 0))
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tt := range []struct{ name, json, want string }{
		{"no name", `{"models": []}`, "no name"},
		{"residual beyond the scale", `{"name": "x", "models": [{"model": "mean", "residuals": [1.5]}]}`, "not in [−1, 1]"},
		{"level beyond ½", `{"name": "x", "models": [{"model": "mean", "residuals": [0.1], "point": {"l50": 0.7}}]}`, "not in [0, ½]"},
		{"unknown field", `{"name": "x", "modles": []}`, "unknown field"},
	} {
		if _, err := calib.Decode([]byte(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestSame(t *testing.T) {
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Encode()
	d, _ := calib.Decode(b)
	d.Date, d.Command = "1999-01-01", "other"
	if err := d.Same(c, 0); err != nil {
		t.Errorf("a different date and command: %v", err)
	}
	d.Models[0].Residuals[3] += 1e-6
	if err := d.Same(c, 1e-9); err == nil || !strings.Contains(err.Error(), "residual 4") {
		t.Errorf("a changed residual: %v", err)
	}
	d.Models[0].Residuals[3] -= 1e-6
	d.Draws++
	if err := d.Same(c, 1e-9); err == nil || !strings.Contains(err.Error(), "provenance") {
		t.Errorf("changed draws: %v", err)
	}
}

// flagship is a scenario outside the calibration's domain.
func flagship() *jirga.Scenario {
	return &jirga.Scenario{ID: "f", Issues: []*jirga.Issue{{ID: "x"}, {ID: "y", Scale: &jirga.Scale{Min: 0, Max: 10}}}}
}

func TestPlan(t *testing.T) {
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	s := flagship()
	p := calib.NewPlan(c, s, []string{"mean", "bdm", "exchange", "other"}, calib.Options{Custom: map[string]string{"bdm": "rounds=12"}})
	has := func(notes []string, want string) bool {
		return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, want) })
	}
	if p.Errors("mean") == nil || !has(p.Notes("mean"), "outside that domain") {
		t.Errorf("mean: errors %v, notes %q", p.Errors("mean"), p.Notes("mean"))
	}
	if p.Errors("bdm") != nil || !has(p.Notes("bdm"), "rounds=12") {
		t.Errorf("bdm with custom rounds: errors %v, notes %q", p.Errors("bdm"), p.Notes("bdm"))
	}
	if p.Errors("other") != nil || !has(p.Notes("other"), "has no errors for model other") {
		t.Errorf("unknown model: notes %q", p.Notes("other"))
	}
	if !has(p.Notes("exchange"), "makes no trade") {
		t.Errorf("exchange: notes %q", p.Notes("exchange"))
	}
	// A DEU issue is in the domain: no borrowed-domain note.
	deu := flagship()
	deu.Attributes = map[string]string{"procedure": "COD"}
	if !c.Covers(deu) || has(calib.NewPlan(c, deu, []string{"mean"}, calib.Options{}).Notes("mean"), "outside") {
		t.Errorf("a DEU scenario is not covered")
	}
	tagged := flagship()
	tagged.Attributes = map[string]string{"domain": calib.DomainEULegislation}
	if !c.Covers(tagged) || c.Covers(s) {
		t.Errorf("Covers: tagged %v, flagship %v", c.Covers(tagged), c.Covers(s))
	}
	// Apply sets an interval on each issue's own scale and the notes.
	r := &jirga.Result{Model: "mean", Issues: []jirga.IssueForecast{{Issue: "x", Forecast: 40}, {Issue: "y", Forecast: 4}}}
	p.Apply(r, s, nil)
	for i, f := range r.Issues {
		lo, hi := s.Issues[i].Bounds()
		pr := f.Predictive
		if pr == nil || !(lo <= pr.P05 && pr.P05 <= pr.P10 && pr.P10 <= pr.P25 && pr.P25 <= f.Forecast+1e-9 && f.Forecast <= pr.P75+1e-9 && pr.P75 <= pr.P90 && pr.P90 <= pr.P95 && pr.P95 <= hi) || pr.Basis != c.Name {
			t.Errorf("issue %s: forecast %v, predictive %+v", f.Issue, f.Forecast, pr)
		}
	}
	if len(r.Notes) == 0 {
		t.Error("Apply added no note")
	}
	// The scenario's error_scale, or Options.ErrorScale, widens it.
	s.ErrorScale = 2
	wide := calib.NewPlan(c, s, []string{"mean"}, calib.Options{})
	r2 := &jirga.Result{Model: "mean", Issues: []jirga.IssueForecast{{Issue: "x", Forecast: 40}}}
	wide.Apply(r2, s, nil)
	if w1, w2 := r.Issues[0].Predictive.P75-r.Issues[0].Predictive.P25, r2.Issues[0].Predictive.P75-r2.Issues[0].Predictive.P25; !(w2 > w1) || r2.Issues[0].Predictive.ErrorScale != 2 || !has(r2.Notes, "error scale 2") {
		t.Errorf("error_scale 2: width %v against %v, %+v, notes %q", w2, w1, r2.Issues[0].Predictive, r2.Notes)
	}
}
