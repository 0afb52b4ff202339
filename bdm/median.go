package bdm

import (
	"math"

	"github.com/jirga/jirga/baseline"
)

// MedianVoter returns the median-voter position μ among the positions x
// with vote weights w = c·s on an issue of range R. The vote for x_j over
// x_k is v^{jk} = Σ_i w_i (|x_i − x_k| − |x_i − x_j|)/R (Bueno de Mesquita
// 1994).
//
// With sequential false, μ is the Condorcet winner of a full pairwise
// comparison, [baseline.CondorcetMedian], with its tie rule (largest
// smallest margin, then largest sum of margins, then lowest position); on
// one dimension such a winner always exists. With sequential true, μ is the
// order-dependent single pass of the jmckib coding: start from the first
// actor's position and replace the candidate by each later position that
// beats it (v > 0).
func MedianVoter(x, w []float64, R float64, sequential bool) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	if !sequential {
		var v votes
		v.reset(x, w)
		return v.median(x, w, R)
	}
	mu := x[0]
	for _, xj := range x[1:] {
		if xj != mu && baseline.Vote(x, w, R, xj, mu) > 0 {
			mu = xj
		}
	}
	return mu
}

// median returns the Condorcet winner from the sorted positions: on one
// dimension with linear votes it is the weighted median. Only when the
// cumulative weight reaches exactly half at a position (a tie between two
// neighbours) does it defer to [baseline.CondorcetMedian] for the tie rule.
// It costs O(n) after the sort in reset.
func (v *votes) median(x, w []float64, R float64) float64 {
	n := len(v.xs)
	half := v.cw[n] / 2
	for m := 0; m < n; m++ {
		if m+1 < n && v.xs[m+1] == v.xs[m] {
			continue
		}
		c := v.cw[m+1]
		if c < half*(1-1e-12) {
			continue
		}
		if c <= half*(1+1e-12) && m+1 < n {
			return baseline.CondorcetMedian(x, w, R)
		}
		return v.xs[m]
	}
	return v.xs[n-1]
}
