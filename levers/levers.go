package levers

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/sweep"
)

// DefaultStep is the step when Compute is given 0: ±10% of a capability,
// ±10 points of salience and ±10% of an issue's scale.
const DefaultStep = 0.1

// Lever is one perturbation and its effect on one issue's forecast.
type Lever struct {
	Actor string `json:"actor"`
	// Field is capability, salience, position or power (or reservation,
	// in [ComputeFunc]).
	Field string `json:"field"`
	// Target is what moved: the id of the issue whose forecast moved
	// ([Compute]), or "deal", the joint deal slack ([ComputeDeal]); in
	// general the name of the value of [ComputeFunc]'s outcome function.
	Target string `json:"target"`
	// Issue is, for a lever on an issue's forecast, that issue (Target;
	// Perturbed names the nudged issue when it is another). For a lever on
	// any other target (the deal), it is the issue of the nudged estimate,
	// absent for a capability.
	Issue string `json:"issue,omitempty"`
	// Delta is the change applied, in the field's own units (capability
	// units, salience points on 0–100, points of the issue's scale), after
	// clamping to the field's range.
	Delta float64 `json:"delta"`
	// Effect is the forecast on Issue after the change minus before.
	Effect float64 `json:"effect"`
	// Perturbed is the issue whose salience or position was changed, when
	// it is not the Issue whose forecast moved (a cross-issue effect of a
	// multi-issue model). Levers on the deal name it in Issue.
	Perturbed string `json:"perturbed,omitempty"`
}

// Nudged returns the issue of the nudged estimate when it is not the
// target: the perturbed issue of a cross-issue lever on a forecast, or the
// issue of a lever on the deal; "" for a capability and for a lever on its
// own issue's forecast.
func (l Lever) Nudged() string {
	switch {
	case l.Perturbed != "":
		return l.Perturbed
	case l.Issue != l.Target:
		return l.Issue
	}
	return ""
}

// Label names a lever for tables and charts: "ttp reservation on merger"
// on the deal, "army salience" on its own issue's forecast.
func (l Lever) Label() string {
	if n := l.Nudged(); n != "" {
		return l.Actor + " " + l.Field + " on " + n
	}
	return l.Actor + " " + l.Field
}

// Result is the outcome of [Compute]. Its JSON form is the contract of
// `jirga levers --format json`.
type Result struct {
	// Levers are sorted by |Effect| descending; ties by actor, field, issue,
	// perturbed issue and delta.
	Levers []Lever `json:"levers"`
	Model  string  `json:"model,omitempty"`
	Step   float64 `json:"step"`
	// Baseline is the unperturbed forecast per issue.
	Baseline map[string]float64 `json:"baseline"`
	// Movers names, per target, the TopMovers actors whose strongest lever
	// moves it most (see [Result.TopActors]).
	Movers map[string][]Mover `json:"movers"`
}

// TopMovers is the number of actors per issue in Result.Movers.
const TopMovers = 3

// On returns the levers on target (an issue's id, or "deal"), in the
// result's order.
func (r *Result) On(target string) []Lever {
	var out []Lever
	for _, l := range r.Levers {
		if l.Target == target {
			out = append(out, l)
		}
	}
	return out
}

// Options control [Compute] and [ComputeFunc]. The zero value nudges by
// DefaultStep on GOMAXPROCS goroutines.
type Options struct {
	// Step is the relative step of each nudge; 0 means DefaultStep.
	Step float64
	// Workers is the number of nudges computed at once; 0 means
	// GOMAXPROCS. The result does not depend on it.
	Workers int
	// Progress, when set, is called with the nudges computed so far and
	// their number (see sweep.Loop).
	Progress func(done, total int)
}

// Compute perturbs, one at a time, every actor's capability by ±step of its
// value and its salience and position on each issue where it holds a
// stance by ±step·100 salience points and ±step of the issue's scale (and
// its issue-specific power, where the stance sets one, by ±step of its
// value), and returns the effect of each perturbation on each issue's
// forecast by m.
// A perturbation is clamped to its field's range (see
// [jirga.Scenario.Apply]); a change clamped to nothing is left out.
// Effects of a salience or position change on other issues are kept only
// when non-zero. m must be safe for concurrent use, as the registry's
// models are.
func Compute(ctx context.Context, s *jirga.Scenario, m jirga.Model, opt Options) (*Result, error) {
	r, err := ComputeFunc(ctx, s, opt, ForecastFields, Forecasts(m))
	if err != nil {
		return nil, err
	}
	r.Model = m.Name()
	return r, nil
}

