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
// an issue that has just moved learns the executed exchange's other cell and
// is computed again from the current voting positions and its own view of
// the outcomes, and dropped when infeasible; the others keep their values.
func refRound(st *state, decide bool) []Exchange {
	r := newPlainRound(st, decide)
	var out []Exchange
	for {
		best := r.best()
		if best < 0 {
			return out
		}
		out = append(out, r.execute(best))
	}
}

// plainRound is a round stepped by hand: the definition refRound runs, and
// that the Decide diagnostic drives with Decide's own choices.
type plainRound struct {
	st     *state
	decide bool
	cands  []cand
	dead   []bool
	known  [][]knownCell
}

func newPlainRound(st *state, decide bool) *plainRound {
	for i := range st.n {
		copy(st.y[i], st.x[i])
	}
	st.decide = decide
	st.enumerate()
	return &plainRound{st: st, decide: decide, cands: append([]cand(nil), st.cands...),
		dead: make([]bool, len(st.cands)), known: make([][]knownCell, len(st.cands))}
}

// best returns the index of the exchange to execute next, or -1; under the
// start rule it first computes every live exchange again.
func (r *plainRound) best() int {
	best := -1
	var be entry
	for k := range r.cands {
		if r.dead[k] {
			continue
		}
		if !r.decide && !r.st.compute(&r.cands[k]) {
			r.dead[k] = true
			continue
		}
		e := entry{gain: r.cands[k].gain, key: r.cands[k].key()}
		if best < 0 || before(&e, &be) {
			best, be = k, e
		}
	}
	return best
}

// execute executes exchange k and updates the others.
func (r *plainRound) execute(k int) Exchange {
	st, c := r.st, r.cands[k]
	r.dead[k] = true
	j, i, p, q := int(c.j), int(c.i), int(c.p), int(c.q)
	ex := Exchange{Supplier: st.t.Actors[j].ID, SupplyIssue: st.t.Issues[p].ID,
		SupplyFrom: st.given(p, st.y[j][p]), SupplyTo: st.given(p, c.yj), Demander: st.t.Actors[i].ID, DemandIssue: st.t.Issues[q].ID,
		DemandFrom: st.given(q, st.y[i][q]), DemandTo: st.given(q, c.yi), Gain: c.gain}
	st.y[j][p], st.y[i][q] = c.yj, c.yi
	if !r.decide {
		return ex
	}
	for n := range r.cands {
		d := &r.cands[n]
		if r.dead[n] {
			continue
		}
		movedJ := (int(d.j) == j && int(d.p) == p) || (int(d.i) == j && int(d.q) == p)
		movedI := (int(d.j) == i && int(d.p) == q) || (int(d.i) == i && int(d.q) == q)
		if !movedJ && !movedI {
			continue
		}
		other := knownCell{int32(j), int32(p), st.y[j][p]}
		if movedJ {
			other = knownCell{int32(i), int32(q), st.y[i][q]}
		}
		r.known[n] = record(r.known[n], d.p, d.q, other)
		if !st.computeDecide(d, r.known[n]) {
			r.dead[n] = true
		}
	}
	return ex
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
