package bdm_test

import (
	"context"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/bdm"
	"github.com/jirga/jirga/format"
)

// emission reads the EC car-emission table (Bueno de Mesquita 1994, Table 1;
// provenance in testdata/README.md).
func emission(tb testing.TB) *jirga.Scenario {
	tb.Helper()
	ss, err := format.ReadFile("testdata/emission_standards.csv", format.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ss[0]
}

func run(tb testing.TB, s *jirga.Scenario, st bdm.Settings) *jirga.Result {
	tb.Helper()
	r, err := bdm.New(st).Forecast(context.Background(), s)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestRound0 pins the starting point: capability × salience weighted mean
// 7.39 and median voter 7 (computed from the data file; models.md §2.6 and
// validation.md §3 say these must match exactly).
func TestRound0(t *testing.T) {
	s := emission(t)
	_, c, x, sal := s.Table().Column(0)
	w := make([]float64, len(c))
	for i := range c {
		w[i] = c[i] * sal[i]
	}
	if got := bdm.MedianVoter(x, w, 6, false); got != 7 {
		t.Errorf("round-0 median voter = %v, want 7", got)
	}
	if got := bdm.MedianVoter(x, w, 6, true); got != 7 {
		t.Errorf("round-0 sequential median voter = %v, want 7", got)
	}
	if got := bdm.WeightedMean(x, w); math.Abs(got-5.003/0.677) > 1e-12 || math.Abs(got-7.39) > 5e-4 {
		t.Errorf("round-0 weighted mean = %v, want 7.390", got)
	}
}

// TestScholzTable2 compares the default configuration with Scholz, Calbert &
// Smith (2011), "Unravelling Bueno de Mesquita's group decision model",
// J. Theoretical Politics 23(4), Table 2 (Q = 1), quoted second-hand in
// models.md §2.6: median within ±0.35 and mean within ±0.15 where the
// published round is reproduced. Where it is not (no reading of the six
// ambiguities reproduces it; docs/models/bdm.md), the test pins our own
// value to ±0.005 as a regression and logs the gap.
func TestScholzTable2(t *testing.T) {
	r := run(t, emission(t), bdm.Settings{})
	if len(r.Rounds) != bdm.DefaultRounds || r.Status != jirga.StatusRoundLimit {
		t.Fatalf("%d rounds, status %s; want %d, round_limit", len(r.Rounds), r.Status, bdm.DefaultRounds)
	}
	tests := []struct {
		round              int
		median, mean       float64 // Scholz et al. 2011 Table 2
		medianOK, meanOK   bool    // reproduced within tolerance
		ourMedian, ourMean float64 // our value where not reproduced
	}{
		{1, 8.4, 7.4, true, true, 0, 0},
		{2, 9.9, 7.5, true, true, 0, 0},
		{3, 9.9, 7.6, true, true, 0, 0},
		{4, 9.9, 7.3, true, false, 0, 7.6039},
		{5, 9.9, 7.3, true, false, 0, 7.6068},
		{6, 7.4, 7.4, false, false, 10.0, 7.6071},
		{7, 8.8, 7.5, false, true, 10.0, 0},
		{8, 9.6, 7.6, false, false, 10.0, 7.3958},
	}
	for _, tt := range tests {
		rd := r.Rounds[tt.round-1]
		med, mean := rd.Median["issue"], rd.Mean["issue"]
		if tt.medianOK {
			if math.Abs(med-tt.median) > 0.35 {
				t.Errorf("round %d: median %.3f, Scholz %.1f ± 0.35", tt.round, med, tt.median)
			}
		} else {
			t.Logf("round %d: median %.3f, Scholz %.1f: not reproduced", tt.round, med, tt.median)
			if math.Abs(med-tt.ourMedian) > 0.005 {
				t.Errorf("round %d: median %.4f, pinned %.4f", tt.round, med, tt.ourMedian)
			}
		}
		if tt.meanOK {
			if math.Abs(mean-tt.mean) > 0.15 {
				t.Errorf("round %d: mean %.3f, Scholz %.1f ± 0.15", tt.round, mean, tt.mean)
			}
		} else {
			t.Logf("round %d: mean %.3f, Scholz %.1f: not reproduced", tt.round, mean, tt.mean)
			if math.Abs(mean-tt.ourMean) > 0.005 {
				t.Errorf("round %d: mean %.4f, pinned %.4f", tt.round, mean, tt.ourMean)
			}
		}
	}
	if f, _ := r.Forecast("issue"); f != r.Rounds[len(r.Rounds)-1].Median["issue"] {
		t.Errorf("forecast %v is not the last round's median", f)
	}
}

// TestJmckib compares with the run of the jmckib coding reported in
// models.md §2.6 (jmckib/bdm-scholz-expected-utility-model@55f63e9; no
// code was read or copied): round-1 risk exponents to ±0.001 and the median
// and mean of rounds 1–3 to ±0.002. Our default reading agrees with that
// coding up to round 3; from round 4 on it does not (jmckib's mean drops to
// 7.358, ours stays at 7.60).
func TestJmckib(t *testing.T) {
	r := run(t, emission(t), bdm.Settings{})
	risk := map[string]float64{"Netherlands": 1.406, "Belgium": .754, "Luxembourg": .509, "Germany": 1.406,
		"France": 1.047, "Italy": 1.047, "UK": 1.965, "Ireland": .500, "Denmark": 2.000, "Greece": 1.112}
	for a, want := range risk {
		if got := r.Rounds[0].Risk[a]; math.Abs(got-want) > 0.001 {
			t.Errorf("round-1 r_%s = %.4f, jmckib %.3f", a, got, want)
		}
		if got := r.Rounds[0].RiskByIssue[a]["issue"]; math.Abs(got-want) > 0.001 {
			t.Errorf("round-1 risk_by_issue %s = %.4f, jmckib %.3f", a, got, want)
		}
	}
	for i, want := range []struct{ median, mean float64 }{{8.416, 7.461}, {9.611, 7.553}, {9.962, 7.590}} {
		rd := r.Rounds[i]
		if math.Abs(rd.Median["issue"]-want.median) > 0.002 || math.Abs(rd.Mean["issue"]-want.mean) > 0.002 {
			t.Errorf("round %d: median %.4f mean %.4f, jmckib %.3f %.3f", i+1, rd.Median["issue"], rd.Mean["issue"], want.median, want.mean)
		}
	}
}

// TestReadings checks that the other readings of models.md §2.5 behave as
// documented on the emission case (values from our own runs, recorded in
// docs/models/bdm.md): the pair denominator gives the dmasad-like round-1
// exponents (NL 1.117, UK 2.0; dmasad reports NL 1.127, UK 2.0) and keeps
// the median at 7.
func TestReadings(t *testing.T) {
	s := emission(t)
	r := run(t, s, bdm.Settings{Probability: bdm.ProbPair, Votes: bdm.VotesLinear, Estimate: bdm.EstimateTarget})
	if got := r.Rounds[0].Risk["Netherlands"]; math.Abs(got-1.117) > 0.001 {
		t.Errorf("pair: r_NL = %.4f, want 1.117", got)
	}
	if got := r.Rounds[0].Risk["UK"]; math.Abs(got-2) > 1e-9 {
		t.Errorf("pair: r_UK = %.4f, want 2", got)
	}
	for _, rd := range r.Rounds {
		if rd.Median["issue"] != 7 {
			t.Errorf("pair reading, round %d: median %v, want 7", rd.Round, rd.Median["issue"])
		}
	}
	// Round 1 under the full-information reading: 8.79 / 7.48.
	r = run(t, s, bdm.Settings{Estimate: bdm.EstimateTarget, Votes: bdm.VotesLinear, Accept: bdm.AcceptNearest})
	if m := r.Rounds[0].Median["issue"]; math.Abs(m-8.79) > 0.005 {
		t.Errorf("target/linear/nearest round 1 median %.4f, want 8.79", m)
	}
	// Without capitulation no capitulation offer appears.
	r = run(t, s, bdm.Settings{NoCapitulation: true})
	for _, rd := range r.Rounds {
		for _, o := range rd.Offers {
			if o.Kind == bdm.KindCapitulation {
				t.Fatalf("round %d: capitulation offer with capitulation off: %+v", rd.Round, o)
			}
		}
	}
	// The sequential median voter is the Condorcet one on this input.
	a := run(t, s, bdm.Settings{Median: bdm.MedianSequential})
	b := run(t, s, bdm.Settings{})
	for i := range a.Rounds {
		if a.Rounds[i].Median["issue"] != b.Rounds[i].Median["issue"] {
			t.Errorf("round %d: sequential median %v, condorcet %v", i+1, a.Rounds[i].Median["issue"], b.Rounds[i].Median["issue"])
		}
	}
}
