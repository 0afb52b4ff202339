package smp

import (
	"cmp"
	"math"
	"slices"
)

// challengeRec is an actor's best challenge in a turn.
type challengeRec struct {
	init, target int
	gain, p      float64 // initiator's expected gain and P[init ≻ target]
	pRcvr        float64 // the weight KTAB uses for the target's perspective (see bestChallenge)
}

// bargainRec is a proposed pair of positions.
type bargainRec struct {
	init, target int
	posI, posJ   []float64 // proposed positions for initiator and target
	queues       []int     // actors whose queue chose it
	queueProbs   []float64 // its probability in each of those queues
	prob         float64   // highest probability it had in a queue that chose it
}

// turnRec records one turn for the output.
type turnRec struct {
	risk       []float64
	challenges []challengeRec
	bargains   []bargainRec
}

// round4 rounds to 4 decimals, as KTAB rounds bargain coordinates.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// interpolate is the bargain between i and j when i prevails with
// probability p (InterVecBrgn). eps goes to the side being computed: with
// onI the result is i's proposed position.
func (e *engine) interpolate(i, j int, p float64, onI bool) []float64 {
	out := make([]float64, e.m)
	for k := 0; k < e.m; k++ {
		si, sj := e.sal[i][k], e.sal[j][k]
		var wi, wj float64
		switch e.interp {
		case ivS1P1:
			wi, wj = si*p, sj*(1-p)
		case ivS2PMax:
			// Each side's weight is its salience squared times the margin
			// by which its own victory probability exceeds the other's.
			wi = si * si * math.Max(0, p-(1-p))
			wj = sj * sj * math.Max(0, (1-p)-p)
		default:
			wi, wj = si*p*si*p, sj*(1-p)*sj*(1-p)
		}
		if onI {
			wi += bargainEps
		} else {
			wj += bargainEps
		}
		out[k] = round4((wi*e.pos[i][k] + wj*e.pos[j][k]) / (wi + wj))
	}
	return out
}

// bargainsFor forms the bargains of challenge c under BargnModel.
func (e *engine) bargainsFor(c challengeRec) []bargainRec {
	fromI := bargainRec{init: c.init, target: c.target,
		posI: e.interpolate(c.init, c.target, c.p, true), posJ: e.interpolate(c.init, c.target, c.p, false)}
	switch e.bargn {
	case bmInitRcvr:
		fromJ := bargainRec{init: c.init, target: c.target,
			posI: e.interpolate(c.init, c.target, c.pRcvr, true), posJ: e.interpolate(c.init, c.target, c.pRcvr, false)}
		return []bargainRec{fromI, fromJ}
	case bmPWComp:
		fromJ := bargainRec{posI: e.interpolate(c.init, c.target, c.pRcvr, true), posJ: e.interpolate(c.init, c.target, c.pRcvr, false)}
		// Average the two perspectives, weighted by the principals'
		// total salience (what KTAB's log shows for its "power-weighted
		// compromise").
		wi, wj := e.salSum[c.init], e.salSum[c.target]
		comp := bargainRec{init: c.init, target: c.target, posI: make([]float64, e.m), posJ: make([]float64, e.m)}
		for k := 0; k < e.m; k++ {
			comp.posI[k] = (wi*fromI.posI[k] + wj*fromJ.posI[k]) / (wi + wj)
			comp.posJ[k] = (wi*fromI.posJ[k] + wj*fromJ.posJ[k]) / (wi + wj)
		}
		return []bargainRec{comp}
	}
	return []bargainRec{fromI}
}

// gainSlack bounds the rounding error of a computed gain (a few ulps of
// numbers of order 1), so that a bound on the gain is never undercut by
// rounding.
const gainSlack = 1e-9

