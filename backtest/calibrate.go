package backtest

import (
	"context"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/stack"
	"github.com/jirga/jirga/stat"
	"github.com/jirga/jirga/sweep"
)

// CalibrationMethod describes how [Calibrate] measures errors; a
// calibration records it.
const CalibrationMethod = "conformal: residuals (outcome − forecast)/scale width, out of fold for fitted models; interval levels from the ranks of the outcomes against the other folds' residuals (proposal-grouped 10-fold CV), around the forecast and around a sweep's draws"

// Defaults of jirga backtest calibrate, the command that makes the shipped
// calibration.
const (
	// DefaultCalibrationDraws is the number of draws per issue swept for
	// the levels of intervals around a sweep's draws: enough to shape each
	// issue's predictive distribution (20 draws × about 250 residuals;
	// levels made with 20 and with 200 draws differ by under 0.005 for
	// bdm, the model whose draws spread most), few enough that smp's sweep
	// of the 274 DEU issues takes about a minute.
	DefaultCalibrationDraws = 20
	// DefaultCalibrationInnerFolds are the stacked model's inner folds for
	// choosing its ridge penalty, as jirga backtest cv uses.
	DefaultCalibrationInnerFolds = 10
)

// StackedLearner fits the stacked model with opt on the training scenarios
// only, choosing its ridge penalty by an inner cross-validation on them.
func StackedLearner(opt stack.FitOptions) Learner {
	return Learner{Name: stack.Name, Fit: func(ctx context.Context, train []*jirga.Scenario) (jirga.Model, error) {
		p, err := FitStacked(train, DefaultMinActors, opt)
		if err != nil {
			return nil, err
		}
		return &stack.Model{P: p}, nil
	}}
}

// CalibrateOptions control [Calibrate]. Folds and Seed (default 10 and 1)
// split the cases by proposal; Coverage.Draws > 0 also sweeps every case
// for the levels of intervals around a sweep's draws.
type CalibrateOptions struct {
	CVOptions
	Coverage Coverage
	// Workers is the number of scenarios forecast at once (default
	// GOMAXPROCS); the calibration does not depend on it.
	Workers int
	// Progress, when set, is called as scenarios are done (see sweep.Loop).
	Progress func(done, total int)
}

// Forecasts are one model's forecasts on a backtest's cases: per case the
// point forecast (NaN where the model failed) and, with coverage, the
// forecasts over the sweep's draws (nil without).
type Forecasts struct {
	Model string
	Point []float64
	Draws [][]float64
}

// OutOfFold returns the scorable cases of ss and each model's forecasts on
// them, made without their outcomes: the fixed models' as they are (they
// see no outcome), and each learner's from the fit on the folds other than
// the case's (proposal-grouped folds, as [CrossValidate]). With
// opt.Coverage.Draws > 0 each case is also swept (see [Coverage]), by the
// model that forecast it. The result does not depend on opt.Workers.
func OutOfFold(ctx context.Context, ss []*jirga.Scenario, fixed []jirga.Model, learners []Learner, opt CalibrateOptions) ([]Case, []Forecasts, error) {
	cv := opt.CVOptions.withDefaults()
	rep, cases, err := Run(ctx, ss, fixed, Options{MinActors: cv.MinActors, Workers: opt.Workers, Coverage: opt.Coverage, Progress: opt.Progress})
	if err != nil {
		return nil, nil, err
	}
	fold := caseFolds(cases, cv.Folds, cv.Seed)
	var all []Forecasts
	for m, model := range fixed {
		fc := Forecasts{Model: model.Name(), Point: make([]float64, len(cases)), Draws: make([][]float64, len(cases))}
		for i := range cases {
			r := rep.Rows[m*len(cases)+i]
			fc.Point[i], fc.Draws[i] = r.Forecast, r.Draws
		}
		all = append(all, fc)
	}
	for _, l := range learners {
		fc, err := outOfFold(ctx, ss, cases, fold, cv.Folds, l, opt)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, fc)
	}
	return cases, all, nil
}

// Calibrate measures each model's errors on the scorable issues of ss for
// package calib: it makes the models' forecasts without the outcomes
// ([OutOfFold]) and calibrates them ([Calibration]).
func Calibrate(ctx context.Context, ss []*jirga.Scenario, fixed []jirga.Model, learners []Learner, opt CalibrateOptions) (*calib.Calibration, error) {
	cases, all, err := OutOfFold(ctx, ss, fixed, learners, opt)
	if err != nil {
		return nil, err
	}
	return Calibration(cases, all, opt), nil
}

