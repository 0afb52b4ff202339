package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
	"github.com/jirga/jirga/timeline"
)

func runTimeline(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("timeline", "[FILE…] [flags]", `
Forecast every dated state of one negotiation in date order, with the deal
probability, and show how the forecasts and P(deal) moved and which changed
estimates moved them. The states are a scenario and its snapshots (see
docs/scenario.md), or several files holding the same scenario id at
different as_of dates. With no FILE, use the built-in flagship scenario
(Pakistan–TTP, 2022: 3 June, 6 July and 15 October 2022).

Between two consecutive states, the estimates that changed are replayed one
at a time in scenario order (each issue's status quo, then actor by actor:
capability, then per issue position, salience, reservation, power): each
change is applied on top of the ones before it and everything is measured
again, with the same seeded draws. A change's effect is what it moved at its
step; the effects add up to the whole move between the two states, but they
depend on the order where changes interact: when both are needed, the later
one gets the credit; when either would do, the earlier one, and the later
finds nothing left to move. Each change is therefore also measured alone,
applied by itself to the earlier state. P(deal) is the share of --draws draws of the inputs' uncertainty in
which a joint zone of possible agreement exists; slack is the margin of the
worst-off necessary party at the point values (a deal exists when it is
positive).`)
	var in inputFlags
	var mf modelFlags
	var outFormat string
	var draws, workers, top int
	var uf uncertaintyFlags
	var pf predictFlags
	in.register(m, fs)
	mf.register(fs, models.DefaultForecast)
	pf.register(fs)
	fs.IntVar(&draws, "draws", sweep.DefaultDraws, "Monte Carlo draws of the deal probability at each state and step (0: point values only)")
	fs.IntVar(&workers, "workers", 0, "parallel workers (default: GOMAXPROCS; the result does not depend on it)")
	fs.IntVar(&top, "top", 5, "changes listed per step, those that moved P(deal) most first")
	fs.StringVar(&outFormat, "format", "table", "output format: table or json")
	uf.register(fs)
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(fs, outFormat, "table", "json"); err != nil {
		return err
	}
	if draws < 0 || top < 1 {
		return jirga.Errorf(jirga.EINVALID, "timeline: want --draws ≥ 0 and --top ≥ 1")
	}
	if draws == 0 {
		draws = -1
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		paths = []string{""}
	}
	var ss []*jirga.Scenario
	for _, p := range paths {
		x, err := in.read(p)
		if err != nil {
			return err
		}
		ss = append(ss, x...)
	}
	states, err := timeline.States(ss...)
	if err != nil {
		return err
	}
	u, err := uf.value()
	if err != nil {
		return err
	}
	plan, err := pf.plan(states[0], &mf)
	if err != nil {
		return err
	}
	r, err := timeline.Run(ctx, states, ms, timeline.Options{Draws: draws, Seed: mf.seed, Workers: workers, Uncertainty: &u, Predict: plan})
	if err != nil {
		return err
	}
	if outFormat == "json" {
		return writeJSON(m.Stdout, []*timeline.Result{r})
	}
	writeTimeline(m.Stdout, states, r, top)
	return nil
}

