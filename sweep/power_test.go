package sweep_test

import (
	"math/rand/v2"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/sweep"
)

// decidePower is a Decide file in which actor A's power differs between
// the two issues, so that its stances keep their own power (Stance.Power).
const decidePower = "#A\tA\tA\n#A\tB\tB\n#A\tC\tC\n" +
	"#P\tx\tx\n#P\ty\ty\n" +
	"#D\tA\tx\t0\t0.9\t3\n#D\tA\ty\t100\t0.2\t1\n" +
	"#D\tB\tx\t100\t0.3\t2\n#D\tB\ty\t0\t0.8\t2\n" +
	"#D\tC\tx\t60\t0.5\t1\n#D\tC\ty\t40\t0.5\t1\n"

// TestSweepDrawsDecidePower: a sweep of a Decide scenario with uncertain
// power draws power. Before the walk over Scenario.Estimates, Stance.Power
// was validated and cloned but never drawn, so the exchange model (which
// uses it) saw the same power in every draw.
func TestSweepDrawsDecidePower(t *testing.T) {
	ss, err := format.Read("power.dat", []byte(decidePower), format.Options{Format: format.Decide})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	pow := s.Actor("A").Stances["x"].Power
	if pow == nil || pow.Value != 3 {
		t.Fatalf("the Decide reader gave A's power on x as %v, want 3", pow)
	}
	// Power given as a range, every other number fixed.
	pow.Low, pow.High = fp(1), fp(5)
	p := sweep.NewSampler(s, sweep.Uncertainty{})
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[float64]bool{}
	for range 200 {
		d := p.Draw(rng)
		got := d.Actor("A").Stances["x"].Power.Value
		if got < 1 || got > 5 {
			t.Fatalf("drawn power %g is outside [1, 5]", got)
		}
		seen[got] = true
		if fixed := d.Actor("A").Stances["y"].Power.Value; fixed != 1 {
			t.Fatalf("A's power on y has no uncertainty but was drawn as %g", fixed)
		}
	}
	if len(seen) < 100 {
		t.Errorf("200 draws gave %d distinct powers", len(seen))
	}
	// The draws reach the model that uses power: the exchange forecast
	// varies although nothing else is uncertain.
	r := mustRun(t, s, []jirga.Model{exchange.Model{}}, sweep.Options{Draws: 100, Seed: 1, Uncertainty: &sweep.Uncertainty{}})
	spread := false
	for _, f := range r.Results[0].Issues {
		if *f.P90 > *f.P10 {
			spread = true
		}
	}
	if !spread {
		t.Error("the exchange forecasts do not vary with the drawn power")
	}
	// A bare power takes the capability's default uncertainty (±20%).
	pow.Low, pow.High = nil, nil
	d := sweep.Draw(s, rand.New(rand.NewPCG(3, 4)), sweep.DefaultUncertainty())
	if got := d.Actor("A").Stances["x"].Power.Value; got == 3 || got < 2.4 || got > 3.6 {
		t.Errorf("bare power 3 drawn as %g, want a value in [2.4, 3.6] other than 3", got)
	}
}
