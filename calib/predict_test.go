package calib

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sums returns every a[i]+b[j], sorted.
func sums(a, b []float64) []float64 {
	var s []float64
	for _, x := range a {
		for _, y := range b {
			s = append(s, x+y)
		}
	}
	slices.Sort(s)
	return s
}

// randSorted returns n values, sorted, with ties when coarse.
func randSorted(rng *rand.Rand, n int, coarse bool) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64() * 20
		if coarse {
			x[i] = math.Round(x[i] / 10)
		}
	}
	slices.Sort(x)
	return x
}

// TestSumQuantile checks the quantiles and counts of sums against every
// sum, on random samples with and without ties.
func TestSumQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		a := randSorted(rng, 1+rng.IntN(12), trial%2 == 0)
		b := randSorted(rng, 1+rng.IntN(15), trial%3 == 0)
		all := sums(a, b)
		for t1 := 1; t1 <= len(all); t1++ {
			if got, want := sumQuantile(a, b, int64(t1)), all[t1-1]; got != want {
				t.Fatalf("trial %d: sumQuantile(t=%d) = %v, want %v (a %v, b %v)", trial, t1, got, want, a, b)
			}
		}
		for _, y := range append(all, all[0]-1, all[len(all)-1]+1) {
			le, lt := 0, 0
			for _, s := range all {
				if s <= y {
					le++
				}
				if s < y {
					lt++
				}
			}
			if got := countSums(a, b, y, false); got != int64(le) {
				t.Fatalf("trial %d: countSums(≤ %v) = %d, want %d", trial, y, got, le)
			}
			if got := countSums(a, b, y, true); got != int64(lt) {
				t.Fatalf("trial %d: countSums(< %v) = %d, want %d", trial, y, got, lt)
			}
		}
	}
}

// TestPredictPoint checks a point forecast's interval against the type-1
// quantiles of forecast + residual × scale width, clipped.
func TestPredictPoint(t *testing.T) {
	r := []float64{-0.3, -0.1, 0, 0.05, 0.2, 0.4, -0.5, 0.1, 0.15, -0.2} // 10 residuals
	l := Levels{L50: 0.25, L80: 0.4, L90: 0.45}
	e := NewErrors("test", r, l, Levels{})
	sorted := slices.Sorted(slices.Values(r))
	q := func(f, p float64) float64 { // type-1 quantile of f + 100·r on [0, 100]
		k := int(math.Ceil(p*10 - 1e-9))
		return math.Max(0, math.Min(100, f+100*sorted[k-1]))
	}
	for _, f := range []float64{50, 10, 90} {
		p := e.Predict(f, nil, 0, 100)
		got := []float64{p.P05, p.P10, p.P25, p.P75, p.P90, p.P95}
		want := []float64{q(f, 0.05), q(f, 0.1), q(f, 0.25), q(f, 0.75), q(f, 0.9), q(f, 0.95)}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-9 {
				t.Errorf("forecast %v: quantiles %v, want %v", f, got, want)
				break
			}
		}
		if p.Basis != "test" || p.Draws != 0 || p.ErrorScale != 0 {
			t.Errorf("forecast %v: basis %q draws %d scale %v", f, p.Basis, p.Draws, p.ErrorScale)
		}
	}
	// Levels of ½ or more are the whole scale; an error scale of 2 doubles
	// the distance from the forecast (before clipping).
	whole := NewErrors("w", r, Levels{L50: 0.5, L80: 0.5, L90: 0.5}, Levels{}).Predict(50, nil, 0, 100)
	if whole.P05 != 0 || whole.P95 != 100 || whole.P25 != 0 || whole.P75 != 100 {
		t.Errorf("whole-scale levels: %+v", whole)
	}
	p1, p2 := e.Predict(50, nil, 0, 100), e.Scaled(2).Predict(50, nil, 0, 100)
	if math.Abs((p2.P75-50)-2*(p1.P75-50)) > 1e-9 || p2.ErrorScale != 2 {
		t.Errorf("scaled ×2: P75 %v against %v, scale %v", p2.P75, p1.P75, p2.ErrorScale)
	}
}

// TestScoreMatchesPredict checks that an outcome lies in the interval at
// level L exactly when its score is at most L, the property that makes
// conformal levels valid, on random draws and residuals without ties.
func TestScoreMatchesPredict(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		r := make([]float64, 20+rng.IntN(30))
		for i := range r {
			r[i] = rng.NormFloat64() * 0.2
		}
		l := Levels{L50: rng.Float64() * 0.5, L80: rng.Float64() * 0.5, L90: rng.Float64() * 0.5}
		e := NewErrors("t", r, l, l)
		var draws []float64
		if trial%2 == 0 {
			draws = make([]float64, 5+rng.IntN(20))
			for i := range draws {
				draws[i] = 50 + rng.NormFloat64()*5
			}
		}
		p := e.Predict(50, draws, 0, 100)
		for range 50 {
			y := rng.Float64() * 100
			s := e.Score(50, draws, 0, 100, y)
			for _, c := range []struct {
				lo, hi, l float64
			}{{p.P25, p.P75, l.L50}, {p.P10, p.P90, l.L80}, {p.P05, p.P95, l.L90}} {
				in := y >= c.lo && y <= c.hi
				if in != (s <= c.l) {
					t.Fatalf("trial %d: y %v in [%v, %v] = %v, but score %v vs level %v", trial, y, c.lo, c.hi, in, s, c.l)
				}
			}
		}
	}
}

func TestConformal(t *testing.T) {
	// 99 scores 0.005, 0.010, … 0.495: the ⌈0.5·100⌉ = 50th is 0.25, the
	// 80th 0.40 and the 90th 0.45.
	var s []float64
	for i := 99; i >= 1; i-- {
		s = append(s, float64(i)*0.005)
	}
	got := Conformal(append(s, math.NaN()))
	want := Levels{L50: 0.25, L80: 0.40, L90: 0.45}
	if math.Abs(got.L50-want.L50) > 1e-12 || math.Abs(got.L80-want.L80) > 1e-12 || math.Abs(got.L90-want.L90) > 1e-12 {
		t.Errorf("Conformal = %+v, want %+v", got, want)
	}
	// With 5 scores the 90% level needs the ⌈0.9·6⌉ = 6th: more than there
	// are, so the interval is the whole scale.
	if got := Conformal([]float64{0.1, 0.2, 0.3, 0.35, 0.4}); got.L90 != 0.5 || got.L50 != 0.3 {
		t.Errorf("Conformal of 5 scores = %+v, want L50 0.3 and L90 0.5", got)
	}
}
