package exchange_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/exchange"
)

// matchPrefix returns how many of the first exchanges of a round equal
// Decide's, in order: the same two suppliers and supply issues, both moved
// to the same positions, the same gain, within tol.
func matchPrefix(got []exchange.Exchange, want exchange.DecideRound, tol float64) int {
	for k := range min(len(got), len(want.Exchanges)) {
		e, w := got[k], want.Exchanges[k]
		to := map[[2]string]float64{{e.Supplier, e.SupplyIssue}: e.SupplyTo, {e.Demander, e.DemandIssue}: e.DemandTo}
		a, okA := to[[2]string{w.I, w.ISupply}]
		b, okB := to[[2]string{w.J, w.JSupply}]
		if !okA || !okB || math.Abs(a-w.ITo) > tol || math.Abs(b-w.JTo) > tol || math.Abs(e.Gain-w.Gain) > tol {
			return k
		}
	}
	return min(len(got), len(want.Exchanges))
}

// outcomeGap is the largest difference between a round's outcomes and
// Decide's, in points of the issue's scale.
func outcomeGap(rd jirga.Round, want exchange.DecideRound) float64 {
	gap := 0.0
	for is, o := range want.Outcome {
		gap = max(gap, math.Abs(rd.Outcome[is]-o))
	}
	return gap
}

// agreement runs m for ten rounds on a Decide reference case and returns
// the round-1 prefix that equals Decide's and, per round, jirga's and
// Decide's exchange counts and the largest gap between their outcomes.
func agreement(t *testing.T, m exchange.Model, s *jirga.Scenario, ref exchange.DecideRef) (prefix int, counts [][2]int, gaps []float64, ties string) {
	t.Helper()
	r, err := m.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rounds) != len(ref.Rounds) {
		t.Fatalf("%d rounds, Decide %d", len(r.Rounds), len(ref.Rounds))
	}
	for k, rd := range r.Rounds {
		gaps = append(gaps, outcomeGap(rd, ref.Rounds[k]))
		counts = append(counts, [2]int{len(exchange.TraceOf(rd).Exchanges), len(ref.Rounds[k].Exchanges)})
	}
	for _, n := range r.Notes {
		if strings.Contains(n, "equal gain") {
			ties = n
		}
	}
	return matchPrefix(exchange.TraceOf(r.Rounds[0]).Exchanges, ref.Rounds[0], 1e-9), counts, gaps, ties
}

// roundByRound runs one round of m from the positions Decide's run had at
// the start of each of its ten rounds, so that a round's agreement does not
// depend on the rounds before it. It returns, per round, how many leading
// exchanges equal Decide's (matchPrefix, 1e-9), whether the whole round
// does (the same exchanges, no more, and outcomes within 1e-6), and the
// largest outcome gap over the rounds.
func roundByRound(t *testing.T, m exchange.Model, s *jirga.Scenario, ref exchange.DecideRef) (prefix []int, exact []bool, gap float64) {
	t.Helper()
	m.Rounds = 1
	for k, want := range ref.Rounds {
		r, err := m.Forecast(context.Background(), ref.StartOfRound(s, k))
		if err != nil {
			t.Fatal(err)
		}
		got := exchange.TraceOf(r.Rounds[0]).Exchanges
		n, g := matchPrefix(got, want, 1e-9), outcomeGap(r.Rounds[0], want)
		prefix = append(prefix, n)
		exact = append(exact, n == len(want.Exchanges) && len(got) == n && g <= 1e-6)
		gap = max(gap, g)
	}
	return prefix, exact, gap
}

// TestDecideRuns compares the model with Decide's own ten-round runs of its
// equal-gain model (foarsitter/decide-exchange-model@51dee66, random
// tie-breaking off; testdata/decide/README.md) on CoP21 (Stokman & Thomson
// 2015) and Decide's sample data, in two ways: ten rounds run on (the
// outcomes drift apart once a round differs), and each round run alone from
// Decide's own positions at its start. It pins the agreement reached so far
// and writes the table that docs/models/exchange.md quotes
// (testdata/decide/agreement.golden; go test -update rewrites it).
//
// Issue 15 asks for every round's outcomes within 1e-6: that is NOT met.
// Under the default rule the first 14 (sample) and 36 (CoP21) exchanges of
// round 1 equal Decide's to 1e-9; run alone, 4 of the sample's rounds and 3
// of CoP21's equal Decide's exactly. The rounds that differ do so where
// Decide leaves out an exchange (or breaks a tie of equal gains) by a rule
// its outputs do not pin down (see the doc).
func TestDecideRuns(t *testing.T) {
	var b strings.Builder
	var tieLines []string
	for _, c := range []struct {
		name          string
		prefix        int     // round-1 exchanges equal to Decide's, at least
		gap           float64 // largest outcome gap over ten rounds run on, at most
		roundPrefix   int     // leading exchanges equal to Decide's, summed over the ten rounds run alone, at least
		roundsExactly int     // rounds run alone that equal Decide's exactly, at least
		roundGap      float64 // largest outcome gap of a round run alone, at most
	}{{"sample_data", 14, 3.6, 252, 4, 0.9}, {"cop21", 36, 5.0, 791, 3, 1.1}} {
		s, ref := exchange.LoadDecide(t, c.name)
		total := 0
		for _, e := range ref.Rounds {
			total += len(e.Exchanges)
		}
		for _, m := range []exchange.Model{{}, {WithinRound: exchange.WithinStart}, {WithinRound: exchange.WithinStart, Scale: exchange.ScaleGiven}} {
			prefix, counts, gaps, ties := agreement(t, m, s, ref)
			rp, re, rgap := roundByRound(t, m, s, ref)
			sum, nExact := 0, 0
			for k := range rp {
				sum += rp[k]
				if re[k] {
					nExact++
				}
			}
			rule := "within_round=decide (default)"
			switch {
			case m.Scale != "":
				rule = "within_round=start scale=given (jirga before issue 15)"
			case m.WithinRound != "":
				rule = "within_round=start"
			}
			fmt.Fprintf(&b, "| %s | %s | %d of %d | %d of %d, %d, %.2f |", c.name, rule, prefix, len(ref.Rounds[0].Exchanges), sum, total, nExact, rgap)
			for k := range counts {
				fmt.Fprintf(&b, " %d/%d %.2f |", counts[k][0], counts[k][1], gaps[k])
			}
			b.WriteString("\n")
			if m.WithinRound != "" {
				continue
			}
			tieLines = append(tieLines, fmt.Sprintf("%s, %s: %s\n", c.name, rule, ties))
			if prefix < c.prefix {
				t.Errorf("%s: round 1 equals Decide's for %d exchanges, want at least %d", c.name, prefix, c.prefix)
			}
			for k, g := range gaps {
				if g > c.gap {
					t.Errorf("%s round %d: outcomes up to %.2f from Decide's, want ≤ %.1f", c.name, k+1, g, c.gap)
				}
			}
			if rgap > c.roundGap {
				t.Errorf("%s, each round alone: outcomes up to %.2f from Decide's, want ≤ %.1f", c.name, rgap, c.roundGap)
			}
			if sum < c.roundPrefix || nExact < c.roundsExactly {
				t.Errorf("%s, each round alone: %d leading exchanges equal Decide's and %d rounds exactly, want at least %d and %d (per round %v)",
					c.name, sum, nExact, c.roundPrefix, c.roundsExactly, rp)
			}
		}
	}
	b.WriteString("\n" + strings.Join(tieLines, ""))
	golden(t, filepath.Join("testdata", "decide", "agreement.golden"), b.String())
}
