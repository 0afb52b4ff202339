package council_test

import (
	"math"
	"testing"

	"github.com/jirga/jirga/council"
)

func TestWeightSums(t *testing.T) {
	// Sums from validation.md §2.5: 87 (Amsterdam, EU-15), 352 (Nice, 28).
	for _, c := range []struct {
		era   council.Era
		n     int
		total float64
	}{
		{council.Amsterdam, 15, 87},
		{council.Nice, 28, 352},
		{council.DoubleMajority, 28, 100},
	} {
		ms := council.Members(c.era)
		if len(ms) != c.n {
			t.Errorf("%s: %d members, want %d", c.era, len(ms), c.n)
		}
		s := 0.0
		for _, m := range ms {
			w, ok := council.Weight(c.era, m)
			if !ok || w <= 0 {
				t.Errorf("%s: %s weight %g, %v", c.era, m, w, ok)
			}
			s += w
		}
		if math.Abs(s-c.total) > 1e-9 {
			t.Errorf("%s: weights sum to %g, want %g", c.era, s, c.total)
		}
	}
	if _, ok := council.Weight(council.Amsterdam, "pl"); ok {
		t.Error("Poland has an Amsterdam-era weight")
	}
}

func TestShapleyShubikSimple(t *testing.T) {
	// Three players, majority of 2 states and 65% of a population 50/30/20:
	// winning coalitions {1,2} (80), {1,3} (70), {1,2,3}; {2,3} has 50 < 65.
	// Player 1 is pivotal in 4 of 6 orders, players 2 and 3 in 1 each.
	got := council.ShapleyShubik([]float64{5000, 3000, 2000}, 0.5, 0.65, 0)
	want := []float64{4.0 / 6, 1.0 / 6, 1.0 / 6}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("phi[%d] = %g, want %g", i, got[i], want[i])
		}
	}
}

func TestDoubleMajorityOrder(t *testing.T) {
	// The index must sum to 100 and rise with population among the large
	// states; Germany is the most powerful.
	de, _ := council.Weight(council.DoubleMajority, "de")
	fr, _ := council.Weight(council.DoubleMajority, "fr")
	mt, _ := council.Weight(council.DoubleMajority, "mt")
	if !(de > fr && fr > mt && mt > 0) {
		t.Errorf("de %g, fr %g, mt %g: want de > fr > mt > 0", de, fr, mt)
	}
}
