package sweep_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/sweep"
)

func fp(x float64) *float64 { return &x }

// flagship loads the flagship scenario.

// small is a two-issue, three-actor scenario of bare numbers except where a
// test adds ranges.
func small() *jirga.Scenario {
	st := func(pos, sal float64) *jirga.Stance {
		return &jirga.Stance{Position: jirga.Val(pos), Salience: jirga.Val(sal)}
	}
	return &jirga.Scenario{
		ID: "small",
		Issues: []*jirga.Issue{
			{ID: "a", StatusQuo: jirga.Val(0)},
			{ID: "b", Scale: &jirga.Scale{Min: -1, Max: 1}},
		},
		Actors: []*jirga.Actor{
			{ID: "x", Capability: jirga.Val(10), Stances: map[string]*jirga.Stance{"a": st(0, 50), "b": st(-1, 80)}},
			{ID: "y", Capability: jirga.Val(20), Stances: map[string]*jirga.Stance{"a": st(60, 90), "b": st(0.5, 20)}},
			{ID: "z", Capability: jirga.Val(5), Stances: map[string]*jirga.Stance{"a": st(100, 30)}},
		},
	}
}

func TestTriangular(t *testing.T) {
	// On [0, 100] with mode 50 the CDF is x²/5000 below the mode, so the
	// 0.125-quantile is √(0.125·5000) = 25 and by symmetry the 0.875 one 75.
	tests := []struct{ p, a, m, b, want float64 }{
		{0.5, 0, 50, 100, 50},
		{0.125, 0, 50, 100, 25},
		{0.875, 0, 50, 100, 75},
		{0, 0, 50, 100, 0},
		{1, 0, 50, 100, 100},
		// Mode at the low end: F(x) = 1 − (10−x)²/100 on [0, 10]; F(x)=0.75 at x=5.
		{0.75, 0, 0, 10, 5},
		// Mode at the high end: F(x) = x²/100; F(5) = 0.25.
		{0.25, 0, 10, 10, 5},
		{0.3, 7, 7, 7, 7},
	}
	for i, tt := range tests {
		if got := sweep.Triangular(tt.p, tt.a, tt.m, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("case %d: Triangular(%g, %g, %g, %g) = %g, want %g", i, tt.p, tt.a, tt.m, tt.b, got, tt.want)
		}
		if tt.b > tt.a {
			if got := sweep.TriangularCDF(tt.want, tt.a, tt.m, tt.b); math.Abs(got-tt.p) > 1e-12 {
				t.Errorf("case %d: TriangularCDF(%g) = %g, want %g", i, tt.want, got, tt.p)
			}
		}
	}
}

func TestTruncNormal(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name              string
		u, mu, sd, lo, hi float64
		want              float64
	}{
		// Untruncated: Φ(1) = 0.8413447460685429 gives mu + sd.
		{"untruncated", 0.8413447460685429, 10, 2, -inf, inf, 12},
		{"median", 0.5, 10, 2, -inf, inf, 10},
		{"symmetric", 0.5, 50, 20, 0, 100, 50},
		// Truncated to [mu, ∞): the median is mu + sd·Φ⁻¹(0.75), Φ⁻¹(0.75) = 0.6744897501960817.
		{"half", 0.5, 0, 1, 0, inf, 0.6744897501960817},
		{"bottom", 0, 50, 10, 40, 100, 40},
		{"top", 1, 50, 10, 0, 60, 60},
		// Far in the tail: all mass at the bound nearer the mean.
		{"underflow", 0.5, 0, 1, 50, 60, 50},
		{"fixed", 0.3, 5, 0, 0, 10, 5},
	}
	for _, tt := range tests {
		got := sweep.TruncNormal(tt.u, tt.mu, tt.sd, tt.lo, tt.hi)
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: TruncNormal(%g, %g, %g, %g, %g) = %.15g, want %.15g", tt.name, tt.u, tt.mu, tt.sd, tt.lo, tt.hi, got, tt.want)
		}
	}
	// Upper-tail intervals are reflected: the law on [5, 6] mirrors [−6, −5].
	for _, u := range []float64{0.01, 0.3, 0.5, 0.9} {
		up, down := sweep.TruncNormal(u, 0, 1, 5, 6), sweep.TruncNormal(1-u, 0, 1, -6, -5)
		if math.Abs(up+down) > 1e-9 || up < 5 || up > 6 {
			t.Errorf("u=%g: TruncNormal on [5, 6] = %g, on [−6, −5] at 1−u = %g; want mirror images", u, up, down)
		}
	}
	// Monotone in u deep in the tail.
	prev := math.Inf(-1)
	for i := range 101 {
		x := sweep.TruncNormal(float64(i)/100, 0, 1, 8, 9)
		if x < prev || x < 8 || x > 9 {
			t.Fatalf("TruncNormal(%g) on [8, 9] = %g after %g", float64(i)/100, x, prev)
		}
		prev = x
	}
}

