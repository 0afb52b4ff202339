package stat_test

import (
	"math"
	"slices"
	"testing"

	"github.com/jirga/jirga/stat"
)

func TestQuantile(t *testing.T) {
	ten := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	six := []float64{2, 4, 4, 5, 7, 9}
	// Reference values: R 4.x, quantile(1:10, p, type = 7) gives 1.9, 3.25,
	// 5.5, 7.75, 9.1; the values for six are by hand from h = (n−1)p:
	// p=.25: h=1.25, 4+.25·0 = 4; p=.5: h=2.5, 4+.5·1 = 4.5; p=.9: h=4.5,
	// 7+.5·2 = 8; p=.1: h=0.5, 2+.5·2 = 3.
	tests := []struct {
		x    []float64
		p    float64
		want float64
	}{
		{ten, 0.10, 1.9},
		{ten, 0.25, 3.25},
		{ten, 0.50, 5.5},
		{ten, 0.75, 7.75},
		{ten, 0.90, 9.1},
		{ten, 0, 1},
		{ten, 1, 10},
		{six, 0.10, 3},
		{six, 0.25, 4},
		{six, 0.50, 4.5},
		{six, 0.90, 8},
		{[]float64{42}, 0.1, 42},
		{[]float64{42}, 0.9, 42},
		{[]float64{1, 2}, 0.5, 1.5},
		// R: quantile(c(1, 2, 3, 4, 5), 0.25) = 2.
		{[]float64{1, 2, 3, 4, 5}, 0.25, 2},
	}
	for i, tt := range tests {
		if got := stat.Quantile(tt.x, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("case %d: Quantile(%v, %g) = %g, want %g", i, tt.x, tt.p, got, tt.want)
		}
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if got := stat.Quantile(ten, p); !math.IsNaN(got) {
			t.Errorf("Quantile(ten, %g) = %g, want NaN", p, got)
		}
	}
	if got := stat.Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile(nil) = %g, want NaN", got)
	}
}

func TestMedian(t *testing.T) {
	lo, hi := 0.1, 0.2 // variables: (lo+hi)/2 rounds at run time
	// R: median(c(9, 1, 4)) = 4; median(c(10, 2, 4, 7)) = 5.5.
	tests := []struct {
		x    []float64
		want float64
	}{
		{[]float64{9, 1, 4}, 4},
		{[]float64{10, 2, 4, 7}, 5.5},
		{[]float64{3}, 3},
		// The mean of the two middle values, not an interpolation: 0.1 and
		// 0.2 give (0.1 + 0.2)/2.
		{[]float64{0.2, 0.1}, (lo + hi) / 2},
	}
	for i, tt := range tests {
		in := slices.Clone(tt.x)
		if got := stat.Median(tt.x); got != tt.want {
			t.Errorf("case %d: Median(%v) = %g, want %g", i, tt.x, got, tt.want)
		}
		if !slices.Equal(in, tt.x) {
			t.Errorf("case %d: Median modified its input", i)
		}
	}
	if got := stat.Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %g, want NaN", got)
	}
}

func TestMean(t *testing.T) {
	if got := stat.Mean([]float64{1, 2, 3, 10}); got != 4 {
		t.Errorf("Mean = %g, want 4", got)
	}
	if got := stat.Mean(nil); !math.IsNaN(got) {
		t.Errorf("Mean(nil) = %g, want NaN", got)
	}
}

func TestPaired(t *testing.T) {
	// d = a − b = 2, 1, 3, 4 (the NaN pair is left out): mean 2.5, sample
	// variance 5/3, standard error √(5/3)/2 = 0.6454972243679028; R:
	// t.test(c(3,5,7,10), c(1,4,4,6), paired = TRUE) reports mean
	// difference 2.5 and t = 3.873 = 2.5/0.6455.
	a := []float64{3, 5, 7, 10, math.NaN()}
	b := []float64{1, 4, 4, 6, 2}
	d, se, n := stat.Paired(a, b)
	if d != 2.5 || math.Abs(se-0.6454972243679028) > 1e-15 || n != 4 {
		t.Errorf("Paired = %g ± %g over %d, want 2.5 ± 0.6455 over 4", d, se, n)
	}
	if math.Abs(d/se-3.872983346207417) > 1e-12 {
		t.Errorf("t = %g, want 3.873", d/se)
	}
	if d, se, n := stat.Paired([]float64{1}, []float64{0}); d != 1 || !math.IsNaN(se) || n != 1 {
		t.Errorf("one pair: %g ± %g over %d, want 1 ± NaN over 1", d, se, n)
	}
}

