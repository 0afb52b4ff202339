package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

func runDeal(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("deal", "[FILE] [flags]", `
Decide whether a deal is possible among the necessary parties of the
scenario in FILE (the actors marked necessary; every party when none is).
An actor accepts an outcome on an issue when it is at least as close to its
position as its reservation value (the status quo when it gives none); per
issue, the zone of possible agreement (ZOPA) is where all necessary parties
accept. Jointly, an actor accepts a package of outcomes when its
salience-weighted linear utility −Σ s_k|x_k − p_k|/R_k is at least that of
its reservations, so concessions on one issue can pay for gains on another.
The command reports both zones, whether each model's forecast lies inside
them, and the probability that a joint deal exists over --draws scenarios
drawn from the inputs' uncertainty (seeded; the same for any machine), also
under each named intervention. With no FILE, use the built-in flagship
scenario (Pakistan–TTP, 2022).`)
	var in inputFlags
	var mf modelFlags
	var outFormat string
	var draws, workers int
	var uf uncertaintyFlags
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultSweep)
	fs.IntVar(&draws, "draws", sweep.DefaultDraws, "Monte Carlo draws (0: point values only)")
	fs.IntVar(&workers, "workers", 0, "parallel workers (default: GOMAXPROCS; the result does not depend on it)")
	fs.StringVar(&outFormat, "format", "table", "output format: table or json")
	uf.register(fs)
	path, err := parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(fs, outFormat, "table", "json"); err != nil {
		return err
	}
	if draws < 0 {
		return jirga.Errorf(jirga.EINVALID, "deal: --draws must be ≥ 0, got %d", draws)
	}
	if draws == 0 {
		draws = -1 // deal.Options: negative means none
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	s, err := in.loadOne(path)
	if err != nil {
		return err
	}
	j := mf.job(jirga.KindDeal)
	j.Draws, j.Workers, j.Interventions = draws, workers, true
	m.warnCost("deal", []*jirga.Scenario{s}, workers, j)
	u, err := uf.value()
	if err != nil {
		return err
	}
	opt := deal.Options{Draws: draws, Seed: mf.seed, Workers: workers, Uncertainty: &u, Interventions: true}
	if m.IsTerminal != nil && m.IsTerminal(m.Stderr) {
		opt.Progress = progressBar(m.Stderr, s.ID)
	}
	r, err := deal.Analyze(ctx, s, ms, opt)
	if opt.Progress != nil {
		fmt.Fprint(m.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if outFormat == "json" {
		return writeJSON(m.Stdout, []*deal.Result{r})
	}
	writeDealTable(m, s, r)
	return nil
}

func writeDealTable(m *Main, s *jirga.Scenario, r *deal.Result) {
	w := m.Stdout
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprintf(w, "%s", title)
	if s.AsOf != "" {
		fmt.Fprintf(w, " (as of %s)", s.AsOf)
	}
	fmt.Fprintf(w, "\nnecessary parties: %s\n\n", strings.Join(r.Necessary, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hdr := []string{"issue"}
	hdr = append(hdr, r.Necessary...)
	hdr = append(hdr, "ZOPA", "P(zone) (95% CI)")
	fmt.Fprintln(tw, strings.Join(hdr, "\t"))
	for _, is := range s.Issues {
		row := []string{is.ID}
		for _, a := range r.Necessary {
			row = append(row, interval(r.Acceptable[is.ID][a]))
		}
		z := "none"
		if iv := r.ZOPA[is.ID]; iv != nil {
			z = interval(iv)
		}
		var ci *[2]float64
		if c, ok := r.IssueProbabilityCI[is.ID]; ok {
			ci = &c
		}
		row = append(row, z, shortPercent(r.IssueProbability[is.ID], ci))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	fmt.Fprintln(w, "\n(each party's column: the outcomes it accepts on that issue alone)")
	j := r.Joint
	if j.Exists {
		fmt.Fprintf(w, "\njoint ZOPA: exists (slack %s of the worst-off party's weighted scale)\n", fmtNum(j.Slack, 3))
	} else {
		fmt.Fprintf(w, "\njoint ZOPA: none (the best package leaves the worst-off party %s short of its reservation, as a share of its weighted scale)\n", fmtNum(-j.Slack, 3))
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "issue\tbest package\tjoint bounds")
	for _, is := range s.Issues {
		b := "–"
		if iv := j.Bounds[is.ID]; iv != nil {
			b = interval(iv)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", is.ID, fmtNum(j.Point[is.ID], 1), b)
	}
	tw.Flush()
	if r.Draws > 0 {
		fmt.Fprintf(w, "\ndeal probability: %s, %d of %d draws (seed %d)\n", deal.Percent(r.DealProbability, r.DealProbabilityCI), int(math.Round(r.DealProbability*float64(r.Draws))), r.Draws, r.Seed)
	} else {
		fmt.Fprintf(w, "\ndeal probability: %s\n", deal.Percent(r.DealProbability, nil))
	}
	fmt.Fprintln(w, "\nforecasts:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tacceptable\trejected by\tin issue zones\tP(acceptable) (95% CI)")
	var unsettled []string
	for _, name := range slices.Sorted(maps.Keys(r.ForecastAcceptable)) {
		c := r.ForecastAcceptable[name]
		var in []string
		for _, is := range s.Issues {
			if c.Issues[is.ID] {
				in = append(in, is.ID)
			}
		}
		label := name
		if len(c.Unsettled) > 0 {
			label += unsettledMark
			unsettled = append(unsettled, fmt.Sprintf("%s on %s", name, strings.Join(c.Unsettled, ", ")))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", label, yesNo(c.Acceptable), orDash(strings.Join(c.RejectedBy, ", ")),
			orDash(strings.Join(in, ", ")), shortPercent(c.Probability, c.ProbabilityCI))
	}
	tw.Flush()
	if len(unsettled) > 0 {
		fmt.Fprintf(w, "%s unsettled: the model's outcome still moved over its last rounds (%s), so its forecast there\n  is the middle of a range and whether it is acceptable depends on where the run stopped\n", unsettledMark, strings.Join(unsettled, "; "))
	}
	if len(r.Interventions) > 0 {
		fmt.Fprintln(w, "\ndeal probability under the interventions:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "intervention\tkind\tP(deal)\tshift\tdeal at point values")
		for _, v := range r.Interventions {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, orDash(v.Kind), deal.Percent(v.DealProbability, v.DealProbabilityCI), signedPoints(v.Shift), yesNo(v.Exists))
		}
		tw.Flush()
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// shortPercent writes a share of draws with its 95% interval compactly,
// for table cells: "1.5% (0.9–2.5)", "<0.4%", ">99.6%"; without draws
// (ci nil) the share alone.
func shortPercent(p float64, ci *[2]float64) string {
	switch {
	case ci == nil:
		return fmtNum(100*p, 1) + "%"
	case p == 0:
		return "<" + fmtNum(math.Ceil(1000*ci[1])/10, 1) + "%"
	case p == 1:
		return ">" + fmtNum(math.Floor(1000*ci[0])/10, 1) + "%"
	}
	return fmtNum(100*p, 1) + "% (" + fmtNum(100*ci[0], 1) + "–" + fmtNum(100*ci[1], 1) + ")"
}

// signedPoints writes a difference of two shares in percentage points.
func signedPoints(d float64) string { return signed(100*d, 1) + " pts" }

func interval(iv *deal.Interval) string {
	if iv == nil {
		return "–"
	}
	return fmt.Sprintf("[%s, %s]", fmtNum(iv.Low, 1), fmtNum(iv.High, 1))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