// Calibration returns the calibration of the models' forecasts fcs on
// cases, made as [OutOfFold] makes them with opt. The residual of an issue
// is its outcome minus the forecast, divided by the issue's scale width.
// Each issue's rank score against the residuals of the other folds
// (calib.Errors.Score; the folds are opt's, by proposal) then gives, by
// calib.Conformal, the levels of the model's intervals: around its
// forecast, and, where the forecasts hold draws, around them.
//
// The calibration's Models follow fcs; its provenance fields other than
// Method, Folds, Seed, Draws, DrawSeed and Uncertainty are the caller's to
// fill.
func Calibration(cases []Case, fcs []Forecasts, opt CalibrateOptions) *calib.Calibration {
	cv := opt.CVOptions.withDefaults()
	c := &calib.Calibration{Method: CalibrationMethod, Folds: cv.Folds, Seed: cv.Seed}
	if opt.Coverage.Draws > 0 {
		c.Draws, c.DrawSeed, c.Uncertainty = opt.Coverage.Draws, opt.Coverage.Seed, opt.Coverage.Uncertainty.Map()
	}
	fold := caseFolds(cases, cv.Folds, cv.Seed)
	for _, fc := range fcs {
		r := Residuals(cases, fc.Point)
		fe := newFoldErrors(r, fold)
		var sp, sd []float64
		var groups []string
		var kept []float64
		for i, cs := range cases {
			if math.IsNaN(r[i]) {
				continue
			}
			kept = append(kept, r[i])
			groups = append(groups, cs.Group())
			e := fe.without(fold[i], -1)
			lo, hi := cs.Issue.Bounds()
			sp = append(sp, e.Score(fc.Point[i], nil, lo, hi, cs.Outcome))
			if fc.Draws != nil {
				sd = append(sd, e.Score(fc.Point[i], fc.Draws[i], lo, hi, cs.Outcome))
			}
		}
		point, draws := calib.Conformal(sp), calib.Conformal(sp)
		if opt.Coverage.Draws > 0 {
			draws = calib.Conformal(sd)
		}
		slices.Sort(groups)
		c.Models = append(c.Models, calib.NewModel(fc.Model, kept, len(slices.Compact(groups)), calibNote(fc.Model), point, draws))
	}
	return c
}

