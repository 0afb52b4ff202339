package report

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/stat"
	"github.com/jirga/jirga/sweep"
)

// firstPageLevers is the number of levers the first page shows.
const firstPageLevers = 3

// leverView is one of the levers on the first page: a nudge of one
// estimate that brings a deal closer, with its effect on the joint slack
// at the point values and over the draws, and the deal probability with
// and without it.
type leverView struct {
	Actor, What, Change string
	// Effect is the change of the joint slack at the point values, in
	// points; Range its 10th–90th percentile over the draws ("" without
	// draws).
	Effect, Range string
	// Before and After are P(deal) without and with the nudge, over the
	// same draws, with their 95% intervals.
	Before, After string
}

// topLevers picks, among the levers on the deal (sorted by the size of
// their effect), the firstPageLevers estimates that move the joint slack
// most, each nudged in the direction that brings a deal closer, and
// measures each over the report's draws: the same draws as the deal
// analysis (same seed, uncertainty and sampler), so that "before" is the
// deal probability the page states and the effects are paired.
func topLevers(ctx context.Context, s *jirga.Scenario, ls []levers.Lever, draws int, opt Options) ([]leverView, error) {
	best := map[string]levers.Lever{}
	var order []string
	for _, l := range ls {
		k := l.Label()
		b, seen := best[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || l.Effect > b.Effect {
			best[k] = l
		}
	}
	if len(order) > firstPageLevers {
		order = order[:firstPageLevers]
	}
	var picked []levers.Lever
	for _, k := range order {
		picked = append(picked, best[k])
	}
	ivs := make([]*jirga.Intervention, len(picked))
	for j, l := range picked {
		delta := l.Delta
		ivs[j] = &jirga.Intervention{ID: "lever", Changes: []jirga.Change{{Actor: l.Actor, Issue: l.Issue, Field: l.Field, Delta: &delta}}}
	}
	// effects[j][k] is lever j's effect on the slack in draw k; deals[j+1]
	// counts the draws with a deal under lever j, deals[0] without.
	effects := make([][]float64, len(picked))
	for j := range effects {
		effects[j] = make([]float64, max(draws, 0))
	}
	withDeal := make([][]bool, len(picked)+1)
	for j := range withDeal {
		withDeal[j] = make([]bool, max(draws, 0))
	}
	if draws > 0 {
		u := sweep.DefaultUncertainty()
		if opt.Uncertainty != nil {
			u = *opt.Uncertainty
		}
		loop := sweep.Loop{Workers: opt.Workers, Seed: opt.Seed}
		samplers := sweep.NewSamplers(s, u, loop, draws)
		_, err := sweep.For(ctx, draws, loop, func(it sweep.Iter) error {
			sc := samplers.Draw(it).Table().Scenario()
			base, err := deal.Slack(sc)
			if err != nil {
				return err
			}
			withDeal[0][it.I] = base >= -1e-9
			for j, iv := range ivs {
				nudged, err := sc.Apply(iv)
				if err != nil {
					return err
				}
				z, err := deal.Slack(nudged)
				if err != nil {
					return err
				}
				effects[j][it.I] = z - base
				withDeal[j+1][it.I] = z >= -1e-9
			}
			return ctx.Err()
		})
		if err != nil {
			return nil, err
		}
	}
	share := func(b []bool) string {
		if len(b) == 0 {
			return ""
		}
		n := 0
		for _, x := range b {
			if x {
				n++
			}
		}
		p := float64(n) / float64(len(b))
		return deal.Percent(p, deal.CI(p, len(b)))
	}
	var out []leverView
	for j, l := range picked {
		v := leverView{Actor: actorName(s, l.Actor), What: l.Label(), Change: changeWords(s, l),
			Effect: fmt.Sprintf("%+.1f pts", 100*l.Effect), Before: share(withDeal[0]), After: share(withDeal[j+1])}
		if draws > 0 {
			e := slices.Clone(effects[j])
			slices.Sort(e)
			v.Range = fmt.Sprintf("%+.1f to %+.1f pts", 100*stat.Quantile(e, 0.1), 100*stat.Quantile(e, 0.9))
		}
		out = append(out, v)
	}
	return out, nil
}

// changeWords says what a lever changes: "reservation on merger lowered
// by 10 (scale 0–100)", "capability raised by 10%".
func changeWords(s *jirga.Scenario, l levers.Lever) string {
	dir := "raised"
	if l.Delta < 0 {
		dir = "lowered"
	}
	what := l.Field
	if l.Issue != "" {
		what += " on " + l.Issue
	}
	switch l.Field {
	case jirga.FieldCapability, jirga.FieldPower:
		a := s.Actor(l.Actor)
		if l.Field == jirga.FieldCapability && a != nil && a.Capability.Value != 0 {
			return fmt.Sprintf("%s %s by %s%% of its value", what, dir, trimNum(math.Round(1000*math.Abs(l.Delta)/a.Capability.Value)/10))
		}
		return fmt.Sprintf("%s %s by %s", what, dir, trimNum(math.Abs(l.Delta)))
	case jirga.FieldSalience:
		return fmt.Sprintf("%s %s by %s points", what, dir, trimNum(math.Abs(l.Delta)))
	}
	if is := s.Issue(l.Issue); is != nil {
		lo, hi := is.Bounds()
		return fmt.Sprintf("%s %s by %s (scale %s–%s)", what, dir, trimNum(math.Abs(l.Delta)), trimNum(lo), trimNum(hi))
	}
	return fmt.Sprintf("%s %s by %s", what, dir, trimNum(math.Abs(l.Delta)))
}
