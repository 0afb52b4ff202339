package timeline

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/sweep"
)

// Options control [Run]. The zero value measures the deal probability over
// sweep.DefaultDraws draws with seed 0 and GOMAXPROCS workers.
type Options struct {
	// Draws is the number of draws of the deal probability at each state
	// and each replayed change; 0 means sweep.DefaultDraws, negative none
	// (the deal at the point values, 0 or 1).
	Draws int
	// Seed seeds the draws; every state and step uses the same seed.
	Seed uint64
	// Workers is the number of goroutines drawing; 0 means GOMAXPROCS. The
	// result does not depend on it.
	Workers int
	// Uncertainty applies to numbers without a range of their own: nil
	// means sweep.DefaultUncertainty.
	Uncertainty *sweep.Uncertainty
	// Predict, when set, gives every state's forecasts their predictive
	// intervals around them, and their results its notes (calib.Plan).
	Predict *calib.Plan
}

// Result is the outcome of [Run]. Its JSON form is the contract of `jirga
// timeline --format json`: fields may be added, never removed or renamed.
type Result struct {
	Scenario string   `json:"scenario"`
	Title    string   `json:"title,omitempty"`
	Models   []string `json:"models"`
	Draws    int      `json:"draws"`
	Seed     uint64   `json:"seed"`
	// Timeline holds one entry per state, in date order.
	Timeline []*State `json:"timeline"`
	// Changes are the estimates that changed between consecutive states,
	// in replay order, with their effects.
	Changes []*Change `json:"changes"`
}

// State is the forecast of one dated state.
type State struct {
	AsOf        string `json:"as_of"`
	Description string `json:"description,omitempty"`
	// Results are each model's forecast, as in `jirga forecast --format
	// json`.
	Results []*jirga.Result `json:"results"`
	// DealProbability is the share of draws in which a joint zone of
	// possible agreement exists among the necessary parties.
	DealProbability float64 `json:"deal_probability"`
	// DealProbabilityCI is the 95% interval of its Monte Carlo error
	// (deal.CI); absent without draws.
	DealProbabilityCI *[2]float64 `json:"deal_probability_ci,omitempty"`
	// Slack is the joint slack at the point values (see deal.Joint):
	// positive when a deal exists there.
	Slack float64 `json:"slack"`
	// Hindsight is the number of estimates and interventions of the state
	// marked hindsight.
	Hindsight int `json:"hindsight"`
}

// Change is one estimate that changed between two consecutive states.
type Change struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Actor string `json:"actor"`
	Issue string `json:"issue"`
	Field string `json:"field"`
	// Before and After are the estimate's values; null where the state has
	// no such estimate (an optional reservation, power or status quo).
	Before *float64 `json:"before"`
	After  *float64 `json:"after"`
	// RangeBefore and RangeAfter are the estimate's [low, high] where it
	// has a range, so that a change of the range alone is visible.
	RangeBefore *[2]float64 `json:"range_before,omitempty"`
	RangeAfter  *[2]float64 `json:"range_after,omitempty"`
	// Sources and Note are those of the new estimate: the evidence behind
	// the change.
	Sources []string `json:"sources,omitempty"`
	Note    string   `json:"note,omitempty"`
	// Effect is what the change moved when replayed (see the package
	// documentation).
	Effect Effect `json:"effect"`
	// Alone is what the change moves applied alone to the earlier state,
	// without the changes replayed before it: a second view of the same
	// change that shows how much the order matters.
	Alone Effect `json:"alone"`
}

// Effect is what one replayed change moved.
type Effect struct {
	DealProbability float64 `json:"deal_probability"`
	Slack           float64 `json:"slack"`
	// Forecasts holds the shift of each model's forecast, by model and then
	// issue.
	Forecasts map[string]map[string]float64 `json:"forecasts"`
}

// Label names the estimate a change addresses, e.g. "ttp reservation on
// merger".
func (c *Change) Label() string {
	return jirga.Revision{Actor: c.Actor, Issue: c.Issue, Field: c.Field}.String()
}

// Forecast returns model's forecast of issue in the state, and whether there
// is one.
func (s *State) Forecast(model, issue string) (float64, bool) {
	for _, r := range s.Results {
		if r.Model == model {
			return r.Forecast(issue)
		}
	}
	return 0, false
}

