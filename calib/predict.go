package calib

import (
	"math"
	"slices"

	"github.com/jirga/jirga"
)

// Levels are the half-widths, in rank space, of a model's central 50%, 80%
// and 90% predictive intervals: the interval at level L is [Q(½ − L),
// Q(½ + L)], Q the quantile function of the model's predictive
// distribution. L = ½ (or more) is the whole scale. [Conformal] sets them
// from the ranks of known outcomes, so that the intervals hold the stated
// shares of outcomes even where the predictive distribution is too wide or
// too narrow.
type Levels struct {
	L50 float64 `json:"l50"`
	L80 float64 `json:"l80"`
	L90 float64 `json:"l90"`
}

// Conformal returns the levels that the scores (see [Errors.Score]) of n
// outcomes give: for the central 1−α interval the ⌈(1−α)(n+1)⌉-th
// smallest score, or ½ (the whole scale) when that exceeds n. A new
// outcome exchangeable with them then lies in the interval with
// probability at least 1−α (split-conformal prediction; Vovk, Gammerman &
// Shafer 2005; with this score, Chernozhukov, Wüthrich & Zhu 2021). NaN
// scores are dropped.
func Conformal(scores []float64) Levels {
	s := make([]float64, 0, len(scores))
	for _, x := range scores {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	slices.Sort(s)
	q := func(cover float64) float64 {
		k := int(math.Ceil(cover * float64(len(s)+1)))
		if k > len(s) || k < 1 {
			return 0.5
		}
		return math.Min(s[k-1], 0.5)
	}
	return Levels{L50: q(0.5), L80: q(0.8), L90: q(0.9)}
}

// Errors is a model's error distribution: the residuals (outcome minus
// forecast) of its forecasts on decisions with known outcomes, each divided
// by its issue's scale width, times an analyst's factor, with the levels
// that calibrate its intervals made from a forecast alone (Point) and from
// the forecasts over a sweep's draws of the inputs (Draws).
type Errors struct {
	// Basis names the calibration the residuals come from.
	Basis string
	// Scale is the analyst's factor on the residuals (1: as measured).
	Scale float64
	// Point and Draws are the levels of intervals around a point forecast
	// and around a sweep's draws.
	Point, Draws Levels
	// r holds the residuals, sorted ascending.
	r []float64
}

// NewErrors returns the error distribution of the relative residuals r (in
// any order; NaNs are dropped) under the calibration basis, with the
// levels of its intervals.
func NewErrors(basis string, r []float64, point, draws Levels) *Errors {
	e := &Errors{Basis: basis, Scale: 1, Point: point, Draws: draws}
	for _, x := range r {
		if !math.IsNaN(x) {
			e.r = append(e.r, x)
		}
	}
	slices.Sort(e.r)
	return e
}

// Scaled returns e with its residuals multiplied by k (> 0), an analyst's
// judgement that the model errs k times as much on their case.
func (e *Errors) Scaled(k float64) *Errors {
	c := *e
	c.Scale = e.Scale * k
	return &c
}

// N returns the number of residuals.
func (e *Errors) N() int { return len(e.r) }

// mixture is the predictive distribution of an outcome on [lo, hi]:
//
//	Y = clip(D + Scale·(hi − lo)·R, lo, hi)
//
// with D drawn uniformly from the forecasts d (sorted; the point forecast
// alone when there are no draws) and R independently from the residuals:
// the model's error added to the input uncertainty. It is discrete, with
// len(d)·len(r) equally likely values before clipping.
type mixture struct {
	d, r   []float64 // sorted; r already times Scale·(hi − lo)
	lo, hi float64
	// draws is the number of a sweep's forecasts in d (0 for a point
	// forecast); drawn is true when they are not all equal.
	draws int
	drawn bool
}

func (e *Errors) mixture(point float64, draws []float64, lo, hi float64) mixture {
	d := make([]float64, 0, len(draws))
	for _, x := range draws {
		if !math.IsNaN(x) {
			d = append(d, x)
		}
	}
	nd := len(d)
	if nd == 0 {
		d = append(d, point)
	}
	slices.Sort(d)
	w := (hi - lo) * e.Scale
	r := make([]float64, len(e.r))
	for j, x := range e.r {
		r[j] = w * x
	}
	return mixture{d: d, r: r, lo: lo, hi: hi, draws: nd, drawn: d[0] != d[len(d)-1]}
}

// levels returns the levels that apply to m: Draws when m varies over
// draws, Point when it is a point forecast (or draws that do not vary).
func (e *Errors) levels(m mixture) Levels {
	if m.drawn {
		return e.Draws
	}
	return e.Point
}

// Predict returns the predictive interval of an outcome on the scale
// [lo, hi] when the model's forecast is point or, when draws holds the
// forecasts over a sweep's draws of the inputs (NaNs, failed draws, are
// dropped), varies over them: the quantiles ½ ∓ L of the model's
// predictive distribution (the forecast or draws plus the model's scaled
// error, clipped to the scale) for the levels L of the central 50%, 80%
// and 90% intervals. Clipping moves no outcome out of an interval, because
// every outcome lies on the scale. With no residuals every quantile is
// NaN.
func (e *Errors) Predict(point float64, draws []float64, lo, hi float64) jirga.Predictive {
	m := e.mixture(point, draws, lo, hi)
	l := e.levels(m)
	q := func(p float64) float64 {
		switch {
		case len(m.r) == 0:
			return math.NaN()
		case p <= 0:
			return lo
		case p >= 1:
			return hi
		}
		n := int64(len(m.d)) * int64(len(m.r))
		t := int64(math.Ceil(p*float64(n) - 1e-9))
		t = max(1, min(n, t))
		return clamp(sumQuantile(m.d, m.r, t), lo, hi)
	}
	pr := jirga.Predictive{Basis: e.Basis, ErrorScale: scaleField(e.Scale), Draws: m.draws}
	set := func(lower, upper *float64, l float64) {
		if l >= 0.5 {
			*lower, *upper = lo, hi
			return
		}
		*lower, *upper = q(0.5-l), q(0.5+l)
	}
	set(&pr.P25, &pr.P75, l.L50)
	set(&pr.P10, &pr.P90, l.L80)
	set(&pr.P05, &pr.P95, l.L90)
	return pr
}

// Score returns the rank score of outcome y under the model's predictive
// distribution for the forecast point or the draws (as [Errors.Predict]):
// max(½ − G(y), G(y−) − ½, 0), G the distribution function. The interval
// at level L holds y exactly when its score is at most L (up to ties), so
// the scores of known outcomes calibrate the levels ([Conformal]).
func (e *Errors) Score(point float64, draws []float64, lo, hi, y float64) float64 {
	m := e.mixture(point, draws, lo, hi)
	if len(m.r) == 0 {
		return math.NaN()
	}
	n := float64(len(m.d)) * float64(len(m.r))
	g, gm := 1.0, 0.0 // G(y) and G(y−) of the clipped distribution
	if y < hi {
		g = float64(countSums(m.d, m.r, y, false)) / n
	}
	if y > lo {
		gm = float64(countSums(m.d, m.r, y, true)) / n
	}
	return math.Max(0, math.Max(0.5-g, gm-0.5))
}

func scaleField(k float64) float64 {
	if k == 1 {
		return 0
	}
	return k
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// countSums returns how many sums a[i]+b[j] (a and b sorted ascending) are
// ≤ y, or < y when strict, in O(len(a)+len(b)).
func countSums(a, b []float64, y float64, strict bool) int64 {
	above := func(s float64) bool {
		if strict {
			return s >= y
		}
		return s > y
	}
	var c int64
	j := len(b) // b[:j] are the b whose sum with the current a is counted
	for _, x := range a {
		for j > 0 && above(x+b[j-1]) {
			j--
		}
		if j == 0 {
			break
		}
		c += int64(j)
	}
	return c
}

// sumQuantile returns the smallest sum a+b (a from the sorted a, b from the
// sorted b) such that at least t of the len(a)·len(b) sums are ≤ it,
// 1 ≤ t ≤ len(a)·len(b). It bisects on the value and then returns the
// exact sum at the bracket's upper end.
func sumQuantile(a, b []float64, t int64) float64 {
	// countSums(x) < t ≤ countSums(y) throughout.
	x, y := a[0]+b[0], a[len(a)-1]+b[len(b)-1]
	if countSums(a, b, x, false) >= t {
		return x
	}
	for range 200 {
		mid := x + (y-x)/2
		if mid <= x || mid >= y {
			break
		}
		if countSums(a, b, mid, false) >= t {
			y = mid
		} else {
			x = mid
		}
	}
	// The answer is the smallest sum above x; it is ≤ y.
	best := y
	j := len(b) // first b with a[i]+b > x; j falls as a rises
	for _, ai := range a {
		for j > 0 && ai+b[j-1] > x {
			j--
		}
		if j < len(b) {
			best = math.Min(best, ai+b[j])
		}
	}
	return best
}

// Residuals returns a copy of the residuals, sorted.
func (e *Errors) Residuals() []float64 { return slices.Clone(e.r) }
