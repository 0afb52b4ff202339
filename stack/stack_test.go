package stack_test

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stack"
)

func TestHuberRecoversLinearModel(t *testing.T) {
	// y = m + 3 + 0.5 z1 − 0.25 z2 + small noise: with a negligible penalty
	// the fit must recover the coefficients.
	rng := rand.New(rand.NewPCG(1, 2))
	want := []float64{3, 0.5, -0.25}
	var xs []stack.Sample
	for i := range 400 {
		z := []float64{1, 40 * (rng.Float64() - 0.5), 40 * (rng.Float64() - 0.5)}
		m := 100 * rng.Float64()
		y := m + want[0] + want[1]*z[1] + want[2]*z[2] + 0.01*rng.NormFloat64()
		xs = append(xs, stack.Sample{Z: z, Mean: m, Outcome: y, Group: string(rune('a' + i%20))})
	}
	got := stack.Huber(xs, 1e-6, 1)
	for j := range want {
		if math.Abs(got[j]-want[j]) > 1e-2 {
			t.Errorf("beta[%d] = %g, want %g", j, got[j], want[j])
		}
	}
	// An overwhelming penalty gives β = 0: the weighted mean.
	for j, b := range stack.Huber(xs, 1e12, 1) {
		if math.Abs(b) > 1e-6 {
			t.Errorf("λ→∞: beta[%d] = %g, want 0", j, b)
		}
	}
}

func TestPivot(t *testing.T) {
	nan := math.NaN()
	x := []float64{0, 20, 40, 60, 80, 100, 100}
	c := []float64{1, 1, 1, 1, 1, 1, 1}
	for i, tc := range []struct {
		x, c      []float64
		rp, share float64
		want      float64
	}{
		// Mean 57 > rp 0: ordered 100,100,80,60,40,20,0; 71% of 7 = 4.97,
		// reached by the fifth member at 40.
		{x, c, 0, 0.71, 40},
		// Unanimity: the most reluctant member, at 0 = rp, blocks any move.
		{x, c, 0, 1, 0},
		// rp above the members: moving down, ordered 0,20,40,60,80,…; the
		// fifth member, at 80, completes 71%.
		{x, c, 100.5, 0.71, 80},
		{x, c, nan, 0.71, nan},
		// Members all at rp: no move.
		{[]float64{30, 30}, []float64{1, 1}, 30, 0.71, 30},
	} {
		got := stack.Pivot(tc.x, tc.c, tc.rp, tc.share)
		if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("case %d: Pivot = %g, want %g", i, got, tc.want)
		}
	}
}

func TestShippedModel(t *testing.T) {
	m, err := stack.New()
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "stacked" || !reflect.DeepEqual(m.P.Features, stack.FeatureNames()) {
		t.Fatalf("shipped model %s with features %v, want stacked with %v", m.Name(), m.P.Features, stack.FeatureNames())
	}
	s := &jirga.Scenario{ID: "s", Issues: []*jirga.Issue{{ID: "i", Scale: &jirga.Scale{Min: 0, Max: 10}, StatusQuo: jirga.Val(0)}}}
	for i, p := range []float64{0, 5, 10, 10} {
		s.Actors = append(s.Actors, &jirga.Actor{ID: []string{"com", "ep", "de", "fr"}[i], Capability: jirga.Val(1),
			Stances: map[string]*jirga.Stance{"i": {Position: jirga.Val(p), Salience: jirga.Val(50)}}})
	}
	before := s.Clone()
	r, err := m.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if x := r.Issues[0].Forecast; x < 0 || x > 10 {
		t.Errorf("forecast %g outside the scale [0, 10]", x)
	}
	if !reflect.DeepEqual(before, s) {
		t.Error("Forecast modified the scenario")
	}
	if _, err := stack.DecodeParams([]byte(`{"model":"stacked","features":["nope"],"coef":[1]}`)); err == nil {
		t.Error("unknown feature accepted")
	}
}
