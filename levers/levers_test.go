package levers_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/levers"
)

// two is issue x on 0–100 with a (capability 2, salience 50, position 80)
// and b (capability 1, salience 40, position 20). Weights c·s are 1 and 0.4,
// so the mean forecast is (80 + 8)/1.4 = 62.857.
func two() *jirga.Scenario {
	return &jirga.Scenario{ID: "t", Issues: []*jirga.Issue{{ID: "x"}}, Actors: []*jirga.Actor{
		{ID: "a", Capability: jirga.Val(2), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(80), Salience: jirga.Val(50)}}},
		{ID: "b", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(20), Salience: jirga.Val(40)}}},
	}}
}

func find(r *levers.Result, actor, field string, delta float64) (levers.Lever, bool) {
	for _, l := range r.Levers {
		if l.Actor == actor && l.Field == field && math.Abs(l.Delta-delta) < 1e-12 {
			return l, true
		}
	}
	return levers.Lever{}, false
}

func TestMeanByHand(t *testing.T) {
	r, err := levers.Compute(context.Background(), two(), baseline.Mean{}, levers.Options{Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Baseline["x"]; math.Abs(got-88/1.4) > 1e-9 {
		t.Fatalf("baseline %g, want 62.857", got)
	}
	tests := []struct {
		actor, field string
		delta, want  float64
		why          string
	}{
		// Δx̂ = δ s_b (x_b − x̂)/(Σ c s + δ s_b) = 0.1·0.4·(20 − 62.857)/1.44.
		{"b", "capability", 0.1, 0.1 * 0.4 * (20 - 88/1.4) / 1.44, "capability of b +10%"},
		// (0.5·1.8·80 + 8)/1.3 − 62.857.
		{"a", "capability", -0.2, (72+8)/1.3 - 88/1.4, "capability of a −10%"},
		// Moving a by +10 moves the mean by w_a·10/Σw = 10/1.4.
		{"a", "position", 10, 10 / 1.4, "position of a +10"},
		// Salience of b +10 points: weights 1 and 0.5: (80 + 10)/1.5.
		{"b", "salience", 10, 90/1.5 - 88/1.4, "salience of b +10"},
	}
	for _, tt := range tests {
		l, ok := find(r, tt.actor, tt.field, tt.delta)
		if !ok {
			t.Errorf("%s: no lever", tt.why)
			continue
		}
		if math.Abs(l.Effect-tt.want) > 1e-9 {
			t.Errorf("%s: effect %g, want %g", tt.why, l.Effect, tt.want)
		}
	}
	// a's position +10 and −10 have the largest |effect|, 7.14, the tie
	// broken by delta ascending.
	if l := r.Levers[0]; l.Actor != "a" || l.Field != "position" || l.Delta != -10 {
		t.Errorf("first lever %+v, want a position −10", l)
	}
	if l := r.Levers[1]; l.Actor != "a" || l.Field != "position" || l.Delta != 10 {
		t.Errorf("second lever %+v, want a position +10", l)
	}
	// 2 actors × (capability, salience, position) × 2 signs.
	if len(r.Levers) != 12 {
		t.Errorf("%d levers, want 12", len(r.Levers))
	}
	if m := r.TopActors("x", 1); len(m) != 1 || m[0].Actor != "a" {
		t.Errorf("movers %+v, want a first", m)
	}
}

func TestOrdering(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := levers.Compute(context.Background(), ss[0], baseline.Median{}, levers.Options{Step: 0})
	if err != nil {
		t.Fatal(err)
	}
	if r.Step != levers.DefaultStep {
		t.Errorf("step %g, want the default", r.Step)
	}
	sorted := slices.IsSortedFunc(r.Levers, func(a, b levers.Lever) int {
		switch {
		case math.Abs(a.Effect) > math.Abs(b.Effect):
			return -1
		case math.Abs(a.Effect) < math.Abs(b.Effect):
			return 1
		}
		return 0
	})
	if !sorted {
		t.Error("levers are not sorted by |effect| descending")
	}
	// Sorting a shuffled copy gives the same order (deterministic ties).
	c := slices.Clone(r.Levers)
	slices.Reverse(c)
	levers.Sort(c)
	if !slices.Equal(c, r.Levers) {
		t.Error("Sort is not deterministic")
	}
	r2, err := levers.Compute(context.Background(), ss[0], baseline.Median{}, levers.Options{Step: 0})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Levers, r2.Levers) {
		t.Error("two runs differ")
	}
}

func TestClampedLeverDropped(t *testing.T) {
	s := two()
	s.Actors[0].Stances["x"].Position = jirga.Val(100)
	r, err := levers.Compute(context.Background(), s, baseline.Mean{}, levers.Options{Step: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(r, "a", "position", 10); ok {
		t.Error("a position +10 from 100 is clamped to nothing and should be left out")
	}
	if _, err := levers.Compute(context.Background(), s, baseline.Mean{}, levers.Options{Step: -1}); jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("negative step: err %v, want EINVALID", err)
	}
}

// benchmarkCompute times Compute with the mean model on a synthetic
// scenario of n actors and m issues (n·(1 + 2m)·2 forecasts).
func benchmarkCompute(b *testing.B, n, m int) {
	s := &jirga.Scenario{ID: "b"}
	for k := range m {
		s.Issues = append(s.Issues, &jirga.Issue{ID: "i" + strconv.Itoa(k)})
	}
	for i := range n {
		a := &jirga.Actor{ID: "a" + strconv.Itoa(i), Capability: jirga.Val(float64(1 + i%7)), Stances: map[string]*jirga.Stance{}}
		for k, is := range s.Issues {
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(float64((i*37 + k*11) % 101)), Salience: jirga.Val(float64((i*13 + k*29) % 101))}
		}
		s.Actors = append(s.Actors, a)
	}
	for b.Loop() {
		if _, err := levers.Compute(context.Background(), s, baseline.Mean{}, levers.Options{Step: 0.1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompute10x6(b *testing.B)  { benchmarkCompute(b, 10, 6) }
func BenchmarkCompute50x20(b *testing.B) { benchmarkCompute(b, 50, 20) }
