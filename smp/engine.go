package smp

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/jirga/jirga/sweep"
)

// Resolved option codes used in the inner loops: each is its value's KTAB
// enum index, the value's position in the declaration (ktabOptions).
const (
	vpLinear = iota
	vpSquare
	vpQuartic
	vpOctic
	vpBinary
)

const (
	pceConditional = iota
	pceMarkovIncentive
	pceMarkovUniform
)

const (
	vrBinary = iota
	vrPropBin
	vrProp
	vrPropCbc
	vrCubic
	vrASymProsp
)

const (
	tpNo = iota
	tpSemi
	tpFull
)

const (
	ivS1P1 = iota
	ivS2P2
	ivS2PMax
)

const (
	bmInitOnly = iota
	bmInitRcvr
	bmPWComp
)

// minGain is the smallest expected gain for which an actor challenges.
const minGain = 1e-5

// bargainEps is the weight KTAB adds to the side whose proposed position is
// computed, so both sides get (almost) the same point.
const bargainEps = 1e-6

// engine holds one run's state on KTAB's internal [0, 1] scales.
type engine struct {
	n, m   int
	cap    []float64
	sal    [][]float64 // [actor][dim], in [0, 1]
	salSum []float64   // Σ_m s_im
	pos    [][]float64 // [actor][dim], in [0, 1]
	idl    [][]float64
	adj    [][]float64 // ideal accommodation matrix A; nil means identity

	vpm, pcem, voting, commit, interp, bargn int
	stochastic                               bool
	keep                                     bool // turns are recorded (a bargain's queues)
	riskRange, riskAdjust                    string
	workers                                  int
	rng                                      *rand.Rand
	// ctx, when set, is polled before each item of a parallel loop (O(N²)
	// work each) and each Markov iteration, so that a cancel takes effect
	// within a fraction of a turn; a turn cut short is meaningless.
	ctx context.Context

	// weight is s_k·c_k, the weight of actor k's votes in a challenge
	// (its total salience times its capability).
	weight []float64

	// per-state scratch
	dist  []float64 // d(idl_i, pos_j), n×n
	distT []float64 // dist transposed: distT[j*n+i] = d(idl_i, pos_j)
	risk  []float64 // R_i

	// Buffers reused from turn to turn (a sweep runs thousands of short
	// forecasts, where allocation would cost more than the work): the
	// turn's (turn.go) and one scratch per worker of a parallel loop.
	tb  turnBuf
	scr []*scratch
}

// scratch is one worker's buffers: a challenger's view of the others, and
// an election's tables.
type scratch struct {
	rh, uki, ukk []float64
	bounds       []bound
	u            []float64 // a queue's item utilities
	el           elections
}

// elections holds an election's tables (see electionWith).
type elections struct {
	u, coal, vic, p, q []float64
}

// grow returns b with length n, reusing its storage when it is large
// enough; the contents are not kept.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// parallel runs f(0..n-1) on the engine's workers, on sweep.For, with the
// index w of the worker running it (below len(e.scr), so that f may use
// e.scr[w]). f must write only to its own index's slots; the result then
// does not depend on scheduling. With one worker, or when the engine has fewer than
// parallelMin actors or there are fewer than 8 items, where starting
// goroutines would cost more than it saves, it is a plain loop (the queue
// elections of a turn run so, inside a parallel section).
func (e *engine) parallel(n int, f func(i, w int)) {
	if e.stopped() {
		return
	}
	loop := sweep.Loop{Workers: e.workers}
	if e.serial(n) {
		e.scratches(1)
		for i := range n {
			if e.stopped() {
				return
			}
			f(i, 0)
		}
		return
	}
	e.scratches(loop.Goroutines(n))
	sweep.For(e.context(), n, loop, func(it sweep.Iter) error {
		f(it.I, it.Worker)
		return nil
	})
}

// serial reports whether parallel would run n items as a plain loop: the
// callers that run many small loops then run them without a closure.
func (e *engine) serial(n int) bool {
	return n < 8 || e.n < parallelMin || (sweep.Loop{Workers: e.workers}).Goroutines(n) == 1
}

// scratches makes sure e.scr has k workers' scratch.
func (e *engine) scratches(k int) {
	for len(e.scr) < k {
		e.scr = append(e.scr, new(scratch))
	}
}

// parallelMin is the number of actors from which a turn's loops run on
// several goroutines: below it a turn is so short (a few hundred µs at 9
// actors) that starting them costs more than it saves, and sweeps run
// draws on every core anyway.
const parallelMin = 64

// stopped reports whether the engine's context is done.
func (e *engine) stopped() bool { return e.ctx != nil && e.ctx.Err() != nil }

// context returns the engine's context, which For polls before each item.
func (e *engine) context() context.Context {
	if e.ctx == nil {
		return context.Background()
	}
	return e.ctx
}

