package whatif_test

import (
	"context"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/whatif"
)

func f(x float64) *float64 { return &x }

// Two actors on x (0–100): a (capability 1, salience 50, position 80) and b
// (capability 1, salience 50, position 20): the mean is 50. Doubling a's
// capability makes it (2·80 + 20)/3 = 60; moving b to 50 makes it 65; both
// together (2·80 + 50)/3 = 70.
func TestCompareByHand(t *testing.T) {
	s := &jirga.Scenario{ID: "t", Issues: []*jirga.Issue{{ID: "x"}}, Actors: []*jirga.Actor{
		{ID: "a", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(80), Salience: jirga.Val(50)}}},
		{ID: "b", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(20), Salience: jirga.Val(50)}}},
	}, Interventions: []*jirga.Intervention{
		{ID: "cap", Kind: "carrot", Changes: []jirga.Change{{Actor: "a", Field: "capability", Set: f(2)}}},
		{ID: "move", Kind: "stick", Changes: []jirga.Change{{Actor: "b", Issue: "x", Field: "position", Delta: f(30)}}},
	}}
	c, err := whatif.Compare(context.Background(), s, []jirga.Model{baseline.Mean{}}, whatif.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{"baseline": {50, 0}, "cap": {60, 10}, "move": {65, 15}, "all": {70, 20}}
	if len(c.Variants) != 4 {
		t.Fatalf("variants %+v", c.Variants)
	}
	for v, w := range want {
		r, ok := c.Forecast(v, "mean", "x")
		if !ok || math.Abs(r.Forecast-w[0]) > 1e-9 || math.Abs(r.Shift-w[1]) > 1e-9 {
			t.Errorf("%s: %+v, want forecast %g shift %g", v, r, w[0], w[1])
		}
		if r.Predictive != nil {
			t.Errorf("%s: a predictive interval without Options.Predict", v)
		}
	}
	// With a plan, every forecast carries the interval around it that
	// calib gives, and the comparison the plan's notes.
	cal, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	plan := calib.NewPlan(cal, s, []string{"mean"}, calib.Options{})
	c, err = whatif.Compare(context.Background(), s, []jirga.Model{baseline.Mean{}}, whatif.Options{Predict: plan})
	if err != nil {
		t.Fatal(err)
	}
	for v, w := range want {
		r, _ := c.Forecast(v, "mean", "x")
		if p := plan.Errors("mean").Predict(w[0], nil, 0, 100); r.Predictive == nil || math.Abs(r.Predictive.P10-p.P10) > 1e-9 || math.Abs(r.Predictive.P90-p.P90) > 1e-9 {
			t.Errorf("%s: predictive %+v, want %+v", v, r.Predictive, p)
		}
	}
	if len(c.Notes["mean"]) == 0 {
		t.Error("the comparison carries no note on its intervals")
	}
	// The scenario itself is unchanged.
	if s.Actors[0].Capability.Value != 1 || s.Actors[1].Stances["x"].Position.Value != 20 {
		t.Error("Compare modified the scenario")
	}
	// An intervention on an unknown actor is an error.
	s.Interventions[0].Changes[0].Actor = "zz"
	if _, err := whatif.Compare(context.Background(), s, []jirga.Model{baseline.Mean{}}, whatif.Options{}); jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("err %v, want EINVALID", err)
	}
}
