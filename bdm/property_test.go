package bdm_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/bdm"
	"github.com/jirga/jirga/models"
)

// randomScenario draws n actors on m issues with scale [0, 100]; a few
// actors skip an issue.
func randomScenario(n, m int, seed uint64) *jirga.Scenario {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &jirga.Scenario{ID: "random"}
	for k := range m {
		s.Issues = append(s.Issues, &jirga.Issue{ID: fmt.Sprintf("i%d", k), Scale: &jirga.Scale{Min: 0, Max: 100}})
	}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("a%03d", i), Capability: pt(1 + 9*rng.Float64()), Stances: map[string]*jirga.Stance{}}
		for k := range m {
			if i > 2 && rng.IntN(10) == 0 {
				continue
			}
			a.Stances[s.Issues[k].ID] = &jirga.Stance{
				Position: pt(math.Round(100 * rng.Float64())),
				Salience: pt(math.Round(100 * rng.Float64())),
			}
		}
		s.Actors = append(s.Actors, a)
	}
	return s
}

// settingsGrid is every combination of the documented readings.
func settingsGrid() []bdm.Settings {
	var out []bdm.Settings
	for _, p := range []string{bdm.ProbAll, bdm.ProbPair} {
		for _, v := range []string{bdm.VotesRisk, bdm.VotesLinear} {
			for _, e := range []string{bdm.EstimateReceiver, bdm.EstimateProposer, bdm.EstimateTarget} {
				for _, acc := range []string{bdm.AcceptPriority, bdm.AcceptNearest} {
					for _, nc := range []bool{false, true} {
						out = append(out, bdm.Settings{Probability: p, Votes: v, Estimate: e, Accept: acc, Capitulation: !nc})
					}
				}
			}
		}
	}
	q := 0.6
	out = append(out, bdm.Settings{Q: &q}, bdm.Settings{Q: &q, QSign: bdm.QSignDmasad})
	return out
}

func samePositions(t *testing.T, what string, a, b *jirga.Result, tol float64) {
	t.Helper()
	if len(a.Rounds) != len(b.Rounds) {
		t.Fatalf("%s: %d vs %d rounds", what, len(a.Rounds), len(b.Rounds))
	}
	for r := range a.Rounds {
		for act, ps := range a.Rounds[r].Positions {
			for is, x := range ps {
				if y := b.Rounds[r].Positions[act][is]; math.Abs(x-y) > tol {
					t.Fatalf("%s: round %d, %s on %s: %v vs %v", what, r+1, act, is, x, y)
				}
			}
		}
	}
	for i := range a.Issues {
		if math.Abs(a.Issues[i].Forecast-b.Issues[i].Forecast) > tol {
			t.Fatalf("%s: forecast %v vs %v", what, a.Issues[i].Forecast, b.Issues[i].Forecast)
		}
	}
}

func TestActorOrderDoesNotMatter(t *testing.T) {
	for _, s := range []*jirga.Scenario{emission(t), randomScenario(12, 2, 7)} {
		rev := s.Clone()
		slices.Reverse(rev.Actors)
		rot := s.Clone()
		rot.Actors = append(rot.Actors[3:], rot.Actors[:3]...)
		for _, st := range settingsGrid() {
			a := run(t, s, st)
			samePositions(t, "reversed "+st.String(), a, run(t, rev, st), 1e-9)
			samePositions(t, "rotated "+st.String(), a, run(t, rot, st), 1e-9)
		}
	}
}

func TestUnanimousDoesNotMove(t *testing.T) {
	s := emission(t)
	for _, a := range s.Actors {
		a.Stances["issue"].Position = pt(8)
	}
	for _, st := range settingsGrid() {
		r := run(t, s, st)
		for _, rd := range r.Rounds {
			if len(bdm.TraceOf(rd).Offers) > 0 {
				t.Fatalf("%s: round %d has offers %+v", st, rd.Round, bdm.TraceOf(rd).Offers)
			}
			for a, ps := range rd.Positions {
				if ps["issue"] != 8 {
					t.Fatalf("%s: round %d: %s moved to %v", st, rd.Round, a, ps["issue"])
				}
			}
			if rd.Median["issue"] != 8 || bdm.TraceOf(rd).Risk["France"] != 1 {
				t.Fatalf("%s: round %d: median %v, r_France %v; want 8, 1", st, rd.Round, rd.Median["issue"], bdm.TraceOf(rd).Risk["France"])
			}
		}
	}
	// With a tolerance the run stops after the first round.
	r := run(t, s, bdm.Settings{Tolerance: 1e-9})
	if r.Status != jirga.StatusConverged || len(r.Rounds) != 1 {
		t.Errorf("tolerance: status %s after %d rounds; want converged after 1", r.Status, len(r.Rounds))
	}
}

