package sweep

import (
	"iter"
	"math"
	"math/rand/v2"

	"github.com/jirga/jirga"
)

// Uncertainty is the default uncertainty applied to numbers that carry no
// range or distribution of their own. Each default is a symmetric triangular
// distribution around the point value, truncated to the field's range (see
// [Value]). The zero value applies none (every bare number stays fixed).
//
// A reservation point is an actor's position and takes Position; a power
// (an issue-specific capability) takes Capability. The status quo is a
// fact about the present rather than an actor's stance, so it has its own
// field, which is 0 (fixed) in DefaultUncertainty.
type Uncertainty struct {
	// Position is the half-width of the default range of a position, as a
	// fraction of the scale (0.10 means ±10 points on 0–100).
	Position float64 `json:"position"`
	// Salience is the half-width of the default range of a salience, in
	// salience points (on 0–100).
	Salience float64 `json:"salience"`
	// Capability is the half-width of the default range of a capability,
	// relative to its value (0.2 means ±20%).
	Capability float64 `json:"capability"`
	// StatusQuo is the half-width of the default range of an issue's status
	// quo, as a fraction of the scale.
	StatusQuo float64 `json:"status_quo,omitempty"`
}

// DefaultUncertainty is what a sweep applies to bare numbers unless told
// otherwise: ±10% of the scale on positions, ±15 points on saliences and
// ±20% on capabilities, each triangular around the point value; status quo
// points stay fixed unless they carry a range of their own.
func DefaultUncertainty() Uncertainty {
	return Uncertainty{Position: 0.10, Salience: 15, Capability: 0.20}
}

// capabilityFloor is the lower truncation point of a capability or a power
// as a fraction of its value: both must stay > 0, so a normal or a wide
// default range is truncated at one thousandth of the point value.
const capabilityFloor = 1e-3

// Draw returns a copy of s with every estimate (each one that
// [jirga.Scenario.Estimates] yields: capability, position, salience,
// reservation, power and status quo) replaced by a draw from its
// distribution, truncated to the field's range, using rng. Estimates with
// no range or distribution of their own use u. The copy has no
// snapshots: it is one point state. Draw does not modify s.
//
// The drawn estimates keep their sources, judgement flag and note but lose
// their range and distribution: a drawn scenario is a point. The order of
// draws is that of Estimates (issues' status quo in file order, then actors
// in file order, each actor's capability and then, in issue order, its
// position, salience, reservation and power) and every estimate consumes
// exactly one rng.Float64, fixed or not, so a seed gives the same scenario
// on every machine and adding uncertainty to one number does not change
// the draws of the others (common random numbers).
//
// To draw many scenarios from one, a [Sampler] reuses one copy.
func Draw(s *jirga.Scenario, rng *rand.Rand, u Uncertainty) *jirga.Scenario {
	return NewSampler(s, u).Draw(rng)
}

// Sampler draws scenarios from one source scenario into a scratch copy that
// it reuses, so that a draw allocates nothing. A Sampler is not safe for
// concurrent use; give each goroutine its own.
type Sampler struct {
	src, dst *jirga.Scenario
	fields   []field
	table    *jirga.Table // of dst, refreshed by Draw
}

// field is one estimate to draw: the source estimate, its drawn copy in the
// scratch scenario, the range it is truncated to and its default half-width.
type field struct {
	src, dst  *jirga.Estimate
	lo, hi    float64
	halfWidth float64
}

// NewSampler returns a sampler of s with default uncertainty u. s must be
// valid and must not change while the sampler is in use.
func NewSampler(s *jirga.Scenario, u Uncertainty) *Sampler {
	p := &Sampler{src: s, dst: s.Clone()}
	p.table = p.dst.Table()
	// A draw is one point state: the snapshots of later states, whose
	// estimates are not drawn, do not belong to it.
	p.dst.Snapshots = nil
	// The clone has the same estimates in the same places, so the two
	// walks yield them in step.
	next, stop := iter.Pull(p.dst.Estimates())
	defer stop()
	for in := range s.Estimates() {
		out, _ := next()
		dst := out.Estimate
		dst.Low, dst.High, dst.Dist, dst.SD = nil, nil, "", nil
		lo, hi := in.Range.Lo, in.Range.Hi
		if in.Range.LoOpen {
			// Capabilities and powers must stay > 0: a normal or a wide
			// default range is truncated at a fraction of the value.
			lo = math.Max(lo, in.Estimate.Value*capabilityFloor)
		}
		p.fields = append(p.fields, field{src: in.Estimate, dst: dst, lo: lo, hi: hi, halfWidth: u.halfWidth(in)})
	}
	return p
}

