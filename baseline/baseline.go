package baseline

import (
	"context"
	"fmt"
	"math"

	"github.com/jirga/jirga"
)

// issueFunc forecasts one issue from the capabilities, positions, saliences
// (in [0, 1]) and weights c·s of the actors holding a position on it.
type issueFunc func(t *jirga.Table, k int, c issueData) (float64, error)

type issueData struct {
	cap, pos, sal, w []float64
}

// forecast runs f on every issue of t.
func forecast(ctx context.Context, name string, t *jirga.Table, f issueFunc) (*jirga.Result, error) {
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
// Capabilities are first scaled by the power of two that brings the
// largest into [0.5, 1): only ratios of capabilities matter, so this
// changes no model, and scaling by a power of two is exact, so results are
// bit for bit those of the unscaled weights, while sums of weights stay far
// from overflow and underflow whatever the unit of capability.
func Weights(capability, salience []float64) (w []float64, fellBack bool) {
	w = make([]float64, len(capability))
	cmax := 0.0
	for _, c := range capability {
		cmax = max(cmax, c)
	}
	scale := 1.0
	if cmax > 0 && !math.IsInf(cmax, 0) {
		_, e := math.Frexp(cmax)
		scale = math.Ldexp(1, -e)
	}
	total := 0.0
	for i := range w {
		w[i] = capability[i] * scale * salience[i]
		total += w[i]
	}
	if total > 0 {
		return w, false
	}
	total = 0
	for i := range w {
		w[i] = capability[i] * scale
		total += w[i]
	}
	if total <= 0 {
		for i := range w {
			w[i] = 1
		}
	}
	return w, true
}
