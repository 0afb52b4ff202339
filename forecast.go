package jirga

import (
	"context"
	"math"
)

// Forecast is the outcome of running several models on one scenario. Its
// JSON form is the stable contract of `jirga forecast --format json` and of
// the HTTP API's run results: fields may be added, never removed or renamed.
type Forecast struct {
	Scenario string    `json:"scenario"`
	Title    string    `json:"title,omitempty"`
	Results  []*Result `json:"results"`
}

// Run forecasts s with each model in turn. It stops at the first error. A
// result that lacks an issue of s or holds a forecast that is not a finite
// number breaks the Model contract; Run returns an EINTERNAL error naming
// the model rather than pass it on.
func Run(ctx context.Context, s *Scenario, models []Model) (*Forecast, error) {
	f := &Forecast{Scenario: s.ID, Title: s.Title}
	for _, m := range models {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := m.Forecast(ctx, s)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, Errorf(EINTERNAL, "model %s returned no result", m.Name())
		}
		for _, is := range s.Issues {
			x, ok := r.Forecast(is.ID)
			if !ok {
				return nil, Errorf(EINTERNAL, "model %s gave no forecast for issue %q", m.Name(), is.ID)
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, Errorf(EINTERNAL, "model %s gave the forecast %v for issue %q", m.Name(), x, is.ID)
			}
		}
		f.Results = append(f.Results, r)
	}
	return f, nil
}