// distance is KTAB's salience-weighted distance from i's ideal to point x:
// sqrt(Σ_m s_im²(idl_im − x_m)² / Σ_m s_im²). It is 0 when i has no salience.
func (e *engine) distance(i int, x []float64) float64 {
	num, den := 0.0, 0.0
	for k := 0; k < e.m; k++ {
		s2 := e.sal[i][k] * e.sal[i][k]
		d := e.idl[i][k] - x[k]
		num += s2 * d * d
		den += s2
	}
	if den == 0 {
		return 0
	}
	return math.Sqrt(num / den)
}

// utility is u(d, R) = (1 − d)(1 + d·R).
func utility(d, r float64) float64 { return (1 - d) * (1 + d*r) }

// computeDistances fills e.dist for the current positions and ideals.
func (e *engine) computeDistances() {
	n := e.n
	if e.dist == nil {
		e.dist = make([]float64, n*n)
	}
	e.parallel(n, func(i, _ int) {
		for j := 0; j < n; j++ {
			e.dist[i*n+j] = e.distance(i, e.pos[j])
		}
	})
	// The challenges read the distances of every actor to one position.
	if e.distT == nil {
		e.distT = make([]float64, n*n)
	}
	transpose(e.distT, e.dist, n)
}

// transpose sets dst[j*n+i] = src[i*n+j], in tiles that stay in cache.
func transpose(dst, src []float64, n int) {
	const tile = 32
	for i0 := 0; i0 < n; i0 += tile {
		for j0 := 0; j0 < n; j0 += tile {
			for i := i0; i < min(i0+tile, n); i++ {
				for j := j0; j < min(j0+tile, n); j++ {
					dst[j*n+i] = src[i*n+j]
				}
			}
		}
	}
}

// computeRisk infers the risk attitudes: a PCE over all positions with
// risk-neutral utilities 1 − d and capability weights gives p; BigRRange
// maps p to R.
func (e *engine) computeRisk() {
	n := e.n
	e.scratches(1)
	p := e.electionWith(&e.scr[0].el, false, n, e.cap, func(k, a int) float64 { return 1 - e.distT[a*n+k] }) // 1 − d(idl_k, pos_a)
	lo, hi := p[0], p[0]
	for _, x := range p {
		lo = math.Min(lo, x)
		hi = math.Max(hi, x)
	}
	if e.risk == nil {
		e.risk = make([]float64, n)
	}
	for i, x := range p {
		if hi-lo <= 0 {
			e.risk[i] = 0
			continue
		}
		switch e.riskRange {
		case "Min":
			e.risk[i] = (x - lo) / (hi - lo)
		case "Max":
			e.risk[i] = (2*x - hi - lo) / (hi - lo)
		default:
			e.risk[i] = (3*x - hi - 2*lo) / (2 * (hi - lo))
		}
	}
}

// perceived is h's estimate of i's risk attitude under BigRAdjust.
func (e *engine) perceived(h, i int) float64 {
	rh, ri := e.risk[h], e.risk[i]
	switch e.riskAdjust {
	case "None":
		return rh
	case "Half":
		return (rh + ri) / 2
	case "TwoThirds":
		return (rh + 2*ri) / 3
	case "Full":
		return ri
	}
	return (2*rh + ri) / 3
}

// util is h's estimate of the utility to actor a of actor b's position.
func (e *engine) util(h, a, b int) float64 {
	return utility(e.dist[a*e.n+b], e.perceived(h, a))
}

// objective is actor a's own utility of b's position.
func (e *engine) objective(a, b int) float64 {
	return utility(e.dist[a*e.n+b], e.risk[a])
}

// challenge is h's estimate of the probability that i prevails when i
// challenges j, with third parties joining the side they expect to gain
// from (KTAB's probEduChlg). It returns P_ij.
func (e *engine) challenge(h, i, j int) float64 {
	rh := make([]float64, e.n)
	for k := range rh {
		rh[k] = e.perceived(h, k)
	}
	return e.challengeWith(rh, i, j)
}

// challengeWith is challenge with h's perceived risk attitudes rh.
func (e *engine) challengeWith(rh []float64, i, j int) float64 {
	n := e.n
	uki := make([]float64, n)
	ukk := make([]float64, n)
	e.principalUtils(rh, i, uki, ukk)
	return e.challengeFast(rh, uki, ukk, i, j)
}

// principalUtils sets, for every actor k, uki[k] = U_ki (the utility of
// i's position, with risk attitudes rh) and ukk[k] = U_kk.
func (e *engine) principalUtils(rh []float64, i int, uki, ukk []float64) {
	n := e.n
	di := e.distT[i*n : (i+1)*n] // d(idl_k, pos_i) for every k
	for k := 0; k < n; k++ {
		uki[k] = utility(di[k], rh[k])
		ukk[k] = utility(e.dist[k*n+k], rh[k])
	}
}

