package exchange_test

import (
	"context"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/exchange"
)

// TestSettle checks the judgement of a run (issue 14, item 2): a scenario
// (found by a search over random ones, then fixed here) whose outcomes
// fall into a 2-cycle of exchanges is unsettled, with the cycle and the
// settle range of each issue and the forecast at its middle; a scenario
// whose saliences leave nothing to trade is converged (no exchange, so
// later rounds would repeat the first).
func TestSettle(t *testing.T) {
	st := func(x0, s0, x1, s1 float64) map[string]*jirga.Stance {
		return map[string]*jirga.Stance{"i0": {Position: jirga.Val(x0), Salience: jirga.Val(s0)}, "i1": {Position: jirga.Val(x1), Salience: jirga.Val(s1)}}
	}
	s := &jirga.Scenario{ID: "cycle", Issues: []*jirga.Issue{{ID: "i0"}, {ID: "i1"}}, Actors: []*jirga.Actor{
		{ID: "a0", Capability: jirga.Val(1), Stances: st(100, 20, 30, 22)},
		{ID: "a1", Capability: jirga.Val(3), Stances: st(40, 13, 20, 67)},
		{ID: "a2", Capability: jirga.Val(4), Stances: st(80, 42, 20, 39)},
		{ID: "a3", Capability: jirga.Val(3), Stances: st(80, 28, 50, 68)},
		{ID: "a4", Capability: jirga.Val(4), Stances: st(0, 71, 30, 75)},
		{ID: "a5", Capability: jirga.Val(3), Stances: st(70, 25, 90, 33)},
	}}
	r, err := exchange.Model{Rounds: 30}.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != jirga.StatusUnsettled {
		t.Fatalf("status %s, want unsettled", r.Status)
	}
	cycled := false
	for _, f := range r.Issues {
		if f.SettleRange == nil || f.Forecast != (f.SettleRange[0]+f.SettleRange[1])/2 {
			t.Errorf("%s: %+v, want a settle range and its middle", f.Issue, f)
		}
		cycled = cycled || f.SettleCycle == 2
	}
	if !cycled {
		t.Errorf("no issue in a 2-cycle: %+v", r.Issues)
	}
	// The default ten rounds end while the outcomes still move: unsettled
	// too, and each forecast is within its range.
	d, err := exchange.Model{}.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != jirga.StatusUnsettled {
		t.Errorf("ten rounds: status %s, want unsettled", d.Status)
	}
	// The same actors with saliences in the same ratio on both issues
	// have nothing to trade (TestProportionalSaliences): no exchange in
	// round 1, so the run stops, converged.
	for _, a := range s.Actors {
		a.Stances["i1"].Salience = jirga.Val(a.Stances["i0"].Salience.Value / 2)
	}
	c, err := exchange.Model{}.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != jirga.StatusConverged || len(c.Rounds) != 1 || c.Issues[0].SettleRange != nil {
		t.Errorf("nothing to trade: status %s after %d rounds, %+v; want converged after 1", c.Status, len(c.Rounds), c.Issues[0])
	}
}