// ForecastFields are the fields [Compute] nudges.
var ForecastFields = []string{jirga.FieldCapability, jirga.FieldSalience, jirga.FieldPosition, jirga.FieldPower}

// Forecasts returns the outcome function of [Compute]: m's forecast on
// each issue, keyed by issue id.
func Forecasts(m jirga.Model) func(context.Context, *jirga.Scenario) (map[string]float64, error) {
	return func(ctx context.Context, sc *jirga.Scenario) (map[string]float64, error) {
		vals, err := sweep.Forecast(ctx, m, sc.Table(), nil)
		if err != nil {
			return nil, err
		}
		out := make(map[string]float64, len(vals))
		for k, is := range sc.Issues {
			out[is.ID] = vals[k]
		}
		return out, nil
	}
}

// ComputeDeal ranks the nudges, reservations included, by their effect on
// the joint deal slack among the necessary parties ([deal.Slack]): the
// one value of the result is named "deal", and a positive effect brings a
// deal closer.
func ComputeDeal(ctx context.Context, s *jirga.Scenario, opt Options) (*Result, error) {
	fields := []string{jirga.FieldCapability, jirga.FieldSalience, jirga.FieldPosition, jirga.FieldReservation}
	return ComputeFunc(ctx, s, opt, fields, func(_ context.Context, sc *jirga.Scenario) (map[string]float64, error) {
		z, err := deal.Slack(sc)
		if err != nil {
			return nil, err
		}
		return map[string]float64{"deal": z}, nil
	})
}

// ComputeFunc is [Compute] for any outcome function f, which maps a scenario
// to named values (issue forecasts, a deal's slack, ...): each lever's
// Issue is the name of the value that moved. fields chooses which of the
// [jirga.ChangeFields] are perturbed: every estimate of those fields that
// [jirga.Scenario.Estimates] yields, by ±step of its value for a capability
// or a power and ±step of its range otherwise; reservations also where
// absent, from the status quo.
// The nudges run on sweep.For, so f must be safe for concurrent use; the
// result does not depend on opt.Workers.
func ComputeFunc(ctx context.Context, s *jirga.Scenario, opt Options, fields []string,
	f func(context.Context, *jirga.Scenario) (map[string]float64, error)) (*Result, error) {
	nudges, step, err := Nudges(s, opt, fields)
	if err != nil {
		return nil, err
	}
	base, err := f(ctx, s)
	if err != nil {
		return nil, err
	}
	outs, err := Outcomes(ctx, s, nudges, opt, f)
	if err != nil {
		return nil, err
	}
	return Assemble(s, step, base, nudges, outs), nil
}

// Nudge is one perturbation of a levers analysis.
type Nudge struct {
	// Change is the intervention's change, Delta the step asked for.
	Change jirga.Change
	// Delta is the change Apply makes, clamped to the field's range.
	Delta float64
}

// Nudges returns the perturbations [ComputeFunc] makes to s, in its fixed
// order (that of Scenario.Estimates, then absent reservations), and the
// step. A capability or a power moves by ±step of its value, the others
// by ±step of their range; a change clamped to nothing is left out.
func Nudges(s *jirga.Scenario, opt Options, fields []string) ([]Nudge, float64, error) {
	step := opt.Step
	if step == 0 {
		step = DefaultStep
	}
	if !(step > 0) || math.IsInf(step, 0) {
		return nil, 0, jirga.Errorf(jirga.EINVALID, "levers: step must be a positive number, got %g", step)
	}
	var nudges []Nudge
	try := func(ch jirga.Change, value float64, rng jirga.Range) {
		d := step * rng.Width()
		if rng.LoOpen {
			d = step * value
		}
		for _, sign := range []float64{1, -1} {
			want := sign * d
			if delta := rng.Clamp(value+want) - value; delta != 0 {
				ch.Delta = &want
				nudges = append(nudges, Nudge{ch, delta})
			}
		}
	}
	for in := range s.Estimates() {
		// An issue's status quo belongs to no actor: it is no lever.
		if in.Actor != "" && slices.Contains(fields, in.Field) {
			try(jirga.Change{Actor: in.Actor, Issue: in.Issue, Field: in.Field}, in.Estimate.Value, in.Range)
		}
	}
	// An absent reservation is the status quo, and a lever too.
	if slices.Contains(fields, jirga.FieldReservation) {
		for _, a := range s.Actors {
			for _, is := range s.Issues {
				if st := a.Stances[is.ID]; st != nil && st.Reservation == nil && is.StatusQuo != nil {
					rng, _ := jirga.FieldRange(jirga.FieldReservation, is)
					try(jirga.Change{Actor: a.ID, Issue: is.ID, Field: jirga.FieldReservation}, is.StatusQuo.Value, rng)
				}
			}
		}
	}
	return nudges, step, nil
}

