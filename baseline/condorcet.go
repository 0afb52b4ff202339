package baseline

import (
	"context"
	"math"

	"github.com/jirga/jirga"
)

// Condorcet is the Condorcet median among actor positions ("median voter" of
// Bueno de Mesquita 1994): the position that beats or ties every other
// position in pairwise votes, where actor i's vote for x_j over x_k is
//
//	v_i^{jk} = c_i s_i (|x_i − x_k| − |x_i − x_j|) / R
//
// and R is the issue's range. On one dimension with these votes the
// weighted median is such a position, but a tie can leave several. Tie rule
// (a choice; the sources reviewed give none): among the positions with the
// largest smallest pairwise margin, take the one with the largest sum of
// margins; then the lowest position.
type Condorcet struct{}

// Name returns "condorcet".
func (Condorcet) Name() string { return "condorcet" }

// Forecast implements jirga.Model.
func (m Condorcet) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return forecast(ctx, m.Name(), s, func(t *jirga.Table, k int, d issueData) (float64, error) {
		return CondorcetMedian(d.pos, d.w, t.Max[k]-t.Min[k]), nil
	})
}

// CondorcetMedian returns the Condorcet winner among the positions x with
// vote weights w (nil: all 1) on an issue of range r, by the tie rule of
// [Condorcet]. It costs O(n²) in the number of distinct positions.
func CondorcetMedian(x, w []float64, r float64) float64 {
	if len(x) == 0 {
		return nan()
	}
	if r <= 0 {
		r = 1
	}
	cands := distinct(x)
	best, bestMin, bestSum := 0.0, math.Inf(-1), math.Inf(-1)
	for _, xj := range cands {
		minM, sum := math.Inf(1), 0.0
		for _, xk := range cands {
			if xk == xj {
				continue
			}
			v := Vote(x, w, r, xj, xk)
			sum += v
			if v < minM {
				minM = v
			}
		}
		if len(cands) == 1 {
			minM = 0
		}
		const eps = 1e-12
		if minM > bestMin+eps || (math.Abs(minM-bestMin) <= eps && sum > bestSum+eps) {
			best, bestMin, bestSum = xj, minM, sum
		}
	}
	return best
}

// Vote returns Σ_i w_i (|x_i − b| − |x_i − a|) / r, the weighted vote for
// position a over position b.
func Vote(x, w []float64, r, a, b float64) float64 {
	v := 0.0
	for i, xi := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		v += wi * (math.Abs(xi-b) - math.Abs(xi-a))
	}
	return v / r
}

// distinct returns the distinct values of x in ascending order.
func distinct(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		out = append(out, v)
	}
	sortFloats(out)
	j := 0
	for i, v := range out {
		if i == 0 || v != out[j-1] {
			out[j] = v
			j++
		}
	}
	return out[:j]
}
