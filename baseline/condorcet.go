package baseline

import (
	"cmp"
	"context"
	"math"
	"slices"

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
//
// Summing the votes, the margin of a over b is v^{ab} = (F(b) − F(a))/R with
// F(y) = Σ_i w_i |x_i − y|, so a beats or ties everyone exactly when it
// minimises F, and the tie rule picks the lowest position that minimises F
// (positions minimising F tie on both margins). [CondorcetMedian] uses this
// to run in O(n log n) rather than O(n³).
type Condorcet struct{}

// Name returns "condorcet".
func (Condorcet) Name() string { return "condorcet" }

// Forecast implements jirga.Model.
func (m Condorcet) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.ForecastTable(ctx, s.Table(), jirga.DetailAll)
}

// ForecastTable implements jirga.Tabular.
func (m Condorcet) ForecastTable(ctx context.Context, t *jirga.Table, _ jirga.Detail) (*jirga.Result, error) {
	return forecast(ctx, m.Name(), t, func(t *jirga.Table, k int, d issueData) (float64, error) {
		return CondorcetMedian(d.pos, d.w, t.Max[k]-t.Min[k]), nil
	})
}

// CondorcetMedian returns the Condorcet winner among the positions x with
// vote weights w (nil: all 1) on an issue of range r, by the tie rule of
// [Condorcet]: the lowest position minimising F(y) = Σ_i w_i |x_i − y|,
// where values of F within 1e-12 of its range count as equal. It returns
// NaN for empty x. The range r scales every margin alike and so does not
// change the winner; it is kept for symmetry with [Vote].
func CondorcetMedian(x, w []float64, r float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	type pt struct{ x, w float64 }
	pts := make([]pt, len(x))
	totalW, totalWX := 0.0, 0.0
	for i, xi := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		pts[i] = pt{xi, wi}
		totalW += wi
		totalWX += wi * xi
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.x, b.x) })
	// F at each distinct position, from prefix sums of w and w·x over the
	// positions at or below it.
	cands := make([]float64, 0, len(pts))
	fs := make([]float64, 0, len(pts))
	leftW, leftWX := 0.0, 0.0
	for i, p := range pts {
		leftW += p.w
		leftWX += p.w * p.x
		if i+1 < len(pts) && pts[i+1].x == p.x {
			continue
		}
		f := (p.x*leftW - leftWX) + ((totalWX - leftWX) - p.x*(totalW-leftW))
		cands = append(cands, p.x)
		fs = append(fs, f)
	}
	fmin, fmax := math.Inf(1), math.Inf(-1)
	for _, f := range fs {
		fmin = math.Min(fmin, f)
		fmax = math.Max(fmax, f)
	}
	tol := 1e-12 * math.Max(math.Abs(fmax), math.Abs(fmin))
	for i, f := range fs {
		if f <= fmin+tol {
			return cands[i]
		}
	}
	return cands[0]
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
