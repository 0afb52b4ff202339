package sweep

import (
	"math"
	"math/rand/v2"

	"github.com/jirga/jirga"
)

// Uncertainty is the default uncertainty applied to numbers that carry no
// range or distribution of their own. Each default is a symmetric triangular
// distribution around the point value, clipped to the field's range. The
// zero value applies none (every bare number stays fixed).
type Uncertainty struct {
	// Position is the half-width of the default range of a position, as a
	// fraction of the issue's scale (0.10 means ±10 points on 0–100).
	Position float64
	// Salience is the half-width of the default range of a salience, in
	// salience points (on 0–100).
	Salience float64
	// Capability is the half-width of the default range of a capability,
	// relative to its value (0.2 means ±20%).
	Capability float64
}

// DefaultUncertainty is what a sweep applies to bare numbers unless told
// otherwise: ±10% of the scale on positions, ±15 points on saliences and
// ±20% on capabilities, each triangular around the point value.
var DefaultUncertainty = Uncertainty{Position: 0.10, Salience: 15, Capability: 0.20}

// Draw returns a copy of s with every capability, position and salience
// (and status quo and reservation) replaced by a draw from its distribution,
// using rng. Estimates with no range or distribution of their own use u.
// Draw does not modify s. The order of draws is fixed (issues, then actors
// in file order, then each actor's capability and its stances in issue
// order), so a seed gives the same scenario on every machine.
func Draw(s *jirga.Scenario, rng *rand.Rand, u Uncertainty) *jirga.Scenario {
	c := s.Clone()
	for _, is := range c.Issues {
		lo, hi := is.Bounds()
		if is.StatusQuo != nil {
			is.StatusQuo = drawn(is.StatusQuo, rng, lo, hi, u.Position*(hi-lo))
		}
	}
	for _, a := range c.Actors {
		if a.Capability != nil {
			// Capability must stay > 0: clip to a small fraction of the value.
			v := a.Capability.Value
			a.Capability = drawn(a.Capability, rng, v*1e-3, math.Inf(1), u.Capability*v)
		}
		for _, is := range c.Issues {
			st := a.Stances[is.ID]
			if st == nil {
				continue
			}
			lo, hi := is.Bounds()
			if st.Position != nil {
				st.Position = drawn(st.Position, rng, lo, hi, u.Position*(hi-lo))
			}
			if st.Salience != nil {
				st.Salience = drawn(st.Salience, rng, 0, jirga.SalienceMax, u.Salience)
			}
			if st.Reservation != nil {
				st.Reservation = drawn(st.Reservation, rng, lo, hi, u.Position*(hi-lo))
			}
		}
	}
	return c
}

// drawn returns a bare estimate holding a draw from e, clipped to [lo, hi].
// halfWidth is the default half-width for an estimate without its own range.
func drawn(e *jirga.Estimate, rng *rand.Rand, lo, hi, halfWidth float64) *jirga.Estimate {
	return jirga.Val(Value(e, rng, lo, hi, halfWidth))
}

// Value draws one value from e's distribution, clipped to [lo, hi]:
//
//   - dist normal: Value + SD·z, redrawn until inside [lo, hi] (a truncated
//     normal; after 64 misses it clips);
//   - dist uniform: uniform on [Low, High];
//   - dist triangular, or Low/High with no dist: triangular on [Low, High]
//     with mode Value;
//   - no range: triangular on [Value − halfWidth, Value + halfWidth] (fixed
//     when halfWidth is 0).
//
// A missing Low or High defaults to Value.
func Value(e *jirga.Estimate, rng *rand.Rand, lo, hi, halfWidth float64) float64 {
	v := e.Value
	a, b := v, v
	if e.Low != nil {
		a = *e.Low
	}
	if e.High != nil {
		b = *e.High
	}
	var x float64
	switch {
	case e.Dist == jirga.DistNormal && e.SD != nil:
		x = v
		for range 64 {
			x = v + *e.SD*rng.NormFloat64()
			if x >= lo && x <= hi {
				break
			}
		}
	case e.Dist == jirga.DistUniform:
		x = a + (b-a)*rng.Float64()
	case e.Low != nil || e.High != nil || e.Dist == jirga.DistTriangular:
		x = Triangular(rng.Float64(), a, v, b)
	case halfWidth > 0:
		x = Triangular(rng.Float64(), v-halfWidth, v, v+halfWidth)
	default:
		x = v
	}
	return math.Min(hi, math.Max(lo, x))
}

// Triangular returns the quantile at p in [0, 1) of the triangular
// distribution on [a, b] with mode m.
func Triangular(p, a, m, b float64) float64 {
	if b <= a {
		return m
	}
	f := (m - a) / (b - a)
	if p < f {
		return a + math.Sqrt(p*(b-a)*(m-a))
	}
	return b - math.Sqrt((1-p)*(b-a)*(b-m))
}
