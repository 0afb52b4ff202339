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
	if err := st.enumerate(); err != nil {
		panic(err)
	}
	cands := st.candidates()
	return &plainRound{st: st, decide: decide, cands: cands,
		dead: make([]bool, len(cands)), known: make([][]knownCell, len(cands))}
}

// best returns the index of the exchange to execute next, or -1; under the
// start rule it first computes every live exchange again.
func (r *plainRound) best() int {
	best := -1
	for k := range r.cands {
		if r.dead[k] {
			continue
		}
		if !r.decide && !r.st.compute(&r.cands[k], r.st.y) {
			r.dead[k] = true
			continue
		}
		if c, b := &r.cands[k], &r.cands[max(best, 0)]; best < 0 || ahead(c.gain, c.key(), b.gain, b.key()) {
			best = k
		}
	}
	return best
}

// execute executes exchange k and updates the others.
func (r *plainRound) execute(k int) Exchange {
	st, c := r.st, r.cands[k]
	r.dead[k] = true
	j, i, p, q := c.j, c.i, c.p, c.q
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
		movedJ := (d.j == j && d.p == p) || (d.i == j && d.q == p)
		movedI := (d.j == i && d.p == q) || (d.i == i && d.q == q)
		if !movedJ && !movedI {
			continue
		}
		other := knownCell{int32(j), int32(p), st.y[j][p]}
		if movedJ {
			other = knownCell{int32(i), int32(q), st.y[i][q]}
		}
		r.known[n] = record(r.known[n], int32(d.p), int32(d.q), other)
		if !st.computeDecide(d, st.outcomeWith(d.p, d.j, r.known[n]), st.outcomeWith(d.q, d.i, r.known[n])) {
			r.dead[n] = true
		}
	}
	return ex
}

// record returns known with cell c added, or updated if it is there; cells
// off the issues p and q of the exchange that learns them are left out:
// the definition that state.learn keeps in its shared lists.
func record(known []knownCell, p, q int32, c knownCell) []knownCell {
	if c.k != p && c.k != q {
		return known
	}
	for n := range known {
		if known[n].a == c.a && known[n].k == c.k {
			known[n].v = c.v
			return known
		}
	}
	return append(known, c)
}

// outcomeWith is an exchange's view of the outcome of issue k, supplied by
// its actor s, from the cells it was told about (known): the definition of
// state.view, O_k + Σ c·s·(v − x)/Σ c·s over s's own cell and known's on k.
func (st *state) outcomeWith(k, s int, known []knownCell) float64 {
	o := st.o[k] + st.w[s][k]*(st.y[s][k]-st.x[s][k])/st.wsum[k]
	for _, c := range known {
		if int(c.k) == k {
			a := int(c.a)
			o += st.w[a][k] * (c.v - st.x[a][k]) / st.wsum[k]
		}
	}
	return o
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
			st2.decide, st2.keep = decide, true
			got, _, _, err := st2.round(context.Background())
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