// challengeFast is challengeWith given, for every actor k, uki[k] = U^h_ki
// (utility of i's position) and ukk[k] = U^h_kk, which do not depend on j.
func (e *engine) challengeFast(rh, uki, ukk []float64, i, j int) float64 {
	n := e.n
	dist := e.dist
	uij := utility(dist[i*n+j], rh[i])
	ujj := utility(dist[j*n+j], rh[j])
	ci, cj := 0.0, 0.0
	add := func(v float64) {
		if v > 0 {
			ci += v
		} else {
			cj -= v
		}
	}
	add(e.vote(e.salSum[i]*e.cap[i], uki[i]-uij))
	add(e.vote(e.salSum[j]*e.cap[j], uki[j]-ujj))
	if e.voting == vrProp && e.commit == tpSemi {
		// KTAB's defaults: the loop below with the vote inlined.
		pi, pj := thirdPropSemi(ci, cj, e.weight, uki, ukk, e.distT[j*n:(j+1)*n], rh, 0, min(i, j))
		pi, pj = thirdPropSemiFrom(pi, pj, ci, cj, e.weight, uki, ukk, e.distT[j*n:(j+1)*n], rh, min(i, j)+1, max(i, j))
		pi, pj = thirdPropSemiFrom(pi, pj, ci, cj, e.weight, uki, ukk, e.distT[j*n:(j+1)*n], rh, max(i, j)+1, n)
		if pi+pj == 0 {
			return 0.5
		}
		return pi / (pi + pj)
	}
	pi, pj := ci, cj
	for k := 0; k < n; k++ {
		if k == i || k == j {
			continue
		}
		w := e.salSum[k] * e.cap[k]
		ui, uj, uk := uki[k], utility(dist[k*n+j], rh[k]), ukk[k]
		vk := e.vote(w, ui-uj)
		vp, vm := 0.0, 0.0
		if vk > 0 {
			vp = vk
		} else {
			vm = -vk
		}
		p := (ci + vp) / (ci + vp + cj + vm)
		var joinI, joinJ float64
		switch e.commit {
		case tpFull:
			// A fully committed third party stays at the side it joins,
			// win or lose: join i gives 3U_ki if i wins and 2U_kj + U_ki
			// if j wins (symmetrically for j), so the choice is worth
			// exactly U_ki − U_kj.
			joinI = p*3*ui + (1-p)*(2*uj+ui)
			joinJ = p*(2*ui+uj) + (1-p)*3*uj
		case tpNo:
			// An uncommitted third party keeps its position whatever
			// happens; its choice changes nothing for it, so it abstains.
			joinI = p*(2*ui+uk) + (1-p)*(2*uj+uk)
			joinJ = joinI
		default:
			joinI = p*(2*ui+uk) + (1-p)*3*uj
			joinJ = p*3*ui + (1-p)*(2*uj+uk)
		}
		v := e.vote(w, joinI-joinJ)
		if v > 0 {
			pi += v
		} else {
			pj -= v
		}
	}
	if pi+pj == 0 {
		return 0.5 // nobody cares: an even contest
	}
	return pi / (pi + pj)
}

// thirdPropSemi returns the principals' strengths ci, cj with the votes of
// the third parties k in [from, to) added, under KTAB's default rules:
// proportional votes and semi-commitment. dj[k] is d(idl_k, pos_j). It is
// the loop of challengeFast, operation for operation (the same floats),
// for the n³ challenges of a turn.
func thirdPropSemi(ci, cj float64, w, uki, ukk, dj, rh []float64, from, to int) (pi, pj float64) {
	return thirdPropSemiFrom(ci, cj, ci, cj, w, uki, ukk, dj, rh, from, to)
}

// thirdPropSemiFrom is thirdPropSemi adding to the strengths pi, pj.
func thirdPropSemiFrom(pi, pj, ci, cj float64, w, uki, ukk, dj, rh []float64, from, to int) (float64, float64) {
	w, uki, ukk, dj, rh = w[:to], uki[:to], ukk[:to], dj[:to], rh[:to]
	for k := from; k < to; k++ {
		wk, ui, uk := w[k], uki[k], ukk[k]
		d := dj[k]
		uj := (1 - d) * (1 + d*rh[k]) // utility(d, rh[k])
		vk := wk * (ui - uj)
		vp, vm := 0.0, 0.0
		if vk > 0 {
			vp = vk
		} else {
			vm = -vk
		}
		p := (ci + vp) / (ci + vp + cj + vm)
		joinI := p*(2*ui+uk) + (1-p)*3*uj
		joinJ := p*3*ui + (1-p)*(2*uj+uk)
		if v := wk * (joinI - joinJ); v > 0 {
			pi += v
		} else {
			pj -= v
		}
	}
	return pi, pj
}

// gain is k's expected gain, as h estimates it, when i challenges j and
// prevails with probability p:
// (1 − s_j)·2U_ki + s_j·[p·2U_ki + (1 − p)·2U_kj] − (U_ki + U_kj).
func (e *engine) gain(h, k, i, j int, p float64) float64 {
	uki, ukj := e.util(h, k, i), e.util(h, k, j)
	sj := e.salSum[j]
	return (1-sj)*2*uki + sj*(p*2*uki+(1-p)*2*ukj) - (uki + ukj)
}
