package bdm

import (
	"math"
	"slices"
)

// Probability of success. The vote of actor k for x_i over x_j is
//
//	v_k^{ij} = c_k s_k (|x_k − x_j| − |x_k − x_i|) / R             (linear)
//	v_k^{ij} = c_k s_k ((|x_k − x_j|/R)^{r_k} − (|x_k − x_i|/R)^{r_k})  (risk)
//
// and the probability that i prevails over j is
//
//	P^i = Σ_{k: v_k^{ij} > 0} v_k^{ij} / D
//
// where D = Σ_k |v_k^{ij}| (ProbPair, so P^i + P^j = 1) or D = Σ over every
// ordered pair of actors (a, b) of Σ_k |v_k^{ab}| (ProbAll, jmckib's
// reading; it makes P^i of the order of 1/N², and reproduces jmckib's
// published round-1 risk exponents to three decimals only with ordered
// pairs).

// votes holds the per-round sorted positions and prefix sums that give the
// linear vote totals of any pair in O(log n).
type votes struct {
	xs, cw, cwx []float64 // sorted positions; prefix sums of w and w·x
	order       []int
}

func (v *votes) reset(x, w []float64) {
	n := len(x)
	v.order = v.order[:0]
	for i := range n {
		v.order = append(v.order, i)
	}
	slices.SortFunc(v.order, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	v.xs, v.cw, v.cwx = v.xs[:0], append(v.cw[:0], 0), append(v.cwx[:0], 0)
	for _, i := range v.order {
		v.xs = append(v.xs, x[i])
		v.cw = append(v.cw, v.cw[len(v.cw)-1]+w[i])
		v.cwx = append(v.cwx, v.cwx[len(v.cwx)-1]+w[i]*x[i])
	}
}

// below returns the number of sorted positions < t; belowEq those ≤ t.
func (v *votes) below(t float64) int {
	lo, hi := 0, len(v.xs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.xs[m] < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func (v *votes) belowEq(t float64) int {
	lo, hi := 0, len(v.xs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.xs[m] <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// pair returns the linear vote totals (times R) for lo over hi and for hi
// over lo, lo < hi: the voters left of the midpoint favour lo by
// min(hi − lo, lo + hi − 2x_k), those right of it favour hi.
func (v *votes) pair(lo, hi float64) (fLo, fHi float64) {
	d, s, mid := hi-lo, lo+hi, 0.5*(lo+hi)
	nlo, nmid := v.below(lo), v.below(mid)
	nmidEq, nhiEq := v.belowEq(mid), v.belowEq(hi)
	wt := v.cw[len(v.cw)-1]
	fLo = d*v.cw[nlo] + s*(v.cw[nmid]-v.cw[nlo]) - 2*(v.cwx[nmid]-v.cwx[nlo])
	fHi = d*(wt-v.cw[nhiEq]) + 2*(v.cwx[nhiEq]-v.cwx[nmidEq]) - s*(v.cw[nhiEq]-v.cw[nmidEq])
	return math.Max(fLo, 0), math.Max(fHi, 0)
}

// linearProbabilities fills p[i*n+j] = P^i against j with linear votes.
func (v *votes) linearProbabilities(p, x []float64, all bool) {
	n := len(x)
	total := 0.0
	for i := range n {
		p[i*n+i] = 0.5
		for j := i + 1; j < n; j++ {
			a, b := x[i], x[j]
			if a == b {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
				continue
			}
			var fi, fj float64
			if a < b {
				fi, fj = v.pair(a, b)
			} else {
				fj, fi = v.pair(b, a)
			}
			if all {
				p[i*n+j], p[j*n+i] = fi, fj
				total += 2 * (fi + fj) // both orders of the pair
				continue
			}
			if den := fi + fj; den > 0 {
				p[i*n+j], p[j*n+i] = fi/den, fj/den
			} else {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
			}
		}
	}
	if all {
		normalizeAll(p, x, total)
	}
}

// normalizeAll divides the vote totals of distinct pairs by the total over
// all pairs.
func normalizeAll(p, x []float64, total float64) {
	n := len(x)
	for i := range n {
		for j := range n {
			if i == j || x[i] == x[j] {
				continue
			}
			if total > 0 {
				p[i*n+j] /= total
			} else {
				p[i*n+j] = 0.5
			}
		}
	}
}

// riskProbabilities fills p with votes whose distances are raised to each
// voter's exponent r_k. dist is n×n scratch. It costs O(n³).
func riskProbabilities(p, dist, x, w, r []float64, R float64, all bool) {
	n := len(x)
	// dist[a*n+k] = (|x_k − x_a|/R)^{r_k}, so that the voter loop below
	// runs over contiguous memory.
	for k := range n {
		for a := range n {
			dist[a*n+k] = powr(math.Abs(x[k]-x[a])/R, r[k])
		}
	}
	total := 0.0
	for i := range n {
		p[i*n+i] = 0.5
		for j := i + 1; j < n; j++ {
			if x[i] == x[j] {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
				continue
			}
			fi, fj := 0.0, 0.0
			di, dj := dist[i*n:(i+1)*n], dist[j*n:(j+1)*n]
			for k, wk := range w[:n] {
				v := wk * (dj[k] - di[k])
				if v > 0 {
					fi += v
				} else {
					fj -= v
				}
			}
			if all {
				p[i*n+j], p[j*n+i] = fi, fj
				total += 2 * (fi + fj) // both orders of the pair
				continue
			}
			if den := fi + fj; den > 0 {
				p[i*n+j], p[j*n+i] = fi/den, fj/den
			} else {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
			}
		}
	}
	if all {
		normalizeAll(p, x, total)
	}
}
