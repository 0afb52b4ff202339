package backtest

import (
	"context"
	"math"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/sweep"
)

// Coverage sets up the Monte Carlo intervals whose coverage a backtest
// reports: every scored scenario is swept with sweep.Run (Draws draws with
// Seed and Uncertainty), and the p10, p25, p50, p75 and p90 of a model's
// forecasts on an issue over the draws form its input-only intervals. A
// well-calibrated 50% interval (p25–p75) holds about half of the outcomes,
// an 80% interval (p10–p90) about four in five.
//
// The predictive intervals (package calib) are measured beside them by
// proposal-grouped cross-validation on the file itself ([PredictiveCV]
// with Folds folds seeded with FoldSeed): each issue's interval combines
// its model's forecasts over the draws with the errors of the other folds.
type Coverage struct {
	Draws int    `json:"draws"`
	Seed  uint64 `json:"seed"`
	// Uncertainty is applied to the numbers that carry no range of their
	// own (all of them in a DEU file).
	Uncertainty sweep.Uncertainty `json:"uncertainty"`
	// Folds and FoldSeed split the issues by proposal for the predictive
	// intervals' cross-validation; 0 means 10 folds and seed 1.
	Folds    int    `json:"folds"`
	FoldSeed uint64 `json:"fold_seed"`
}

func (cv Coverage) folds() (int, uint64) {
	k, seed := cv.Folds, cv.FoldSeed
	if k < 2 {
		k = 10
	}
	if seed == 0 {
		seed = 1
	}
	return k, seed
}

// interval is a model's sweep on one issue: p10, p25, p50, p75 and p90 of
// its forecasts over the draws, and the forecasts themselves.
type interval struct {
	q     [5]float64
	draws []float64
}

// intervals sweeps s with model and returns, per issue id, the model's
// interval (quantiles NaN where every draw failed). The sweep runs on one
// worker, because Run already forecasts scenarios in parallel; its draws
// depend only on the seed and the draw number, so the result does not
// depend on the number of workers.
func (cv Coverage) intervals(ctx context.Context, model jirga.Model, s *jirga.Scenario) map[string]interval {
	u := cv.Uncertainty
	out := map[string]interval{}
	res, err := sweep.Run(ctx, s, []jirga.Model{model}, sweep.Options{Draws: cv.Draws, Seed: cv.Seed, Workers: 1, Uncertainty: &u, Bins: 1})
	if err != nil || len(res.Results) == 0 {
		return out
	}
	val := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	for _, f := range res.Results[0].Issues {
		out[f.Issue] = interval{q: [5]float64{val(f.P10), val(f.P25), val(f.P50), val(f.P75), val(f.P90)}, draws: res.Values(model.Name(), f.Issue)}
	}
	return out
}
