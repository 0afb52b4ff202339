package exchange

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/jirga/jirga"
)

// maxListed is the number of exchanges Explain lists per round.
const maxListed = 10

// Explain writes a readable account of an exchange-model result: per round
// the number of exchanges, the largest ones (who gives way on what, to whom,
// in return for what, and the gain), and the issue outcomes; then the
// forecast with the nearest anchor labels.
func Explain(w io.Writer, s *jirga.Scenario, r *jirga.Result) error {
	if r == nil {
		return jirga.Errorf(jirga.EINVALID, "exchange: no result to explain")
	}
	// bufio.Writer keeps the first write error and reports it at Flush.
	ew := bufio.NewWriter(w)
	fmt.Fprintf(ew, "Exchange model (Stokman & Van Oosten 1994): %d round(s), status %s.\n", len(r.Rounds), r.Status)
	fmt.Fprintf(ew, "In each round actors on opposite sides of the outcome on two issues trade: each gives way on the\n")
	fmt.Fprintf(ew, "issue it cares less about for a move of the other on the issue it cares more about.\n")
	prev := map[string]float64{}
	for k, v := range initialOutcomes(s) {
		prev[k] = v
	}
	for _, rd := range r.Rounds {
		tr := TraceOf(rd)
		fmt.Fprintf(ew, "\nRound %d: %d exchange(s).\n", rd.Round, len(tr.Exchanges))
		for n, e := range tr.Exchanges {
			if n == maxListed {
				fmt.Fprintf(ew, "  … and %d more\n", len(tr.Exchanges)-maxListed)
				break
			}
			gain := fmt.Sprintf("gain %.4g each", e.Gain)
			if math.Abs(e.SupplierGain-e.DemanderGain) > 1e-9*max(1, e.Gain) {
				gain = fmt.Sprintf("gains %.4g and %.4g", e.SupplierGain, e.DemanderGain)
			}
			fmt.Fprintf(ew, "  %s gives way on %s (%s → %s) for %s's move on %s (%s → %s); %s\n",
				name(s, e.Supplier), e.SupplyIssue, g(e.SupplyFrom), g(e.SupplyTo),
				name(s, e.Demander), e.DemandIssue, g(e.DemandFrom), g(e.DemandTo), gain)
		}
		tw := tabwriter.NewWriter(ew, 2, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  issue\tstart\tafter exchanges\tafter update\n")
		for _, is := range s.Issues {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", is.ID, g(prev[is.ID]), g(tr.VotingOutcome[is.ID]), g(rd.Outcome[is.ID]))
			prev[is.ID] = rd.Outcome[is.ID]
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintf(ew, "\nForecast:\n")
	for _, f := range r.Issues {
		label := ""
		if f.Anchor != "" {
			label = " (" + f.Anchor + ")"
		}
		if f.SettleRange != nil && f.LastRound != nil {
			label += fmt.Sprintf(", the middle of %s–%s over the last rounds (round %d: %s)", g(f.SettleRange[0]), g(f.SettleRange[1]), len(r.Rounds), g(*f.LastRound))
		}
		fmt.Fprintf(ew, "  %s: %s%s\n", f.Issue, g(f.Forecast), label)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(ew, "Note: %s\n", n)
	}
	fmt.Fprintf(ew, "\n%s\n", Settled(s, r))
	return ew.Flush()
}

// initialOutcomes returns O of the scenario's own positions.
func initialOutcomes(s *jirga.Scenario) map[string]float64 {
	out := map[string]float64{}
	st, err := newState(s.Table(), false)
	if err != nil {
		return out
	}
	for k, is := range s.Issues {
		out[is.ID] = st.o[k]
	}
	return out
}

func name(s *jirga.Scenario, id string) string {
	if a := s.Actor(id); a != nil && a.Name != "" && a.Name != id {
		return a.Name
	}
	return id
}

func g(x float64) string { return fmt.Sprintf("%.2f", x) }

// Settled is the paragraph that ends an explanation: whether the run
// settled on every issue and, where it did not, how its outcome (the
// outcome of each round) moved over the last rounds (jirga.SettleText).
func Settled(s *jirga.Scenario, r *jirga.Result) string {
	return jirga.SettleText(s, r, "round", func(rd jirga.Round, issue string) float64 { return rd.Outcome[issue] })
}
