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

// failure is a model's failure on one draw.
type failure struct {
	model, k int
	msg      string
}

// Run runs each model on the point values of s and on opt.Draws scenarios
// drawn from s (see [Draw]) and summarises the forecasts per model and issue
// (see [Result]). The models must be safe for concurrent use, as the
// registry's are: workers share the models and s and nothing mutable.
//
// The result depends only on s, the models and the options other than
// Workers and Progress: the draws run on [For], draw k is drawn with
// DrawRand(opt.Seed, k), each forecast is stored by draw, and statistics are
// computed in draw order.
//
// Models are run with [Forecast], which skips recording rounds.
//
// When ctx is cancelled Run stops, waits for its workers and returns the
// summary of the draws completed so far (draws 1 … Completed) together with
// ctx.Err(). A model failing on the point values is an error; failing on a
// draw is counted (Result.Failed).
func Run(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options) (*Result, error) {
	u, n, bins, err := check(s, models, opt)
	if err != nil {
		return nil, err
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
		res.Results = append(res.Results, &pr)
		res.models = append(res.models, m.Name())
		vals := make([][]float64, len(s.Issues))
		for i := range vals {
			vals[i] = make([]float64, n)
		}
		res.values = append(res.values, vals)
	}
	loop := Loop{Workers: opt.Workers, Seed: opt.Seed, Progress: opt.Progress}
	samplers := make([]*Sampler, loop.Goroutines(n))
	scratch := make([][]float64, len(samplers))
	fails := make([][]failure, len(samplers))
	done, err := For(ctx, n, loop, func(it Iter) error {
		sm := samplers[it.Worker]
		if sm == nil {
			sm = NewSampler(s, u)
			samplers[it.Worker] = sm
		}
		d := sm.Draw(it.Rand())
		k := it.I + 1
		if opt.Keep != nil {
			if err := opt.Keep(k, d); err != nil {
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
				res.values[mi][ii][it.I] = x
			}
			if err != nil {
				fails[it.Worker] = append(fails[it.Worker], failure{model: mi, k: k, msg: err.Error()})
			}
		}
		return nil
	})
	res.Completed = done
	res.summarise(s, bins, fails, opt.Predict)
	return res, err
}

// check validates the arguments and applies the defaults.
func check(s *jirga.Scenario, models []jirga.Model, opt Options) (u Uncertainty, n, bins int, err error) {
	switch {
	case s == nil:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: no scenario")
	case len(models) == 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: no model")
	case opt.Draws < 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: draws must be ≥ 1, got %d", opt.Draws)
	case opt.Workers < 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: workers must be ≥ 0, got %d", opt.Workers)
	case opt.Bins < 0:
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: bins must be ≥ 1, got %d", opt.Bins)
	}
	u = DefaultUncertainty
	if opt.Uncertainty != nil {
		u = *opt.Uncertainty
	}
	if err := u.Validate(); err != nil {
		return u, 0, 0, err
	}
	n = cmpOr(opt.Draws, DefaultDraws)
	bins = cmpOr(opt.Bins, DefaultBins)
	if total := float64(n) * float64(len(models)) * float64(len(s.Issues)); total > MaxValues {
		return u, 0, 0, jirga.Errorf(jirga.EINVALID, "sweep: %d draws × %d models × %d issues would keep %.0f forecasts; the limit is %d (1 GiB): use fewer draws or models", n, len(models), len(s.Issues), total, MaxValues)
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
func (r *Result) summarise(s *jirga.Scenario, bins int, fails [][]failure, plan *calib.Plan) {
	var all []failure
	for _, f := range fails {
		for _, e := range f {
			if e.k <= r.Completed {
				all = append(all, e)
			}
		}
	}
	slices.SortFunc(all, func(a, b failure) int {
		if a.model != b.model {
			return a.model - b.model
		}
		return a.k - b.k
	})
	for _, f := range all {
		name := r.models[f.model]
		if r.Failed == nil {
			r.Failed, r.Errors = map[string]int{}, map[string]string{}
		}
		if r.Failed[name] == 0 {
			r.Errors[name] = fmt.Sprintf("draw %d: %s", f.k, f.msg)
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
