package bdm

import (
	"context"
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
	lt, le      []int     // per actor: number of positions < and ≤ its own
	pre         []float64 // riskTable's prefix sums, n × (n+1)
	ld          []float64 // riskTable's log(|x_a − x_k|/R), n × n, symmetric
	// ctx, when set, is polled once per row of the O(n²) loops; they then
	// stop early, leaving their output meaningless (see solver.ctx).
	ctx context.Context
}

func (v *votes) stopped() bool { return v.ctx != nil && v.ctx.Err() != nil }

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
	// lt[i] and le[i]: how many positions are < x_i and ≤ x_i.
	if cap(v.lt) < n {
		v.lt, v.le = make([]int, n), make([]int, n)
	}
	v.lt, v.le = v.lt[:n], v.le[:n]
	for m := 0; m < n; {
		e := m
		for e < n && v.xs[e] == v.xs[m] {
			e++
		}
		for _, i := range v.order[m:e] {
			v.lt[i], v.le[i] = m, e
		}
		m = e
	}
}

// midpoint returns the numbers of positions < and ≤ the midpoint of lo (the
// position of actor a) and hi (of actor b), lo < hi. The midpoint lies
// strictly between them, so only that stretch is searched.
func (v *votes) midpoint(a, b int, lo, hi float64) (nmid, nmidEq int) {
	mid := 0.5 * (lo + hi)
	from, to := v.lt[a], v.le[b]
	nmid = from + v.belowIn(mid, from, to)
	nmidEq = nmid
	for nmidEq < to && v.xs[nmidEq] == mid {
		nmidEq++
	}
	return nmid, nmidEq
}

// belowIn returns the number of sorted positions in [from, to) that are < t.
func (v *votes) belowIn(t float64, from, to int) int {
	lo, hi := from, to
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.xs[m] < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - from
}

// pair returns the linear vote totals (times R) for lo over hi and for hi
// over lo, lo < hi: the voters left of the midpoint favour lo by
// min(hi − lo, lo + hi − 2x_k), those right of it favour hi.
// a and b are the indices of the actors at lo and hi.
func (v *votes) pair(a, b int, lo, hi float64) (fLo, fHi float64) {
	nmid, nmidEq := v.midpoint(a, b, lo, hi)
	return v.pairAt(a, b, lo, hi, nmid, nmidEq)
}

// pairAt is pair with the numbers of positions < and ≤ the midpoint given.
func (v *votes) pairAt(a, b int, lo, hi float64, nmid, nmidEq int) (fLo, fHi float64) {
	d, s := hi-lo, lo+hi
	nlo, nhiEq := v.lt[a], v.le[b]
	wt := v.cw[len(v.cw)-1]
	fLo = d*v.cw[nlo] + s*(v.cw[nmid]-v.cw[nlo]) - 2*(v.cwx[nmid]-v.cwx[nlo])
	fHi = d*(wt-v.cw[nhiEq]) + 2*(v.cwx[nhiEq]-v.cwx[nmidEq]) - s*(v.cw[nhiEq]-v.cw[nmidEq])
	return max(fLo, 0), max(fHi, 0)
}

