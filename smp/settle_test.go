package smp_test

import (
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/smp"
)

// TestSettle checks the judgement of a run (issue 14, item 2): a scenario
// (found by a search over random ones, then fixed here) on which the
// probability-weighted outcome alternates every turn until the turn cap is
// unsettled, with its 2-cycle and settle range, its forecast the middle of
// that range; SOE-Policy, on which it settles, is converged with the last
// turn's outcome.
func TestSettle(t *testing.T) {
	st := func(x, s float64) map[string]*jirga.Stance {
		return map[string]*jirga.Stance{"i0": {Position: jirga.Val(x), Salience: jirga.Val(s)}}
	}
	s := &jirga.Scenario{ID: "cycle", Issues: []*jirga.Issue{{ID: "i0"}}, Actors: []*jirga.Actor{
		{ID: "a0", Capability: jirga.Val(5), Stances: st(20, 74)},
		{ID: "a1", Capability: jirga.Val(7), Stances: st(40, 74)},
		{ID: "a2", Capability: jirga.Val(1), Stances: st(30, 93)},
		{ID: "a3", Capability: jirga.Val(3), Stances: st(20, 13)},
	}}
	r := run(t, s, smp.Settings{})
	f := r.Issues[0]
	if r.Status != jirga.StatusUnsettled || f.SettleCycle != 2 || f.SettleRange == nil || f.LastRound == nil {
		t.Fatalf("status %s, %+v; want unsettled with a 2-cycle", r.Status, f)
	}
	if lo, hi := f.SettleRange[0], f.SettleRange[1]; !(hi-lo > 10) || f.Forecast != (lo+hi)/2 {
		t.Errorf("settle range %v, forecast %v; want a range over 10 points and its middle", *f.SettleRange, f.Forecast)
	}
	c := run(t, load(t, "testdata/ktab/SOE-Policy/SOE-Policy.csv"), smp.Settings{})
	last := c.Rounds[len(c.Rounds)-1].Outcome[c.Issues[0].Issue]
	if c.Status != jirga.StatusConverged || c.Issues[0].SettleRange != nil || c.Issues[0].Forecast != last {
		t.Errorf("SOE-Policy: status %s, %+v; want converged at the last turn's %v", c.Status, c.Issues[0], last)
	}
}
