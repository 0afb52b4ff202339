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

// Run forecasts s with each model in turn, recording everything
// (DetailAll; see [RunDetail]). It stops at the first error. A result that
// lacks an issue of s or holds a forecast that is not a finite number
// breaks the Model contract; Run returns an EINTERNAL error naming the
// model rather than pass it on.
func Run(ctx context.Context, s *Scenario, models []Model) (*Forecast, error) {
	return RunDetail(ctx, s, models, DetailAll)
}

// RunDetail is [Run] recording the detail d of each model's run that the
// caller will show: a forecast shown as a table needs no rounds.
func RunDetail(ctx context.Context, s *Scenario, models []Model, d Detail) (*Forecast, error) {
	f := &Forecast{Scenario: s.ID, Title: s.Title}
	var t *Table // built once, for every model that reads one
	for _, m := range models {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var r *Result
		var err error
		if tm, ok := m.(Tabular); ok {
			if t == nil {
				t = s.Table()
			}
			r, err = tm.ForecastTable(ctx, t, d)
		} else if d == DetailNone {
			r, err = ForecastOnly(ctx, m, s)
		} else {
			r, err = m.Forecast(ctx, s)
		}
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, Errorf(EINTERNAL, "model %s returned no result", m.Name())
		}
		if _, err := r.Values(s, nil); err != nil {
			return nil, err
		}
		f.Results = append(f.Results, r)
	}
	return f, nil
}

// Values returns r's forecast on each issue of s, in the order of s.Issues,
// in dst[:0]. Where r has no forecast on an issue, or one that is not a
// finite number, the value is NaN and err, an EINTERNAL *Error naming the
// model and the first such issue, says that r breaks the [Model] contract.
func (r *Result) Values(s *Scenario, dst []float64) ([]float64, error) {
	dst = dst[:0]
	var err error
	for k, is := range s.Issues {
		var x float64
		var ok bool
		if k < len(r.Issues) && r.Issues[k].Issue == is.ID {
			x, ok = r.Issues[k].Forecast, true // the usual order: no search
		} else {
			x, ok = r.Forecast(is.ID)
		}
		switch {
		case !ok:
			x = math.NaN()
			if err == nil {
				err = Errorf(EINTERNAL, "model %s gave no forecast for issue %q", r.Model, is.ID)
			}
		case math.IsNaN(x) || math.IsInf(x, 0):
			if err == nil {
				err = Errorf(EINTERNAL, "model %s gave the forecast %v for issue %q", r.Model, x, is.ID)
			}
			x = math.NaN()
		}
		dst = append(dst, x)
	}
	return dst, err
}
