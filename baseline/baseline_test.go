package baseline_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// TestEmission pins round 0 of the EC car-emission case (Bueno de Mesquita
// 1994, Table 1; examples/emission_standards.csv). Reference values:
// models.md §2.6 and validation.md §3 give the capability × salience
// weighted mean as 7.390 (7.39) and the weighted median and Condorcet
// median as 7, to be matched exactly. The mean is the rational number
// Σ c s x / Σ c s = 500.3/67.7 = 5003/677 = 7.38995568…, which rounds to
// 7.390; the test checks it to 1e-9.
func TestEmission(t *testing.T) {
	ss, err := examples.Load("emission", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	tests := []struct {
		model jirga.Model
		want  float64
		tol   float64
	}{
		{baseline.Mean{}, 5003.0 / 677.0, 1e-9},
		{baseline.Median{}, 7, 0},
		{baseline.Condorcet{}, 7, 0},
	}
	for _, tt := range tests {
		r, err := tt.model.Forecast(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := r.Forecast("issue")
		if !ok {
			t.Fatalf("%s: no forecast", tt.model.Name())
		}
		if math.Abs(got-tt.want) > tt.tol {
			t.Errorf("%s=%.12g, want %.12g", tt.model.Name(), got, tt.want)
		}
	}
	r, _ := baseline.Mean{}.Forecast(context.Background(), s)
	if got, _ := r.Forecast("issue"); fmt.Sprintf("%.3f", got) != "7.390" {
		t.Errorf("mean rounds to %.3f, want 7.390", got)
	}
}

func TestWeightedMean(t *testing.T) {
	tests := []struct {
		x, w []float64
		want float64
	}{
		{[]float64{1, 2, 3}, nil, 2},
		{[]float64{0, 10}, []float64{3, 1}, 2.5},
		{[]float64{5}, []float64{0.1}, 5},
		// Emission case weights c·s with s in [0, 1] (validation.md §3).
		{[]float64{4, 7, 4, 4, 10, 10, 10, 7, 4, 7},
			[]float64{.08 * .8, .08 * .4, .03 * .2, .16 * .8, .16 * .6, .16 * .6, .16 * .9, .05 * .1, .05 * 1, .08 * .7}, 5003.0 / 677},
	}
	for i, tt := range tests {
		if got := baseline.WeightedMean(tt.x, tt.w); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("case %d: WeightedMean=%v, want %v", i, got, tt.want)
		}
	}
	if got := baseline.WeightedMean(nil, nil); !math.IsNaN(got) {
		t.Errorf("WeightedMean of nothing=%v, want NaN", got)
	}
}

func TestWeightedMedian(t *testing.T) {
	tests := []struct {
		x, w []float64
		want float64
	}{
		{[]float64{1, 2, 3}, nil, 2},
		// Exactly half the weight at 1: the first position reaching half.
		{[]float64{1, 3}, nil, 1},
		{[]float64{3, 1}, nil, 1},
		{[]float64{0, 10, 20}, []float64{1, 1, 3}, 20},
		// Ties in x are summed: 5 holds 2 of 4.
		{[]float64{9, 5, 5, 1}, nil, 5},
		{[]float64{7}, []float64{2}, 7},
	}
	for i, tt := range tests {
		if got := baseline.WeightedMedian(tt.x, tt.w); got != tt.want {
			t.Errorf("case %d: WeightedMedian=%v, want %v", i, got, tt.want)
		}
	}
	if got := baseline.WeightedMedian(nil, nil); !math.IsNaN(got) {
		t.Errorf("WeightedMedian of nothing=%v, want NaN", got)
	}
}

func TestCondorcetMedian(t *testing.T) {
	tests := []struct {
		x, w []float64
		want float64
	}{
		{[]float64{1, 2, 3}, nil, 2},
		// Two positions with equal weight tie; the lower wins.
		{[]float64{10, 0}, nil, 0},
		{[]float64{0, 10, 20}, []float64{1, 1, 3}, 20},
		{[]float64{4, 4, 4}, []float64{1, 2, 3}, 4},
	}
	for i, tt := range tests {
		if got := baseline.CondorcetMedian(tt.x, tt.w, 20); got != tt.want {
			t.Errorf("case %d: CondorcetMedian=%v, want %v", i, got, tt.want)
		}
	}
}

// TestCondorcetBeatsAll checks the defining property against the pairwise
// votes of Vote on random data: the winner beats or ties every position,
// and no lower position does.
func TestCondorcetBeatsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for c := range 500 {
		n := 1 + rng.IntN(12)
		x, w := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = float64(rng.IntN(11)) // few distinct values: many ties
			w[i] = rng.Float64()
		}
		got := baseline.CondorcetMedian(x, w, 10)
		beatsAll := func(a float64) bool {
			for _, b := range x {
				if baseline.Vote(x, w, 10, a, b) < -1e-12 {
					return false
				}
			}
			return true
		}
		if !beatsAll(got) {
			t.Fatalf("case %d: %v does not beat every position of x=%v w=%v", c, got, x, w)
		}
		for _, b := range x {
			if b < got && beatsAll(b) {
				t.Fatalf("case %d: lower position %v also beats all (got %v)", c, b, got)
			}
		}
	}
}

