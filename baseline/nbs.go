package baseline

import (
	"context"
	"fmt"
	"math"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// Utility functions for the Nash bargaining solution.
const (
	UtilityQuadratic = "quadratic" // u_i(x) = 1 − ((x − x_i)/R)²
	UtilityLinear    = "linear"    // u_i(x) = 1 − |x − x_i|/R
)

// NBS is the asymmetric Nash bargaining solution, computed numerically issue
// by issue:
//
//	x* = argmax_x Π_i (u_i(x) − d_i)^{w_i},  w_i = c_i s_i
//
// over the x in the issue's scale where every u_i(x) ≥ d_i. Utilities are
// single-peaked at the actor's position, normalised by the issue's range R
// (Utility, default quadratic). The disagreement point d_i is u_i(status
// quo) when the issue has a status quo; otherwise it is u_i of the scale end
// farthest from the actor, the worst outcome i could suffer. When no x gives
// every actor with weight at least its disagreement utility, there is no
// bargain and the forecast is the status quo (with a note).
//
// With quadratic utilities and equal slack u_i(x*) − d_i for all actors, the
// first-order condition Σ w_i (x − x_i) = 0 makes x* the weighted mean
// (Achen 2006).
type NBS struct {
	// Utility is UtilityQuadratic (the default) or UtilityLinear.
	Utility string
}

// Name returns "nbs".
func (NBS) Name() string { return "nbs" }

// options declares nbs's options, bound to m.
func (m *NBS) options() *option.Set {
	s := option.NewSet("nbs")
	s.Choice(&m.Utility, "utility", UtilityQuadratic, "utility of an outcome to an actor, normalised by the issue's range R", "Achen (2006)",
		option.Value{Name: UtilityQuadratic, Doc: "1 − ((x − x_i)/R)²: with equal slack the bargain is the weighted mean", Cite: "Achen (2006)"},
		option.Value{Name: UtilityLinear, Doc: "1 − |x − x_i|/R", Cite: "this project, docs/models/baselines.md"})
	return s
}

// NBSOptions returns the declarations of nbs's options.
func NBSOptions() []option.Option { return new(NBS).options().Options() }

// NBSFromOptions returns the NBS model with the options in params (see
// [NBSOptions]).
func NBSFromOptions(_ option.Common, params map[string]string) (jirga.Model, error) {
	var m NBS
	if err := m.options().Parse(params); err != nil {
		return nil, err
	}
	return m, nil
}

// Forecast implements jirga.Model.
func (m NBS) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.ForecastTable(ctx, s.Table(), jirga.DetailAll)
}

// ForecastTable implements jirga.Tabular.
func (m NBS) ForecastTable(ctx context.Context, t *jirga.Table, _ jirga.Detail) (*jirga.Result, error) {
	u := m.Utility
	if u == "" {
		u = UtilityQuadratic
	} else if err := m.options().Check(); err != nil {
		// Set in Go rather than parsed: the checks and messages of --opt.
		return nil, err
	}
	var notes []string
	r, err := forecast(ctx, m.Name(), t, func(t *jirga.Table, k int, d issueData) (float64, error) {
		is := t.Issues[k]
		lo, hi := t.Min[k], t.Max[k]
		dis := make([]float64, len(d.pos))
		for i, xi := range d.pos {
			if is.StatusQuo != nil {
				dis[i] = utility(u, xi, is.StatusQuo.Value, hi-lo)
			} else {
				dis[i] = utility(u, xi, farthest(xi, lo, hi), hi-lo)
			}
		}
		x, ok, single := nashBargain(u, d.pos, d.w, dis, lo, hi)
		if ok && single && is.StatusQuo != nil {
			// The feasible set is the status quo up to rounding: return it
			// exactly.
			notes = append(notes, fmt.Sprintf("issue %q: every move from the status quo %g leaves some actor worse off than no deal, so the bargain is the status quo (a veto)", is.ID, is.StatusQuo.Value))
			return is.StatusQuo.Value, nil
		}
		if !ok && is.StatusQuo == nil {
			// Without a status quo every actor's disagreement point is its
			// worst outcome on the scale, so the whole scale is feasible;
			// reaching here means a bug.
			return 0, jirga.Errorf(jirga.EINTERNAL, "nbs: issue %q: no feasible outcome without a status quo", is.ID)
		}
		if !ok {
			notes = append(notes, fmt.Sprintf("issue %q: no outcome is at least as good as the status quo for every actor; forecast is the status quo", is.ID))
			return is.StatusQuo.Value, nil
		}
		return x, nil
	})
	if r != nil {
		r.Notes = append(r.Notes, notes...)
	}
	return r, err
}

