package jirga

import "context"

// Forecast is the outcome of running several models on one scenario. Its
// JSON form is the stable contract of `jirga forecast --format json` and of
// the HTTP API's run results: fields may be added, never removed or renamed.
type Forecast struct {
	Scenario string    `json:"scenario"`
	Title    string    `json:"title,omitempty"`
	Results  []*Result `json:"results"`
}

// Run forecasts s with each model in turn. It stops at the first error.
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
		f.Results = append(f.Results, r)
	}
	return f, nil
}
