package sweep

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
)

// Defaults of [Options].
const (
	DefaultDraws = 1000
	DefaultBins  = 20
)

// MaxValues bounds the memory of a sweep: Run keeps one float64 per draw,
// model and issue (8·Draws·models·issues bytes) and refuses a sweep that
// would keep more than MaxValues of them (1 GiB).
const MaxValues = 1 << 27

// Options control [Run]. The zero value runs DefaultDraws draws with seed 0,
// GOMAXPROCS workers and the default uncertainty.
type Options struct {
	// Draws is the number of scenarios drawn; 0 means DefaultDraws.
	Draws int
	// Seed seeds the draws. Draw k (k = 1 … Draws) uses its own generator,
	// [DrawRand](Seed, k), so the output is the same for any Workers.
	Seed uint64
	// Workers is the number of goroutines drawing and forecasting; 0 means
	// GOMAXPROCS.
	Workers int
	// Uncertainty is the default uncertainty of numbers that carry none:
	// nil means DefaultUncertainty, &Uncertainty{} none.
	Uncertainty *Uncertainty
	// Bins is the number of histogram bins over each issue's scale; 0 means
	// DefaultBins.
	Bins int
	// Keep, when set, is called with every drawn scenario and its draw
	// number k (1 … Draws), e.g. to write it to a file so that the draw
	// can be re-run and explained (jirga sweep --keep). It is called from
	// the workers, concurrently; d is the worker's scratch copy, valid only
	// during the call. An error stops the sweep: Run returns it with the
	// summary of the draws completed before.
	Keep func(k int, d *jirga.Scenario) error
	// Progress, when set, is called with the number of draws done so far and
	// the total, from the goroutine that called Run (see [Loop]).
	Progress func(done, total int)
	// Predict, when set, gives each model's predictive interval on each
	// issue: its calibrated error combined with its forecasts over the
	// completed draws (see calib.Plan.Apply), and the notes that go with
	// it. Nil: no predictive intervals.
	Predict *calib.Plan
}

// Result is the outcome of a sweep. Its JSON form is the forecast contract
// (scenario, title, results) where each issue forecast also carries mean,
// p10, p25, p50, p75, p90 and histogram, plus the sweep's own fields.
//
// For each model, Results holds the model's forecast on the point values of
// the scenario (Forecast and Anchor), its status, summaries and notes
// (rounds are dropped: run jirga forecast for them), and the statistics of
// the forecasts over the completed draws. A model that fails on a draw (an
// error, or a missing or non-finite forecast on an issue) is counted in
// Failed and left out of that draw's statistics.
type Result struct {
	jirga.Forecast
	// Draws is the number of draws asked for; Completed the number summarised.
	// Completed < Draws only when the sweep was interrupted; the summary is
	// then that of draws 1 … Completed, identical to a sweep of Completed
	// draws.
	Draws     int    `json:"draws"`
	Completed int    `json:"completed"`
	Seed      uint64 `json:"seed"`
	// Uncertainty is the default uncertainty applied to bare numbers.
	Uncertainty Uncertainty `json:"uncertainty"`
	// Failed counts, per model name, the completed draws on which the model
	// failed; Errors holds the first such failure per model (the one of the
	// lowest draw).
	Failed map[string]int    `json:"failed,omitempty"`
	Errors map[string]string `json:"errors,omitempty"`

	models []string
	issues []string
	values [][][]float64 // [model][issue][draw-1]
}

// Values returns the forecasts of model on issue in draws 1 … Completed, in
// draw order, NaN where the model failed, or nil if there is no such model
// or issue. The sweep keeps them all (8 bytes per draw, model and issue,
// bounded by MaxValues), so that coverage studies can use them; Values
// returns a copy.
func (r *Result) Values(model, issue string) []float64 {
	mi, ii := slices.Index(r.models, model), slices.Index(r.issues, issue)
	if mi < 0 || ii < 0 {
		return nil
	}
	return slices.Clone(r.values[mi][ii][:r.Completed])
}

