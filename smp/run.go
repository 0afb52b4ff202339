package smp

import "math"

// equivTol is the distance on the [0, 1] scale within which KTAB treats two
// positions as the same option in the "prob :" election.
const equivTol = 1e-3

// stopRatio is KTAB's stopping threshold on the fractional change.
const stopRatio = 0.02

// defaultMaxTurns is KTAB's cap on the number of turns.
const defaultMaxTurns = 100

// outcomeProbs is KTAB's "prob :" line: a PCE over the distinct positions,
// each actor voting with its capability on its own risk-aware utilities.
// The options are found in actor order: an actor farther than equivTol from
// every option so far starts a new one at its position. Each actor then
// shows the probability of the LAST option within equivTol of it — usually
// its own, but an actor between two options takes the later one. This rule
// reproduces every "prob :" value of KTAB's reference runs (SOE-Policy turn
// 13: NEA, 0.0005 from option ZG and 0.0008 from the later option PSOE,
// shows PSOE's probability). Actors at the same position show the same
// number, so the column can sum above 1.
// It also returns each actor's option index and the option representatives.
func (e *engine) outcomeProbs() (perActor []float64, optOf []int, reps []int) {
	n := e.n
	optOf = make([]int, n)
	for i := 0; i < n; i++ {
		optOf[i] = -1
		for o, r := range reps {
			if e.samePos(i, r) {
				optOf[i] = o
				break
			}
		}
		if optOf[i] < 0 {
			optOf[i] = len(reps)
			reps = append(reps, i)
		}
	}
	// Each actor then takes the probability of the last representative
	// within tolerance of its position (which is its own option unless a
	// later representative is also near).
	for i := 0; i < n; i++ {
		for o := len(reps) - 1; o >= 0; o-- {
			if e.samePos(i, reps[o]) {
				optOf[i] = o
				break
			}
		}
	}
	e.scratches(1)
	p := e.electionWith(&e.scr[0].el, false, len(reps), e.cap, func(k, a int) float64 {
		return utility(e.distT[reps[a]*n+k], e.risk[k]) // e.objective(k, reps[a])
	})
	perActor = make([]float64, n)
	for i := range perActor {
		perActor[i] = p[optOf[i]]
	}
	return perActor, optOf, reps
}

func (e *engine) samePos(a, b int) bool {
	d := 0.0
	for k := 0; k < e.m; k++ {
		x := e.pos[a][k] - e.pos[b][k]
		d += x * x
	}
	return math.Sqrt(d) <= equivTol
}
