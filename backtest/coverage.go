package backtest

import (
	"context"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/sweep"
)

// Coverage sets up the Monte Carlo intervals whose coverage a backtest
// reports: every scored scenario is drawn Draws times with
// sweep.Draw(s, rng, Uncertainty), the model is run on each draw, and the
// quantiles p10, p25, p50, p75 and p90 of its forecasts on the issue form
// the intervals. A well-calibrated 50% interval (p25–p75) holds about half
// of the outcomes, an 80% interval (p10–p90) about four in five.
type Coverage struct {
	Draws int    `json:"draws"`
	Seed  uint64 `json:"seed"`
	// Uncertainty is applied to the numbers that carry no range of their
	// own (all of them in a DEU file).
	Uncertainty sweep.Uncertainty `json:"uncertainty"`
}

// intervals returns p10, p25, p50, p75, p90 of model's forecasts on case c
// over the draws of s. The random stream depends only on the seed and the
// scenario id, so results do not depend on the number of workers. Draws on
// which the model fails are left out; with no successful draw every
// quantile is NaN.
func (cv Coverage) intervals(ctx context.Context, model jirga.Model, s *jirga.Scenario, c Case) [5]float64 {
	h := fnv.New64a()
	h.Write([]byte(s.ID))
	rng := rand.New(rand.NewPCG(cv.Seed, h.Sum64()))
	xs := make([]float64, 0, cv.Draws)
	for range cv.Draws {
		d := sweep.Draw(s, rng, cv.Uncertainty)
		r, err := safeForecast(ctx, model, d)
		if err != nil {
			continue
		}
		if x, ok := r.Forecast(c.Issue.ID); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
			xs = append(xs, x)
		}
	}
	var q [5]float64
	for i, p := range []float64{0.10, 0.25, 0.50, 0.75, 0.90} {
		q[i] = Quantile(xs, p)
	}
	return q
}

// Quantile returns the p-quantile of x by linear interpolation between
// order statistics (Hyndman & Fan 1996, type 7, the default of R and
// NumPy); NaN for empty x. x is not modified.
func Quantile(x []float64, p float64) float64 {
	n := len(x)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	h := p * float64(n-1)
	lo := math.Floor(h)
	i := int(lo)
	if i >= n-1 {
		return s[n-1]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}
