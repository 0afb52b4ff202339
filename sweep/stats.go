package sweep

import (
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stat"
)

// NewHistogram counts the values of x in bins equal-width bins over
// [lo, hi]: bin k holds lo + k·w ≤ x < lo + (k+1)·w with w = (hi − lo)/bins,
// except that the last bin also holds hi. Values outside [lo, hi] go to the nearest end bin; NaNs are not counted.
func NewHistogram(x []float64, lo, hi float64, bins int) *jirga.Histogram {
	bins = max(bins, 1)
	h := &jirga.Histogram{Min: lo, Max: hi, Counts: make([]int, bins)}
	w := hi - lo
	for _, v := range x {
		if math.IsNaN(v) {
			continue
		}
		k := 0
		if w > 0 {
			// Clamp in float first: a huge outlier would overflow int.
			k = int(math.Max(0, math.Min(float64(bins-1), math.Floor((v-lo)*float64(bins)/w))))
		}
		h.Counts[k]++
	}
	return h
}

// summary holds the interval statistics of one model and issue.
type summary struct {
	mean, p10, p25, p50, p75, p90 float64
	hist                          *jirga.Histogram
	n                             int // values that are not NaN
}

// summarise computes the statistics of the values x (NaNs are dropped) for
// an issue on [lo, hi].
func summarise(x []float64, lo, hi float64, bins int) summary {
	v := make([]float64, 0, len(x))
	for _, e := range x {
		if !math.IsNaN(e) {
			v = append(v, e)
		}
	}
	s := summary{mean: stat.Mean(v), n: len(v), hist: NewHistogram(v, lo, hi, bins)}
	slices.Sort(v)
	s.p10, s.p25, s.p50 = stat.Quantile(v, 0.10), stat.Quantile(v, 0.25), stat.Quantile(v, 0.50)
	s.p75, s.p90 = stat.Quantile(v, 0.75), stat.Quantile(v, 0.90)
	return s
}