// DrawRand returns the random generator of draw k of a sweep seeded with
// seed: a PCG generator whose two seed words are splitmix64 hashes of seed
// and of seed and k, so that every (seed, k) pair has its own stream.
// Draw(s, DrawRand(seed, k), u) reproduces draw k of a sweep.
func DrawRand(seed uint64, k int) *rand.Rand {
	return rand.New(rand.NewPCG(drawSeed(seed, k)))
}

func drawSeed(seed uint64, k int) (uint64, uint64) {
	s1 := splitmix64(seed)
	return s1, splitmix64(s1 ^ splitmix64(uint64(k)))
}

// splitmix64 is the finaliser of Steele, Lea & Flood's SplitMix64 (OOPSLA
// 2014), a bijection on uint64 that scrambles its input.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Run runs each model on the point values of s and on opt.Draws scenarios
// drawn from s (see [Draw]) and summarises the forecasts per model and issue
// (see [Result]). The models must be safe for concurrent use, as the
// registry's are: workers share the models and s and nothing mutable.
//
// The result depends only on s, the models and the options other than
// Workers and Progress: the draws run on [For], draw k is drawn with
// DrawRand(opt.Seed, k), each forecast is stored by draw, and statistics are
// computed in draw order. Run is [Points], [RunPart] over every draw and
// [Merge]: a sweep cut into parts that run anywhere gives the same result.
//
// Models are run with [Forecast], which skips recording rounds.
//
// When ctx is cancelled Run stops, waits for its workers and returns the
// summary of the draws completed so far (draws 1 … Completed) together with
// ctx.Err(). A model failing on the point values is an error; failing on a
// draw is counted (Result.Failed).
func Run(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options) (*Result, error) {
	_, n, _, err := check(s, models, opt)
	if err != nil {
		return nil, err
	}
	points, err := Points(ctx, s, models)
	if err != nil {
		return nil, err
	}
	p, err := RunPart(ctx, s, models, opt, 0, n)
	if p == nil {
		return nil, err
	}
	res, merr := merge(s, points, []*Part{p}, opt, true)
	if merr != nil {
		return nil, merr
	}
	return res, err
}

// Points returns each model's forecast on the point values of s as a sweep
// reports it: without rounds (see [Result]). A model that fails is an error.
func Points(ctx context.Context, s *jirga.Scenario, models []jirga.Model) ([]*jirga.Result, error) {
	var out []*jirga.Result
	t := s.Table()
	for _, m := range models {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// Rounds are dropped, so models that can skip recording them do.
		r, err := jirga.ForecastTable(ctx, m, t, jirga.DetailNone)
		if err != nil {
			return nil, err
		}
		pr := *r
		pr.Rounds = nil
		pr.Issues = slices.Clone(r.Issues)
		out = append(out, &pr)
	}
	return out, nil
}

