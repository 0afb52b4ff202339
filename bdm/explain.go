package bdm

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
)

// Explain writes a readable round-by-round account of a bdm result r for
// scenario s: per issue and round, the median voter and weighted mean, the
// risk exponents, and for each actor whether it held its position or gave
// way, to whom, by which kind of offer, and the expected utilities behind
// it. Round 0 is the scenario as given.
func Explain(w io.Writer, s *jirga.Scenario, r *jirga.Result) error {
	if r == nil || len(r.Rounds) == 0 {
		return jirga.Errorf(jirga.EINVALID, "bdm explain: the result has no rounds")
	}
	// bufio.Writer keeps the first write error and reports it at Flush.
	ew := bufio.NewWriter(w)
	name := map[string]string{}
	for _, a := range s.Actors {
		name[a.ID] = a.ID
		if a.Name != "" && a.Name != a.ID {
			name[a.ID] = a.Name
		}
	}
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprintf(ew, "%s — Bueno de Mesquita expected-utility model (%s, %d rounds)\n", title, r.Status, len(r.Rounds))
	for _, n := range r.Notes {
		fmt.Fprintf(ew, "note: %s\n", n)
	}
	t := s.Table()
	for k, is := range t.Issues {
		if _, ok := r.Rounds[0].Median[is.ID]; !ok {
			continue
		}
		idx, c, x, sal := t.Column(k)
		lo, hi := is.Bounds()
		wts := make([]float64, len(c))
		for i := range c {
			wts[i] = c[i] * sal[i]
		}
		fmt.Fprintf(ew, "\nIssue %s (scale %g–%g)\n", is.ID, lo, hi)
		prev := map[string]float64{}
		fmt.Fprintf(ew, "  round 0: median voter %.3f, weighted mean %.3f\n", MedianVoter(x, wts, hi-lo, false), baseline.WeightedMean(x, wts))
		for j, i := range idx {
			prev[t.Actors[i].ID] = x[j]
		}
		for _, rd := range r.Rounds {
			fmt.Fprintf(ew, "\n  round %d: median voter %.3f, weighted mean %.3f\n", rd.Round, rd.Median[is.ID], rd.Mean[is.ID])
			tr := TraceOf(rd)
			if len(tr.RiskByIssue) > 0 {
				var parts []string
				for _, i := range idx {
					id := t.Actors[i].ID
					parts = append(parts, fmt.Sprintf("%s %.2f", id, tr.RiskByIssue[id][is.ID]))
				}
				fmt.Fprintf(ew, "    risk exponents r_i: %s\n", strings.Join(parts, ", "))
			}
			got := map[string][]Offer{}
			for _, o := range tr.Offers {
				if o.Issue == is.ID {
					got[o.To] = append(got[o.To], o)
				}
			}
			for _, i := range idx {
				id := t.Actors[i].ID
				from, to := prev[id], rd.Positions[id][is.ID]
				offers := got[id]
				var acc *Offer
				for k := range offers {
					if offers[k].Accepted {
						acc = &offers[k]
					}
				}
				switch {
				case acc != nil:
					fmt.Fprintf(ew, "    %s gives way %.3f → %.3f: takes the %s offer of %s (EU of %s challenging %s %.3f, of %s challenging %s %.3f)%s\n",
						name[id], from, to, acc.Kind, name[acc.From], name[acc.From], name[id], acc.EUFrom, name[id], name[acc.From], acc.EUTo, why(acc))
					if len(offers) > 1 {
						fmt.Fprintf(ew, "      other offers: %s\n", others(offers, name))
					}
				case len(offers) > 0:
					fmt.Fprintf(ew, "    %s holds %.3f despite %d offer(s): %s\n", name[id], to, len(offers), others(offers, name))
				case from != to:
					fmt.Fprintf(ew, "    %s moves %.3f → %.3f\n", name[id], from, to)
				default:
					fmt.Fprintf(ew, "    %s holds %.3f: takes no offer\n", name[id], to)
				}
				prev[id] = to
			}
		}
		if f := r.IssueForecast(is.ID); f != nil {
			if f.SettleRange != nil && f.LastRound != nil {
				fmt.Fprintf(ew, "\n  forecast for %s: %.3f, the middle of the median voter's range %.3f–%.3f over the last rounds (round %d: %.3f); unsettled\n",
					is.ID, f.Forecast, f.SettleRange[0], f.SettleRange[1], len(r.Rounds), *f.LastRound)
			} else {
				fmt.Fprintf(ew, "\n  forecast for %s: %.3f (median voter after round %d)\n", is.ID, f.Forecast, len(r.Rounds))
			}
		}
	}
	fmt.Fprintf(ew, "\n%s\n", Settled(s, r))
	return ew.Flush()
}

// why says in words why the receiver gave way.
func why(o *Offer) string {
	switch o.Kind {
	case KindConflict:
		return ": both would gain from a fight, the proposer more, so it expects to lose and yields"
	case KindCompromise:
		return fmt.Sprintf(": it expects to lose %.3f against the proposer's gain of %.3f, so it concedes that share (%.0f%%) of the distance", -o.EUTo, o.EUFrom, 100*-o.EUTo/o.EUFrom)
	case KindCapitulation:
		return ": it expects to lose more than the proposer would gain, so it gives in fully"
	}
	return ""
}

func others(offers []Offer, name map[string]string) string {
	var parts []string
	for _, o := range offers {
		if o.Accepted {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s from %s to %.3f", o.Kind, name[o.From], o.Position))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

// Settled is the paragraph that ends an explanation: whether the run
// settled on every issue and, where it did not, how its outcome (the
// median voter of each round) moved over the last rounds (jirga.SettleText).
func Settled(s *jirga.Scenario, r *jirga.Result) string {
	return jirga.SettleText(s, r, "round", func(rd jirga.Round, issue string) float64 { return rd.Median[issue] })
}
