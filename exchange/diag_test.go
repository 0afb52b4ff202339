package exchange

import (
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

var decideDiag = flag.Bool("decidediag", false, "print where each of Decide's rounds, run alone, parts from the model (TestDecideDiagnostic)")

// TestDecideDiagnostic is a tool, not a check: with -decidediag (go test
// ./exchange -run TestDecideDiagnostic -decidediag -v) it runs every round
// of Decide's two reference runs alone, from Decide's own positions at its
// start, executes Decide's exchanges one by one, and at the first step where
// the model would execute another exchange (or values differ) prints the
// model's best pending exchanges with their gains, when Decide executes each
// of them in that round, and Decide's next exchanges. It is how the rule of
// docs/models/exchange.md was worked out and what a next attempt starts from.
func TestDecideDiagnostic(t *testing.T) {
	if !*decideDiag {
		t.Skip("a diagnostic; run with -decidediag -v")
	}
	for _, name := range []string{"sample_data", "cop21"} {
		s, ref := LoadDecide(t, name)
		for k, want := range ref.Rounds {
			st, err := newState(ref.StartOfRound(s, k).Table(), true)
			if err != nil {
				t.Fatal(err)
			}
			r := newPlainRound(st, true)
			if msg := r.firstDivergence(want); msg != "" {
				t.Logf("%s round %d:\n%s", name, k+1, msg)
			} else {
				t.Logf("%s round %d: all %d exchanges equal Decide's", name, k+1, len(want.Exchanges))
			}
		}
	}
}

// firstDivergence drives r with Decide's exchanges and describes the first
// step where the model parts from them, or returns "".
func (r *plainRound) firstDivergence(want DecideRound) string {
	st := r.st
	// find returns the index of the pending exchange with Decide's two
	// supply cells, or -1.
	find := func(w DecideExchange) int {
		for n, c := range r.cands {
			cells := [2]string{st.t.Actors[c.j].ID + "/" + st.t.Issues[c.p].ID, st.t.Actors[c.i].ID + "/" + st.t.Issues[c.q].ID}
			if slices.Contains(cells[:], w.I+"/"+w.ISupply) && slices.Contains(cells[:], w.J+"/"+w.JSupply) {
				return n
			}
		}
		return -1
	}
	when := map[int]int{} // candidate → step at which Decide executes it
	for k, w := range want.Exchanges {
		when[find(w)] = k
	}
	for k, w := range want.Exchanges {
		d, best := find(w), r.best()
		if d >= 0 && !r.dead[d] && d == best && math.Abs(r.cands[d].gain-w.Gain) <= 1e-9 {
			r.execute(d)
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "  step %d: Decide executes %s:%s / %s:%s gain %.9g", k, w.I, w.ISupply, w.J, w.JSupply, w.Gain)
		switch {
		case d < 0:
			b.WriteString(" (not enumerated)\n")
		case r.dead[d]:
			b.WriteString(" (dropped by the model)\n")
		default:
			fmt.Fprintf(&b, " (model's gain %.9g)\n", r.cands[d].gain)
		}
		var live []int
		for n := range r.cands {
			if !r.dead[n] {
				live = append(live, n)
			}
		}
		slices.SortFunc(live, func(a, b int) int {
			ca, cb := &r.cands[a], &r.cands[b]
			if ahead(ca.gain, ca.key(), cb.gain, cb.key()) {
				return -1
			}
			return 1
		})
		b.WriteString("  model's best pending exchanges (supplier:issue / partner:issue, gain, Decide executes it at):\n")
		for _, n := range live[:min(12, len(live))] {
			c := r.cands[n]
			at := "never in this round"
			if s, ok := when[n]; ok {
				at = fmt.Sprintf("step %d", s)
			}
			fmt.Fprintf(&b, "    %s:%s / %s:%s  %.9g  %s\n", st.t.Actors[c.j].ID, st.t.Issues[c.p].ID, st.t.Actors[c.i].ID, st.t.Issues[c.q].ID, c.gain, at)
		}
		b.WriteString("  Decide's next exchanges:\n")
		for _, n := range want.Exchanges[k:min(k+4, len(want.Exchanges))] {
			fmt.Fprintf(&b, "    %s:%s / %s:%s  %.9g\n", n.I, n.ISupply, n.J, n.JSupply, n.Gain)
		}
		return b.String()
	}
	return ""
}
