package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/models"
)

func runLevers(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("levers", "[FILE] [flags]", `
Rank the levers of the scenario in FILE: nudge every actor's capability
(by ±step of its value), and its salience (±step·100 points), position
(±step of the scale) and issue-specific power where it has one (±step of
its value) on each issue, one at a time, and rank the nudges by
how far they move each issue's forecast (a tornado). For each issue the
table names the actors whose moves matter most and in which direction.
With --target deal, rank the nudges (reservations included) by how far they
move the joint deal slack among the necessary parties instead (see jirga
deal): a positive effect brings a deal closer. In the JSON, each lever's
target is what moved (an issue's id, or deal) and its issue is the issue of
the nudged estimate on the deal (absent for a capability), the forecast's
issue on a forecast (docs/advice.md). With no FILE, use the built-in
flagship scenario (Pakistan–TTP, 2022).`)
	var in inputFlags
	var mf modelFlags
	var outFormat, target string
	var step float64
	var top int
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultLevers)
	fs.Float64Var(&step, "step", levers.DefaultStep, "relative step of each nudge")
	fs.IntVar(&top, "top", 5, "levers shown per issue in the table (0: all)")
	fs.StringVar(&target, "target", "forecast", "what the levers move: forecast or deal")
	fs.StringVar(&outFormat, "format", "table", "output format: table or json")
	path, err := parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(fs, outFormat, "table", "json"); err != nil {
		return err
	}
	if target != "forecast" && target != "deal" {
		return jirga.Errorf(jirga.EINVALID, "levers: --target %q is not one of forecast, deal", target)
	}
	if !(step > 0) {
		return jirga.Errorf(jirga.EINVALID, "levers: --step must be > 0, got %g", step)
	}
	if top < 0 {
		return jirga.Errorf(jirga.EINVALID, "levers: --top must be ≥ 0, got %d", top)
	}
	s, err := in.loadOne(path)
	if err != nil {
		return err
	}
	var r *levers.Result
	opt := levers.Options{Step: step}
	if target == "deal" {
		r, err = levers.ComputeDeal(ctx, s, opt)
	} else {
		ms, err2 := mf.build()
		if err2 != nil {
			return err2
		}
		if len(ms) != 1 {
			return jirga.Errorf(jirga.EINVALID, "levers: give one --model, got %d", len(ms))
		}
		m.warnCost("levers", []*jirga.Scenario{s}, 1, mf.job(jirga.KindLevers))
		r, err = levers.Compute(ctx, s, ms[0], opt)
	}
	if err != nil {
		return err
	}
	if outFormat == "json" {
		return writeJSON(m.Stdout, []*levers.Result{r})
	}
	writeLeversTable(m.Stdout, s, r, top, target)
	return nil
}

func writeLeversTable(w io.Writer, s *jirga.Scenario, r *levers.Result, top int, target string) {
	pct := fmtNum(100*r.Step, 0)
	if target == "deal" {
		fmt.Fprintf(w, "levers on the joint deal slack among the necessary parties (step %g: ±%s%% of capability, ±%s salience points, ±%s%% of the scale for positions and reservations)\n",
			r.Step, pct, fmtNum(100*r.Step, 0), pct)
		fmt.Fprintf(w, "baseline slack %s (negative: no joint deal; a positive effect brings one closer)\n\n", fmtNum(r.Baseline["deal"], 4))
		writeLeverRows(w, r.On("deal"), top, 4)
		return
	}
	fmt.Fprintf(w, "levers on the %s forecast (step %g: ±%s%% of capability, ±%s salience points, ±%s%% of the scale for positions)\n",
		r.Model, r.Step, pct, fmtNum(100*r.Step, 0), pct)
	for _, is := range s.Issues {
		fmt.Fprintf(w, "\n%s (forecast %s)\n", is.ID, fmtNum(r.Baseline[is.ID], 1))
		writeLeverRows(w, r.On(is.ID), top, 2)
		var parts []string
		for _, mv := range r.TopActors(is.ID, 3) {
			parts = append(parts, fmt.Sprintf("%s (%s)", mv.Actor, leverPhrase(mv.Lever)))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "  moves most: %s\n", strings.Join(parts, "; "))
		}
	}
}

func writeLeverRows(w io.Writer, ls []levers.Lever, top, prec int) {
	if top > 0 && len(ls) > top {
		ls = ls[:top]
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  actor\tfield\tdelta\teffect")
	for _, l := range ls {
		field := l.Field
		if n := l.Nudged(); n != "" {
			field += " on " + n
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Actor, field, signed(l.Delta, 1), signed(l.Effect, prec))
	}
	tw.Flush()
}

// leverPhrase says which way a lever works, e.g. "capability up → +2.1".
func leverPhrase(l levers.Lever) string {
	dir := "up"
	if l.Delta < 0 {
		dir = "down"
	}
	return fmt.Sprintf("%s %s → %s", l.Field, dir, signed(l.Effect, 1))
}