// Ranked returns the changes ordered by how much they moved the deal
// probability, replayed or alone (the larger of the two), then by how much
// they moved the joint slack when replayed; ties keep their order.
func Ranked(cs []*Change) []*Change {
	out := slices.Clone(cs)
	size := func(c *Change) float64 {
		return math.Max(math.Abs(c.Effect.DealProbability), math.Abs(c.Alone.DealProbability))
	}
	slices.SortStableFunc(out, func(x, y *Change) int {
		if c := cmp.Compare(size(y), size(x)); c != 0 {
			return c
		}
		return cmp.Compare(math.Abs(y.Effect.Slack), math.Abs(x.Effect.Slack))
	})
	return out
}

// States expands each scenario into its dated states (a scenario and its
// snapshots) and returns them all in date order. The scenarios must share
// one id and every state must have a distinct as_of.
func States(ss ...*jirga.Scenario) ([]*jirga.Scenario, error) {
	if len(ss) == 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "timeline: no scenario")
	}
	var out []*jirga.Scenario
	for _, s := range ss {
		if s.ID != ss[0].ID {
			return nil, jirga.Errorf(jirga.EINVALID, "timeline: the scenarios have different ids (%q and %q); a timeline is of one negotiation, whose dated states share an id", ss[0].ID, s.ID)
		}
		if s.AsOf == "" {
			return nil, jirga.Errorf(jirga.EINVALID, "timeline: scenario %q has no as_of; every state of a timeline needs its date", s.ID)
		}
		st, err := s.States()
		if err != nil {
			return nil, err
		}
		out = append(out, st...)
	}
	dates := make([]time.Time, len(out))
	for i, s := range out {
		t, err := time.Parse(time.DateOnly, s.AsOf)
		if err != nil {
			return nil, jirga.Errorf(jirga.EINVALID, "timeline: as_of %q is not a date YYYY-MM-DD", s.AsOf)
		}
		dates[i] = t
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return dates[a].Compare(dates[b]) })
	sorted := make([]*jirga.Scenario, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
		if i > 0 && dates[k].Equal(dates[idx[i-1]]) {
			return nil, jirga.Errorf(jirga.EINVALID, "timeline: two states of %q are dated %s; give each state its own date", sorted[i].ID, sorted[i].AsOf)
		}
	}
	return sorted, nil
}

// measure is what is measured at a state or a replay step.
type measure struct {
	results []*jirga.Result
	deal    float64
	slack   float64
}

