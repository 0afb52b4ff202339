package baseline

import (
	"context"

	"github.com/jirga/jirga"
)

// Mean is the capability × salience weighted mean of positions, the
// "compromise model":
//
//	x̂ = Σ_i c_i s_i x_i / Σ_i c_i s_i
//
// Achen (2006) and Thomson et al. (2006) find it as accurate as the
// elaborate bargaining models on EU legislation; it is the asymmetric Nash
// bargaining solution under quadratic losses and equal disagreement slack.
type Mean struct{}

// Name returns "mean".
func (Mean) Name() string { return "mean" }

// Forecast implements jirga.Model.
func (m Mean) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.ForecastTable(ctx, s.Table(), jirga.DetailAll)
}

// ForecastTable implements jirga.Tabular.
func (m Mean) ForecastTable(ctx context.Context, t *jirga.Table, _ jirga.Detail) (*jirga.Result, error) {
	return forecast(ctx, m.Name(), t, func(_ *jirga.Table, _ int, d issueData) (float64, error) {
		return WeightedMean(d.pos, d.w), nil
	})
}

// WeightedMean returns Σ w_i x_i / Σ w_i; nil weights mean all weights are 1.
// It returns NaN for empty x or weights that sum to 0.
func WeightedMean(x, w []float64) float64 {
	num, den := 0.0, 0.0
	for i, xi := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		num += wi * xi
		den += wi
	}
	return num / den
}
