package deal

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stat"
	"github.com/jirga/jirga/sweep"
)

// Options control [Analyze]. The zero value runs sweep.DefaultDraws draws with
// seed 0, GOMAXPROCS workers and sweep.DefaultUncertainty.
type Options struct {
	// Draws is the number of scenarios drawn from the inputs' uncertainty;
	// 0 means sweep.DefaultDraws, as for a sweep; negative means none (point
	// values only).
	Draws int
	// Seed seeds the draws: draw k uses sweep.DrawRand(Seed, k), so the
	// result does not depend on Workers.
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Uncertainty applies to numbers without a range of their own: nil means
	// sweep.DefaultUncertainty, &sweep.Uncertainty{} none.
	Uncertainty *sweep.Uncertainty
	// Interventions, when set, also computes the deal probability under each
	// of the scenario's interventions and under all of them together.
	Interventions bool
	// Progress, when set, is called with the draws done so far and their
	// number, over all the Monte Carlo estimates (see sweep.Loop and
	// [Size]).
	Progress func(done, total int)
}

// Result is the outcome of [Analyze]. Its JSON form is the contract of
// `jirga deal --format json`.
type Result struct {
	Scenario string `json:"scenario"`
	// Necessary lists the actors whose consent a deal needs.
	Necessary []string `json:"necessary"`
	// DealProbability is the share of draws in which a joint zone of possible
	// agreement exists (the point values' answer when there are no draws).
	DealProbability float64 `json:"deal_probability"`
	// DealProbabilityCI is the 95% interval of DealProbability's Monte
	// Carlo error (Wilson score interval of the count over the draws;
	// absent without draws). With none of 1,000 draws it is [0, 0.0038].
	DealProbabilityCI *[2]float64 `json:"deal_probability_ci,omitempty"`
	// IssueProbability is, per issue, the share of draws in which the
	// issue's own zone is not empty; IssueProbabilityCI its 95% interval.
	IssueProbability   map[string]float64    `json:"issue_probability"`
	IssueProbabilityCI map[string][2]float64 `json:"issue_probability_ci,omitempty"`
	// ZOPA is, per issue, the zone of possible agreement on that issue alone
	// at the point values; null where it is empty.
	ZOPA map[string]*Interval `json:"zopa"`
	// Acceptable is, per issue and necessary actor, the interval the actor
	// accepts on that issue alone.
	Acceptable map[string]map[string]*Interval `json:"acceptable"`
	Joint      Joint                           `json:"joint"`
	// ForecastAcceptable is, per model, whether its forecast is a deal that
	// every necessary actor accepts.
	ForecastAcceptable map[string]*Check `json:"forecast_acceptable"`
	Draws              int               `json:"draws"`
	Seed               uint64            `json:"seed"`
	Uncertainty        sweep.Uncertainty `json:"uncertainty"`
	// Interventions are the deal probabilities under each intervention and
	// all together (Options.Interventions).
	Interventions []Variant `json:"interventions,omitempty"`
	// Notes explain choices made on this input.
	Notes []string `json:"notes,omitempty"`
}

// Joint is the zone of possible agreement across all issues at once.
type Joint struct {
	// Exists is true when some package of outcomes is acceptable to every
	// necessary actor.
	Exists bool `json:"exists"`
	// Slack is −z*, the smallest margin by which a necessary actor prefers
	// the best package to its reservation, as a share of its salience-weighted
	// scale (negative: the shortfall of the worst-off actor).
	Slack float64 `json:"slack"`
	// Point is a package that maximises the smallest margin (one of them:
	// on issues that do not bind, others do as well).
	Point map[string]float64 `json:"point"`
	// Bounds are, per issue, the lowest and highest outcome of any jointly
	// acceptable package; absent when no deal exists.
	Bounds map[string]*Interval `json:"bounds,omitempty"`
}

// Check is one model's forecast tested against the zones.
type Check struct {
	// Acceptable is true when every necessary actor accepts the forecast
	// package jointly.
	Acceptable bool `json:"acceptable"`
	// Issues says per issue whether the forecast lies in that issue's zone.
	Issues map[string]bool `json:"issues"`
	// RejectedBy lists the necessary actors that reject the forecast package.
	RejectedBy []string `json:"rejected_by,omitempty"`
	// Unsettled lists the issues on which the dynamic model's outcome had
	// not settled (jirga.JudgeSettle): its forecast there is the middle of
	// a range, so whether the package is acceptable is less certain.
	Unsettled []string `json:"unsettled,omitempty"`
	// Probability is the share of draws in which the model's forecast on the
	// drawn scenario is jointly acceptable; ProbabilityCI its 95% interval.
	Probability   float64     `json:"probability"`
	ProbabilityCI *[2]float64 `json:"probability_ci,omitempty"`
}

