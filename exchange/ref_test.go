package exchange

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// refRound is the definition of a round, without the heap. Under the start
// rule (decide false, update recalculate): before every execution, every
// enumerated exchange not yet executed or dropped is computed again from the
// current voting positions, and the best feasible one (by gain, then key) is
// executed; an exchange found infeasible is dropped for the rest of the
// round. Under Decide's rule: the exchanges are enumerated once; the best
// live one is executed; then every live exchange in which an actor supplies
// an issue that has just moved is computed again from the current voting
// positions and outcomes, and dropped when infeasible; the others keep their
// values.
func refRound(st *state, decide bool) []Exchange {
	for i := range st.n {
		copy(st.y[i], st.x[i])
	}
	st.oy = append(st.oy[:0], st.o...)
	st.enumerate()
	cands := append([]cand(nil), st.cands...)
	dead := make([]bool, len(cands))
	var out []Exchange
	for {
		best := -1
		var be entry
		for k := range cands {
			if dead[k] {
				continue
			}
			if !decide && !st.compute(&cands[k]) {
				dead[k] = true
				continue
			}
			e := entry{gain: cands[k].gain, key: cands[k].key()}
			if best < 0 || before(&e, &be) {
				best, be = k, e
			}
		}
		if best < 0 {
			return out
		}
		c := cands[best]
		dead[best] = true
		j, i, p, q := int(c.j), int(c.i), int(c.p), int(c.q)
		out = append(out, Exchange{Supplier: st.t.Actors[j].ID, SupplyIssue: st.t.Issues[p].ID,
			SupplyFrom: st.given(p, st.y[j][p]), SupplyTo: st.given(p, c.yj), Demander: st.t.Actors[i].ID, DemandIssue: st.t.Issues[q].ID,
			DemandFrom: st.given(q, st.y[i][q]), DemandTo: st.given(q, c.yi), Gain: c.gain})
		st.y[j][p], st.y[i][q] = c.yj, c.yi
		if !decide {
			continue
		}
		st.oy[p], st.oy[q] = st.outcome(st.y, p), st.outcome(st.y, q)
		for k := range cands {
			d := &cands[k]
			if dead[k] {
				continue
			}
			moved := (int(d.j) == j && int(d.p) == p) || (int(d.j) == i && int(d.p) == q) ||
				(int(d.i) == j && int(d.q) == p) || (int(d.i) == i && int(d.q) == q)
			if moved && !st.computeDecide(d) {
				dead[k] = true
			}
		}
	}
}

// TestRoundMatchesDefinition checks the heap-based round against refRound,
// under both rules, on the Copenhagen, CoP21 and Decide sample files and
// on random scenarios.
func TestRoundMatchesDefinition(t *testing.T) {
	var ss []*jirga.Scenario
	cop, err := format.ReadFile("testdata/copenhagen_2009.tsv", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ss = append(ss, cop...)
	cop21, err := format.ReadFile("testdata/cop21_2015.tsv", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ss = append(ss, cop21...)
	sample, err := format.ReadFile("testdata/decide/sample_data.input.tsv", format.Options{}) // a 0.5–7 scale
	if err != nil {
		t.Fatal(err)
	}
	ss = append(ss, sample...)
	rng := rand.New(rand.NewPCG(5, 5))
	for range 5 {
		s := &jirga.Scenario{ID: "r"}
		for k := range 4 {
			s.Issues = append(s.Issues, &jirga.Issue{ID: string(rune('p' + k))})
		}
		for i := range 12 {
			a := &jirga.Actor{ID: string(rune('A' + i)), Capability: jirga.Val(0.1 + rng.Float64()), Stances: map[string]*jirga.Stance{}}
			for _, is := range s.Issues {
				a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(float64(rng.IntN(101))), Salience: jirga.Val(5 + 95*rng.Float64())}
			}
			s.Actors = append(s.Actors, a)
		}
		ss = append(ss, s)
	}
	for n, s := range ss {
		for _, decide := range []bool{false, true} {
			st, err := newState(s.Table(), true)
			if err != nil {
				t.Fatal(err)
			}
			want := refRound(st, decide)
			st2, _ := newState(s.Table(), true)
			st2.decide = decide
			got, _, err := st2.round(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("scenario %d: %d exchanges, definition gives %d", n, len(got), len(want))
			}
			for k := range min(len(got), len(want)) {
				g, w := got[k], want[k]
				if g.Supplier != w.Supplier || g.SupplyIssue != w.SupplyIssue || g.Demander != w.Demander || g.DemandIssue != w.DemandIssue ||
					g.SupplyFrom != w.SupplyFrom || g.SupplyTo != w.SupplyTo || g.DemandTo != w.DemandTo || g.Gain != w.Gain {
					t.Errorf("scenario %d (decide %v) exchange %d:\n got %+v\nwant %+v", n, decide, k, g, w)
					break
				}
			}
		}
	}
}