// TestNBSWeightedMean checks the theory in the doc comment of baseline.NBS:
// with quadratic utilities and equal disagreement slack u_i(x*) − d_i for
// every actor, the asymmetric Nash bargaining solution is the weighted mean
// (Achen 2006; models.md §4). Setting d_i = u_i(m) − k for the weighted mean
// m makes the slack equal at m, so NashBargain must return m.
func TestNBSWeightedMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for c := range 200 {
		n := 1 + rng.IntN(10)
		pos, w, d := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range pos {
			pos[i] = 100 * rng.Float64()
			w[i] = 0.01 + rng.Float64()
		}
		m := baseline.WeightedMean(pos, w)
		k := 0.05 + rng.Float64()
		for i := range d {
			u := 1 - ((m-pos[i])/100)*((m-pos[i])/100)
			d[i] = u - k
		}
		got, ok := baseline.NashBargain(baseline.UtilityQuadratic, pos, w, d, 0, 100)
		if !ok {
			t.Fatalf("case %d: no bargain", c)
		}
		if math.Abs(got-m) > 1e-6 {
			t.Errorf("case %d: NBS=%v, weighted mean %v", c, got, m)
		}
	}
}

// scenario builds a one-issue scenario on 0–100 from positions, saliences
// and capabilities; sq < 0 means no status quo.
func scenario(pos, sal, capability []float64, sq float64) *jirga.Scenario {
	s := &jirga.Scenario{ID: "s", Issues: []*jirga.Issue{{ID: "i"}}}
	if sq >= 0 {
		s.Issues[0].StatusQuo = jirga.Val(sq)
	}
	for k := range pos {
		s.Actors = append(s.Actors, &jirga.Actor{
			ID:         fmt.Sprintf("a%d", k),
			Capability: jirga.Val(capability[k]),
			Stances:    map[string]*jirga.Stance{"i": {Position: jirga.Val(pos[k]), Salience: jirga.Val(sal[k])}},
		})
	}
	return s
}

func forecastOne(t *testing.T, m jirga.Model, s *jirga.Scenario) (float64, *jirga.Result) {
	t.Helper()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := m.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	x, ok := r.Forecast("i")
	if !ok {
		t.Fatal("no forecast")
	}
	return x, r
}

func TestNBS(t *testing.T) {
	tests := []struct {
		name          string
		pos, sal, cap []float64
		sq            float64
		utility       string
		want          float64
	}{
		// Symmetric actors without a status quo: each one's disagreement
		// point is its worst end of the scale, the slacks are equal, and the
		// NBS is the weighted mean 50.
		{name: "SymmetricIsMean", pos: []float64{20, 80}, sal: []float64{50, 50}, cap: []float64{1, 1}, sq: -1, want: 50},
		// Status quo veto: the actors sit on opposite sides of the status
		// quo 50, so every move hurts one of them and the bargain is the
		// status quo, whatever the weights (the mean would be 90).
		{name: "StatusQuoVeto", pos: []float64{0, 100}, sal: []float64{10, 90}, cap: []float64{1, 1}, sq: 50, want: 50},
		// Hand case: status quo 0, A at 40 and B at 100 with equal weights.
		// u_A − d_A = x(80 − x)/R², u_B − d_B = x(200 − x)/R², and the
		// first-order condition 2/x − 1/(80 − x) − 1/(200 − x) = 0 holds at
		// x = 50 (2/50 = 1/30 + 1/150), below the mean 70.
		{name: "HandStatusQuo", pos: []float64{40, 100}, sal: []float64{50, 50}, cap: []float64{1, 1}, sq: 0, want: 50},
		// Linear utilities, status quo veto as above.
		{name: "LinearVeto", pos: []float64{0, 100}, sal: []float64{10, 90}, cap: []float64{1, 1}, sq: 50, utility: baseline.UtilityLinear, want: 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, r := forecastOne(t, baseline.NBS{Utility: tt.utility}, scenario(tt.pos, tt.sal, tt.cap, tt.sq))
			if math.Abs(got-tt.want) > 1e-6 {
				t.Errorf("NBS=%v, want %v", got, tt.want)
			}
			// A veto is explained in a note; an interior bargain is not.
			if veto := strings.HasSuffix(tt.name, "Veto"); veto != (len(r.Notes) == 1) {
				t.Errorf("notes=%q, veto %v", r.Notes, veto)
			}
		})
	}
	if _, err := (baseline.NBS{Utility: "cubic"}).Forecast(context.Background(), scenario([]float64{1}, []float64{1}, []float64{1}, -1)); jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("unknown utility: err=%v, want EINVALID", err)
	}
}