func farthest(x, lo, hi float64) float64 {
	if x-lo >= hi-x {
		return lo
	}
	return hi
}

func utility(kind string, xi, x, r float64) float64 {
	if r <= 0 {
		r = 1
	}
	d := (x - xi) / r
	if kind == UtilityLinear {
		return 1 - math.Abs(d)
	}
	return 1 - d*d
}

// NashBargain maximises Σ w_i log(u_i(x) − d_i) over [lo, hi] for utilities
// of the given kind peaked at pos. It returns false when no x in [lo, hi]
// gives every actor with w_i > 0 at least d_i. The objective is concave, so
// its derivative Σ w_i u_i'(x)/(u_i(x) − d_i) decreases in x and a bisection
// on the derivative's sign finds the maximum; it stops when the interval is
// below 1e-12 of the range. (A search on the objective's values, such as a
// golden-section search, cannot get closer than about √ε of the range,
// because the objective is flat to rounding near its top.)
func NashBargain(kind string, pos, w, d []float64, lo, hi float64) (float64, bool) {
	x, ok, _ := nashBargain(kind, pos, w, d, lo, hi)
	return x, ok
}

// nashBargain is NashBargain that also reports whether the feasible set
// is a single point (single), the case of a veto.
func nashBargain(kind string, pos, w, d []float64, lo, hi float64) (x float64, ok, single bool) {
	r := hi - lo
	if r <= 0 {
		r = 1
	}
	// Feasible interval: the intersection of {x : u_i(x) ≥ d_i}, each an
	// interval around x_i of half-width h_i.
	a, b := lo, hi
	for i, xi := range pos {
		if w[i] <= 0 {
			continue
		}
		slack := 1 - d[i] // u_i(x_i) − d_i
		if slack < 0 {
			return 0, false, false
		}
		var h float64
		if kind == UtilityLinear {
			h = slack * r
		} else {
			h = math.Sqrt(slack) * r
		}
		a = math.Max(a, xi-h)
		b = math.Min(b, xi+h)
	}
	if a > b+1e-12*r {
		return 0, false, false
	}
	if b-a <= 1e-12*r {
		return math.Min(a, b), true, true
	}
	// slope returns the sign of the objective's derivative at x: +1 when
	// the maximum lies above x, −1 when below, 0 at a stationary point.
	slope := func(x float64) float64 {
		g := 0.0
		for i, xi := range pos {
			if w[i] <= 0 {
				continue
			}
			gap := utility(kind, xi, x, r) - d[i]
			if gap <= 0 {
				// x is at the edge of i's acceptable interval (rounding):
				// the objective falls to −∞ there, so move toward x_i.
				if xi > x {
					return 1
				}
				return -1
			}
			var du float64
			if kind == UtilityLinear {
				switch {
				case x < xi:
					du = 1 / r
				case x > xi:
					du = -1 / r
				}
			} else {
				du = -2 * (x - xi) / (r * r)
			}
			g += w[i] * du / gap
		}
		return g
	}
	for i := 0; i < 200 && b-a > 1e-12*r; i++ {
		mid := a + (b-a)/2
		switch g := slope(mid); {
		case g > 0:
			a = mid
		case g < 0:
			b = mid
		default:
			return mid, true, false
		}
	}
	return a + (b-a)/2, true, false
}
