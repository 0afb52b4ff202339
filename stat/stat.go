package stat

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Quantile returns the p-quantile of the sorted sample x by linear
// interpolation between order statistics, type 7 of Hyndman & Fan (1996),
// the default of R and NumPy:
//
//	h = (n − 1)·p,  Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])
//
// with x indexed from 0, so Q(0) is the minimum, Q(1) the maximum and Q(0.5)
// the usual median up to rounding. x must be sorted ascending and hold no
// NaN; Quantile returns NaN for an empty x or p outside [0, 1].
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

// Median returns the median of x, in any order: the middle value, or the
// mean (a+b)/2 of the two middle ones when len(x) is even. It is NaN for
// an empty x and does not modify x.
func Median(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(x))
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Mean returns the arithmetic mean of x, summed in order (so the same
// values in the same order give the same bits), or NaN for an empty x.
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

// Paired compares two sets of losses on the same items, a[i] and b[i] on
// item i: it returns the mean difference d̄ of d_i = a[i] − b[i], its
// standard error s_d/√n (s_d the sample standard deviation, n − 1 in its
// denominator) and n, the number of items where neither loss is NaN, which
// are the only ones used. With n < 2 the standard error is NaN. It treats
// the items as independent; where they are not (issues of one proposal),
// the true uncertainty is larger.
func Paired(a, b []float64) (diff, se float64, n int) {
	var d []float64
	for i := range a {
		if !math.IsNaN(a[i]) && !math.IsNaN(b[i]) {
			d = append(d, a[i]-b[i])
		}
	}
	n = len(d)
	diff = Mean(d)
	if n < 2 {
		return diff, math.NaN(), n
	}
	ss := 0.0
	for _, v := range d {
		ss += (v - diff) * (v - diff)
	}
	return diff, math.Sqrt(ss / float64(n-1) / float64(n)), n
}

// GroupFolds assigns items to k cross-validation folds so that the items
// of a group stay together: the distinct groups, sorted, are shuffled by a
// PCG generator seeded with seed and dealt out to the folds in turn. It
// returns the fold, in [0, k), of each item, which depends only on the set
// of groups, k and seed (not on the order of the items).
func GroupFolds(groups []string, k int, seed uint64) []int {
	g := slices.Clone(groups)
	slices.Sort(g)
	g = slices.Compact(g)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
	fold := make(map[string]int, len(g))
	for i, x := range g {
		fold[x] = i % k
	}
	out := make([]int, len(groups))
	for i, x := range groups {
		out[i] = fold[x]
	}
	return out
}

// Z95 is the standard normal quantile of 0.975: a central 95% interval
// spans ±Z95 standard deviations.
const Z95 = 1.959963984540054

// Wilson returns the Wilson score interval for a proportion with k
// successes in n trials at the normal quantile z (Z95 for 95%):
//
//	(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),  p̂ = k/n
//
// Unlike p̂ ± z·√(p̂(1−p̂)/n) it never leaves [0, 1] and is not empty at
// k = 0 or k = n: with no success in n trials its upper end is
// z²/(n + z²), 0.38% for n = 1000 (Wilson 1927, JASA 22(158); Brown, Cai
// & DasGupta 2001, Statistical Science 16(2), who recommend it). It
// returns NaNs for n ≤ 0 or k outside [0, n].
func Wilson(k, n int, z float64) (lo, hi float64) {
	if n <= 0 || k < 0 || k > n {
		return math.NaN(), math.NaN()
	}
	nf := float64(n)
	p := float64(k) / nf
	z2 := z * z
	c := (p + z2/(2*nf)) / (1 + z2/nf)
	h := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / (1 + z2/nf)
	lo, hi = math.Max(0, c-h), math.Min(1, c+h)
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi
}
