package sweep_test

import (
	"math"
	"slices"
	"testing"

	"github.com/jirga/jirga/sweep"
)

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
