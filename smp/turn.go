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
	challenges []challengeRec
	bargains   []bargainRec
}

// round4 rounds to 4 decimals, as KTAB rounds bargain coordinates.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// interpolate is the bargain between i and j when i prevails with
// probability p (InterVecBrgn). eps goes to the side being computed: with
// onI the result is i's proposed position.
func (e *engine) interpolate(i, j int, p float64, onI bool) []float64 {
	out := e.newPoint()
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

// newPoint returns m floats for a bargain's position, from the turn's
// pool (valid for the turn).
func (e *engine) newPoint() []float64 {
	tb := &e.tb
	tb.pool = slices.Grow(tb.pool, e.m)
	n := len(tb.pool)
	tb.pool = tb.pool[:n+e.m]
	return tb.pool[n : n+e.m : n+e.m]
}

// bargainsFor appends the bargains of challenge c under BargnModel to dst.
func (e *engine) bargainsFor(dst []bargainRec, c challengeRec) []bargainRec {
	fromI := bargainRec{init: c.init, target: c.target,
		posI: e.interpolate(c.init, c.target, c.p, true), posJ: e.interpolate(c.init, c.target, c.p, false)}
	switch e.bargn {
	case bmInitRcvr:
		fromJ := bargainRec{init: c.init, target: c.target,
			posI: e.interpolate(c.init, c.target, c.pRcvr, true), posJ: e.interpolate(c.init, c.target, c.pRcvr, false)}
		return append(dst, fromI, fromJ)
	case bmPWComp:
		fromJ := bargainRec{posI: e.interpolate(c.init, c.target, c.pRcvr, true), posJ: e.interpolate(c.init, c.target, c.pRcvr, false)}
		// Average the two perspectives, weighted by the principals'
		// total salience (what KTAB's log shows for its "power-weighted
		// compromise").
		wi, wj := e.salSum[c.init], e.salSum[c.target]
		comp := bargainRec{init: c.init, target: c.target, posI: e.newPoint(), posJ: e.newPoint()}
		for k := 0; k < e.m; k++ {
			comp.posI[k] = (wi*fromI.posI[k] + wj*fromJ.posI[k]) / (wi + wj)
			comp.posJ[k] = (wi*fromI.posJ[k] + wj*fromJ.posJ[k]) / (wi + wj)
		}
		return append(dst, comp)
	}
	return append(dst, fromI)
}

// bound is a bound on the gain of a challenge of target j.
type bound struct {
	j  int
	ub float64
}

// gainSlack bounds the rounding error of a computed gain (a few ulps of
// numbers of order 1), so that a bound on the gain is never undercut by
// rounding.
const gainSlack = 1e-9

// bestChallenge finds i's most advantageous target from its own
// perspective; ok is false when no challenge gains more than minGain.
func (e *engine) bestChallenge(i int, sc *scratch) (challengeRec, bool) {
	best := challengeRec{init: i, target: -1}
	n := e.n
	sc.rh, sc.uki, sc.ukk = grow(sc.rh, n), grow(sc.uki, n), grow(sc.ukk, n)
	rh, uki, ukk := sc.rh, sc.uki, sc.ukk
	for k := range rh {
		rh[k] = e.perceived(i, k)
	}
	e.principalUtils(rh, i, uki, ukk)
	// i's gain from challenging j is, with U = U_ii and V = U_ij (as i
	// sees them), g(P) = (U − V)(1 − 2s_j + 2s_j·P), linear in P ∈ [0, 1],
	// so at most ub = max(U − V, (U − V)(1 − 2s_j)) whatever P is. The
	// targets are tried from the highest bound down, and the O(N²) P of a
	// target is computed only while its bound can still beat the best gain
	// found: the best challenge is the one the loop over every target in
	// order finds (on a tie, the lower target), with the same floats.
	bounds := sc.bounds[:0]
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
	sc.bounds = bounds
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

// turnBuf holds a turn's buffers, reused from turn to turn.
type turnBuf struct {
	chl, challenges []challengeRec
	has             []bool
	bargains        []bargainRec
	queues          [][]int
	obj             []float64
	chosen          []int
	chosenP, draws  []float64
	sqUtil, bUtil   []float64
	pos             [][]float64 // the next positions, swapped with e.pos
	posFlat         []float64
	pool            []float64 // the bargains' positions (see newPoint)
}

// step runs one turn from the current state: challenges, bargains, queue
// elections and the transition. It assumes computeDistances and
// computeRisk have been run for the current state. The turn record it
// returns is valid until the next turn (its bargains are reused).
func (e *engine) step() turnRec {
	n, tb := e.n, &e.tb
	rec := turnRec{challenges: tb.challenges[:0]}
	// 1. Every actor chooses its best challenge (in parallel).
	tb.chl, tb.has = grow(tb.chl, n), grow(tb.has, n)
	chl, has := tb.chl, tb.has
	if e.serial(n) { // plain loops: no closure to allocate (see serial)
		e.scratches(1)
		for i := range n {
			if e.stopped() { // as parallel polls before each item
				return rec
			}
			chl[i], has[i] = e.bestChallenge(i, e.scr[0])
		}
	} else {
		e.parallel(n, func(i, w int) { chl[i], has[i] = e.bestChallenge(i, e.scr[w]) })
	}
	if e.stopped() {
		return rec // canceled: the caller discards the turn
	}
	// 2. Bargains, in initiator order; each goes to both principals' queues.
	// Queue items are -1-owner for the owner's status quo, or a bargain index.
	bargains := tb.bargains[:0]
	tb.pool = tb.pool[:0]
	tb.queues = grow(tb.queues, n)
	queues := tb.queues
	for i := 0; i < n; i++ {
		queues[i] = append(queues[i][:0], -1-i)
	}
	for i := 0; i < n; i++ {
		if !has[i] {
			continue
		}
		rec.challenges = append(rec.challenges, chl[i])
		bargains = e.bargainsFor(bargains, chl[i])
	}
	for idx, b := range bargains {
		queues[b.init] = append(queues[b.init], idx)
		queues[b.target] = append(queues[b.target], idx)
	}
	tb.bargains, tb.challenges = bargains, rec.challenges
	// Order each queue like KTAB's when its threads run in actor order: by
	// initiator, the owner's status quo before its own bargain (a stable
	// insertion sort: queues are short).
	key := func(it int) int {
		if it < 0 {
			return 2 * (-1 - it)
		}
		return 2*bargains[it].init + 1
	}
	for _, qu := range queues {
		for a := 1; a < len(qu); a++ {
			for b := a; b > 0 && key(qu[b]) < key(qu[b-1]); b-- {
				qu[b], qu[b-1] = qu[b-1], qu[b]
			}
		}
	}
	// Row sums of the objective utilities, for item utilities.
	tb.obj = grow(tb.obj, n*n)
	obj := tb.obj
	objRow := func(a, _ int) {
		for b := 0; b < n; b++ {
			obj[a*n+b] = e.objective(a, b)
		}
	}
	if e.stopped() {
		return rec
	}
	// 3. Resolve every queue by a PCE with capability weights (in parallel).
	tb.chosen, tb.chosenP, tb.draws = grow(tb.chosen, n), grow(tb.chosenP, n), grow(tb.draws, n)
	chosen, chosenP, draws := tb.chosen, tb.chosenP, tb.draws
	// Stochastic transitions draw one number per queue, in actor order,
	// before the parallel section, so that draws do not depend on scheduling.
	if e.stochastic {
		for q := range draws {
			draws[q] = e.rng.Float64()
		}
	}
	// An item's utility to a voter is the mean of the voter's utility over
	// all positions, with the two principals' positions replaced by the
	// bargain (the status quo replaces none). Each is computed once, though
	// a bargain is in two queues: sqUtil[voter], and bUtil[it*n+voter].
	tb.sqUtil = grow(tb.sqUtil, n)
	sqUtil := tb.sqUtil
	sqRow := func(voter, _ int) {
		s := 0.0
		for _, o := range obj[voter*n : (voter+1)*n] {
			s += o
		}
		sqUtil[voter] = s / float64(n)
	}
	tb.bUtil = grow(tb.bUtil, len(bargains)*n)
	bUtil := tb.bUtil
	bargainRow := func(it, _ int) {
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
	}
	queue := func(q, w int) {
		sc := e.scr[w]
		items := queues[q]
		ni := len(items)
		sc.u = grow(sc.u, ni*n)
		u := sc.u // [voter][item]
		for k := 0; k < n; k++ {
			for a, it := range items {
				if it < 0 {
					u[k*ni+a] = sqUtil[k]
				} else {
					u[k*ni+a] = bUtil[it*n+k]
				}
			}
		}
		p := e.electionWith(&sc.el, true, ni, e.cap, func(k, a int) float64 { return u[k*ni+a] })
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
	}
	// The loops of the turn, in parallel or, for a small engine, plain:
	// the closures above do not escape then, and so are not allocated.
	if e.serial(n) && e.serial(len(bargains)) {
		e.scratches(1)
		// Polled before each item, as parallel does.
		for _, loop := range [...]struct {
			n int
			f func(i, w int)
		}{{n, objRow}, {n, sqRow}, {len(bargains), bargainRow}, {n, queue}} {
			for i := range loop.n {
				if e.stopped() {
					return rec
				}
				loop.f(i, 0)
			}
		}
	} else {
		e.parallel(n, objRow)
		if e.stopped() {
			return rec
		}
		e.parallel(n, sqRow)
		e.parallel(len(bargains), bargainRow)
		if e.stopped() {
			return rec
		}
		e.parallel(n, queue)
	}
	if e.stopped() {
		return rec
	}
	// 4. Transition: each owner adopts its role's position in its choice,
	// into the other buffer of positions.
	if len(tb.pos) != n {
		tb.posFlat = make([]float64, n*e.m)
		tb.pos = make([][]float64, n)
		for i := range tb.pos {
			tb.pos[i] = tb.posFlat[i*e.m : (i+1)*e.m : (i+1)*e.m]
		}
	}
	newPos := tb.pos
	for q := 0; q < n; q++ {
		it := chosen[q]
		if it < 0 {
			copy(newPos[q], e.pos[q])
			continue
		}
		b := &bargains[it]
		if e.keep { // recorded only
			b.queues = append(b.queues, q)
			b.queueProbs = append(b.queueProbs, chosenP[q])
			b.prob = math.Max(b.prob, chosenP[q])
		}
		if b.init == q {
			copy(newPos[q], b.posI)
		} else {
			copy(newPos[q], b.posJ)
		}
	}
	e.pos, tb.pos = newPos, e.pos
	e.adjustIdeals()
	rec.bargains = bargains
	return rec
}

// adjustIdeals applies the accommodation matrix:
// ideal_i ← Σ_j A_ij·pos_j + (1 − Σ_j A_ij)·ideal_i (A = I when nil).
func (e *engine) adjustIdeals() {
	if e.adj == nil {
		for i := range e.idl {
			copy(e.idl[i], e.pos[i])
		}
		return
	}
	// In place: each ideal coordinate reads only its own old value.
	for i := 0; i < e.n; i++ {
		row := e.adj[i]
		tot := 0.0
		for _, a := range row {
			tot += a
		}
		for k := 0; k < e.m; k++ {
			x := (1 - tot) * e.idl[i][k]
			for j, a := range row {
				if a != 0 {
					x += a * e.pos[j][k]
				}
			}
			e.idl[i][k] = x
		}
	}
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