// RunPart runs the draws From+1 … To of the sweep of s by models with opt
// (draw k drawn with DrawRand(opt.Seed, k), as in [Run]) and keeps every
// forecast and failure, for [Merge]. Workers, Keep and Progress apply to
// the part (Progress counts its draws).
//
// When ctx is cancelled RunPart stops, waits for its workers and returns
// the part with the draws completed so far from From+1 on, together with
// ctx.Err(); such a part is incomplete ([Part.Complete]) and Merge refuses
// it.
func RunPart(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options, from, to int) (*Part, error) {
	u, n, _, err := check(s, models, opt)
	if err != nil {
		return nil, err
	}
	if from < 0 || to > n || from > to {
		return nil, jirga.Errorf(jirga.EINVALID, "sweep: draws %d … %d are not within the sweep's %d", from+1, to, n)
	}
	p := &Part{From: from, To: to, issues: len(s.Issues)}
	m := to - from
	for range models {
		vals := make([][]float64, len(s.Issues))
		for i := range vals {
			vals[i] = make([]float64, m)
		}
		p.values = append(p.values, vals)
	}
	loop := Loop{Workers: opt.Workers, Seed: opt.Seed, Progress: opt.Progress, Offset: from}
	samplers := NewSamplers(s, u, loop, m)
	scratch := make([][]float64, loop.Goroutines(m))
	fails := make([][]Failure, loop.Goroutines(m))
	done, err := For(ctx, m, loop, func(it Iter) error {
		sm := samplers.Draw(it)
		k := it.I + 1
		if opt.Keep != nil {
			if err := opt.Keep(k, sm.Table().Scenario()); err != nil {
				return fmt.Errorf("sweep: keeping draw %d: %w", k, err)
			}
		}
		for mi, m := range models {
			vals, err := Forecast(ctx, m, sm.Table(), scratch[it.Worker])
			scratch[it.Worker] = vals
			if err != nil && ctx.Err() != nil {
				return ctx.Err() // interrupted: the draw is not complete
			}
			for ii, x := range vals {
				p.values[mi][ii][it.I-from] = x
			}
			if err != nil {
				fails[it.Worker] = append(fails[it.Worker], Failure{Model: mi, Draw: k, Error: err.Error()})
			}
		}
		return nil
	})
	p.completed = done
	for _, f := range fails {
		for _, e := range f {
			if e.Draw <= from+done {
				p.Failures = append(p.Failures, e)
			}
		}
	}
	slices.SortFunc(p.Failures, func(a, b Failure) int {
		if a.Model != b.Model {
			return a.Model - b.Model
		}
		return a.Draw - b.Draw
	})
	return p, err
}

// Merge summarises a sweep of s run in parts: points are the forecasts on
// the point values ([Points]) and parts the complete parts ([RunPart]) that
// together cover draws 1 … opt.Draws once, in any order. The result is the
// one [Run] gives with opt, byte for byte. A missing, overlapping,
// incomplete or mismatched part is an EINVALID error saying which.
func Merge(s *jirga.Scenario, points []*jirga.Result, parts []*Part, opt Options) (*Result, error) {
	return merge(s, points, parts, opt, false)
}

// merge is Merge; partial allows the last part to be incomplete (an
// interrupted Run), the result then summarising the draws completed.
func merge(s *jirga.Scenario, points []*jirga.Result, parts []*Part, opt Options, partial bool) (*Result, error) {
	if s == nil {
		return nil, jirga.Errorf(jirga.EINVALID, "sweep: no scenario")
	}
	u, n, bins, err := checkOptions(s, len(points), opt)
	if err != nil {
		return nil, err
	}
	parts = slices.Clone(parts)
	slices.SortFunc(parts, func(a, b *Part) int { return a.From - b.From })
	next := 0
	for i, p := range parts {
		switch {
		case p.From > next:
			return nil, jirga.Errorf(jirga.EINVALID, "sweep: draws %d … %d are in no part", next+1, p.From)
		case p.From < next:
			return nil, jirga.Errorf(jirga.EINVALID, "sweep: draws %d … %d are in more than one part", p.From+1, min(next, p.To))
		case len(p.values) != len(points) || p.issues != len(s.Issues):
			return nil, jirga.Errorf(jirga.EINVALID, "sweep: the part of draws %d … %d has %d models and %d issues, not %d and %d", p.From+1, p.To, len(p.values), p.issues, len(points), len(s.Issues))
		case !p.Complete() && !(partial && i == len(parts)-1):
			return nil, jirga.Errorf(jirga.EINVALID, "sweep: the part of draws %d … %d is incomplete (%d draws done)", p.From+1, p.To, p.completed)
		}
		next = p.To
	}
	if next != n {
		return nil, jirga.Errorf(jirga.EINVALID, "sweep: draws %d … %d are in no part", next+1, n)
	}
	res := &Result{
		Forecast:    jirga.Forecast{Scenario: s.ID, Title: s.Title},
		Draws:       n,
		Seed:        opt.Seed,
		Uncertainty: u,
	}
	for _, is := range s.Issues {
		res.issues = append(res.issues, is.ID)
	}
	for _, r := range points {
		pr := *r
		pr.Issues = slices.Clone(r.Issues)
		pr.Notes = slices.Clone(r.Notes) // the plan's notes are appended
		res.Results = append(res.Results, &pr)
		res.models = append(res.models, r.Model)
	}
	// The values by draw: a single part's own, or the parts' end to end.
	if len(parts) == 1 {
		res.values = parts[0].values
	} else {
		res.values = make([][][]float64, len(points))
		for mi := range points {
			res.values[mi] = make([][]float64, len(s.Issues))
			for ii := range s.Issues {
				vals := make([]float64, 0, n)
				for _, p := range parts {
					vals = append(vals, p.values[mi][ii]...)
				}
				res.values[mi][ii] = vals
			}
		}
	}
	var fails []Failure
	res.Completed = 0
	for _, p := range parts {
		fails = append(fails, p.Failures...)
		res.Completed += p.completed
		if !p.Complete() {
			break
		}
	}
	res.summarise(s, bins, fails, opt.Predict)
	return res, nil
}