func TestGroupFolds(t *testing.T) {
	groups := []string{"p3", "p1", "p2", "p1", "p4", "p5", "p3", "p6", "p7", "p2"}
	f := stat.GroupFolds(groups, 3, 1)
	if len(f) != len(groups) {
		t.Fatalf("%d folds for %d items", len(f), len(groups))
	}
	of := map[string]int{}
	size := make([]int, 3)
	for i, g := range groups {
		if f[i] < 0 || f[i] >= 3 {
			t.Fatalf("item %d in fold %d", i, f[i])
		}
		if k, ok := of[g]; ok && k != f[i] {
			t.Errorf("group %s split over folds %d and %d", g, k, f[i])
		}
		if _, ok := of[g]; !ok {
			size[f[i]]++
		}
		of[g] = f[i]
	}
	// Seven groups dealt out to three folds: 3, 2 and 2 groups.
	slices.Sort(size)
	if !slices.Equal(size, []int{2, 2, 3}) {
		t.Errorf("groups per fold %v, want 2, 2 and 3", size)
	}
	// The order of the items does not matter, the seed does.
	rev := slices.Clone(groups)
	slices.Reverse(rev)
	fr := stat.GroupFolds(rev, 3, 1)
	for i, g := range rev {
		if fr[i] != of[g] {
			t.Errorf("reversed items: group %s in fold %d, was %d", g, fr[i], of[g])
		}
	}
	// Pinned: the shipped stacked model (stack/stacked.json) was fitted on
	// this assignment, so it must not drift.
	if got, want := stat.GroupFolds([]string{"a", "b", "c", "d", "e", "f", "g"}, 3, 1), []int{1, 0, 2, 0, 2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("folds of a…g = %v, want %v", got, want)
	}
}

// TestWilson checks the Wilson interval against values computed from its
// formula by hand and against properties every proportion interval has.
func TestWilson(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		// 0 of 1000: upper end z²/(n+z²) = 3.8415/1003.8415 (issue 14:
		// "below 0.4%").
		{0, 1000, 0, 3.841458820694124 / 1003.841458820694124},
		{1000, 1000, 1 - 3.841458820694124/1003.841458820694124, 1},
		// 15 of 1000: p̂ = 0.015; centre (0.015 + 0.0019207)/1.0038415,
		// half-width 1.96·√(0.015·0.985/1000 + 3.8415/4e6)/1.0038415.
		{15, 1000, 0.009111, 0.024601},
		// 5 of 10: symmetric about ½.
		{5, 10, 0.236593, 0.763407},
	}
	for i, tt := range tests {
		lo, hi := stat.Wilson(tt.k, tt.n, stat.Z95)
		if math.Abs(lo-tt.lo) > 5e-6 || math.Abs(hi-tt.hi) > 5e-6 {
			t.Errorf("case %d: Wilson(%d, %d) = [%.6f, %.6f], want [%.6f, %.6f]", i, tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
	for n := 1; n <= 60; n++ {
		for k := 0; k <= n; k++ {
			lo, hi := stat.Wilson(k, n, stat.Z95)
			p := float64(k) / float64(n)
			if !(0 <= lo && lo <= p && p <= hi && hi <= 1) {
				t.Fatalf("Wilson(%d, %d) = [%v, %v] does not hold p̂ = %v inside [0, 1]", k, n, lo, hi, p)
			}
			if lo2, hi2 := stat.Wilson(n-k, n, stat.Z95); math.Abs(lo-(1-hi2)) > 1e-12 || math.Abs(hi-(1-lo2)) > 1e-12 {
				t.Fatalf("Wilson(%d, %d) is not the mirror of Wilson(%d, %d)", k, n, n-k, n)
			}
		}
	}
	if lo, hi := stat.Wilson(1, 0, stat.Z95); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Error("Wilson with no trial is not NaN")
	}
}
