package sweep_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/internal/canceltest"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stat"
	"github.com/jirga/jirga/sweep"
)

// allModels builds every registered model with default options.
func allModels(tb testing.TB) []jirga.Model { return registered(tb, true) }

// staticModels builds the registered static models, which are fast.
func staticModels(tb testing.TB) []jirga.Model { return registered(tb, false) }

func registered(tb testing.TB, dynamic bool) []jirga.Model {
	tb.Helper()
	var ms []jirga.Model
	for _, info := range models.All() {
		if info.Dynamic && !dynamic {
			continue
		}
		m, err := models.New(info.Name, models.Options{Seed: 1})
		if err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
	return ms
}

func mustRun(tb testing.TB, s *jirga.Scenario, ms []jirga.Model, opt sweep.Options) *sweep.Result {
	tb.Helper()
	r, err := sweep.Run(context.Background(), s, ms, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestRunDeterministic(t *testing.T) {
	s := exampletest.Flagship(t)
	// Every model with a few draws (the dynamic ones are slow), the static
	// ones with more.
	t.Run("all", func(t *testing.T) { testDeterministic(t, s, allModels(t), 16) })
	t.Run("static", func(t *testing.T) { testDeterministic(t, s, staticModels(t), 300) })
}

func testDeterministic(t *testing.T, s *jirga.Scenario, ms []jirga.Model, draws int) {
	var want string
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for _, workers := range []int{0, 1, 2, 7} {
			r := mustRun(t, s, ms, sweep.Options{Draws: draws, Seed: 42, Workers: workers})
			got := mustJSON(t, r)
			if want == "" {
				want = got
			} else if got != want {
				t.Fatalf("GOMAXPROCS %d, %d workers: output differs from the first run", procs, workers)
			}
		}
	}
	// Another seed gives another sweep.
	if got := mustJSON(t, mustRun(t, s, ms, sweep.Options{Draws: draws, Seed: 43})); got == want {
		t.Error("seeds 42 and 43 gave the same sweep")
	}
}

func TestRunSummary(t *testing.T) {
	s := exampletest.Flagship(t)
	ms := staticModels(t)
	const n = 400
	r := mustRun(t, s, ms, sweep.Options{Draws: n, Seed: 7, Bins: 10})
	point, err := jirga.Run(context.Background(), s, ms)
	if err != nil {
		t.Fatal(err)
	}
	if r.Draws != n || r.Completed != n || r.Seed != 7 || r.Scenario != s.ID || r.Uncertainty != sweep.DefaultUncertainty() {
		t.Errorf("draws %d completed %d seed %d scenario %q uncertainty %+v", r.Draws, r.Completed, r.Seed, r.Scenario, r.Uncertainty)
	}
	if len(r.Failed) != 0 {
		t.Errorf("failures on the flagship: %v %v", r.Failed, r.Errors)
	}
	for mi, res := range r.Results {
		if res.Model != ms[mi].Name() || len(res.Rounds) != 0 {
			t.Errorf("result %d: model %q with %d rounds", mi, res.Model, len(res.Rounds))
		}
		for ii, f := range res.Issues {
			if want := point.Results[mi].Issues[ii]; f.Forecast != want.Forecast || f.Anchor != want.Anchor {
				t.Errorf("%s %s: forecast %g %q, want the point forecast %g %q", res.Model, f.Issue, f.Forecast, f.Anchor, want.Forecast, want.Anchor)
			}
			v := r.Values(res.Model, f.Issue)
			if len(v) != n {
				t.Fatalf("%s %s: %d values, want %d", res.Model, f.Issue, len(v), n)
			}
			sorted := slices.Sorted(slices.Values(v))
			for _, q := range []struct {
				got *float64
				p   float64
			}{{f.P10, 0.1}, {f.P25, 0.25}, {f.P50, 0.5}, {f.P75, 0.75}, {f.P90, 0.9}} {
				if q.got == nil || *q.got != stat.Quantile(sorted, q.p) {
					t.Errorf("%s %s: p%g = %v, want %g", res.Model, f.Issue, q.p*100, q.got, stat.Quantile(sorted, q.p))
				}
			}
			if f.Mean == nil || *f.Mean != stat.Mean(v) {
				t.Errorf("%s %s: mean %v, want %g", res.Model, f.Issue, f.Mean, stat.Mean(v))
			}
			if !(*f.P10 <= *f.P25 && *f.P25 <= *f.P50 && *f.P50 <= *f.P75 && *f.P75 <= *f.P90) {
				t.Errorf("%s %s: quantiles out of order", res.Model, f.Issue)
			}
			is := s.Issue(f.Issue)
			lo, hi := is.Bounds()
			h := f.Histogram
			sum := 0
			for _, c := range h.Counts {
				sum += c
			}
			if h.Min != lo || h.Max != hi || len(h.Counts) != 10 || sum != n {
				t.Errorf("%s %s: histogram on [%g, %g] with %d bins and %d values, want [%g, %g], 10, %d", res.Model, f.Issue, h.Min, h.Max, len(h.Counts), sum, lo, hi, n)
			}
		}
	}
	if r.Values("nope", "merger") != nil || r.Values("mean", "nope") != nil {
		t.Error("Values of an unknown model or issue is not nil")
	}
	// The default uncertainty spreads the forecasts.
	if v := r.Values("mean", "merger"); slices.Min(v) == slices.Max(v) {
		t.Error("mean forecast on merger does not vary over the draws")
	}
}

// TestRunNoUncertainty: a scenario of bare numbers with no default
// uncertainty gives every draw the point forecast.
func TestRunNoUncertainty(t *testing.T) {
	s := small()
	r := mustRun(t, s, allModels(t), sweep.Options{Draws: 20, Uncertainty: &sweep.Uncertainty{}})
	for _, res := range r.Results {
		for _, f := range res.Issues {
			for _, q := range []*float64{f.P10, f.P50, f.P90} {
				if *q != f.Forecast {
					t.Errorf("%s %s: %g, want the point forecast %g", res.Model, f.Issue, *q, f.Forecast)
				}
			}
			// The mean of equal values is them up to rounding in the sum.
			if math.Abs(*f.Mean-f.Forecast) > 1e-12*math.Max(1, math.Abs(f.Forecast)) {
				t.Errorf("%s %s: mean %g, want the point forecast %g", res.Model, f.Issue, *f.Mean, f.Forecast)
			}
		}
	}
}

// TestRunCancel checks what Run guarantees when it is cancelled: it returns
// ctx's error and the summary of draws 1 … Completed, the contiguous prefix
// of finished draws, identical to a sweep of Completed draws. How many draws
// finish before the workers see the cancel depends on scheduling: a worker
// holding an early draw may be descheduled while the others finish dozens,
// so with several workers Completed may be anything from 0 up, and the test
// asserts only bounds that hold for every interleaving.
func TestRunCancel(t *testing.T) {
	s := exampletest.Flagship(t)
	mean, _ := models.New("mean", models.Options{})
	const calls = 50 // the cancel comes with the 50th forecast: the point values, then draws
	for _, workers := range []int{1, 3} {
		ctx, cancel := context.WithCancel(context.Background())
		m := &canceltest.Model{Model: mean, N: calls, Cancel: cancel}
		progress := 0
		r, err := sweep.Run(ctx, s, []jirga.Model{m}, sweep.Options{Draws: 1000, Seed: 3, Workers: workers,
			Progress: func(done, total int) { progress = done }})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: err = %v, want context.Canceled", workers, err)
		}
		if r == nil {
			t.Fatalf("workers %d: no partial result", workers)
		}
		// The cancel comes after the forecast of draw calls−1, which is
		// finished. One worker then takes no other draw. Several workers
		// each finish at most the draw they hold, so at most workers−1
		// more; any of them may still hold draw 1, so Completed may be 0.
		// Progress counts every finished draw, the prefix and the rest.
		lo, hi := 0, calls-1+workers-1
		if workers == 1 {
			lo = calls - 1
		}
		if r.Completed < lo || r.Completed > hi || progress < r.Completed || progress > hi {
			t.Fatalf("workers %d: completed %d (want %d … %d), progress %d", workers, r.Completed, lo, hi, progress)
		}
		checkPartial(t, s, mean, r, 3)
	}
	// Cancelled before the start: an error and no result.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sweep.Run(ctx, s, allModels(t), sweep.Options{Draws: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

// TestRunCancelPrefix makes the interleaving that broke CI on a loaded
// machine happen every time: the worker holding draw 1 is stalled until
// the cancel while the other workers finish dozens of draws. The summary
// is then of no draw at all (Completed 0), though progress counted many.
func TestRunCancelPrefix(t *testing.T) {
	s := exampletest.Flagship(t)
	mean, _ := models.New("mean", models.Options{})
	const seed = 3
	ctx, cancel := context.WithCancel(context.Background())
	first := mustJSON(t, sweep.Draw(s, sweep.DrawRand(seed, 1), sweep.DefaultUncertainty()))
	m := &stallDraw{Model: &canceltest.Model{Model: mean, N: 30, Cancel: cancel}, draw: first, t: t}
	progress := 0
	r, err := sweep.Run(ctx, s, []jirga.Model{m}, sweep.Options{Draws: 1000, Seed: seed, Workers: 3,
		Progress: func(done, total int) { progress = done }})
	cancel()
	if !errors.Is(err, context.Canceled) || r == nil {
		t.Fatalf("err = %v, result %v; want context.Canceled and a partial result", err, r)
	}
	if r.Completed != 0 || progress < 29 {
		t.Fatalf("completed %d, progress %d; want 0 and the 29 draws the other workers finished", r.Completed, progress)
	}
	checkPartial(t, s, mean, r, seed)
}

// stallDraw holds the forecast of one drawn scenario (its JSON is draw)
// until ctx is done and then fails with ctx's error, as a model does when it
// is cancelled mid-forecast.
type stallDraw struct {
	jirga.Model
	draw string
	t    *testing.T
}

func (m *stallDraw) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	if b, err := json.Marshal(s); err == nil && string(b) == m.draw {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return m.Model.Forecast(ctx, s)
}

// checkPartial checks that the interrupted sweep r is a sweep of its
// completed draws: the full sweep of r.Completed draws when there are any,
// else the point forecasts with no statistics.
func checkPartial(t *testing.T, s *jirga.Scenario, m jirga.Model, r *sweep.Result, seed uint64) {
	t.Helper()
	if r.Completed == 0 {
		for _, res := range r.Results {
			for _, f := range res.Issues {
				if f.Mean != nil || f.P50 != nil || f.Histogram != nil {
					t.Errorf("%s %s: statistics of no draw", res.Model, f.Issue)
				}
			}
		}
		if v := r.Values(m.Name(), s.Issues[0].ID); len(v) != 0 {
			t.Errorf("%d values kept of no completed draw", len(v))
		}
		return
	}
	full := mustRun(t, s, []jirga.Model{m}, sweep.Options{Draws: r.Completed, Seed: seed})
	r.Draws = full.Draws
	if a, b := mustJSON(t, r), mustJSON(t, full); a != b {
		t.Errorf("interrupted sweep of %d draws differs from a full one:\n%s\n%s", r.Completed, a, b)
	}
}

// failing fails on draws where actor x's capability is above 10.
type failing struct{ jirga.Model }

func (f failing) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	if c := s.Actor("x").Capability.Value; c > 10 {
		return nil, fmt.Errorf("capability %g too high", c)
	}
	return f.Model.Forecast(ctx, s)
}

func TestRunFailures(t *testing.T) {
	mean, _ := models.New("mean", models.Options{})
	median, _ := models.New("median", models.Options{})
	r := mustRun(t, small(), []jirga.Model{failing{mean}, median}, sweep.Options{Draws: 200, Seed: 1})
	v := r.Values("mean", "a")
	nan := 0
	for _, x := range v {
		if math.IsNaN(x) {
			nan++
		}
	}
	// Capability 10 ± 20% triangular: half the draws are above 10.
	if nan == 0 || nan == 200 || r.Failed["mean"] != nan || r.Failed["median"] != 0 {
		t.Fatalf("failed %v, %d NaN values", r.Failed, nan)
	}
	if msg := r.Errors["mean"]; !strings.HasPrefix(msg, "draw ") || !strings.Contains(msg, "too high") {
		t.Errorf("errors = %v", r.Errors)
	}
	f := r.Results[0].Issues[0]
	sum := 0
	for _, c := range f.Histogram.Counts {
		sum += c
	}
	if sum != 200-nan {
		t.Errorf("histogram counts %d values, want %d", sum, 200-nan)
	}
	// A model failing on the point values is an error.
	s := small()
	s.Actors[0].Capability.Value = 11
	if _, err := sweep.Run(context.Background(), s, []jirga.Model{failing{mean}}, sweep.Options{Draws: 5}); err == nil {
		t.Error("no error when the model fails on the point scenario")
	}
}

// TestRunKeep: Keep sees every draw, and draw k is Draw(s, DrawRand(seed,
// k), u), whose forecasts are the sweep's values for draw k; an error from
// Keep stops the sweep.
func TestRunKeep(t *testing.T) {
	s := exampletest.Flagship(t)
	ms := allModels(t)
	if testing.Short() {
		ms = staticModels(t)
	}
	const n = 12
	var mu sync.Mutex
	kept := map[int]string{}
	r := mustRun(t, s, ms, sweep.Options{Draws: n, Seed: 5, Keep: func(k int, d *jirga.Scenario) error {
		b := mustJSON(t, d)
		mu.Lock()
		defer mu.Unlock()
		if _, dup := kept[k]; dup {
			t.Errorf("draw %d kept twice", k)
		}
		kept[k] = b
		return nil
	}})
	if len(kept) != n {
		t.Fatalf("%d draws kept, want %d", len(kept), n)
	}
	for _, k := range []int{1, 7, 12} {
		d := sweep.Draw(s, sweep.DrawRand(5, k), sweep.DefaultUncertainty())
		if got := mustJSON(t, d); got != kept[k] {
			t.Errorf("draw %d: Draw with DrawRand differs from the kept scenario", k)
		}
		// Re-running a kept draw gives exactly the sweep's forecast.
		fc, err := jirga.Run(context.Background(), d, ms)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range fc.Results {
			for _, f := range res.Issues {
				if want := r.Values(res.Model, f.Issue)[k-1]; f.Forecast != want {
					t.Errorf("draw %d, %s %s: re-run gives %v, the sweep had %v", k, res.Model, f.Issue, f.Forecast, want)
				}
			}
		}
	}
	// An error from Keep ends the sweep with it, after the draws before.
	boom := errors.New("disk full")
	for _, workers := range []int{1, 3} {
		r, err := sweep.Run(context.Background(), s, staticModels(t), sweep.Options{Draws: 50, Seed: 5, Workers: workers,
			Keep: func(k int, d *jirga.Scenario) error {
				if k == 20 {
					return boom
				}
				return nil
			}})
		if !errors.Is(err, boom) || r == nil || r.Completed != 19 {
			t.Errorf("workers %d: err %v, completed %v; want %v after 19 draws", workers, err, r, boom)
		}
	}
}

func TestRunOptions(t *testing.T) {
	s := small()
	ms := allModels(t)
	bad := []sweep.Options{
		{Draws: -1},
		{Workers: -2},
		{Bins: -1},
		{Uncertainty: &sweep.Uncertainty{Position: -0.1}},
		{Uncertainty: &sweep.Uncertainty{Salience: math.NaN()}},
		{Draws: sweep.MaxValues},
	}
	for i, opt := range bad {
		if _, err := sweep.Run(context.Background(), s, ms, opt); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("case %d: err = %v, want EINVALID", i, err)
		}
	}
	if _, err := sweep.Run(context.Background(), s, nil, sweep.Options{}); jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("no models: err = %v", err)
	}
	r := mustRun(t, s, ms[:1], sweep.Options{})
	if r.Draws != sweep.DefaultDraws || len(r.Results[0].Issues[0].Histogram.Counts) != sweep.DefaultBins {
		t.Errorf("defaults: %d draws, %d bins", r.Draws, len(r.Results[0].Issues[0].Histogram.Counts))
	}
}