// check validates the arguments and applies the defaults.
func check(s *jirga.Scenario, models []jirga.Model, opt Options) (u Uncertainty, n, bins int, err error) {
	if s == nil {
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: no scenario")
	}
	return checkOptions(s, len(models), opt)
}

// checkOptions validates the options of a sweep of s by nm models and
// applies the defaults.
func checkOptions(s *jirga.Scenario, nm int, opt Options) (u Uncertainty, n, bins int, err error) {
	switch {
	case nm == 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: no model")
	case opt.Draws < 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: draws must be ≥ 1, got %d", opt.Draws)
	case opt.Workers < 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: workers must be ≥ 0, got %d", opt.Workers)
	case opt.Bins < 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: bins must be ≥ 1, got %d", opt.Bins)
	}
	u = DefaultUncertainty()
	if opt.Uncertainty != nil {
		u = *opt.Uncertainty
	}
	if err := u.Validate(); err != nil {
		return u, 0, 0, err
	}
	n = cmpOr(opt.Draws, DefaultDraws)
	bins = cmpOr(opt.Bins, DefaultBins)
	if total := float64(n) * float64(nm) * float64(len(s.Issues)); total > MaxValues {
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: %d draws × %d models × %d issues would keep %.0f forecasts; the limit is %d (1 GiB): use fewer draws or models", n, nm, len(s.Issues), total, MaxValues)
	}
	return u, n, bins, nil
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// summarise fills the interval fields of every result from the values of
// draws 1 … Completed, and its predictive intervals with plan, and counts
// the failures among them.
func (r *Result) summarise(s *jirga.Scenario, bins int, fails []Failure, plan *calib.Plan) {
	var all []Failure
	for _, e := range fails {
		if e.Draw <= r.Completed {
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b Failure) int {
		if a.Model != b.Model {
			return a.Model - b.Model
		}
		return a.Draw - b.Draw
	})
	for _, f := range all {
		name := r.models[f.Model]
		if r.Failed == nil {
			r.Failed, r.Errors = map[string]int{}, map[string]string{}
		}
		if r.Failed[name] == 0 {
			r.Errors[name] = fmt.Sprintf("draw %d: %s", f.Draw, f.Error)
		}
		r.Failed[name]++
	}
	for mi, pr := range r.Results {
		for ii, is := range s.Issues {
			lo, hi := is.Bounds()
			st := summarise(r.values[mi][ii][:r.Completed], lo, hi, bins)
			if st.n == 0 {
				continue
			}
			fi := slices.IndexFunc(pr.Issues, func(f jirga.IssueForecast) bool { return f.Issue == is.ID })
			if fi < 0 {
				continue
			}
			f := &pr.Issues[fi]
			f.Mean, f.P10, f.P25, f.P50, f.P75, f.P90 = &st.mean, &st.p10, &st.p25, &st.p50, &st.p75, &st.p90
			f.Histogram = st.hist
		}
		plan.Apply(pr, s, func(k int) []float64 { return r.values[mi][k][:r.Completed] })
	}
}
