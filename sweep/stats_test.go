package sweep_test

import (
	"math"
	"slices"
	"testing"

	"github.com/jirga/jirga/sweep"
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
	}
	for i, tt := range tests {
		if got := sweep.Quantile(tt.x, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("case %d: Quantile(%v, %g) = %g, want %g", i, tt.x, tt.p, got, tt.want)
		}
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if got := sweep.Quantile(ten, p); !math.IsNaN(got) {
			t.Errorf("Quantile(ten, %g) = %g, want NaN", p, got)
		}
	}
	if got := sweep.Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile(nil) = %g, want NaN", got)
	}
}

func TestMean(t *testing.T) {
	if got := sweep.Mean([]float64{1, 2, 3, 10}); got != 4 {
		t.Errorf("Mean = %g, want 4", got)
	}
	if got := sweep.Mean(nil); !math.IsNaN(got) {
		t.Errorf("Mean(nil) = %g, want NaN", got)
	}
}

func TestHistogram(t *testing.T) {
	// Bins of width 5 on [0, 100]: [0,5) [5,10) … [95,100]; out-of-range
	// values go to the end bins, NaN nowhere.
	x := []float64{0, 4.99, 5, 15, 99.9, 100, -1, 101, math.NaN()}
	h := sweep.NewHistogram(x, 0, 100, 20)
	want := make([]int, 20)
	want[0], want[1], want[3], want[19] = 3, 1, 1, 3
	if h.Min != 0 || h.Max != 100 || !slices.Equal(h.Counts, want) {
		t.Errorf("histogram = %+v, want counts %v on [0, 100]", h, want)
	}
	// A scale that is not 0–100: [-1, 1] in 4 bins of 0.5.
	h = sweep.NewHistogram([]float64{-1, -0.5, 0, 0.49, 0.5, 1}, -1, 1, 4)
	if want := []int{1, 1, 2, 2}; !slices.Equal(h.Counts, want) {
		t.Errorf("counts on [-1, 1] = %v, want %v", h.Counts, want)
	}
	if h := sweep.NewHistogram([]float64{1e300, -1e300}, 0, 1, 3); !slices.Equal(h.Counts, []int{1, 0, 1}) {
		t.Errorf("huge outliers: counts = %v, want [1 0 1]", h.Counts)
	}
}
