package smp_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/smp"
)

func load(t testing.TB, path string) *jirga.Scenario {
	t.Helper()
	ss, err := format.ReadFile(path, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ss[0]
}

func run(t testing.TB, s *jirga.Scenario, set smp.Settings) *jirga.Result {
	t.Helper()
	r, err := smp.Model{Settings: set}.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// refPositions reads KTAB's VectorPosition export: [turn][actor][dim].
func refPositions(t *testing.T, path string) [][][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out [][][]float64
	for _, r := range recs[1:] {
		turn, _ := strconv.Atoi(r[0])
		act, _ := strconv.Atoi(r[1])
		dim, _ := strconv.Atoi(r[2])
		x, _ := strconv.ParseFloat(r[3], 64)
		for len(out) <= turn {
			out = append(out, nil)
		}
		for len(out[turn]) <= act {
			out[turn] = append(out[turn], nil)
		}
		for len(out[turn][act]) <= dim {
			out[turn][act] = append(out[turn][act], 0)
		}
		out[turn][act][dim] = x
	}
	return out
}

// TestDummyData3DimTurn0 checks the turn-0 numbers of KTAB's regression
// case against models.md §1.7 (reproduced from KTAB's reference log
// 20170530_ref-dummyData_3Dim.txt) and testdata/ktab/dummyData_3Dim/summary.txt.
func TestDummyData3DimTurn0(t *testing.T) {
	s := load(t, "testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv")
	r := run(t, s, smp.Settings{})
	ids := []string{"SActor-00", "SActor-01", "SActor-02", "SActor-03", "SActor-04", "SActor-05", "SActor-06"}
	risk := []float64{-.500, -.459, -.499, -.274, 1.000, -.232, -.430}
	prob := []float64{.0047, .0302, .0054, .1492, .6001, .1447, .0656}
	r0 := r.Rounds[0]
	for i, id := range ids {
		if got := smp.TraceOf(r0).Risk[id]; math.Abs(got-risk[i]) > 5e-4 {
			t.Errorf("R[%s] = %.4f, want %.3f", id, got, risk[i])
		}
		if got := smp.TraceOf(r0).Probabilities[id]; math.Abs(got-prob[i]) > 5e-5 {
			t.Errorf("prob[%s] = %.5f, want %.4f", id, got, prob[i])
		}
	}
	// Best challenges in turn 0 (initiator → target, gain; P for 0→6).
	want := []struct {
		from, to int
		gain     float64
	}{{0, 6, .0947}, {1, 0, .281}, {2, 6, .4711}, {3, 0, .2839}, {4, 0, .0116}, {5, 1, .2986}, {6, 1, .0286}}
	r1 := r.Rounds[1]
	if len(smp.TraceOf(r1).Challenges) != len(want) {
		t.Fatalf("%d challenges, want %d", len(smp.TraceOf(r1).Challenges), len(want))
	}
	for k, w := range want {
		c := smp.TraceOf(r1).Challenges[k]
		if c.Initiator != ids[w.from] || c.Target != ids[w.to] || math.Abs(c.Gain-w.gain) > 5e-4 {
			t.Errorf("challenge %d: %s→%s gain %.4f, want %s→%s %.4f", k, c.Initiator, c.Target, c.Gain, ids[w.from], ids[w.to], w.gain)
		}
	}
	if p := smp.TraceOf(r1).Challenges[0].Probability; math.Abs(p-.7643) > 5e-5 {
		t.Errorf("P[0≻6] = %.5f, want .7643", p)
	}
	// Positions after turn 1 (models.md §1.7, one decimal).
	pos1 := map[string][3]float64{"SActor-00": {79.5, 44.7, 72.0}, "SActor-01": {78.9, 56.3, 72.5},
		"SActor-02": {82.45, 90.89, 0.07}, "SActor-03": {65.8, 50.8, 63.0}, "SActor-04": {79.5, 44.7, 72.0},
		"SActor-05": {84.4, 34.1, 86.3}, "SActor-06": {75.6, 24.8, 72.0}}
	for id, w := range pos1 {
		for k, is := range s.Issues {
			if got := r1.Positions[id][is.ID]; math.Abs(got-w[k]) > 0.051 {
				t.Errorf("turn 1 %s %s = %.3f, want %.1f", id, is.ID, got, w[k])
			}
		}
	}
	// The run ends after 11 states with these final probabilities: KTAB's
	// rule stops it (the positions moved 0.45% of the first turn's move),
	// but the probability-weighted outcome still moved by up to 1.6 points
	// over the last turns, so the run is unsettled (jirga.JudgeSettle).
	if len(r.Rounds) != 11 || r.Status != jirga.StatusUnsettled {
		t.Fatalf("%d states, status %s; want 11, unsettled", len(r.Rounds), r.Status)
	}
	final := []float64{.3340, .3340, .0183, .0957, .1512, .4009, .1512}
	last := r.Rounds[10]
	for i, id := range ids {
		if got := smp.TraceOf(last).Probabilities[id]; math.Abs(got-final[i]) > 5e-5 {
			t.Errorf("final prob[%s] = %.5f, want %.4f", id, got, final[i])
		}
	}
}

// TestReferenceRuns compares every turn's positions with KTAB's own runs in
// testdata/ktab (full-precision VectorPosition exports): same number of
// turns, and every position within 1e-6 on the 0–100 scale (the issue asks
// for 0.1).
func TestReferenceRuns(t *testing.T) {
	for _, c := range []struct {
		name  string
		turns int
		final map[string]float64 // "prob :" of the final state, from summary.txt
	}{
		{"dummyData_3Dim", 10, map[string]float64{"SActor-05": .4009, "SActor-02": .0183}},
		{"SOE-Policy", 19, map[string]float64{"ZG": .3303, "USA": .3303, "XJ": .2439, "MOF": .2341, "COG": 0, "MLR": .0796}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "ktab", c.name)
			s := load(t, filepath.Join(dir, c.name+".csv"))
			r := run(t, s, smp.Settings{})
			ref := refPositions(t, filepath.Join(dir, "vectorpos_fullprec.csv"))
			if got := len(r.Rounds) - 1; got != c.turns || len(ref)-1 != c.turns {
				t.Fatalf("%d turns, want %d (reference has %d)", got, c.turns, len(ref)-1)
			}
			worst := 0.0
			for turn, rd := range r.Rounds {
				for i, a := range s.Actors {
					for k, is := range s.Issues {
						d := math.Abs(rd.Positions[a.ID][is.ID] - ref[turn][i][k])
						worst = math.Max(worst, d)
						if d > 1e-6 {
							t.Errorf("turn %d %s %s = %.6f, KTAB %.6f", turn, a.ID, is.ID, rd.Positions[a.ID][is.ID], ref[turn][i][k])
						}
					}
				}
			}
			t.Logf("largest difference from KTAB over all turns: %.2g", worst)
			last := r.Rounds[len(r.Rounds)-1]
			for id, p := range c.final {
				if got := smp.TraceOf(last).Probabilities[id]; math.Abs(got-p) > 5e-5 {
					t.Errorf("final prob[%s] = %.5f, want %.4f", id, got, p)
				}
			}
		})
	}
}

