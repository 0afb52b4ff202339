package smp

import "math"

// coalitionFloor is KTAB's 1e−8 added to every coalition strength, so that
// an option nobody prefers still has a positive strength.
const coalitionFloor = 1e-8

// vote is the vote of a voter with weight w on a utility difference du
// (utility of a minus utility of b) under the voting rule.
func (e *engine) vote(w, du float64) float64 {
	switch e.voting {
	case vrBinary:
		return w * binaryVote(du)
	case vrPropBin:
		return w * (0.8*du + 0.2*binaryVote(du))
	case vrPropCbc:
		return w * (du + du*du*du) / 2
	case vrCubic:
		return w * du * du * du
	case vrASymProsp:
		if du < 0 {
			return w * du
		}
		return w * du * 2 / 3
	}
	return w * du
}

// binaryVote is clip(Δu/1e−8, −1, 1).
func binaryVote(du float64) float64 {
	return math.Max(-1, math.Min(1, du/1e-8))
}

// victory is P[a≻b] from the coalition strengths cab = C(a:b) and cba = C(b:a)
// under the victory-probability model.
func (e *engine) victory(cab, cba float64) float64 {
	switch e.vpm {
	case vpBinary:
		// Certain once the strength ratio reaches 1.1, linear in the ratio
		// between 1 and 1.1 (and symmetrically below 1).
		if cab >= cba {
			r := cab / cba
			if r >= 1.1 {
				return 1
			}
			return 0.5 + 5*(r-1)
		}
		r := cba / cab
		if r >= 1.1 {
			return 0
		}
		return 0.5 - 5*(r-1)
	case vpSquare:
		a, b := cab*cab, cba*cba
		return a / (a + b)
	case vpQuartic:
		a, b := cab*cab, cba*cba
		a, b = a*a, b*b
		return a / (a + b)
	case vpOctic:
		a, b := cab*cab, cba*cba
		a, b = a*a, b*b
		a, b = a*a, b*b
		return a / (a + b)
	}
	return cab / (cab + cba)
}

// electionWith is a probabilistic Condorcet election over nOpt options
// among voters with weights w; util(k, a) is voter k's utility of option a.
// It returns the probability of each option, in sc.p (valid until sc's
// next election). Rows of the coalition matrix are computed in parallel
// unless serial (an election inside a parallel loop).
func (e *engine) electionWith(sc *elections, serial bool, nOpt int, w []float64, util func(k, a int) float64) []float64 {
	nv := len(w)
	// u is option-major, u[a*nv+k], so that the votes on a pair read two
	// rows in order.
	sc.u = grow(sc.u, nOpt*nv)
	u := sc.u
	for a := 0; a < nOpt; a++ {
		for k := 0; k < nv; k++ {
			u[a*nv+k] = util(k, a)
		}
	}
	sc.coal = grow(sc.coal, nOpt*nOpt)
	if serial || e.serial(nOpt) {
		// A plain loop (no closure to allocate: sweeps run many small ones).
		for a := range nOpt {
			if !serial && e.stopped() { // as parallel polls before each row
				break
			}
			e.coalitionRow(sc, nOpt, w, a)
		}
	} else {
		e.parallel(nOpt, func(a, _ int) { e.coalitionRow(sc, nOpt, w, a) })
	}
	coal := sc.coal
	sc.vic = grow(sc.vic, nOpt*nOpt)
	vic := sc.vic
	for a := 0; a < nOpt; a++ {
		for b := 0; b < nOpt; b++ {
			if a == b {
				vic[a*nOpt+b] = 0.5
				continue
			}
			vic[a*nOpt+b] = e.victory(coal[a*nOpt+b], coal[b*nOpt+a])
		}
	}
	sc.p = grow(sc.p, nOpt)
	switch e.pcem {
	case pceMarkovUniform:
		sc.q = grow(sc.q, nOpt)
		return markovUniform(nOpt, vic, e.stopped, sc.p, sc.q)
	case pceMarkovIncentive:
		sc.q = grow(sc.q, nOpt)
		return markovIncentive(nOpt, vic, coal, e.stopped, sc.p, sc.q)
	}
	return conditional(nOpt, vic, sc.p)
}