// Outcomes returns f on s changed by each of nudges, in order, computed on
// sweep.For with opt.Workers goroutines: f must be safe for concurrent use.
// A range of the nudges can be computed anywhere and the outcomes put end
// to end for [Assemble]. The error is that of the first nudge that failed.
func Outcomes(ctx context.Context, s *jirga.Scenario, nudges []Nudge, opt Options,
	f func(context.Context, *jirga.Scenario) (map[string]float64, error)) ([]map[string]float64, error) {
	out := make([]map[string]float64, len(nudges))
	_, err := sweep.For(ctx, len(nudges), sweep.Loop{Workers: opt.Workers, Progress: opt.Progress}, func(it sweep.Iter) error {
		ch := nudges[it.I].Change
		sc, err := s.Apply(&jirga.Intervention{ID: "lever", Changes: []jirga.Change{ch}})
		if err != nil {
			return err
		}
		got, err := f(ctx, sc)
		if err != nil {
			return fmt.Errorf("levers: %s %s %s %+g: %w", ch.Actor, ch.Field, ch.Issue, *ch.Delta, err)
		}
		out[it.I] = got
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Assemble makes the result of a levers analysis of s by step from the
// baseline's outcome and each nudge's ([Outcomes]): a lever per nudge and
// named value, except the effects of a salience or position change on
// other issues' forecasts that are zero, sorted ([Sort]), and the movers.
func Assemble(s *jirga.Scenario, step float64, base map[string]float64, nudges []Nudge, outcomes []map[string]float64) *Result {
	r := &Result{Step: step, Baseline: base, Levers: []Lever{}}
	names := slices.Sorted(maps.Keys(base))
	for i, nd := range nudges {
		ch, got := nd.Change, outcomes[i]
		for _, name := range names {
			e := got[name] - base[name]
			l := Lever{Actor: ch.Actor, Field: ch.Field, Target: name, Issue: ch.Issue, Delta: nd.Delta, Effect: e}
			if s.Issue(name) != nil {
				// A lever on an issue's forecast names that issue; a nudge
				// of another issue is kept where it moved this one.
				l.Issue = name
				if ch.Issue != "" && ch.Issue != name {
					if e == 0 {
						continue
					}
					l.Perturbed = ch.Issue
				}
			}
			r.Levers = append(r.Levers, l)
		}
	}
	Sort(r.Levers)
	r.Movers = map[string][]Mover{}
	for _, name := range names {
		r.Movers[name] = r.TopActors(name, TopMovers)
	}
	return r
}

// Sort orders levers by |Effect| descending, then by actor, field, target,
// issue, perturbed issue and delta, so that the order is the same on every
// run.
// Effects equal to 10 significant digits tie, so that rounding noise (a
// nudge up and down with mathematically equal effects) does not decide the
// order.
func Sort(ls []Lever) {
	slices.SortStableFunc(ls, func(a, b Lever) int {
		return cmp.Or(
			cmp.Compare(sig(math.Abs(b.Effect)), sig(math.Abs(a.Effect))),
			cmp.Compare(a.Actor, b.Actor),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Target, b.Target),
			cmp.Compare(a.Issue, b.Issue),
			cmp.Compare(a.Perturbed, b.Perturbed),
			cmp.Compare(a.Delta, b.Delta),
		)
	})
}

// sig rounds x to 10 significant digits.
func sig(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
	return v
}

// Mover is an actor's strongest lever on an issue.
type Mover struct {
	Actor string `json:"actor"`
	// Lever is the actor's perturbation with the largest |effect|.
	Lever Lever `json:"lever"`
}

// TopActors returns, for target (an issue's id, or "deal"), up to k actors
// in order of their strongest lever's |effect| on it, each with that lever
// (which says the field and the direction: Delta's sign and Effect's sign).
func (r *Result) TopActors(target string, k int) []Mover {
	var out []Mover
	seen := map[string]bool{}
	for _, l := range r.Levers {
		if l.Target != target || seen[l.Actor] || l.Effect == 0 {
			continue
		}
		seen[l.Actor] = true
		out = append(out, Mover{Actor: l.Actor, Lever: l})
		if len(out) == k {
			break
		}
	}
	return out
}