func (o CVOptions) withDefaults() CVOptions {
	if o.Folds <= 1 {
		o.Folds = 10
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// caseFolds assigns the cases to folds by proposal (stat.GroupFolds).
func caseFolds(cases []Case, folds int, seed uint64) []int {
	groups := make([]string, len(cases))
	for i, c := range cases {
		groups[i] = c.Group()
	}
	return stat.GroupFolds(groups, folds, seed)
}

// outOfFold fits the learner on the scenarios outside each fold and
// forecasts (and, with coverage, sweeps) the fold's cases with it.
func outOfFold(ctx context.Context, ss []*jirga.Scenario, cases []Case, fold []int, folds int, l Learner, opt CalibrateOptions) (Forecasts, error) {
	fc := Forecasts{Model: l.Name, Point: make([]float64, len(cases)), Draws: make([][]float64, len(cases))}
	for f := range folds {
		inFold := map[*jirga.Scenario]bool{}
		var test []*jirga.Scenario
		caseOf := map[*jirga.Scenario][]int{}
		for i, c := range cases {
			if fold[i] != f {
				continue
			}
			if !inFold[c.Scenario] {
				test = append(test, c.Scenario)
			}
			inFold[c.Scenario] = true
			caseOf[c.Scenario] = append(caseOf[c.Scenario], i)
		}
		var train []*jirga.Scenario
		for _, s := range ss {
			if !inFold[s] {
				train = append(train, s)
			}
		}
		m, err := l.Fit(ctx, train)
		if err != nil {
			return fc, err
		}
		_, err = sweep.For(ctx, len(test), sweep.Loop{Workers: opt.Workers}, func(it sweep.Iter) error {
			s := test[it.I]
			vals, errs := forecastIssues(ctx, m, s, cases, caseOf[s])
			var iv map[string]interval
			if opt.Coverage.Draws > 0 {
				iv = opt.Coverage.intervals(ctx, m, s)
			}
			for n, i := range caseOf[s] {
				fc.Point[i] = vals[n]
				if errs[n] == "" {
					fc.Draws[i] = iv[cases[i].Issue.ID].draws
				}
			}
			return ctx.Err()
		})
		if err != nil {
			return fc, err
		}
	}
	return fc, nil
}

// foldErrors are the residuals of the cases with their folds, and the
// error distributions of the residuals outside one or two folds.
type foldErrors struct {
	r     []float64
	fold  []int
	cache map[[2]int]*calib.Errors
}

func newFoldErrors(r []float64, fold []int) *foldErrors {
	return &foldErrors{r: r, fold: fold, cache: map[[2]int]*calib.Errors{}}
}

// without returns the errors of the cases outside folds a and b (b = −1:
// outside a only). Their levels are unset: they serve for scores.
func (fe *foldErrors) without(a, b int) *calib.Errors {
	if a > b {
		a, b = b, a
	}
	key := [2]int{a, b}
	if e, ok := fe.cache[key]; ok {
		return e
	}
	var r []float64
	for i, x := range fe.r {
		if fe.fold[i] != a && fe.fold[i] != b {
			r = append(r, x)
		}
	}
	e := calib.NewErrors("", r, calib.Levels{}, calib.Levels{})
	fe.cache[key] = e
	return e
}

// calibNote is the caveat a model's intervals carry, where one applies.
func calibNote(name string) string {
	if name == "exchange" {
		return "the DEU decisions are one-issue scenarios, on which the exchange model makes no trade and forecasts the weighted mean: its calibrated error is the weighted mean's, and its error when actors trade is not measured"
	}
	return ""
}

// Residuals returns, per case, (outcome − f[i]) divided by the width of the
// case's issue scale: NaN where f[i] is NaN.
func Residuals(cases []Case, f []float64) []float64 {
	r := make([]float64, len(cases))
	for i, c := range cases {
		lo, hi := c.Issue.Bounds()
		r[i] = (c.Outcome - f[i]) / (hi - lo)
	}
	return r
}

// PredictiveScore is the coverage of predictive intervals measured by
// cross-validation: the share of outcomes inside the central 50% and 80%
// intervals and their mean widths, on the issues' scales, over N cases.
type PredictiveScore struct {
	N          int
	Coverage50 float64
	Coverage80 float64
	Width50    float64
	Width80    float64
}

// PredictiveCV measures the coverage of calib's predictive intervals by
// proposal-grouped cross-validation, exactly as they are calibrated but
// with each fold held out in turn: the cases are split into folds by
// proposal (stat.GroupFolds with folds and seed); for the cases of fold k,
// the model's error distribution is the residuals of the other folds, and
// its levels come from the rank scores of the other folds' outcomes, each
// scored against the residuals outside both its own fold and fold k. The
// interval is made around the forecast f[i] or, where draws[i] varies,
// around its forecasts over a sweep's draws. Cases with a NaN forecast are
// left out, of the residuals and of the score.
func PredictiveCV(cases []Case, f []float64, draws [][]float64, folds int, seed uint64) PredictiveScore {
	fold := caseFolds(cases, folds, seed)
	r := Residuals(cases, f)
	fe := newFoldErrors(r, fold)
	drawsOf := func(i int) []float64 {
		if draws == nil {
			return nil
		}
		return draws[i]
	}
	var sc PredictiveScore
	for k := range folds {
		var scores []float64
		for i, c := range cases {
			if fold[i] == k || math.IsNaN(r[i]) {
				continue
			}
			lo, hi := c.Issue.Bounds()
			scores = append(scores, fe.without(k, fold[i]).Score(f[i], drawsOf(i), lo, hi, c.Outcome))
		}
		l := calib.Conformal(scores)
		base := fe.without(k, -1)
		e := calib.NewErrors("", base.Residuals(), l, l)
		if e.N() == 0 {
			continue
		}
		for i, c := range cases {
			if fold[i] != k || math.IsNaN(f[i]) {
				continue
			}
			lo, hi := c.Issue.Bounds()
			p := e.Predict(f[i], drawsOf(i), lo, hi)
			sc.N++
			if c.Outcome >= p.P25 && c.Outcome <= p.P75 {
				sc.Coverage50++
			}
			if c.Outcome >= p.P10 && c.Outcome <= p.P90 {
				sc.Coverage80++
			}
			sc.Width50 += p.P75 - p.P25
			sc.Width80 += p.P90 - p.P10
		}
	}
	if sc.N > 0 {
		n := float64(sc.N)
		sc.Coverage50 /= n
		sc.Coverage80 /= n
		sc.Width50 /= n
		sc.Width80 /= n
	}
	return sc
}

// InputCoverage is the coverage of the intervals of the forecasts over a
// sweep's draws alone (input uncertainty only): the shares of outcomes
// inside p25–p75 and p10–p90 of each case's draws (stat.Quantile, as the
// sweep computes them) and their mean widths, over the cases with draws.
func InputCoverage(cases []Case, draws [][]float64) PredictiveScore {
	var sc PredictiveScore
	for i, c := range cases {
		var d []float64
		for _, x := range draws[i] {
			if !math.IsNaN(x) {
				d = append(d, x)
			}
		}
		if len(d) == 0 {
			continue
		}
		slices.Sort(d)
		p10, p25, p75, p90 := stat.Quantile(d, 0.1), stat.Quantile(d, 0.25), stat.Quantile(d, 0.75), stat.Quantile(d, 0.9)
		sc.N++
		if c.Outcome >= p25 && c.Outcome <= p75 {
			sc.Coverage50++
		}
		if c.Outcome >= p10 && c.Outcome <= p90 {
			sc.Coverage80++
		}
		sc.Width50 += p75 - p25
		sc.Width80 += p90 - p10
	}
	if sc.N > 0 {
		n := float64(sc.N)
		sc.Coverage50, sc.Coverage80, sc.Width50, sc.Width80 = sc.Coverage50/n, sc.Coverage80/n, sc.Width50/n, sc.Width80/n
	}
	return sc
}