// TestResultJSON checks the contract: the forecast fields at the top, the
// interval fields per issue.
func TestResultJSON(t *testing.T) {
	r := mustRun(t, small(), allModels(t)[:1], sweep.Options{Draws: 10})
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, r)), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"scenario", "results", "draws", "completed", "seed", "uncertainty"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	is := m["results"].([]any)[0].(map[string]any)["issues"].([]any)[0].(map[string]any)
	for _, k := range []string{"issue", "forecast", "mean", "p10", "p25", "p50", "p75", "p90", "histogram"} {
		if _, ok := is[k]; !ok {
			t.Errorf("issue JSON lacks %q", k)
		}
	}
}

// TestRunPredict checks that a sweep with a calib.Plan gives each issue of a
// calibrated model its predictive interval around the draws, containing the
// input-only interval's middle, and the plan's notes; a model without a
// calibration gets none.
func TestRunPredict(t *testing.T) {
	s := exampletest.Flagship(t)
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	plan := calib.NewPlan(c, s, []string{"mean", "nbs"}, calib.Options{Custom: map[string]string{"nbs": "utility=linear"}})
	ms := registered(t, false)[:1] // mean
	nbs, err := models.New("nbs", models.Options{Params: map[string]string{"utility": "linear"}})
	if err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, s, append(ms, nbs), sweep.Options{Draws: 50, Seed: 1, Predict: plan})
	for _, f := range res.Results[0].Issues {
		p := f.Predictive
		if p == nil || p.Draws != 50 || p.Basis != c.Name || !(p.P05 <= p.P10 && p.P10 <= p.P25 && p.P25 <= *f.P50 && *f.P50 <= p.P75 && p.P75 <= p.P90 && p.P90 <= p.P95) {
			t.Errorf("mean on %s: predictive %+v, input-only median %v", f.Issue, p, *f.P50)
		}
		if p != nil && p.P90-p.P10 <= *f.P90-*f.P10 {
			t.Errorf("mean on %s: the predictive 80%% interval (%v wide) is no wider than the input-only one (%v)", f.Issue, p.P90-p.P10, *f.P90-*f.P10)
		}
	}
	for _, f := range res.Results[1].Issues {
		if f.Predictive != nil {
			t.Errorf("nbs with custom settings got a predictive interval on %s", f.Issue)
		}
	}
	if !slices.ContainsFunc(res.Results[1].Notes, func(n string) bool { return strings.Contains(n, "no predictive interval") }) {
		t.Errorf("nbs notes %q say nothing of the missing interval", res.Results[1].Notes)
	}
}
