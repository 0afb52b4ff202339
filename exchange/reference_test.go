package exchange_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/format"
)

// decideRef is a run of Decide's equal-gain model, trimmed (testdata/decide/README.md).
type decideRef struct {
	Rounds []struct {
		Round     int                `json:"round"`
		Count     int                `json:"exchanges_count"`
		Outcome   map[string]float64 `json:"outcome"`
		Exchanges []struct {
			I       string  `json:"i"`
			ISupply string  `json:"i_supply"`
			IFrom   float64 `json:"i_from"`
			ITo     float64 `json:"i_to"`
			J       string  `json:"j"`
			JSupply string  `json:"j_supply"`
			JFrom   float64 `json:"j_from"`
			JTo     float64 `json:"j_to"`
			Gain    float64 `json:"gain"`
		} `json:"exchanges"`
	} `json:"rounds"`
}

func loadDecide(tb testing.TB, name string) (*jirga.Scenario, decideRef) {
	tb.Helper()
	ss, err := format.ReadFile(filepath.Join("testdata", "decide", name+".input.tsv"), format.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "decide", name+".reference.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var ref decideRef
	if err := json.Unmarshal(b, &ref); err != nil {
		tb.Fatal(err)
	}
	return ss[0], ref
}

// matchPrefix returns how many of the first exchanges of round 1 equal
// Decide's, in order: the same two suppliers and supply issues, both moved
// to the same positions, the same gain, within tol.
func matchPrefix(r *jirga.Result, ref decideRef, tol float64) int {
	got, want := exchange.TraceOf(r.Rounds[0]).Exchanges, ref.Rounds[0].Exchanges
	for k := range min(len(got), len(want)) {
		e, w := got[k], want[k]
		to := map[[2]string]float64{{e.Supplier, e.SupplyIssue}: e.SupplyTo, {e.Demander, e.DemandIssue}: e.DemandTo}
		a, okA := to[[2]string{w.I, w.ISupply}]
		b, okB := to[[2]string{w.J, w.JSupply}]
		if !okA || !okB || math.Abs(a-w.ITo) > tol || math.Abs(b-w.JTo) > tol || math.Abs(e.Gain-w.Gain) > tol {
			return k
		}
	}
	return min(len(got), len(want))
}

// agreement runs m on a Decide reference case and returns the round-1
// prefix that equals Decide's and, per round, jirga's and Decide's
// exchange counts and the largest gap between their outcomes.
func agreement(t *testing.T, m exchange.Model, s *jirga.Scenario, ref decideRef) (prefix int, counts [][2]int, gaps []float64, ties string) {
	t.Helper()
	r, err := m.Forecast(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rounds) != len(ref.Rounds) {
		t.Fatalf("%d rounds, Decide %d", len(r.Rounds), len(ref.Rounds))
	}
	for k, rd := range r.Rounds {
		gap := 0.0
		for is, o := range ref.Rounds[k].Outcome {
			gap = max(gap, math.Abs(rd.Outcome[is]-o))
		}
		gaps = append(gaps, gap)
		counts = append(counts, [2]int{len(exchange.TraceOf(rd).Exchanges), ref.Rounds[k].Count})
	}
	for _, n := range r.Notes {
		if strings.Contains(n, "equal gain") {
			ties = n
		}
	}
	return matchPrefix(r, ref, 1e-9), counts, gaps, ties
}

// TestDecideRuns compares the model with Decide's own ten-round runs of its
// equal-gain model (foarsitter/decide-exchange-model@51dee66, random
// tie-breaking off; testdata/decide/README.md) on CoP21 (Stokman & Thomson
// 2015) and Decide's sample data. It pins how far jirga reproduces them,
// and writes the comparison table that docs/models/exchange.md quotes
// (testdata/decide/agreement.golden; go test -update rewrites it).
//
// Under the default within-round rule the first 14 (sample) and 36 (CoP21)
// exchanges of round 1 equal Decide's to 1e-9 — actors, issues, both moves
// and the gain — and every round's outcomes stay within 4 points of
// Decide's. That is not the reproduction issue 15 asks for (every outcome
// within 1e-6): after those exchanges Decide leaves out or postpones some
// exchanges by a rule its published runs do not pin down (see the doc).
func TestDecideRuns(t *testing.T) {
	var b strings.Builder
	var tieLines []string
	for _, c := range []struct {
		name   string
		prefix int
		gap    float64
	}{{"sample_data", 14, 4.0}, {"cop21", 36, 3.5}} {
		s, ref := loadDecide(t, c.name)
		for _, m := range []exchange.Model{{}, {WithinRound: exchange.WithinStart}, {WithinRound: exchange.WithinStart, Scale: exchange.ScaleGiven}} {
			prefix, counts, gaps, ties := agreement(t, m, s, ref)
			rule := "within_round=decide (default)"
			switch {
			case m.Scale != "":
				rule = "within_round=start scale=given (jirga before issue 15)"
			case m.WithinRound != "":
				rule = "within_round=start"
			}
			fmt.Fprintf(&b, "| %s | %s | %d of %d |", c.name, rule, prefix, ref.Rounds[0].Count)
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
		}
	}
	b.WriteString("\n" + strings.Join(tieLines, ""))
	golden(t, filepath.Join("testdata", "decide", "agreement.golden"), b.String())
}