// Variant is the deal probability under an intervention.
type Variant struct {
	ID              string  `json:"id"`
	Name            string  `json:"name,omitempty"`
	Kind            string  `json:"kind,omitempty"`
	DealProbability float64 `json:"deal_probability"`
	// DealProbabilityCI is its 95% interval, as the baseline's.
	DealProbabilityCI *[2]float64 `json:"deal_probability_ci,omitempty"`
	// Shift is DealProbability minus the baseline's.
	Shift float64 `json:"shift"`
	// Exists is whether a joint deal exists at the point values.
	Exists bool `json:"exists"`
}

// Necessary returns the ids of the actors marked necessary, or, when none
// is, of every actor whose role is party.
func Necessary(s *jirga.Scenario) []string {
	var ids []string
	for _, a := range s.Actors {
		if a.Necessary {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) > 0 {
		return ids
	}
	for _, a := range s.Actors {
		if a.RoleOrDefault() == jirga.RoleParty {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// Analyze computes the zones of possible agreement of s among its necessary
// actors (see the package documentation), tests each model's forecast
// against them, and estimates by Monte Carlo over the inputs' uncertainty
// the probability that a deal exists. It is [Point], [RunPart] over every
// draw and [Merge]: an analysis cut into parts that run anywhere gives the
// same result.
func Analyze(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options) (*Result, error) {
	r, err := Point(ctx, s, models, opt)
	if err != nil {
		return nil, err
	}
	p, err := RunPart(ctx, s, models, opt, 0, Size(s, opt))
	if err != nil {
		return nil, err
	}
	return Merge(s, names(models), r, []*Part{p}, opt)
}

func names(models []jirga.Model) []string {
	var out []string
	for _, m := range models {
		out = append(out, m.Name())
	}
	return out
}

// draws returns the number of draws of each Monte Carlo estimate.
func (opt Options) draws() int {
	switch {
	case opt.Draws == 0:
		return sweep.DefaultDraws
	case opt.Draws < 0:
		return 0
	}
	return opt.Draws
}

// variants returns the sets of interventions whose deal probability is
// estimated beside the baseline's: each intervention alone, then all of
// them together when there are two or more.
func variants(s *jirga.Scenario, opt Options) [][]*jirga.Intervention {
	if !opt.Interventions {
		return nil
	}
	var out [][]*jirga.Intervention
	for _, iv := range s.Interventions {
		out = append(out, []*jirga.Intervention{iv})
	}
	if len(s.Interventions) >= 2 {
		out = append(out, s.Interventions)
	}
	return out
}

// Size returns the number of draws the Monte Carlo estimates of an analysis
// of s with opt take together: Draws for the baseline and Draws more for
// each variant of Options.Interventions. They are numbered 0 … Size−1,
// the baseline's first, and [RunPart] runs any range of them.
func Size(s *jirga.Scenario, opt Options) int {
	return opt.draws() * (1 + len(variants(s, opt)))
}

// Point computes everything of an analysis but its Monte Carlo estimates:
// the zones, the joint zone and each model's forecast tested against them
// at the point values, and whether a joint deal exists under each variant.
// [Merge] adds the probabilities.
func Point(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options) (*Result, error) {
	u := sweep.DefaultUncertainty()
	if opt.Uncertainty != nil {
		u = *opt.Uncertainty
	}
	nec := Necessary(s)
	r := &Result{Scenario: s.ID, Necessary: nec, Draws: opt.draws(), Seed: opt.Seed, Uncertainty: u,
		IssueProbability: map[string]float64{}, ZOPA: map[string]*Interval{},
		Acceptable: map[string]map[string]*Interval{}, ForecastAcceptable: map[string]*Check{}}
	if !hasNecessaryFlag(s) {
		r.Notes = append(r.Notes, "no actor is marked necessary, so every party is taken as necessary")
	}
	p := setup(s, nec)
	p.stop = ctx.Err
	for k, id := range p.issues {
		r.ZOPA[id] = p.zopa(k)
		r.Acceptable[id] = map[string]*Interval{}
		for i := range p.parties {
			pt := &p.parties[i]
			if a := p.acceptable(pt, k); a != nil {
				r.Acceptable[id][pt.id] = a
			}
			if pt.has[k] && pt.free[k] {
				r.Notes = append(r.Notes, fmt.Sprintf("%s has no reservation and issue %q no status quo: it accepts any outcome there", pt.id, id))
			}
		}
	}
	z, x, _, err := p.joint(-1)
	if err != nil {
		return nil, err
	}
	r.Joint = Joint{Exists: z <= 1e-9, Slack: -z, Point: map[string]float64{}}
	if r.Joint.Slack == 0 {
		r.Joint.Slack = 0 // not −0
	}
	for k, id := range p.issues {
		r.Joint.Point[id] = x[k]
	}
	if r.Joint.Exists {
		r.Joint.Bounds = map[string]*Interval{}
		for k, id := range p.issues {
			_, xl, okl, err := p.joint(2 * k)
			if err != nil {
				return nil, err
			}
			_, xh, okh, err := p.joint(2*k + 1)
			if err != nil {
				return nil, err
			}
			if okl && okh {
				r.Joint.Bounds[id] = &Interval{xl[k], xh[k]}
			}
		}
	}
	var vals []float64
	t := s.Table()
	for _, m := range models {
		var fr *jirga.Result
		if fr, vals, err = sweep.ForecastResult(ctx, m, t, vals); err != nil {
			return nil, err
		}
		c := check(&p, vals)
		c.Unsettled = fr.Unsettled()
		r.ForecastAcceptable[m.Name()] = c
	}
	for i, ivs := range variants(s, opt) {
		sc, err := s.Apply(ivs...)
		if err != nil {
			return nil, err
		}
		v := Variant{ID: "all", Name: "all interventions together"}
		if i < len(s.Interventions) {
			v = Variant{ID: ivs[0].ID, Name: ivs[0].Name, Kind: ivs[0].Kind}
		}
		vp := setup(sc, nec)
		vp.stop = ctx.Err
		z, _, _, err := vp.joint(-1)
		if err != nil {
			return nil, err
		}
		v.Exists = z <= 1e-9
		r.Interventions = append(r.Interventions, v)
	}
	return r, nil
}

// Part is what a range of an analysis's Monte Carlo draws found
// ([RunPart]): per estimate (the baseline, then each variant) the draws
// with a joint deal, and, in the baseline's draws, those with a zone on
// each issue and with each model's forecast jointly acceptable. [Merge]
// adds up the parts.
type Part struct {
	// From and To delimit the part: draws From … To−1 of [Size]'s
	// numbering.
	From int `json:"from"`
	To   int `json:"to"`
	// Deal counts the draws with a joint deal, per estimate.
	Deal []int `json:"deal"`
	// Issue and Model count, in the baseline's draws, those with a zone on
	// each issue (in scenario order) and with each model's forecast
	// acceptable (in the order of the models).
	Issue []int `json:"issue"`
	Model []int `json:"model"`
}

// RunPart runs the Monte Carlo draws From … To−1 (numbered as by [Size])
// of the analysis of s by models with opt, on sweep.For: draw k of every
// estimate is drawn from sweep.DrawRand(opt.Seed, k), so the baseline and
// each variant see the same draws. Progress counts the part's draws.
func RunPart(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options, from, to int) (*Part, error) {
	u := sweep.DefaultUncertainty()
	if opt.Uncertainty != nil {
		u = *opt.Uncertainty
	}
	if from < 0 || to > Size(s, opt) || from > to {
		return nil, jirga.Errorf(jirga.EINVALID, "deal: draws %d … %d are not within the analysis's %d", from, to-1, Size(s, opt))
	}
	vs := variants(s, opt)
	p := &Part{From: from, To: to, Deal: make([]int, 1+len(vs)), Issue: make([]int, len(s.Issues)), Model: make([]int, len(models))}
	nec := Necessary(s)
	n := opt.draws()
	done := 0
	for b := 0; b <= len(vs) && n > 0; b++ {
		lo, hi := max(from, b*n)-b*n, min(to, (b+1)*n)-b*n
		if lo >= hi {
			continue
		}
		sc, ms := s, models
		if b > 0 {
			var err error
			if sc, err = s.Apply(vs[b-1]...); err != nil {
				return nil, err
			}
			ms = nil
		}
		o := opt
		if opt.Progress != nil {
			o.Progress = func(d, _ int) { opt.Progress(done+d, to-from) }
		}
		if err := p.count(ctx, sc, nec, ms, o, u, b, lo, hi); err != nil {
			return nil, err
		}
		done += hi - lo
	}
	return p, nil
}

// Merge fills the probabilities of point ([Point] of s with the models
// named) from the parts ([RunPart]), which together cover every draw of
// the analysis once, in any order. The result is the one [Analyze] gives,
// byte for byte. A missing or overlapping part is an EINVALID error saying
// which.
func Merge(s *jirga.Scenario, models []string, point *Result, parts []*Part, opt Options) (*Result, error) {
	size, n, nv := Size(s, opt), opt.draws(), len(variants(s, opt))
	parts = slices.Clone(parts)
	slices.SortFunc(parts, func(a, b *Part) int { return a.From - b.From })
	total := &Part{Deal: make([]int, 1+nv), Issue: make([]int, len(s.Issues)), Model: make([]int, len(models))}
	next := 0
	for _, p := range parts {
		switch {
		case p.From > next:
			return nil, jirga.Errorf(jirga.EINVALID, "deal: draws %d … %d are in no part", next, p.From-1)
		case p.From < next:
			return nil, jirga.Errorf(jirga.EINVALID, "deal: draws %d … %d are in more than one part", p.From, min(next, p.To)-1)
		case len(p.Deal) != len(total.Deal) || len(p.Issue) != len(total.Issue) || len(p.Model) != len(total.Model):
			return nil, jirga.Errorf(jirga.EINVALID, "deal: the part of draws %d … %d is of another analysis", p.From, p.To-1)
		}
		next = p.To
		for i, c := range p.Deal {
			total.Deal[i] += c
		}
		for i, c := range p.Issue {
			total.Issue[i] += c
		}
		for i, c := range p.Model {
			total.Model[i] += c
		}
	}
	if next != size {
		return nil, jirga.Errorf(jirga.EINVALID, "deal: draws %d … %d are in no part", next, size-1)
	}
	// A deep enough copy: the probabilities are set on fresh maps.
	r := *point
	r.IssueProbability = map[string]float64{}
	r.ForecastAcceptable = map[string]*Check{}
	for name, c := range point.ForecastAcceptable {
		cc := *c
		r.ForecastAcceptable[name] = &cc
	}
	r.Interventions = slices.Clone(point.Interventions)
	if n == 0 {
		// No draws: the point values' answers.
		r.DealProbability = b2f(r.Joint.Exists)
		for _, is := range s.Issues {
			r.IssueProbability[is.ID] = b2f(r.ZOPA[is.ID] != nil)
		}
		for _, name := range models {
			if c := r.ForecastAcceptable[name]; c != nil {
				c.Probability = b2f(c.Acceptable)
			}
		}
	} else {
		// Each share carries the Wilson interval of its count, from the
		// merged counts themselves.
		d := float64(n)
		r.DealProbability = float64(total.Deal[0]) / d
		r.DealProbabilityCI = countCI(total.Deal[0], n)
		r.IssueProbabilityCI = map[string][2]float64{}
		for j, is := range s.Issues {
			r.IssueProbability[is.ID] = float64(total.Issue[j]) / d
			r.IssueProbabilityCI[is.ID] = *countCI(total.Issue[j], n)
		}
		for j, name := range models {
			if c := r.ForecastAcceptable[name]; c != nil {
				c.Probability = float64(total.Model[j]) / d
				c.ProbabilityCI = countCI(total.Model[j], n)
			}
		}
	}
	for i := range r.Interventions {
		v := &r.Interventions[i]
		if n == 0 {
			v.DealProbability = b2f(v.Exists)
		} else if i+1 < len(total.Deal) {
			v.DealProbability = float64(total.Deal[i+1]) / float64(n)
			v.DealProbabilityCI = countCI(total.Deal[i+1], n)
		}
		v.Shift = v.DealProbability - r.DealProbability
	}
	return &r, nil
}

// CI returns the 95% interval of the Monte Carlo error of a share p of
// draws draws: the Wilson score interval of its count (stat.Wilson), or nil
// without draws.
func CI(p float64, draws int) *[2]float64 {
	return countCI(int(math.Round(p*float64(draws))), draws)
}

// countCI is [CI] of k draws of draws: the Wilson score interval of the
// count, or nil without draws.
func countCI(k, draws int) *[2]float64 {
	if draws <= 0 {
		return nil
	}
	lo, hi := stat.Wilson(k, draws, stat.Z95)
	return &[2]float64{lo, hi}
}

// Percent writes a share of draws with its Monte Carlo error for people:
// "1.5% (95% CI 0.9–2.5%)"; "below 0.4% (95%)" when no draw had it, and
// "above 99.6% (95%)" when every draw did, the end of the 95% interval
// rounded outwards to 0.1%; "0.0% (point values only)" without draws
// (ci nil).
func Percent(p float64, ci *[2]float64) string {
	switch {
	case ci == nil:
		return fmt.Sprintf("%.1f%% (point values only)", 100*p)
	case p == 0:
		return fmt.Sprintf("below %.1f%% (95%%)", math.Ceil(1000*ci[1])/10)
	case p == 1:
		return fmt.Sprintf("above %.1f%% (95%%)", math.Floor(1000*ci[0])/10)
	}
	return fmt.Sprintf("%.1f%% (95%% CI %.1f–%.1f%%)", 100*p, 100*ci[0], 100*ci[1])
}

func hasNecessaryFlag(s *jirga.Scenario) bool {
	for _, a := range s.Actors {
		if a.Necessary {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// check tests one forecast package, x[k] on issue p.issues[k] (NaN where
// there is none), against the point problem.
func check(p *problem, x []float64) *Check {
	c := &Check{Acceptable: true, Issues: map[string]bool{}}
	for k, id := range p.issues {
		c.Issues[id] = p.zopa(k).Contains(x[k], p.hi[k]-p.lo[k])
	}
	for i := range p.parties {
		if !p.accepts(&p.parties[i], x) {
			c.Acceptable = false
			c.RejectedBy = append(c.RejectedBy, p.parties[i].id)
		}
	}
	return c
}

// drawOutcome is what one draw found.
type drawOutcome struct {
	deal  bool
	issue []bool
	model []bool
}

// count draws the scenario s for the draws lo … hi−1 of estimate b on
// sweep.For (draw k from sweep.DrawRand(opt.Seed, k), k = draw+1) and adds
// to p the draws with a joint deal and, for the baseline, a zone on each
// issue and each model's forecast acceptable. Outcomes are stored by draw
// and counted in order, so they do not depend on the number of workers.
func (p *Part) count(ctx context.Context, s *jirga.Scenario, nec []string, models []jirga.Model, opt Options, u sweep.Uncertainty, b, lo, hi int) error {
	loop := sweep.Loop{Workers: opt.Workers, Seed: opt.Seed, Progress: opt.Progress, Offset: lo}
	samplers := sweep.NewSamplers(s, u, loop, hi-lo)
	scratch := make([][]float64, loop.Goroutines(hi-lo))
	res := make([]drawOutcome, hi-lo)
	_, err := sweep.For(ctx, hi-lo, loop, func(it sweep.Iter) error {
		o, err := oneDraw(ctx, samplers.Draw(it).Table(), nec, models, &scratch[it.Worker])
		if err != nil {
			return fmt.Errorf("draw %d: %w", it.I+1, err)
		}
		res[it.I-lo] = o
		return ctx.Err() // a draw cut short by cancellation is not complete
	})
	if err != nil {
		return err
	}
	for k := range res {
		if res[k].deal {
			p.Deal[b]++
		}
		if b > 0 {
			continue
		}
		for j, ok := range res[k].issue {
			if ok {
				p.Issue[j]++
			}
		}
		for j, ok := range res[k].model {
			if ok {
				p.Model[j]++
			}
		}
	}
	return nil
}

// oneDraw evaluates one drawn scenario, that of table t; vals is the
// worker's scratch space for the models' forecasts.
func oneDraw(ctx context.Context, t *jirga.Table, nec []string, models []jirga.Model, vals *[]float64) (drawOutcome, error) {
	p := setup(t.Scenario(), nec)
	p.stop = ctx.Err
	z, _, _, err := p.joint(-1)
	if err != nil {
		return drawOutcome{}, err
	}
	o := drawOutcome{deal: z <= 1e-9, issue: make([]bool, len(p.issues)), model: make([]bool, len(models))}
	for k := range p.issues {
		o.issue[k] = p.zopa(k) != nil
	}
	for j, m := range models {
		*vals, err = sweep.Forecast(ctx, m, t, *vals)
		if err != nil {
			// A model failing on a draw counts as not acceptable there.
			continue
		}
		o.model[j] = check(&p, *vals).Acceptable
	}
	return o, nil
}

// Slack returns the joint slack of s at its point values among its
// necessary parties (see [Joint]): positive when a joint deal exists, and
// the margin of the worst-off party either way. It is the outcome that
// `jirga levers --target deal` ranks levers by.
func Slack(s *jirga.Scenario) (float64, error) {
	p := setup(s, Necessary(s))
	z, _, _, err := p.joint(-1)
	if z == 0 {
		return 0, err // not −0
	}
	return -z, err
}