func TestPositionsStayOnScale(t *testing.T) {
	for seed := range uint64(5) {
		s := randomScenario(15, 3, seed)
		for _, st := range settingsGrid() {
			st.Rounds = 12
			r := run(t, s, st)
			for _, rd := range r.Rounds {
				for a, ps := range rd.Positions {
					for is, x := range ps {
						if !(x >= 0 && x <= 100) {
							t.Fatalf("seed %d, %s: round %d: %s on %s at %v, outside [0, 100]", seed, st, rd.Round, a, is, x)
						}
					}
				}
			}
		}
	}
}

func TestCapabilityScaleDoesNotMatter(t *testing.T) {
	for _, s := range []*jirga.Scenario{emission(t), randomScenario(12, 2, 3)} {
		big := s.Clone()
		for _, a := range big.Actors {
			a.Capability = pt(a.Capability.Value * 37.5)
		}
		for _, st := range settingsGrid() {
			samePositions(t, "×37.5 "+st.String(), run(t, s, st), run(t, big, st), 1e-9)
		}
	}
}

func TestRegistry(t *testing.T) {
	info, ok := models.Lookup("bdm")
	if !ok || !info.Dynamic || info.Explain == nil {
		t.Fatalf("bdm registry entry: %+v", info)
	}
	m, err := models.New("bdm", models.Options{Rounds: 3, Params: map[string]string{"median": "sequential", "capitulation": "false", "q": "0.5"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Forecast(context.Background(), emission(t))
	if err != nil || len(r.Rounds) != 3 {
		t.Fatalf("3 rounds: %v, %v", err, r)
	}
	for _, bad := range []map[string]string{{"nope": "1"}, {"median": "mean"}, {"q": "2"}, {"capitulation": "maybe"}, {"tolerance": "-1"}} {
		if _, err := models.New("bdm", models.Options{Params: bad}); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("params %v: err %v, want EINVALID", bad, err)
		}
	}
}

func pt(v float64) *jirga.Estimate { return &jirga.Estimate{Value: v} }

// TestMultiIssue checks that issues are solved separately (an issue's run
// does not depend on the other issues) and that early stopping keeps every
// round complete.
func TestMultiIssue(t *testing.T) {
	s := randomScenario(12, 3, 11)
	both := run(t, s, bdm.Settings{})
	for _, is := range s.Issues {
		one := s.Clone()
		one.Issues = []*jirga.Issue{one.Issue(is.ID)}
		for _, a := range one.Actors {
			for id := range a.Stances {
				if id != is.ID {
					delete(a.Stances, id)
				}
			}
		}
		alone := run(t, one, bdm.Settings{})
		for r := range alone.Rounds {
			if got, want := both.Rounds[r].Median[is.ID], alone.Rounds[r].Median[is.ID]; got != want {
				t.Errorf("issue %s round %d: median %v with the other issues, %v alone", is.ID, r+1, got, want)
			}
		}
	}
	// Issue i0 is unanimous, so it stops after round 1 while the others run.
	for _, a := range s.Actors {
		if st := a.Stances["i0"]; st != nil {
			st.Position = pt(50)
		}
	}
	tol := run(t, s, bdm.Settings{Tolerance: 1e-3, Rounds: 5})
	if len(tol.Rounds) != 5 || tol.Status != jirga.StatusUnsettled {
		t.Fatalf("%d rounds, %s; want 5, unsettled (issue i0 stopped, the others still move)", len(tol.Rounds), tol.Status)
	}
	if f := tol.Issues[0]; f.Issue != "i0" || f.SettleRange != nil || f.Forecast != 50 {
		t.Errorf("i0, which stopped: %+v, want forecast 50 and no settle range", f)
	}
	for _, rd := range tol.Rounds {
		for _, is := range s.Issues {
			if _, ok := rd.Median[is.ID]; !ok {
				t.Fatalf("round %d lacks issue %s", rd.Round, is.ID)
			}
		}
		if len(rd.Positions) != len(s.Actors) || rd.Median["i0"] != 50 {
			t.Fatalf("round %d: %d actors with positions (want %d), i0 median %v (want 50)", rd.Round, len(rd.Positions), len(s.Actors), rd.Median["i0"])
		}
		for a, ps := range rd.Positions {
			if _, has := s.Actor(a).Stances["i0"]; has && ps["i0"] != 50 {
				t.Fatalf("round %d: %s on i0 at %v, want 50", rd.Round, a, ps["i0"])
			}
		}
	}
}

// TestSmallIssues runs issues with one and two actors, and an issue whose
// saliences are all 0, under every reading.
func TestSmallIssues(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		s := randomScenario(n, 1, uint64(n))
		for _, st := range settingsGrid() {
			r := run(t, s, st)
			if f := r.Issues[0].Forecast; !(f >= 0 && f <= 100) {
				t.Fatalf("%d actors, %s: forecast %v", n, st, f)
			}
		}
	}
	s := randomScenario(5, 1, 9)
	for _, a := range s.Actors {
		a.Stances["i0"].Salience = pt(0)
	}
	r := run(t, s, bdm.Settings{})
	if len(r.Notes) < 2 {
		t.Errorf("zero saliences: notes %q, want the fallback note", r.Notes)
	}
}