// moments draws n values and returns their mean, variance, min and max.
func moments(e *jirga.Estimate, lo, hi, hw float64, n int) (mean, vr, mn, mx float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	mn, mx = math.Inf(1), math.Inf(-1)
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = sweep.Value(e, rng, lo, hi, hw)
		mean += xs[i] / float64(n)
		mn, mx = math.Min(mn, xs[i]), math.Max(mx, xs[i])
	}
	for _, x := range xs {
		vr += (x - mean) * (x - mean) / float64(n-1)
	}
	return mean, vr, mn, mx
}

func TestValueDistributions(t *testing.T) {
	const n = 200000
	// Reference moments: uniform on [a, b]: mean (a+b)/2, variance (b−a)²/12;
	// triangular (a, m, b): mean (a+m+b)/3, variance (a²+b²+m²−ab−am−bm)/18;
	// a normal with σ = 5 six σ inside the scale is checked against N(μ, σ²).
	tests := []struct {
		name             string
		e                *jirga.Estimate
		lo, hi, hw       float64
		mean, vr, mn, mx float64
	}{
		{"uniform", &jirga.Estimate{Value: 50, Low: fp(20), High: fp(80), Dist: jirga.DistUniform}, 0, 100, 0, 50, 300, 20, 80},
		{"triangular", &jirga.Estimate{Value: 30, Low: fp(20), High: fp(80)}, 0, 100, 0, (20 + 30 + 80) / 3.0, (400 + 6400 + 900 - 1600 - 600 - 2400) / 18.0, 20, 80},
		{"default", jirga.Val(50), 0, 100, 10, 50, 100.0 / 6, 40, 60},
		// The symmetric default at the top of the scale, truncated there, is
		// the right triangle (90, 100, 100): mean 290/3, variance 100/18.
		{"truncated", jirga.Val(100), 0, 100, 10, 290.0 / 3, 100.0 / 18, 90, 100},
		{"normal", &jirga.Estimate{Value: 50, Dist: jirga.DistNormal, SD: fp(5)}, 0, 100, 0, 50, 25, 20, 80},
		{"fixed", jirga.Val(42), 0, 100, 0, 42, 0, 42, 42},
	}
	for _, tt := range tests {
		mean, vr, mn, mx := moments(tt.e, tt.lo, tt.hi, tt.hw, n)
		// Tolerances: 5 standard errors of the mean, 5% on the variance.
		se := math.Sqrt(tt.vr / n)
		if math.Abs(mean-tt.mean) > 5*se+1e-9 || math.Abs(vr-tt.vr) > 0.05*tt.vr+1e-9 {
			t.Errorf("%s: mean %g variance %g, want %g and %g", tt.name, mean, vr, tt.mean, tt.vr)
		}
		if mn < tt.mn || mx > tt.mx {
			t.Errorf("%s: draws in [%g, %g], want inside [%g, %g]", tt.name, mn, mx, tt.mn, tt.mx)
		}
	}
	// A normal with low/high is truncated to them.
	_, _, mn, mx := moments(&jirga.Estimate{Value: 50, Low: fp(45), High: fp(70), Dist: jirga.DistNormal, SD: fp(30)}, 0, 100, 0, 20000)
	if mn < 45 || mx > 70 {
		t.Errorf("normal with low/high: draws in [%g, %g], want inside [45, 70]", mn, mx)
	}
}

