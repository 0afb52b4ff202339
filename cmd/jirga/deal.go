package main

import (
	"context"
	"fmt"
	"maps"
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
	hdr = append(hdr, "ZOPA", "P(zone)")
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
		row = append(row, z, fmtNum(r.IssueProbability[is.ID], 3))
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
		fmt.Fprintf(w, "\ndeal probability: %s (%d draws, seed %d)\n", fmtNum(r.DealProbability, 3), r.Draws, r.Seed)
	} else {
		fmt.Fprintf(w, "\ndeal probability: %s (point values only)\n", fmtNum(r.DealProbability, 3))
	}
	fmt.Fprintln(w, "\nforecasts:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tacceptable\trejected by\tin issue zones\tP(acceptable)")
	for _, name := range slices.Sorted(maps.Keys(r.ForecastAcceptable)) {
		c := r.ForecastAcceptable[name]
		var in []string
		for _, is := range s.Issues {
			if c.Issues[is.ID] {
				in = append(in, is.ID)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, yesNo(c.Acceptable), orDash(strings.Join(c.RejectedBy, ", ")),
			orDash(strings.Join(in, ", ")), fmtNum(c.Probability, 3))
	}
	tw.Flush()
	if len(r.Interventions) > 0 {
		fmt.Fprintln(w, "\ndeal probability under the interventions:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "intervention\tkind\tP(deal)\tshift\tdeal at point values")
		for _, v := range r.Interventions {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, orDash(v.Kind), fmtNum(v.DealProbability, 3), signed(v.Shift, 3), yesNo(v.Exists))
		}
		tw.Flush()
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

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
