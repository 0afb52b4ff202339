package smp

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/jirga/jirga"
)

// Explain writes a readable account of an smp result r on scenario s: the
// starting point, then turn by turn who challenged whom and why, which
// bargains the queues chose, who moved, and how the outcome probabilities
// and the forecast shifted; finally why the run stopped.
func Explain(w io.Writer, s *jirga.Scenario, r *jirga.Result) error {
	if r == nil || len(r.Rounds) == 0 {
		return jirga.Errorf(jirga.EINVALID, "smp explain: the result has no rounds")
	}
	// bufio.Writer keeps the first write error and reports it at Flush.
	ew := bufio.NewWriter(w)
	name := func(id string) string {
		for _, a := range s.Actors {
			if a.ID == id && a.Name != "" && a.Name != id {
				return fmt.Sprintf("%s (%s)", id, a.Name)
			}
		}
		return id
	}
	issues := s.Issues
	point := func(m map[string]float64) string {
		var parts []string
		for _, is := range issues {
			parts = append(parts, fmt.Sprintf("%.1f", m[is.ID]))
		}
		return strings.Join(parts, "/")
	}
	var ids []string
	for _, is := range issues {
		ids = append(ids, is.ID)
	}
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprintf(ew, "KTAB Spatial Model of Politics on %q: %d actors, issues %s.\n", title, len(s.Actors), strings.Join(ids, ", "))
	fmt.Fprintf(ew, "Each turn every actor looks for the rival whose challenge would gain it most; the two\n")
	fmt.Fprintf(ew, "strike a bargain between their positions (weighted by salience and the odds of winning);\n")
	fmt.Fprintf(ew, "each actor's queue of bargains is put to a probabilistic Condorcet vote of all actors,\n")
	fmt.Fprintf(ew, "and each actor adopts the winner of its own queue.\n\n")
	r0 := r.Rounds[0]
	fmt.Fprintf(ew, "Start: the expected outcome (probability-weighted position) is %s.\n", point(r0.Outcome))
	fmt.Fprintf(ew, "  Most likely positions to prevail: %s.\n", topProbs(s, r0, point, 3))
	fmt.Fprintf(ew, "  Risk attitudes R (negative: risk-seeking, positive: risk-averse): %s.\n\n", riskLine(s, TraceOf(r0).Risk))
	for _, rd := range r.Rounds[1:] {
		fmt.Fprintf(ew, "Turn %d.\n", rd.Round)
		tr := TraceOf(rd)
		if len(tr.Challenges) == 0 {
			fmt.Fprintf(ew, "  No actor expected to gain from a challenge.\n")
		}
		for _, c := range tr.Challenges {
			fmt.Fprintf(ew, "  %s challenges %s: it expects to prevail with probability %.2f and gain %.4f.\n",
				name(c.Initiator), name(c.Target), c.Probability, c.Gain)
		}
		for _, b := range tr.Bargains {
			if len(b.Queues) == 0 {
				continue
			}
			var qs []string
			for k, q := range b.Queues {
				if k < len(b.QueueProbabilities) {
					qs = append(qs, fmt.Sprintf("%s (p = %.2f)", name(q), b.QueueProbabilities[k]))
				} else {
					qs = append(qs, name(q))
				}
			}
			fmt.Fprintf(ew, "  Bargain %s–%s (%s for %s, %s for %s) won the queue of %s.\n",
				name(b.Initiator), name(b.Target), point(b.InitiatorPosition), b.Initiator,
				point(b.TargetPosition), b.Target, strings.Join(qs, " and "))
		}
		prev := r.Rounds[rd.Round-1]
		var moved []string
		for _, a := range s.Actors {
			from, to := prev.Positions[a.ID], rd.Positions[a.ID]
			d := 0.0
			for _, is := range issues {
				d = math.Max(d, math.Abs(to[is.ID]-from[is.ID]))
			}
			if d > 1e-9 {
				moved = append(moved, fmt.Sprintf("%s %s→%s", a.ID, point(from), point(to)))
			}
		}
		if len(moved) == 0 {
			fmt.Fprintf(ew, "  Nobody moved.\n")
		} else {
			fmt.Fprintf(ew, "  Moves: %s.\n", strings.Join(moved, "; "))
		}
		fmt.Fprintf(ew, "  Expected outcome now %s; most likely to prevail: %s.\n", point(rd.Outcome), topProbs(s, rd, point, 3))
		if tr.Change != nil {
			fmt.Fprintf(ew, "  Change relative to the first turn: %.4f (the run stops below %.2f).\n", *tr.Change, stopRatio)
		}
		fmt.Fprintf(ew, "\n")
	}
	last := r.Rounds[len(r.Rounds)-1]
	if c := TraceOf(last).Change; c != nil && *c < stopRatio && last.Round >= 2 {
		fmt.Fprintf(ew, "The run stopped after %d turns: movement fell below %.0f%% of the first turn's (KTAB's rule).\n", last.Round, stopRatio*100)
	} else {
		fmt.Fprintf(ew, "The run stopped at the turn cap (%d turns).\n", last.Round)
	}
	for _, f := range r.Issues {
		fmt.Fprintf(ew, "Forecast on %s: %.2f", f.Issue, f.Forecast)
		if f.SettleRange != nil && f.LastRound != nil {
			fmt.Fprintf(ew, " (the middle of %.2f–%.2f over the last turns; turn %d: %.2f)", f.SettleRange[0], f.SettleRange[1], last.Round, *f.LastRound)
		}
		if f.Anchor != "" {
			fmt.Fprintf(ew, " (nearest: %s)", f.Anchor)
		}
		if mp, ok := r.Summaries["most_probable"][f.Issue]; ok {
			fmt.Fprintf(ew, "; most probable single position %.2f", mp)
		}
		if wm, ok := r.Summaries["weighted_mean"][f.Issue]; ok {
			fmt.Fprintf(ew, "; capability × salience weighted mean %.2f", wm)
		}
		fmt.Fprintf(ew, ".\n")
	}
	fmt.Fprintf(ew, "\n%s\n", Settled(s, r))
	return ew.Flush()
}

