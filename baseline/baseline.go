package baseline

import (
	"context"
	"fmt"

	"github.com/jirga/jirga"
)

// issueFunc forecasts one issue from the capabilities, positions, saliences
// (in [0, 1]) and weights c·s of the actors holding a position on it.
type issueFunc func(t *jirga.Table, k int, c issueData) (float64, error)

type issueData struct {
	cap, pos, sal, w []float64
}

// forecast runs f on every issue of s.
func forecast(ctx context.Context, name string, s *jirga.Scenario, f issueFunc) (*jirga.Result, error) {
	t := s.Table()
	r := &jirga.Result{Model: name, Status: jirga.StatusStatic}
	for k, is := range t.Issues {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, c, x, sal := t.Column(k)
		if len(x) == 0 {
			return nil, jirga.Errorf(jirga.EINVALID, "%s: issue %q: no actor holds a position on it", name, is.ID)
		}
		w, fellBack := Weights(c, sal)
		if fellBack {
			r.Notes = append(r.Notes, fmt.Sprintf("issue %q: every salience is 0, so capability alone weights the actors", is.ID))
		}
		v, err := f(t, k, issueData{cap: c, pos: x, sal: sal, w: w})
		if err != nil {
			return nil, err
		}
		r.Issues = append(r.Issues, jirga.IssueForecast{Issue: is.ID, Forecast: v, Anchor: is.NearestAnchor(v)})
	}
	return r, nil
}

// Weights returns c_i·s_i for each actor, or c_i when every product is 0
// (fellBack true). If the capabilities are all 0 too, every weight is 1.
// Capabilities are first divided by the largest, which changes no model
// (only ratios of capabilities matter) and keeps sums of weights far from
// overflow whatever the unit of capability.
func Weights(capability, salience []float64) (w []float64, fellBack bool) {
	w = make([]float64, len(capability))
	cmax := 0.0
	for _, c := range capability {
		cmax = max(cmax, c)
	}
	if cmax <= 0 {
		cmax = 1
	}
	total := 0.0
	for i := range w {
		w[i] = capability[i] / cmax * salience[i]
		total += w[i]
	}
	if total > 0 {
		return w, false
	}
	total = 0
	for i := range w {
		w[i] = capability[i] / cmax
		total += w[i]
	}
	if total <= 0 {
		for i := range w {
			w[i] = 1
		}
	}
	return w, true
}