// Run forecasts each state with the models and measures the deal
// probability, then replays the changes between consecutive states one at
// a time (see the package documentation). states must be in date order, as
// [States] returns them.
func Run(ctx context.Context, states []*jirga.Scenario, models []jirga.Model, opt Options) (*Result, error) {
	if len(states) == 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "timeline: no state")
	}
	draws := opt.Draws
	switch {
	case draws == 0:
		draws = sweep.DefaultDraws
	case draws < 0:
		draws = 0
	}
	dopt := deal.Options{Draws: cmp.Or(draws, -1), Seed: opt.Seed, Workers: opt.Workers, Uncertainty: opt.Uncertainty}
	r := &Result{Scenario: states[0].ID, Title: states[0].Title, Draws: draws, Seed: opt.Seed, Changes: []*Change{}}
	for _, m := range models {
		r.Models = append(r.Models, m.Name())
	}
	run := func(s *jirga.Scenario, rounds bool) (*measure, error) {
		m := &measure{}
		var t *jirga.Table // one for every model of a replayed step
		if !rounds {
			t = s.Table()
		}
		for _, md := range models {
			var res *jirga.Result
			var err error
			if rounds {
				fc, e := jirga.Run(ctx, s, []jirga.Model{md})
				if e == nil {
					res = fc.Results[0]
				}
				err = e
			} else {
				res, err = jirga.ForecastTable(ctx, md, t, jirga.DetailNone)
			}
			if err != nil {
				return nil, err
			}
			m.results = append(m.results, res)
		}
		dr, err := deal.Analyze(ctx, s, nil, dopt)
		if err != nil {
			return nil, err
		}
		m.deal, m.slack = dr.DealProbability, dr.Joint.Slack
		return m, nil
	}
	ms := make([]*measure, len(states))
	for i, s := range states {
		m, err := run(s, true)
		if err != nil {
			return nil, err
		}
		for _, res := range m.results {
			opt.Predict.Apply(res, s, nil)
		}
		ms[i] = m
		r.Timeline = append(r.Timeline, &State{AsOf: s.AsOf, Description: s.Description, Results: m.results,
			DealProbability: m.deal, DealProbabilityCI: deal.CI(m.deal, draws), Slack: m.slack, Hindsight: len(s.Hindsight())})
	}
	for i := 1; i < len(states); i++ {
		a, b := states[i-1], states[i]
		revs, err := jirga.Diff(a, b)
		if err != nil {
			return nil, err
		}
		cur, prev := a, ms[i-1]
		for j, rv := range revs {
			next, err := cur.Revise(rv)
			if err != nil {
				return nil, err
			}
			// The last step reaches b, whose numbers are those of state i:
			// reuse its measure, so that the effects add up exactly.
			m := ms[i]
			if j < len(revs)-1 {
				if m, err = run(next, false); err != nil {
					return nil, err
				}
			}
			c := &Change{From: a.AsOf, To: b.AsOf, Actor: rv.Actor, Issue: rv.Issue, Field: rv.Field, Effect: effect(prev, m)}
			c.Before, c.RangeBefore = valueOf(a, rv)
			c.After, c.RangeAfter = valueOf(b, rv)
			if j == 0 {
				c.Alone = c.Effect
			} else {
				solo, err := a.Revise(rv)
				if err != nil {
					return nil, err
				}
				ma, err := run(solo, false)
				if err != nil {
					return nil, err
				}
				c.Alone = effect(ms[i-1], ma)
			}
			if rv.Estimate != nil {
				c.Sources, c.Note = rv.Estimate.Sources, rv.Estimate.Note
			}
			r.Changes = append(r.Changes, c)
			cur, prev = next, m
		}
	}
	return r, nil
}

// valueOf returns the value of the estimate rv addresses in s and its
// [low, high] when it has a range (a missing end is the value); nil where
// there is none.
func valueOf(s *jirga.Scenario, rv jirga.Revision) (*float64, *[2]float64) {
	e, err := s.EstimateOf(rv.Actor, rv.Issue, rv.Field)
	if err != nil || e == nil {
		return nil, nil
	}
	v := e.Value
	if e.Low == nil && e.High == nil {
		return &v, nil
	}
	r := [2]float64{v, v}
	if e.Low != nil {
		r[0] = *e.Low
	}
	if e.High != nil {
		r[1] = *e.High
	}
	return &v, &r
}

// Describe writes a change's before and after values, with their ranges
// when the range changed: "55 → 80", "45 (30–65) → 45 (35–60)".
func (c *Change) Describe() (before, after string) {
	num := func(x *float64) string {
		if x == nil {
			return "–"
		}
		return strconv.FormatFloat(*x, 'g', -1, 64)
	}
	before, after = num(c.Before), num(c.After)
	if !sameRange(c.RangeBefore, c.RangeAfter) {
		rng := func(r *[2]float64) string {
			if r == nil {
				return ""
			}
			return " (" + strconv.FormatFloat(r[0], 'g', -1, 64) + "–" + strconv.FormatFloat(r[1], 'g', -1, 64) + ")"
		}
		before += rng(c.RangeBefore)
		after += rng(c.RangeAfter)
	}
	return before, after
}

func sameRange(a, b *[2]float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// effect returns what moved from a to b.
func effect(a, b *measure) Effect {
	e := Effect{DealProbability: b.deal - a.deal, Slack: b.slack - a.slack, Forecasts: map[string]map[string]float64{}}
	for k, rb := range b.results {
		ra := a.results[k]
		m := map[string]float64{}
		for _, f := range rb.Issues {
			if x, ok := ra.Forecast(f.Issue); ok {
				m[f.Issue] = f.Forecast - x
			}
		}
		e.Forecasts[rb.Model] = m
	}
	return e
}
