package sweep

import (
	"context"
	"math"

	"github.com/jirga/jirga"
)

// Forecast runs m on the scenario s of table t the way every loop over
// scenarios does (sweeps, deal probabilities, backtests, levers,
// comparisons): through [jirga.ForecastTable] without rounds, because a
// loop keeps the forecasts and not the rounds, so a dynamic model that can
// skip recording them does, and every model that reads a table reads t
// rather than build its own (build it once per scenario, or use a
// [Sampler]'s). It returns m's forecast on each issue of s, in the order of
// s.Issues, in dst[:0] (NaN on every issue when m fails), and m's error or
// its breach of the Model contract (see [jirga.Result.Values]).
func Forecast(ctx context.Context, m jirga.Model, t *jirga.Table, dst []float64) ([]float64, error) {
	_, dst, err := ForecastResult(ctx, m, t, dst)
	return dst, err
}

// ForecastResult is [Forecast] that also returns m's result (without
// rounds), for a caller that reads more than the forecasts: whether the
// model settled, and its settle ranges. The result is nil when m fails.
func ForecastResult(ctx context.Context, m jirga.Model, t *jirga.Table, dst []float64) (*jirga.Result, []float64, error) {
	s := t.Scenario()
	r, err := jirga.ForecastTable(ctx, m, t, jirga.DetailNone)
	if err == nil && r == nil {
		err = jirga.Errorf(jirga.EINTERNAL, "model %s returned no result", m.Name())
	}
	if err == nil {
		dst, err = r.Values(s, dst)
		return r, dst, err
	}
	dst = dst[:0]
	for range s.Issues {
		dst = append(dst, math.NaN())
	}
	return nil, dst, err
}