// probabilities fills p[i*n+j] = P^i against j, with linear votes or, when
// risk is true, with the risk-weighted votes of riskTable (which must have
// been filled for x). v must have been reset for x. It costs O(n²): the
// pairs are visited in position order, so that for each lower position the
// midpoints of the pairs it forms only move right and one pointer finds
// them all. The vote totals are then normalised in actor order, which fixes
// the order of the floating-point sums.
func (v *votes) probabilities(p, x []float64, all, risk bool) {
	n := len(x)
	if n < parallelMin {
		for qa := range n {
			if v.stopped() {
				return
			}
			v.pairRow(p, risk, qa)
		}
	} else {
		inParallel(v.ctx, n, func(qa int) { v.pairRow(p, risk, qa) })
	}
	total := 0.0
	for i := range n {
		if v.stopped() {
			return
		}
		p[i*n+i] = 0.5
		for j := i + 1; j < n; j++ {
			if x[i] == x[j] {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
				continue
			}
			fi, fj := p[i*n+j], p[j*n+i]
			if all {
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

// pairRow sets the vote totals of the pairs (a, b) of the actor a of rank
// qa with the actors b of higher ranks, p[a*n+b] and p[b*n+a]: the row of
// qa in position order.
func (v *votes) pairRow(p []float64, risk bool, qa int) {
	n, xs, a := len(v.xs), v.xs, v.order[qa]
	lo := xs[qa]
	nmid := qa // xs[nmid-1] < midpoint for every pair seen so far
	for qb := qa + 1; qb < n; qb++ {
		b, hi := v.order[qb], xs[qb]
		if hi == lo {
			continue // equal positions: P = 0.5, set below
		}
		// When lo and hi are a few ulps apart, mid may round to hi, which
		// can be the largest position: bound both scans.
		mid := 0.5 * (lo + hi)
		for nmid < n && xs[nmid] < mid {
			nmid++
		}
		nmidEq := nmid
		for nmidEq < n && xs[nmidEq] == mid {
			nmidEq++
		}
		var fLo, fHi float64
		if risk {
			fLo, fHi = v.riskPairAt(a, b, nmid, nmidEq)
		} else {
			fLo, fHi = v.pairAt(a, b, lo, hi, nmid, nmidEq)
		}
		p[a*n+b], p[b*n+a] = fLo, fHi
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

// riskTable fills v.pre, for risk-weighted votes, with the prefix sums over
// the voters in position order of w_k (|x_k − x_a|/R)^{r_k}, one row of n+1
// per candidate actor a. It costs n²/2 logarithms and n² exponentials; each row
// is written in order, which keeps it in cache at a thousand actors.
func (v *votes) riskTable(x, w, r []float64, R float64) {
	n := len(x)
	m := n + 1
	if cap(v.pre) < n*m {
		v.pre = make([]float64, n*m)
	}
	v.pre = v.pre[:n*m]
	// The logarithms are symmetric (|x_k − x_a| and |x_a − x_k| are the
	// same float), so each pair's is computed once; zero distances are
	// skipped below and their entries are never read.
	if cap(v.ld) < n*n {
		v.ld = make([]float64, n*n)
	}
	v.ld = v.ld[:n*n]
	if n < parallelMin {
		for a := range n {
			if v.stopped() {
				return
			}
			v.logRow(x, R, a)
		}
		for a := range n {
			if v.stopped() {
				return
			}
			v.preRow(x, w, r, a)
		}
		return
	}
	inParallel(v.ctx, n, func(a int) { v.logRow(x, R, a) })
	inParallel(v.ctx, n, func(a int) { v.preRow(x, w, r, a) })
}

// logRow sets ld[a*n+k] and ld[k*n+a] = log(|x_k − x_a|/R) for k > a.
func (v *votes) logRow(x []float64, R float64, a int) {
	n, ld := len(x), v.ld
	xa := x[a]
	for k := a + 1; k < n; k++ {
		if d := math.Abs(x[k] - xa); d > 0 {
			l := math.Log(d / R)
			ld[a*n+k], ld[k*n+a] = l, l
		}
	}
}

// preRow sets row a of riskTable's prefix sums.
func (v *votes) preRow(x, w, r []float64, a int) {
	n := len(x)
	m := n + 1
	row, la := v.pre[a*m:(a+1)*m], v.ld[a*n:(a+1)*n]
	xa, sum := x[a], 0.0
	row[0] = 0
	for q, k := range v.order {
		if x[k] != xa {
			sum += w[k] * math.Exp(r[k]*la[k])
		}
		row[q+1] = sum
	}
}

// riskPair returns the risk-weighted vote totals for the actor a at lo over
// the actor b at hi, lo < hi, and for b over a. A voter left of the midpoint
// is nearer lo, so (|x_k − lo|/R)^{r_k} < (|x_k − hi|/R)^{r_k} whatever its
// exponent: the sides split at the midpoint as with linear votes, and each
// side's total is a difference of prefix sums from riskTable.
func (v *votes) riskPair(a, b int, lo, hi float64) (fLo, fHi float64) {
	nmid, nmidEq := v.midpoint(a, b, lo, hi)
	return v.riskPairAt(a, b, nmid, nmidEq)
}

// riskPairAt is riskPair with the numbers of positions < and ≤ the midpoint
// given.
func (v *votes) riskPairAt(a, b int, nmid, nmidEq int) (fLo, fHi float64) {
	m := len(v.xs) + 1
	pa, pb := v.pre[a*m:(a+1)*m], v.pre[b*m:(b+1)*m]
	fLo = pb[nmid] - pa[nmid]
	fHi = (pa[m-1] - pa[nmidEq]) - (pb[m-1] - pb[nmidEq])
	return max(fLo, 0), max(fHi, 0)
}