// Samplers gives each worker of a [For] loop its own [Sampler] of one
// scenario, made on the worker's first draw: the loops over draws (sweeps,
// deal probabilities, the report's levers) draw through it.
type Samplers struct {
	s  *jirga.Scenario
	u  Uncertainty
	sm []*Sampler
}

// NewSamplers returns the samplers of s with default uncertainty u for a
// loop of n iterations.
func NewSamplers(s *jirga.Scenario, u Uncertainty, loop Loop, n int) *Samplers {
	return &Samplers{s: s, u: u, sm: make([]*Sampler, loop.Goroutines(n))}
}

// Draw draws iteration it's scenario, from it.Rand(), on the sampler of
// it's worker and returns that sampler: its Table (and the table's
// Scenario) is the draw, valid until the worker's next draw.
func (ss *Samplers) Draw(it Iter) *Sampler {
	sm := ss.sm[it.Worker]
	if sm == nil {
		sm = NewSampler(ss.s, ss.u)
		ss.sm[it.Worker] = sm
	}
	sm.Draw(it.Rand())
	return sm
}

// halfWidth returns the half-width of the default range of in.
func (u Uncertainty) halfWidth(in jirga.Input) float64 {
	switch in.Field {
	case jirga.FieldPosition, jirga.FieldReservation:
		return u.Position * in.Range.Width()
	case jirga.FieldStatusQuo:
		return u.StatusQuo * in.Range.Width()
	case jirga.FieldSalience:
		return u.Salience
	case jirga.FieldCapability, jirga.FieldPower:
		return u.Capability * in.Estimate.Value
	}
	return 0
}

// Draw draws a scenario using rng and returns the sampler's scratch copy,
// which stays valid until the next call to Draw. Clone it to keep it.
func (p *Sampler) Draw(rng *rand.Rand) *jirga.Scenario {
	for _, f := range p.fields {
		f.dst.Value = Value(f.src, rng, f.lo, f.hi, f.halfWidth)
	}
	p.table.Refresh()
	return p.dst
}

// Table returns the table of the last scenario drawn (of the scratch copy):
// built once with the sampler and refreshed by every Draw, since a draw
// changes numbers, never structure. Pass it to [Forecast].
func (p *Sampler) Table() *jirga.Table { return p.table }

// Fields returns the number of estimates a draw consumes, one rng.Float64
// each.
func (p *Sampler) Fields() int { return len(p.fields) }

// Value draws one value from e's distribution truncated to [lo, hi], using
// exactly one rng.Float64 u and the inverse of the truncated distribution
// function, x = F⁻¹(F(lo) + u·(F(hi) − F(lo))):
//
//   - dist normal: N(Value, SD²) truncated to [lo, hi] and, where given, to
//     [Low, High];
//   - dist uniform: uniform on [Low, High];
//   - dist triangular, or Low/High with no dist: triangular on [Low, High]
//     with mode Value;
//   - no range: triangular on [Value − halfWidth, Value + halfWidth]
//     truncated to [lo, hi] (fixed when halfWidth is 0).
//
// A missing Low or High defaults to Value. Truncation renormalises the
// density on [lo, hi]; it puts no mass on the bounds, unlike clipping. A
// value that is fixed still consumes its rng.Float64.
func Value(e *jirga.Estimate, rng *rand.Rand, lo, hi, halfWidth float64) float64 {
	u := rng.Float64()
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
		tlo, thi := lo, hi
		if e.Low != nil {
			tlo = math.Max(tlo, a)
		}
		if e.High != nil {
			thi = math.Min(thi, b)
		}
		x = TruncNormal(u, v, *e.SD, tlo, thi)
	case e.Dist == jirga.DistUniform:
		a, b = math.Max(a, lo), math.Min(b, hi)
		x = a + (b-a)*u
	case e.Low != nil || e.High != nil || e.Dist == jirga.DistTriangular:
		x = truncTriangular(u, a, v, b, lo, hi)
	case halfWidth > 0:
		x = truncTriangular(u, v-halfWidth, v, v+halfWidth, lo, hi)
	default:
		x = v
	}
	return math.Min(hi, math.Max(lo, x))
}