// bestChallenge finds i's most advantageous target from its own
// perspective; ok is false when no challenge gains more than minGain.
func (e *engine) bestChallenge(i int) (challengeRec, bool) {
	best := challengeRec{init: i, target: -1}
	rh := make([]float64, e.n)
	for k := range rh {
		rh[k] = e.perceived(i, k)
	}
	n := e.n
	uki := make([]float64, n)
	ukk := make([]float64, n)
	e.principalUtils(rh, i, uki, ukk)
	// i's gain from challenging j is, with U = U_ii and V = U_ij (as i
	// sees them), g(P) = (U − V)(1 − 2s_j + 2s_j·P), linear in P ∈ [0, 1],
	// so at most ub = max(U − V, (U − V)(1 − 2s_j)) whatever P is. The
	// targets are tried from the highest bound down, and the O(N²) P of a
	// target is computed only while its bound can still beat the best gain
	// found: the best challenge is the one the loop over every target in
	// order finds (on a tie, the lower target), with the same floats.
	type bound struct {
		j  int
		ub float64
	}
	bounds := make([]bound, 0, n-1)
	u := e.util(i, i, i)
	for j := 0; j < n; j++ {
		if j == i {
			continue
		}
		d := u - e.util(i, i, j)
		if ub := max(d, d*(1-2*e.salSum[j])); ub+gainSlack > minGain {
			bounds = append(bounds, bound{j, ub})
		}
	}
	slices.SortFunc(bounds, func(a, b bound) int { return cmp.Or(cmp.Compare(b.ub, a.ub), a.j-b.j) })
	for _, c := range bounds {
		if best.target >= 0 && c.ub+gainSlack < best.gain {
			break // no target left can gain as much
		}
		j := c.j
		p := e.challengeFast(rh, uki, ukk, i, j)
		g := e.gain(i, i, i, j, p)
		if g > minGain && (best.target < 0 || g > best.gain || (g == best.gain && j < best.target)) {
			best = challengeRec{init: i, target: j, gain: g, p: p}
		}
	}
	if best.target < 0 {
		return best, false
	}
	if e.bargn != bmInitOnly {
		// KTAB's receiver-side bargain interpolates not with the
		// receiver's estimate of P but with the receiver's estimate of the
		// initiator's expected gain (its smpc log shows this, e.g. turn 0
		// of dummyData_3Dim: bargain 0:6 from 6's perspective matches
		// 0.0925, 6's estimate of 0's gain, not P = 0.7660).
		j := best.target
		p := e.challenge(j, i, j)
		best.pRcvr = e.gain(j, i, i, j, p)
	}
	return best, true
}

