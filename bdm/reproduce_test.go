package bdm_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
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
	if got := baseline.WeightedMean(x, w); math.Abs(got-5.003/0.677) > 1e-12 || math.Abs(got-7.39) > 5e-4 {
		t.Errorf("round-0 weighted mean = %v, want 7.390", got)
	}
}

// TestScholzTable2 compares the default configuration with Scholz, Calbert &
// Smith (2011), "Unravelling Bueno de Mesquita's group decision model",
// J. Theoretical Politics 23(4), Table 2 (Q = 1), quoted second-hand in
// models.md §2.6 and validation.md §3: median within ±0.35 and weighted
// mean within ±0.15 in each of rounds 1–8.
//
// The median does not settle in those rounds (9.96, 7.47, 8.83, 9.67 in
// rounds 5–8), so the run is unsettled: the forecast is the middle of the
// range of the last jirga.SettleWindow medians, not round 8's.
func TestScholzTable2(t *testing.T) {
	r := run(t, emission(t), bdm.Settings{})
	if len(r.Rounds) != bdm.DefaultRounds || r.Status != jirga.StatusUnsettled {
		t.Fatalf("%d rounds, status %s; want %d, unsettled", len(r.Rounds), r.Status, bdm.DefaultRounds)
	}
	median := []float64{8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6}
	mean := []float64{7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6}
	for i, rd := range r.Rounds {
		if got := rd.Median["issue"]; math.Abs(got-median[i]) > 0.35 {
			t.Errorf("round %d: median %.3f, Scholz %.1f ± 0.35", rd.Round, got, median[i])
		}
		if got := rd.Mean["issue"]; math.Abs(got-mean[i]) > 0.15 {
			t.Errorf("round %d: mean %.3f, Scholz %.1f ± 0.15", rd.Round, got, mean[i])
		}
	}
	var last []float64
	for _, rd := range r.Rounds[len(r.Rounds)-jirga.SettleWindow:] {
		last = append(last, rd.Median["issue"])
	}
	lo, hi := slices.Min(last), slices.Max(last)
	f := r.Issues[0]
	if f.SettleRange == nil || f.SettleRange[0] != lo || f.SettleRange[1] != hi || f.Forecast != (lo+hi)/2 ||
		f.LastRound == nil || *f.LastRound != last[len(last)-1] {
		t.Errorf("forecast %v, settle range %v, last round %v; want %v, [%v, %v], %v", f.Forecast, f.SettleRange, f.LastRound, (lo+hi)/2, lo, hi, last[len(last)-1])
	}
}

// TestJmckib compares with the run of the jmckib coding reported in
// models.md §2.6 (jmckib/bdm-scholz-expected-utility-model@55f63e9; no code
// was read or copied, only its reported output): round-1 risk exponents to
// ±0.001 and the median and mean of rounds 1–8 to ±0.002.
func TestJmckib(t *testing.T) {
	r := run(t, emission(t), bdm.Settings{})
	risk := map[string]float64{"Netherlands": 1.406, "Belgium": .754, "Luxembourg": .509, "Germany": 1.406,
		"France": 1.047, "Italy": 1.047, "UK": 1.965, "Ireland": .500, "Denmark": 2.000, "Greece": 1.112}
	for a, want := range risk {
		if got := bdm.TraceOf(r.Rounds[0]).Risk[a]; math.Abs(got-want) > 0.001 {
			t.Errorf("round-1 r_%s = %.4f, jmckib %.3f", a, got, want)
		}
		if got := bdm.TraceOf(r.Rounds[0]).RiskByIssue[a]["issue"]; math.Abs(got-want) > 0.001 {
			t.Errorf("round-1 risk_by_issue %s = %.4f, jmckib %.3f", a, got, want)
		}
	}
	median := []float64{8.416, 9.611, 9.962, 9.962, 9.962, 7.472, 8.825, 9.671}
	mean := []float64{7.461, 7.553, 7.590, 7.358, 7.349, 7.415, 7.510, 7.572}
	for i, rd := range r.Rounds {
		if math.Abs(rd.Median["issue"]-median[i]) > 0.002 || math.Abs(rd.Mean["issue"]-mean[i]) > 0.002 {
			t.Errorf("round %d: median %.4f mean %.4f, jmckib %.3f %.3f", i+1, rd.Median["issue"], rd.Mean["issue"], median[i], mean[i])
		}
	}
}

// TestMinEU pins why the former default needed a fitted threshold: under
// the smallest-compromise rule (accept=priority, reading emission-fit),
// without the threshold (min_eu = 0; values from our own runs,
// docs/models/bdm.md) the run follows Scholz and jmckib to round 3, then
// Belgium keeps taking France's ever smaller compromises (E ≈ 0.002)
// instead of Germany's, and the drop of the mean that Scholz reports in
// round 4 comes only in round 7. Any threshold in [0.0025, 0.02] restores
// the published run; the Scholz code's lowest-compromise rule (the default)
// needs none.
func TestMinEU(t *testing.T) {
	fit := func(minEU string) bdm.Settings {
		return parse(t, map[string]string{"reading": bdm.ReadingEmissionFit, "min_eu": minEU})
	}
	r := run(t, emission(t), fit("0"))
	want := []struct{ median, mean float64 }{
		{8.4159, 7.4613}, {9.6109, 7.5525}, {9.9620, 7.5901}, {9.9996, 7.6039}, {10, 7.6068},
		{10, 7.6071}, {10, 7.3888}, {10, 7.3958}, {8.1885, 7.4629}, {9.3056, 7.5448},
	}
	for i, rd := range r.Rounds {
		if math.Abs(rd.Median["issue"]-want[i].median) > 0.001 || math.Abs(rd.Mean["issue"]-want[i].mean) > 0.001 {
			t.Errorf("emission-fit, min_eu=0, round %d: median %.4f mean %.4f, want %.4f %.4f", i+1, rd.Median["issue"], rd.Mean["issue"], want[i].median, want[i].mean)
		}
	}
	for _, e := range []string{"0.0025", "0.005", "0.01", "0.02"} {
		r := run(t, emission(t), fit(e))
		if got := r.Rounds[5].Median["issue"]; math.Abs(got-7.472) > 0.002 {
			t.Errorf("emission-fit, min_eu=%s: round-6 median %.4f, want 7.472", e, got)
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
	if got := bdm.TraceOf(r.Rounds[0]).Risk["Netherlands"]; math.Abs(got-1.117) > 0.001 {
		t.Errorf("pair: r_NL = %.4f, want 1.117", got)
	}
	if got := bdm.TraceOf(r.Rounds[0]).Risk["UK"]; math.Abs(got-2) > 1e-9 {
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
	r = run(t, s, bdm.Settings{})
	for _, rd := range r.Rounds {
		for _, o := range bdm.TraceOf(rd).Offers {
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
