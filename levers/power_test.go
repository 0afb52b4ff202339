package levers_test

import (
	"context"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/levers"
)

// TestPowerLever: an issue-specific power is a lever (Compute walks
// Scenario.Estimates), nudged by ±step of its value; a stance without its
// own power has none.
func TestPowerLever(t *testing.T) {
	s := two()
	s.Issues = append(s.Issues, &jirga.Issue{ID: "y"})
	s.Actors[0].Stances["y"] = &jirga.Stance{Position: jirga.Val(10), Salience: jirga.Val(90), Power: jirga.Val(4)}
	s.Actors[1].Stances["y"] = &jirga.Stance{Position: jirga.Val(70), Salience: jirga.Val(20)}
	r, err := levers.Compute(context.Background(), s, exchange.Model{}, levers.Options{Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	var got []levers.Lever
	for _, l := range r.Levers {
		if l.Field == jirga.FieldPower {
			got = append(got, l)
		}
	}
	// ±0.4 on two issues (the exchange model trades across them).
	if len(got) != 4 {
		t.Fatalf("power levers %+v, want 4", got)
	}
	for _, l := range got {
		if l.Actor != "a" || (l.Issue != "y" && l.Perturbed != "y") || math.Abs(math.Abs(l.Delta)-0.4) > 1e-12 {
			t.Errorf("lever %+v, want a's power on y nudged by ±0.4", l)
		}
	}
}