// TestZeroSalience checks the documented fallback: when every salience on
// an issue is 0, capability alone weights the actors, with a note.
func TestZeroSalience(t *testing.T) {
	s := scenario([]float64{0, 100}, []float64{0, 0}, []float64{3, 1}, -1)
	got, r := forecastOne(t, baseline.Mean{}, s)
	if math.Abs(got-25) > 1e-12 {
		t.Errorf("mean=%v, want 25 (capability-weighted)", got)
	}
	if len(r.Notes) != 1 {
		t.Errorf("notes=%q, want one note on the fallback", r.Notes)
	}
}

// TestNoPosition checks that a model returns EINVALID, not a panic or NaN,
// for an issue no actor holds a position on (a scenario built in code
// without validation).
func TestNoPosition(t *testing.T) {
	s := scenario([]float64{1}, []float64{1}, []float64{1}, -1)
	s.Issues = append(s.Issues, &jirga.Issue{ID: "empty"})
	for _, m := range []jirga.Model{baseline.Mean{}, baseline.Median{}, baseline.Condorcet{}, baseline.NBS{}} {
		if _, err := m.Forecast(context.Background(), s); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("%s: err=%v, want EINVALID", m.Name(), err)
		}
	}
}

func BenchmarkBaseline(b *testing.B) {
	for _, m := range []jirga.Model{baseline.Mean{}, baseline.Median{}, baseline.Condorcet{}, baseline.NBS{}} {
		for _, n := range []int{10, 100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/actors=%d", m.Name(), n), func(b *testing.B) {
				benchmarkBaseline(b, m, n)
			})
		}
	}
}

// benchmarkBaseline times one forecast of a random scenario with n actors
// on three issues, one of them with a status quo.
func benchmarkBaseline(b *testing.B, m jirga.Model, n int) {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	s := &jirga.Scenario{ID: "bench", Issues: []*jirga.Issue{{ID: "a"}, {ID: "b", StatusQuo: jirga.Val(30)}, {ID: "c"}}}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(0.1 + 100*rng.Float64()), Stances: map[string]*jirga.Stance{}}
		for _, is := range s.Issues {
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(100 * rng.Float64())}
		}
		s.Actors = append(s.Actors, a)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Forecast(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWeightsExact checks that the power-of-two scaling in Weights is
// exact: multiplying every capability by 2^k gives bit-identical weights,
// and weights from capabilities near the top of the allowed range do not
// overflow.
func TestWeightsExact(t *testing.T) {
	c := []float64{0.08, 0.16, 0.03, 1e15}
	s := []float64{0.8, 0.6, 0.2, 1}
	w, _ := baseline.Weights(c, s)
	for _, k := range []int{-60, -1, 1, 40} {
		ck := make([]float64, len(c))
		for i := range c {
			ck[i] = math.Ldexp(c[i], k)
		}
		wk, _ := baseline.Weights(ck, s)
		for i := range w {
			if w[i] != wk[i] {
				t.Errorf("2^%d: weight %d is %v, want %v", k, i, wk[i], w[i])
			}
		}
	}
	big, _ := baseline.Weights([]float64{1e300, 1e300}, []float64{1, 1})
	if x := baseline.WeightedMean([]float64{1e15, -1e15}, big); math.IsNaN(x) || x != 0 {
		t.Errorf("mean with huge capabilities = %v, want 0", x)
	}
}
