package sweep_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/sweep"
)

// TestDraw checks that a draw is reproducible from its seed, leaves the
// input alone, and stays a valid scenario with every number inside its
// field's range.
func TestDrawCore(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	before := s.Clone()
	for seed := range uint64(50) {
		a := sweep.Draw(s, rand.New(rand.NewPCG(seed, 1)), sweep.DefaultUncertainty())
		b := sweep.Draw(s, rand.New(rand.NewPCG(seed, 1)), sweep.DefaultUncertainty())
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: two draws differ", seed)
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("seed %d: drawn scenario is invalid: %v", seed, err)
		}
		for _, act := range a.Actors {
			orig := s.Actor(act.ID)
			if c := orig.Capability; c.Low != nil && (act.Capability.Value < *c.Low || act.Capability.Value > *c.High) {
				t.Errorf("seed %d: %s capability %v outside [%v, %v]", seed, act.ID, act.Capability.Value, *c.Low, *c.High)
			}
		}
	}
	if !reflect.DeepEqual(before, s) {
		t.Fatal("Draw modified its input")
	}
	// The zero Uncertainty keeps bare numbers fixed.
	bare := &jirga.Scenario{ID: "s", Issues: []*jirga.Issue{{ID: "i"}}, Actors: []*jirga.Actor{{ID: "a", Capability: jirga.Val(2),
		Stances: map[string]*jirga.Stance{"i": {Position: jirga.Val(30), Salience: jirga.Val(40)}}}}}
	if got := sweep.Draw(bare, rand.New(rand.NewPCG(1, 1)), sweep.Uncertainty{}); !reflect.DeepEqual(got, bare) {
		t.Error("zero Uncertainty changed bare numbers")
	}
}

// TestTriangular checks quantiles of the triangular distribution on [0, 10]
// with mode 4: F(4) = 0.4, and the quantile at p inverts
// F(x) = x²/40 below the mode and 1 − (10 − x)²/60 above it.
func TestTriangularCore(t *testing.T) {
	tests := []struct{ p, want float64 }{
		{0, 0}, {0.1, 2}, {0.4, 4}, {1 - 6.0/60, 10 - math.Sqrt(6)},
	}
	for _, tt := range tests {
		if got := sweep.Triangular(tt.p, 0, 4, 10); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Triangular(%v)=%v, want %v", tt.p, got, tt.want)
		}
	}
	if got := sweep.Triangular(0.3, 5, 5, 5); got != 5 {
		t.Errorf("degenerate: %v", got)
	}
}

func TestValueRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	lo, hi := 10.0, 90.0
	e := &jirga.Estimate{Value: 50, Low: new(40.0), High: new(70.0), Dist: jirga.DistUniform}
	n := &jirga.Estimate{Value: 85, SD: new(30.0), Dist: jirga.DistNormal}
	sum := 0.0
	for range 2000 {
		if x := sweep.Value(e, rng, lo, hi, 0); x < 40 || x > 70 {
			t.Fatalf("uniform draw %v outside [40, 70]", x)
		}
		x := sweep.Value(n, rng, lo, hi, 0)
		if x < lo || x > hi {
			t.Fatalf("normal draw %v outside the field's range", x)
		}
		sum += x
	}
	// Truncation at 90 pulls the mean of normal(85, 30) below 85.
	if mean := sum / 2000; mean >= 85 {
		t.Errorf("truncated normal mean %v, want below 85", mean)
	}
}