// step runs one turn from the current state: challenges, bargains, queue
// elections and the transition. It assumes computeDistances and
// computeRisk have been run for the current state.
func (e *engine) step() turnRec {
	n := e.n
	rec := turnRec{risk: slices.Clone(e.risk)}
	// 1. Every actor chooses its best challenge (in parallel).
	chl := make([]challengeRec, n)
	has := make([]bool, n)
	e.parallel(n, func(i int) { chl[i], has[i] = e.bestChallenge(i) })
	if e.stopped() {
		return rec // canceled: the caller discards the turn
	}
	// 2. Bargains, in initiator order; each goes to both principals' queues.
	// Queue items are -1-owner for the owner's status quo, or a bargain index.
	var bargains []bargainRec
	queues := make([][]int, n)
	for i := 0; i < n; i++ {
		queues[i] = append(queues[i], -1-i)
	}
	for i := 0; i < n; i++ {
		if !has[i] {
			continue
		}
		rec.challenges = append(rec.challenges, chl[i])
		for _, b := range e.bargainsFor(chl[i]) {
			idx := len(bargains)
			bargains = append(bargains, b)
			queues[b.init] = append(queues[b.init], idx)
			queues[b.target] = append(queues[b.target], idx)
		}
	}
	// Order each queue like KTAB's when its threads run in actor order: by
	// initiator, the owner's status quo before its own bargain.
	for q := range queues {
		key := func(it int) int {
			if it < 0 {
				return 2 * (-1 - it)
			}
			return 2*bargains[it].init + 1
		}
		slices.SortStableFunc(queues[q], func(a, b int) int { return key(a) - key(b) })
	}
	// Row sums of the objective utilities, for item utilities.
	obj := make([]float64, n*n)
	e.parallel(n, func(a int) {
		for b := 0; b < n; b++ {
			obj[a*n+b] = e.objective(a, b)
		}
	})
	if e.stopped() {
		return rec
	}
	// 3. Resolve every queue by a PCE with capability weights (in parallel).
	chosen := make([]int, n)
	chosenP := make([]float64, n)
	dists := make([][]float64, n)
	// Stochastic transitions draw one number per queue, in actor order,
	// before the parallel section, so that draws do not depend on scheduling.
	draws := make([]float64, n)
	if e.stochastic {
		for q := range draws {
			draws[q] = e.rng.Float64()
		}
	}
	// An item's utility to a voter is the mean of the voter's utility over
	// all positions, with the two principals' positions replaced by the
	// bargain (the status quo replaces none). Each is computed once, though
	// a bargain is in two queues: sqUtil[voter], and bUtil[it*n+voter].
	sqUtil := make([]float64, n)
	e.parallel(n, func(voter int) {
		s := 0.0
		for _, o := range obj[voter*n : (voter+1)*n] {
			s += o
		}
		sqUtil[voter] = s / float64(n)
	})
	bUtil := make([]float64, len(bargains)*n)
	e.parallel(len(bargains), func(it int) {
		b := &bargains[it]
		// The positions in order, with the two replaced: the sum of the
		// loop over every position, term for term.
		f, g, xf, xg := b.init, b.target, b.posI, b.posJ
		if g < f {
			f, g, xf, xg = g, f, xg, xf
		}
		for voter := 0; voter < n; voter++ {
			row := obj[voter*n : (voter+1)*n]
			s := 0.0
			for _, o := range row[:f] {
				s += o
			}
			s += utility(e.distance(voter, xf), e.risk[voter])
			for _, o := range row[f+1 : g] {
				s += o
			}
			s += utility(e.distance(voter, xg), e.risk[voter])
			for _, o := range row[g+1:] {
				s += o
			}
			bUtil[it*n+voter] = s / float64(n)
		}
	})
	if e.stopped() {
		return rec
	}
	e.parallel(n, func(q int) {
		items := queues[q]
		u := make([]float64, len(items)*n) // [voter][item]
		for k := 0; k < n; k++ {
			for a, it := range items {
				if it < 0 {
					u[k*len(items)+a] = sqUtil[k]
				} else {
					u[k*len(items)+a] = bUtil[it*n+k]
				}
			}
		}
		ni := len(items)
		serial := *e
		serial.workers = 1
		p := serial.election(ni, e.cap, func(k, a int) float64 { return u[k*ni+a] })
		dists[q] = p
		c := 0
		if e.stochastic {
			c = ni - 1
			acc := 0.0
			for a, x := range p {
				acc += x
				if draws[q] < acc {
					c = a
					break
				}
			}
		} else {
			for a := range p {
				if p[a] > p[c] {
					c = a
				}
			}
		}
		chosen[q] = items[c]
		chosenP[q] = p[c]
	})
	if e.stopped() {
		return rec
	}
	// 4. Transition: each owner adopts its role's position in its choice.
	newPos := make([][]float64, n)
	for q := 0; q < n; q++ {
		it := chosen[q]
		if it < 0 {
			newPos[q] = e.pos[q]
			continue
		}
		b := &bargains[it]
		b.queues = append(b.queues, q)
		b.queueProbs = append(b.queueProbs, chosenP[q])
		b.prob = math.Max(b.prob, chosenP[q])
		if b.init == q {
			newPos[q] = slices.Clone(b.posI)
		} else {
			newPos[q] = slices.Clone(b.posJ)
		}
	}
	e.pos = newPos
	e.adjustIdeals()
	rec.bargains = bargains
	return rec
}

// adjustIdeals applies the accommodation matrix:
// ideal_i ← Σ_j A_ij·pos_j + (1 − Σ_j A_ij)·ideal_i (A = I when nil).
func (e *engine) adjustIdeals() {
	if e.adj == nil {
		for i := range e.idl {
			e.idl[i] = slices.Clone(e.pos[i])
		}
		return
	}
	next := make([][]float64, e.n)
	for i := 0; i < e.n; i++ {
		row := e.adj[i]
		tot := 0.0
		for _, a := range row {
			tot += a
		}
		next[i] = make([]float64, e.m)
		for k := 0; k < e.m; k++ {
			x := (1 - tot) * e.idl[i][k]
			for j, a := range row {
				if a != 0 {
					x += a * e.pos[j][k]
				}
			}
			next[i][k] = x
		}
	}
	e.idl = next
}

// sdist is Σ_i ‖a_i − b_i‖₂.
func sdist(a, b [][]float64) float64 {
	s := 0.0
	for i := range a {
		d := 0.0
		for k := range a[i] {
			x := a[i][k] - b[i][k]
			d += x * x
		}
		s += math.Sqrt(d)
	}
	return s
}