// coalitionRow computes row a of the coalition matrix sc.coal from the
// utilities sc.u and the weights w.
func (e *engine) coalitionRow(sc *elections, nOpt int, w []float64, a int) {
	nv, u, coal := len(w), sc.u, sc.coal
	ua := u[a*nv : (a+1)*nv]
	if e.voting == vrASymProsp {
		// A gain counts for less than a loss: each order of a pair is
		// summed on its own.
		for b := 0; b < nOpt; b++ {
			if a == b {
				continue
			}
			ub := u[b*nv : (b+1)*nv]
			c := 0.0
			for k, x := range ua {
				if v := e.vote(w[k], x-ub[k]); v > 0 {
					c += v
				}
			}
			coal[a*nOpt+b] = c + coalitionFloor
		}
		return
	}
	// Every other rule is odd, vote(w, −Δu) = −vote(w, Δu) to the bit (a
	// float negates exactly), so one pass over the voters gives C(a:b) from
	// the positive votes and C(b:a) from the negative ones, each summed in
	// voter order as on its own; row a does the pairs (a, b > a).
	prop := e.voting == vrProp
	for b := a + 1; b < nOpt; b++ {
		ub := u[b*nv : (b+1)*nv][:len(ua)]
		cab, cba := 0.0, 0.0
		if prop {
			for k, x := range ua {
				if v := w[k] * (x - ub[k]); v > 0 {
					cab += v
				} else if v < 0 {
					cba -= v
				}
			}
		} else {
			for k, x := range ua {
				if v := e.vote(w[k], x-ub[k]); v > 0 {
					cab += v
				} else if v < 0 {
					cba -= v
				}
			}
		}
		coal[a*nOpt+b], coal[b*nOpt+a] = cab+coalitionFloor, cba+coalitionFloor
	}
}

// conditional is KTAB's Conditional PCE: p_a ∝ Π_b V(a, b), with V(a, a) = ½.
// When the products underflow it works with logarithms. p holds n floats
// for the result.
func conditional(n int, vic, p []float64) []float64 {
	sum := 0.0
	for a := 0; a < n; a++ {
		pr := 1.0
		for b := 0; b < n; b++ {
			pr *= vic[a*n+b]
		}
		p[a] = pr
		sum += pr
	}
	if sum > 1e-250 && !math.IsInf(sum, 0) {
		for a := range p {
			p[a] /= sum
		}
		return p
	}
	mx := math.Inf(-1)
	for a := 0; a < n; a++ {
		l := 0.0
		for b := 0; b < n; b++ {
			l += math.Log(vic[a*n+b])
		}
		p[a] = l
		mx = math.Max(mx, l)
	}
	sum = 0
	for a := range p {
		p[a] = math.Exp(p[a] - mx)
		sum += p[a]
	}
	for a := range p {
		p[a] /= sum
	}
	return p
}

// markovUniform iterates q_a = (1/n)·Σ_b V(a,b)(p_a + p_b), p ← (p + q)/2
// from the uniform distribution until no probability changes by 1e−6 or more.
// stop is polled at each iteration. p and q hold n floats each; the result
// is in p.
func markovUniform(n int, vic []float64, stop func() bool, p, q []float64) []float64 {
	uniform(p)
	for iter := 0; iter < 100000 && !stop(); iter++ {
		for a := 0; a < n; a++ {
			s := 0.0
			for b := 0; b < n; b++ {
				s += vic[a*n+b] * (p[a] + p[b])
			}
			q[a] = s / float64(n)
		}
		if damp(p, q) < 1e-6 {
			break
		}
	}
	return p
}

// markovIncentiveEps is the ε added to the incentive n(a→a); KTAB's
// notes do not give it, we use the coalition floor.
const markovIncentiveEps = 1e-8

// markovIncentive is the "propensity to challenge" chain: the incentive of a
// to challenge b is n(a→b) = C(a:b)·V(a,b) (+ε when a = b), P[a→b | b] =
// n(a→b)/Σ_α n(α→b), and q_a = Σ_b V(a,b)(p_a·P[b→a | a] + p_b·P[a→b | b]),
// damped, from the uniform distribution until no probability changes by 1e−8.
func markovIncentive(n int, vic, coal []float64, stop func() bool, p, q []float64) []float64 {
	inc := make([]float64, n*n)
	for b := 0; b < n; b++ {
		s := 0.0
		for a := 0; a < n; a++ {
			x := coal[a*n+b] * vic[a*n+b]
			if a == b {
				x = markovIncentiveEps
			}
			inc[a*n+b] = x
			s += x
		}
		for a := 0; a < n; a++ {
			inc[a*n+b] /= s
		}
	}
	uniform(p)
	for iter := 0; iter < 100000 && !stop(); iter++ {
		sum := 0.0
		for a := 0; a < n; a++ {
			s := 0.0
			for b := 0; b < n; b++ {
				s += vic[a*n+b] * (p[a]*inc[b*n+a] + p[b]*inc[a*n+b])
			}
			q[a] = s
			sum += s
		}
		for a := range q {
			q[a] /= sum
		}
		if damp(p, q) < 1e-8 {
			break
		}
	}
	return p
}

// uniform sets p to the uniform distribution.
func uniform(p []float64) {
	for i := range p {
		p[i] = 1 / float64(len(p))
	}
}

// damp sets p ← (p+q)/2, renormalised, and returns the largest change.
func damp(p, q []float64) float64 {
	sum := 0.0
	for a := range p {
		sum += (p[a] + q[a]) / 2
	}
	d := 0.0
	for a := range p {
		x := (p[a] + q[a]) / 2 / sum
		d = math.Max(d, math.Abs(x-p[a]))
		p[a] = x
	}
	return d
}
