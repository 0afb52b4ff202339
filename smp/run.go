package smp

import "math"

// equivTol is the distance on the [0, 1] scale within which KTAB treats two
// positions as the same option in the "prob :" election.
const equivTol = 1e-3

// stopRatio is KTAB's stopping threshold on the fractional change.
const stopRatio = 0.02

// defaultMaxTurns is KTAB's cap on the number of turns.
const defaultMaxTurns = 100

// outcomeProbs is KTAB's "prob :" line: a PCE over the distinct positions
// (positions within equivTol are one option, named by the first actor
// holding it), each actor voting with its capability on its own risk-aware
// utilities. Every actor gets the probability of its option, so actors at
// the same position show the same number and the column can sum above 1.
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
	p := e.election(len(reps), e.cap, func(k, a int) float64 { return e.objective(k, reps[a]) })
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
