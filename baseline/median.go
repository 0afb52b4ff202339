package baseline

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/jirga/jirga"
)

// Median is the capability × salience weighted median: sort the actors by
// position and take the first position at which the cumulative weight c·s
// reaches at least half of the total.
type Median struct{}

// Name returns "median".
func (Median) Name() string { return "median" }

// Forecast implements jirga.Model.
func (m Median) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.ForecastTable(ctx, s.Table(), jirga.DetailAll)
}

// ForecastTable implements jirga.Tabular.
func (m Median) ForecastTable(ctx context.Context, t *jirga.Table, _ jirga.Detail) (*jirga.Result, error) {
	return forecast(ctx, m.Name(), t, func(_ *jirga.Table, _ int, d issueData) (float64, error) {
		return WeightedMedian(d.pos, d.w), nil
	})
}

// WeightedMedian returns the first x, in ascending order, at which the
// cumulative weight reaches half the total. nil weights mean all 1. Ties in
// x are summed before the comparison, so the result does not depend on the
// order of x. It returns NaN for empty x.
func WeightedMedian(x, w []float64) float64 {
	type pt struct{ x, w float64 }
	pts := make([]pt, len(x))
	total := 0.0
	for i, xi := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		pts[i] = pt{xi, wi}
		total += wi
	}
	if len(pts) == 0 {
		return math.NaN()
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.x, b.x) })
	cum := 0.0
	for i, p := range pts {
		cum += p.w
		if i+1 < len(pts) && pts[i+1].x == p.x {
			continue
		}
		// A relative tolerance keeps 0.5 of a sum from failing by one ulp.
		if cum >= total/2*(1-1e-12) {
			return p.x
		}
	}
	return pts[len(pts)-1].x
}
