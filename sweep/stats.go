package sweep

import (
	"math"
	"slices"

	"github.com/jirga/jirga"
)

// Quantile returns the p-quantile of the sorted sample x by linear
// interpolation between order statistics, type 7 of Hyndman & Fan (1996),
// the default of R and NumPy:
//
//	h = (n − 1)·p,  Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])
//
// with x indexed from 0, so Q(0) is the minimum, Q(1) the maximum and Q(0.5)
// the usual median. x must be sorted ascending and hold no NaN; Quantile
// returns NaN for an empty x or p outside [0, 1].
//
// Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical
// packages. The American Statistician 50(4), 361–365.
func Quantile(x []float64, p float64) float64 {
	n := len(x)
	if n == 0 || !(p >= 0 && p <= 1) {
		return math.NaN()
	}
	h := float64(n-1) * p
	j := int(math.Floor(h))
	if j >= n-1 {
		return x[n-1]
	}
	g := h - float64(j)
	if g == 0 {
		return x[j]
	}
	return x[j] + g*(x[j+1]-x[j])
}

// Mean returns the arithmetic mean of x, summed in order (so the same values
// in the same order give the same bits), or NaN for an empty x.
func Mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

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
	s := summary{mean: Mean(v), n: len(v), hist: NewHistogram(v, lo, hi, bins)}
	slices.Sort(v)
	s.p10, s.p25, s.p50 = Quantile(v, 0.10), Quantile(v, 0.25), Quantile(v, 0.50)
	s.p75, s.p90 = Quantile(v, 0.75), Quantile(v, 0.90)
	return s
}