// TestSOEPolicyPlausible is the plausibility check of validation.md §4: the
// forecast for China's upstream SOE policy reform lies in 15–45.
func TestSOEPolicyPlausible(t *testing.T) {
	s := load(t, "testdata/ktab/SOE-Policy/SOE-Policy.csv")
	r := run(t, s, smp.Settings{})
	f := r.Issues[0].Forecast
	if f < 15 || f > 45 {
		t.Errorf("forecast %.2f outside 15–45", f)
	}
}

// TestDeterministic runs with several worker counts and GOMAXPROCS values
// and requires identical results.
func TestDeterministic(t *testing.T) {
	s := load(t, "testdata/ktab/SOE-Policy/SOE-Policy.csv")
	base := run(t, s, smp.Settings{Workers: 1, Transitions: "Stochastic", Seed: 7})
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for _, w := range []int{0, 3} {
			r := run(t, s, smp.Settings{Workers: w, Transitions: "Stochastic", Seed: 7})
			if !sameResult(base, r) {
				t.Errorf("GOMAXPROCS=%d workers=%d: result differs", procs, w)
			}
		}
	}
	other := run(t, s, smp.Settings{Transitions: "Stochastic", Seed: 8})
	if sameResult(base, other) {
		t.Log("seeds 7 and 8 gave the same stochastic run")
	}
}

func sameResult(a, b *jirga.Result) bool {
	if len(a.Rounds) != len(b.Rounds) {
		return false
	}
	for i := range a.Rounds {
		for id, p := range a.Rounds[i].Positions {
			for k, x := range p {
				if b.Rounds[i].Positions[id][k] != x {
					return false
				}
			}
		}
		for id, p := range smp.TraceOf(a.Rounds[i]).Probabilities {
			if smp.TraceOf(b.Rounds[i]).Probabilities[id] != p {
				return false
			}
		}
	}
	return true
}

// TestProbLines compares every "prob :" value of every turn with KTAB's
// history in summary.txt (4 decimals), on both reference runs. SOE-Policy's
// late turns pin the grouping of near-equal positions (see outcomeProbs).
func TestProbLines(t *testing.T) {
	for _, c := range []struct {
		name    string
		maxTurn int
	}{{"dummyData_3Dim", 10}, {"SOE-Policy", 19}} {
		dir := filepath.Join("testdata", "ktab", c.name)
		s := load(t, filepath.Join(dir, c.name+".csv"))
		r := run(t, s, smp.Settings{})
		data, err := os.ReadFile(filepath.Join(dir, "summary.txt"))
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for _, line := range strings.Split(string(data), "\n") {
			_, rest, ok := strings.Cut(line, ", prob : ")
			if !ok {
				continue
			}
			id := s.Actors[i].ID
			for turn, f := range strings.Fields(rest) {
				want, _ := strconv.ParseFloat(f, 64)
				if turn > c.maxTurn {
					break
				}
				if got := smp.TraceOf(r.Rounds[turn]).Probabilities[id]; math.Abs(got-want) > 5e-5 {
					t.Errorf("%s turn %d prob[%s] = %.5f, KTAB %.4f", c.name, turn, id, got, want)
				}
			}
			i++
		}
		if i != len(s.Actors) {
			t.Fatalf("%s: %d prob lines for %d actors", c.name, i, len(s.Actors))
		}
	}
}