// writeTimeline writes the states, the forecasts by issue and model, what
// moved P(deal) at each step and what moved each forecast most.
func writeTimeline(w io.Writer, states []*jirga.Scenario, r *timeline.Result, top int) {
	s := states[0]
	fmt.Fprintf(w, "%s: %d dated states\n", cmp.Or(r.Title, r.Scenario), len(r.Timeline))
	if r.Draws > 0 {
		fmt.Fprintf(w, "models %s; P(deal) over %d draws, seed %d, the same draws at every state and step\n\n", strings.Join(r.Models, ", "), r.Draws, r.Seed)
	} else {
		fmt.Fprintf(w, "models %s; P(deal) at the point values only\n\n", strings.Join(r.Models, ", "))
	}
	steps := groupChanges(r)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "as of\tP(deal) (95% CI)\tshift\tslack\thindsight\tchanged estimates")
	for i, st := range r.Timeline {
		shift, changed := "", ""
		if i > 0 {
			shift = signedPoints(st.DealProbability - r.Timeline[i-1].DealProbability)
			changed = fmt.Sprint(len(steps[i-1]))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", st.AsOf, shortPercent(st.DealProbability, st.DealProbabilityCI), shift, signed(st.Slack, 3), st.Hindsight, changed)
	}
	tw.Flush()

	fmt.Fprintln(w, "\nforecasts by issue and model (shift from the state before):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hdr := []string{"issue", "model"}
	for _, st := range r.Timeline {
		hdr = append(hdr, st.AsOf)
	}
	fmt.Fprintln(tw, strings.Join(hdr, "\t"))
	for _, is := range s.Issues {
		for k, model := range r.Models {
			row := []string{"", model}
			if k == 0 {
				row[0] = is.ID
			}
			for i, st := range r.Timeline {
				row = append(row, forecastCell(r, i, st, model, is.ID))
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
	}
	tw.Flush()
	for _, st := range r.Timeline {
		for _, res := range st.Results {
			if len(res.Unsettled()) > 0 {
				fmt.Fprintf(w, "%s unsettled: the model's outcome still moved over its last rounds; the forecast is the middle of that range\n  (jirga forecast --as-of DATE lists the ranges)\n", unsettledMark)
				goto legend
			}
		}
	}
legend:
	writePredictiveLegend(w, s, r.Timeline[0].Results, false)

	if len(r.Timeline) < 2 {
		return
	}
	fmt.Fprintln(w, "\nwhat moved P(deal): each changed estimate replayed one at a time in scenario order (P(deal), slack),")
	fmt.Fprintln(w, "and applied alone to the earlier state (alone); see jirga help timeline")
	for i, cs := range steps {
		a, b := r.Timeline[i], r.Timeline[i+1]
		fmt.Fprintf(w, "%s → %s: P(deal) %s → %s (%s), slack %s → %s; %s",
			a.AsOf, b.AsOf, shortPercent(a.DealProbability, a.DealProbabilityCI), shortPercent(b.DealProbability, b.DealProbabilityCI), signedPoints(b.DealProbability-a.DealProbability),
			signed(a.Slack, 3), signed(b.Slack, 3), countOf(len(cs), "changed estimate"))
		if len(cs) == 0 {
			fmt.Fprintln(w)
			continue
		}
		ranked := timeline.Ranked(cs)
		if len(ranked) > top {
			fmt.Fprintf(w, ", the %d that moved it most:\n", top)
			ranked = ranked[:top]
		} else {
			fmt.Fprintln(w, ":")
		}
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  change\tbefore\tafter\tP(deal)\talone\tslack\tsources")
		for _, c := range ranked {
			before, after := c.Describe()
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Label(), before, after,
				signed(c.Effect.DealProbability, 3), signed(c.Alone.DealProbability, 3), signed(c.Effect.Slack, 3), orDash(strings.Join(c.Sources, ", ")))
		}
		tw.Flush()
	}

	fmt.Fprintln(w, "\nwhat moved each forecast most (the change with the largest replayed effect; forecasts that no change moved by 0.05 are left out):")
	for i, cs := range steps {
		a, b := r.Timeline[i], r.Timeline[i+1]
		fmt.Fprintf(w, "%s → %s\n", a.AsOf, b.AsOf)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  issue\tmodel\tshift\tmost moved by\tbefore\tafter\teffect")
		rows := 0
		for _, is := range s.Issues {
			for _, model := range r.Models {
				x, _ := a.Forecast(model, is.ID)
				y, _ := b.Forecast(model, is.ID)
				var best *timeline.Change
				for _, c := range cs {
					if e := c.Effect.Forecasts[model][is.ID]; math.Abs(e) >= 0.05 && (best == nil || math.Abs(e) > math.Abs(best.Effect.Forecasts[model][is.ID])) {
						best = c
					}
				}
				if best == nil {
					continue
				}
				rows++
				before, after := best.Describe()
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", is.ID, model, signed(y-x, 1), best.Label(),
					before, after, signed(best.Effect.Forecasts[model][is.ID], 1))
			}
		}
		if rows == 0 {
			fmt.Fprintln(w, "  no change moved a forecast")
			continue
		}
		tw.Flush()
	}
}

// forecastCell is one model's forecast of one issue in state i, with its
// 80% predictive interval and its shift from the state before.
func forecastCell(r *timeline.Result, i int, st *timeline.State, model, issue string) string {
	x, ok := st.Forecast(model, issue)
	if !ok {
		return "–"
	}
	var p *jirga.Predictive
	var settle *[2]float64
	for _, res := range st.Results {
		if f := res.IssueForecast(issue); res.Model == model && f != nil {
			p, settle = f.Predictive, f.SettleRange
		}
	}
	cell := cellWithInterval(x, p, settle)
	if i > 0 {
		if p, ok := r.Timeline[i-1].Forecast(model, issue); ok {
			cell += " (" + signed(x-p, 1) + ")"
		}
	}
	return cell
}

// groupChanges splits the changes by step: element i holds those between
// states i and i+1.
func groupChanges(r *timeline.Result) [][]*timeline.Change {
	out := make([][]*timeline.Change, max(0, len(r.Timeline)-1))
	for _, c := range r.Changes {
		for i := range out {
			if c.From == r.Timeline[i].AsOf {
				out[i] = append(out[i], c)
			}
		}
	}
	return out
}