// topProbs lists the k most probable positions of a round, each with the
// actors holding it (actors sharing an option have the same probability).
func topProbs(s *jirga.Scenario, rd jirga.Round, point func(map[string]float64) string, k int) string {
	type opt struct {
		p   float64
		ids []string
		at  map[string]float64
	}
	var opts []*opt
	byP := map[float64]*opt{}
	probs := TraceOf(rd).Probabilities
	for _, a := range s.Actors {
		p, ok := probs[a.ID]
		if !ok {
			continue
		}
		o := byP[p]
		if o == nil {
			o = &opt{p: p, at: rd.Positions[a.ID]}
			byP[p] = o
			opts = append(opts, o)
		}
		o.ids = append(o.ids, a.ID)
	}
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].p > opts[j].p })
	var parts []string
	for i := 0; i < len(opts) && i < k; i++ {
		parts = append(parts, fmt.Sprintf("%s (%s) %.3f", point(opts[i].at), strings.Join(opts[i].ids, ", "), opts[i].p))
	}
	return strings.Join(parts, "; ")
}

func riskLine(s *jirga.Scenario, risk map[string]float64) string {
	var parts []string
	for _, a := range s.Actors {
		if x, ok := risk[a.ID]; ok {
			parts = append(parts, fmt.Sprintf("%s %+.2f", a.ID, x))
		}
	}
	return strings.Join(parts, ", ")
}

// Settled is the paragraph that ends an explanation: whether the run
// settled on every issue and, where it did not, how its outcome (the
// outcome of each turn) moved over the last turns (jirga.SettleText).
func Settled(s *jirga.Scenario, r *jirga.Result) string {
	return jirga.SettleText(s, r, "turn", func(rd jirga.Round, issue string) float64 { return rd.Outcome[issue] })
}