// TestValueConsumesOne checks that every Value call, fixed or not, takes
// exactly one number from the generator.
func TestValueConsumesOne(t *testing.T) {
	for _, e := range []*jirga.Estimate{
		jirga.Val(5),
		{Value: 5, Low: fp(1), High: fp(9)},
		{Value: 5, Low: fp(1), High: fp(9), Dist: jirga.DistUniform},
		{Value: 5, Dist: jirga.DistNormal, SD: fp(2)},
	} {
		for _, hw := range []float64{0, 3} {
			a, b := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
			sweep.Value(e, a, 0, 10, hw)
			b.Float64()
			if x, y := a.Uint64(), b.Uint64(); x != y {
				t.Errorf("Value(%+v, hw %g) did not consume exactly one Float64", e, hw)
			}
		}
	}
}

func TestDraw(t *testing.T) {
	s := exampletest.Flagship(t)
	before, _ := json.Marshal(s)
	d := sweep.Draw(s, rand.New(rand.NewPCG(1, 1)), sweep.DefaultUncertainty())
	if after, _ := json.Marshal(s); string(after) != string(before) {
		t.Fatal("Draw modified its scenario")
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("drawn scenario is invalid: %v", err)
	}
	changed := 0
	for i, a := range d.Actors {
		if a.Capability.Low != nil || a.Capability.Dist != "" {
			t.Errorf("actor %s: drawn capability keeps its range", a.ID)
		}
		if len(s.Actors[i].Capability.Sources) > 0 && len(a.Capability.Sources) == 0 {
			t.Errorf("actor %s: drawn capability lost its sources", a.ID)
		}
		for id, st := range a.Stances {
			if st.Position.Value != s.Actors[i].Stances[id].Position.Value {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Error("no position changed in a draw with the default uncertainty")
	}
	// Same seed, same scenario; a Sampler gives the same as Draw.
	d2 := sweep.NewSampler(s, sweep.DefaultUncertainty()).Draw(rand.New(rand.NewPCG(1, 1)))
	if a, b := mustJSON(t, d), mustJSON(t, d2); a != b {
		t.Error("Sampler.Draw differs from Draw with the same seed")
	}
	// No uncertainty at all: a scenario of bare numbers is unchanged.
	sm := small()
	z := sweep.Draw(sm, rand.New(rand.NewPCG(3, 3)), sweep.Uncertainty{})
	if a, b := mustJSON(t, sm), mustJSON(t, z); a != b {
		t.Errorf("zero uncertainty changed the scenario:\n%s\n%s", a, b)
	}
}

// TestDrawCommonRandomNumbers checks that switching the salience default
// off leaves the drawn positions and capabilities unchanged.
func TestDrawCommonRandomNumbers(t *testing.T) {
	s := small()
	u1 := sweep.DefaultUncertainty()
	u2 := u1
	u2.Salience = 0
	d1 := sweep.Draw(s, rand.New(rand.NewPCG(9, 9)), u1)
	d2 := sweep.Draw(s, rand.New(rand.NewPCG(9, 9)), u2)
	for i, a := range d1.Actors {
		b := d2.Actors[i]
		if a.Capability.Value != b.Capability.Value {
			t.Errorf("actor %s: capability %g vs %g", a.ID, a.Capability.Value, b.Capability.Value)
		}
		for id, st := range a.Stances {
			if st.Position.Value != b.Stances[id].Position.Value {
				t.Errorf("actor %s issue %s: position %g vs %g", a.ID, id, st.Position.Value, b.Stances[id].Position.Value)
			}
			if b.Stances[id].Salience.Value != s.Actors[i].Stances[id].Salience.Value {
				t.Errorf("actor %s issue %s: salience drawn with no salience uncertainty", a.ID, id)
			}
		}
	}
}

func TestDrawBounds(t *testing.T) {
	s := small()
	s.Actors[0].Capability = &jirga.Estimate{Value: 1, Dist: jirga.DistNormal, SD: fp(100)}
	p := sweep.NewSampler(s, sweep.Uncertainty{Position: 0.5, Salience: 60, Capability: 5})
	rng := rand.New(rand.NewPCG(4, 4))
	for range 2000 {
		d := p.Draw(rng)
		if err := d.Validate(); err != nil {
			t.Fatalf("drawn scenario is invalid: %v", err)
		}
	}
}

func TestSamplerAllocs(t *testing.T) {
	p := sweep.NewSampler(exampletest.Flagship(t), sweep.DefaultUncertainty())
	rng := rand.New(rand.NewPCG(1, 1))
	if n := testing.AllocsPerRun(100, func() { p.Draw(rng) }); n != 0 {
		t.Errorf("Sampler.Draw allocates %g times per draw, want 0", n)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