// Triangular returns the quantile at p in [0, 1] of the triangular
// distribution on [a, b] with mode m (a ≤ m ≤ b):
//
//	F⁻¹(p) = a + √(p (b−a)(m−a))        for p < (m−a)/(b−a)
//	F⁻¹(p) = b − √((1−p)(b−a)(b−m))     otherwise.
//
// When b ≤ a it returns m.
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

// TriangularCDF returns the distribution function at x of the triangular
// distribution on [a, b] with mode m:
//
//	F(x) = (x−a)² / ((b−a)(m−a))        for a < x ≤ m
//	F(x) = 1 − (b−x)² / ((b−a)(b−m))    for m < x < b
//
// with F = 0 below a and 1 from b on. When b ≤ a it is the step at m.
func TriangularCDF(x, a, m, b float64) float64 {
	switch {
	case b <= a:
		if x < m {
			return 0
		}
		return 1
	case x <= a:
		return 0
	case x >= b:
		return 1
	case x <= m:
		return (x - a) * (x - a) / ((b - a) * (m - a))
	}
	return 1 - (b-x)*(b-x)/((b-a)*(b-m))
}

// truncTriangular returns the quantile at u of the triangular distribution
// on [a, b] with mode m, truncated to [lo, hi].
func truncTriangular(u, a, m, b, lo, hi float64) float64 {
	if lo <= a && hi >= b {
		return Triangular(u, a, m, b)
	}
	fl, fh := TriangularCDF(lo, a, m, b), TriangularCDF(hi, a, m, b)
	if fh <= fl {
		// No mass inside [lo, hi]: the nearest point of it to the mode.
		return math.Min(hi, math.Max(lo, m))
	}
	return Triangular(fl+u*(fh-fl), a, m, b)
}

// TruncNormal returns the quantile at u in [0, 1] of the normal distribution
// with mean mu and standard deviation sd > 0 truncated to [lo, hi] (either
// may be infinite):
//
//	x = mu + sd·Φ⁻¹(Φ(α) + u·(Φ(β) − Φ(α))),  α = (lo−mu)/sd, β = (hi−mu)/sd.
//
// Φ is evaluated through erfc, and an interval in the upper tail is
// reflected into the lower one, where Φ keeps its relative precision. When
// the interval is so far in a tail that Φ(β) − Φ(α) underflows, it returns
// the bound nearer to mu.
func TruncNormal(u, mu, sd, lo, hi float64) float64 {
	if !(sd > 0) || lo >= hi {
		return math.Min(hi, math.Max(lo, mu))
	}
	alpha, beta := (lo-mu)/sd, (hi-mu)/sd
	sign := 1.0
	if alpha > 0 {
		// Reflect: Z on [α, β] is −Z on [−β, −α]; u maps to 1 − u.
		alpha, beta, sign, u = -beta, -alpha, -1, 1-u
	}
	pa, pb := phi(alpha), phi(beta)
	if !(pb > pa) {
		return math.Min(hi, math.Max(lo, mu))
	}
	z := phiInv(pa + u*(pb-pa))
	x := mu + sign*sd*z
	return math.Min(hi, math.Max(lo, x))
}

// phi is the standard normal distribution function.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// phiInv is the standard normal quantile function.
func phiInv(p float64) float64 {
	switch {
	case p <= 0:
		return math.Inf(-1)
	case p >= 1:
		return math.Inf(1)
	}
	return -math.Sqrt2 * math.Erfcinv(2*p)
}
