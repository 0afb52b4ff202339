package backtest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stat"
	"github.com/jirga/jirga/sweep"
)

// DefaultMinActors is the fewest actors with a position that make an issue
// scorable (validation.md §2.2).
const DefaultMinActors = 3

// Skip reasons.
const (
	SkipNoOutcome = "no outcome"
	SkipFewActors = "fewer than 3 actors with a position"
)

// Case is one issue with a known outcome.
type Case struct {
	Scenario *jirga.Scenario
	// Index is the issue's index in Scenario.Issues.
	Index   int
	Issue   *jirga.Issue
	Outcome float64
	// Actors is the number of actors holding a position on the issue.
	Actors int
}

// Attr returns the issue's attribute key, or the scenario's.
func (c Case) Attr(key string) string {
	return c.Scenario.IssueAttr(c.Issue, key)
}

// Error returns the error of forecast x on the case as a share of the
// issue's scale, in points of 100: (x − outcome) · 100 / (max − min). On a
// 0–100 scale (every DEU issue) it is x − outcome exactly, and errors on
// issues of different scales (a 0–10 wage, a 0–100 share) can be averaged.
func (c Case) Error(x float64) float64 {
	return (x - c.Outcome) * c.unit()
}

// unit converts points of the issue's scale to points of 100.
func (c Case) unit() float64 {
	lo, hi := c.Issue.Bounds()
	return 100 / (hi - lo)
}

// Group returns the key by which cross-validation keeps issues together:
// the "proposal" attribute, or the scenario id.
func (c Case) Group() string {
	if p := c.Attr("proposal"); p != "" {
		return p
	}
	return c.Scenario.ID
}

// Skip is an issue that is not scored.
type Skip struct {
	Scenario string `json:"scenario"`
	Issue    string `json:"issue"`
	Reason   string `json:"reason"`
}

// Cases returns the scorable issues of ss in order, and the skipped ones
// with their reasons. minActors ≤ 0 means DefaultMinActors.
func Cases(ss []*jirga.Scenario, minActors int) ([]Case, []Skip) {
	if minActors <= 0 {
		minActors = DefaultMinActors
	}
	var cases []Case
	var skips []Skip
	for _, s := range ss {
		for k, is := range s.Issues {
			n := 0
			for _, a := range s.Actors {
				if st := a.Stances[is.ID]; st != nil && st.Position != nil {
					n++
				}
			}
			switch {
			case is.Outcome == nil:
				skips = append(skips, Skip{s.ID, is.ID, SkipNoOutcome})
			case n < minActors:
				skips = append(skips, Skip{s.ID, is.ID, fmt.Sprintf("fewer than %d actors with a position", minActors)})
			default:
				cases = append(cases, Case{Scenario: s, Index: k, Issue: is, Outcome: *is.Outcome, Actors: n})
			}
		}
	}
	return cases, skips
}

// Options control Run. The zero value scores every case with no coverage.
type Options struct {
	// MinActors is the fewest actors with a position for an issue to be
	// scored (default DefaultMinActors).
	MinActors int
	// Workers is the number of scenarios forecast at once (default
	// GOMAXPROCS). Results do not depend on it.
	Workers int
	// Reference lists the names of models to mark as reference rows
	// (baselines shown for comparison).
	Reference []string
	// Coverage, when Draws > 0, also runs every model on Draws scenarios
	// drawn from each scored scenario and reports interval coverage.
	Coverage Coverage
	// Progress, when set, is called with the number of scenarios done and
	// their number (see sweep.Loop).
	Progress func(done, total int)
}

// Report is the result of a backtest. Its JSON form is the stable contract
// of `jirga backtest --format json`: fields may be added, never removed.
type Report struct {
	// Issues is the number of issues read, Scored the number scorable.
	Issues  int            `json:"issues"`
	Scored  int            `json:"scored"`
	Skipped map[string]int `json:"skipped"`
	Models  []Score        `json:"models"`
	// Coverage settings, when coverage was computed.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Rows are the per-issue forecasts, model by model in case order.
	Rows  []Row  `json:"-"`
	Skips []Skip `json:"-"`
}

// Score is one model's accuracy.
type Score struct {
	Model     string `json:"model"`
	Reference bool   `json:"reference,omitempty"`
	Metrics
	// Failed counts scorable issues on which the model returned an error or
	// a non-finite forecast.
	Failed int     `json:"failed"`
	ByWave []Group `json:"by_wave,omitempty"`
	ByRule []Group `json:"by_rule,omitempty"`
	// Coverage50 and Coverage80 are the shares of outcomes inside the
	// p25–p75 and p10–p90 intervals of the sweep.
	Coverage50 *float64 `json:"coverage50,omitempty"`
	Coverage80 *float64 `json:"coverage80,omitempty"`
	// Width50 and Width80 are the mean widths of those intervals, as
	// shares of the scale in points of 100.
	Width50 *float64 `json:"width50,omitempty"`
	Width80 *float64 `json:"width80,omitempty"`
	// PredictiveCoverage50 and PredictiveCoverage80 are the shares of
	// outcomes inside the central 50% and 80% predictive intervals, which
	// add the model's error to the sweep (see [Coverage] and
	// [PredictiveCV]); PredictiveWidth50 and PredictiveWidth80 their mean
	// widths.
	PredictiveCoverage50 *float64 `json:"predictive_coverage50,omitempty"`
	PredictiveCoverage80 *float64 `json:"predictive_coverage80,omitempty"`
	PredictiveWidth50    *float64 `json:"predictive_width50,omitempty"`
	PredictiveWidth80    *float64 `json:"predictive_width80,omitempty"`
}

// Metrics are accuracy measures over n forecasts. Errors are shares of each
// issue's scale in points of 100 (Case.Error), so that issues on different
// scales can be pooled; on 0–100 scales they are the errors themselves.
type Metrics struct {
	N        int     `json:"n"`
	MAE      float64 `json:"mae"`
	RMSE     float64 `json:"rmse"`
	MedianAE float64 `json:"median_ae"`
	// Within10 is the share of absolute errors of at most 10.
	Within10 float64 `json:"within10"`
	// P80AE is the 80th percentile of the absolute errors: with MedianAE,
	// the half-widths that intervals centred on the forecasts would need to
	// hold 50% and 80% of the outcomes.
	P80AE float64 `json:"p80_ae"`
}

// Group is the accuracy on a subset of the issues.
type Group struct {
	Name string `json:"name"`
	Metrics
}

// Row is one model's forecast on one case.
type Row struct {
	Case  int    // index into the cases
	Model string // model name
	// Forecast is NaN when the model failed; Err says why.
	Forecast float64
	Err      string
	// Interval quantiles of the sweep, NaN without coverage.
	P10, P25, P50, P75, P90 float64
	// Draws are the model's forecasts over the sweep's draws, in draw order
	// (NaN where it failed), nil without coverage.
	Draws []float64
}

// Run forecasts every scenario of ss with every model and scores the
// forecasts on the scorable issues. A model's error on a scenario counts as
// a failure on that scenario's issues. Run returns an error only when ctx
// is cancelled.
func Run(ctx context.Context, ss []*jirga.Scenario, models []jirga.Model, opt Options) (*Report, []Case, error) {
	cases, skips := Cases(ss, opt.MinActors)
	rep := &Report{Scored: len(cases), Skipped: map[string]int{}, Skips: skips}
	for _, s := range ss {
		rep.Issues += len(s.Issues)
	}
	for _, sk := range skips {
		rep.Skipped[sk.Reason]++
	}
	// Scenarios holding scorable cases, in order.
	var scen []*jirga.Scenario
	caseOf := map[*jirga.Scenario][]int{}
	for i, c := range cases {
		if _, ok := caseOf[c.Scenario]; !ok {
			scen = append(scen, c.Scenario)
		}
		caseOf[c.Scenario] = append(caseOf[c.Scenario], i)
	}
	rows := make([][]Row, len(models)) // [model][case]
	for m := range models {
		rows[m] = make([]Row, len(cases))
	}
	// One iteration per scenario: its rows are disjoint from the others'.
	loop := sweep.Loop{Workers: opt.Workers, Progress: opt.Progress}
	_, err := sweep.For(ctx, len(scen), loop, func(it sweep.Iter) error {
		s := scen[it.I]
		for m, model := range models {
			if err := ctx.Err(); err != nil {
				return err
			}
			vals, errs := forecastIssues(ctx, model, s, cases, caseOf[s])
			var iv map[string]interval
			if opt.Coverage.Draws > 0 {
				iv = opt.Coverage.intervals(ctx, model, s)
			}
			for n, ci := range caseOf[s] {
				r := Row{Case: ci, Model: model.Name(), Forecast: vals[n], Err: errs[n]}
				r.P10, r.P25, r.P50, r.P75, r.P90 = nan, nan, nan, nan, nan
				if q, ok := iv[cases[ci].Issue.ID]; ok && errs[n] == "" {
					r.P10, r.P25, r.P50, r.P75, r.P90 = q.q[0], q.q[1], q.q[2], q.q[3], q.q[4]
					r.Draws = q.draws
				}
				rows[m][ci] = r
			}
		}
		return ctx.Err() // a scenario cut short by cancellation is not complete
	})
	if err != nil {
		return nil, nil, err
	}
	if opt.Coverage.Draws > 0 {
		cv := opt.Coverage
		rep.Coverage = &cv
	}
	for m, model := range models {
		sc := score(model.Name(), slices.Contains(opt.Reference, model.Name()), cases, rows[m])
		if opt.Coverage.Draws > 0 {
			f := make([]float64, len(cases))
			draws := make([][]float64, len(cases))
			for i, r := range rows[m] {
				f[i], draws[i] = r.Forecast, r.Draws
			}
			k, seed := opt.Coverage.folds()
			p := PredictiveCV(cases, f, draws, k, seed)
			if p.N > 0 {
				ptr := func(x float64) *float64 { return &x }
				sc.PredictiveCoverage50, sc.PredictiveCoverage80 = ptr(p.Coverage50), ptr(p.Coverage80)
				sc.PredictiveWidth50, sc.PredictiveWidth80 = ptr(p.Width50), ptr(p.Width80)
			}
		}
		rep.Models = append(rep.Models, sc)
		rep.Rows = append(rep.Rows, rows[m]...)
	}
	return rep, cases, nil
}

var nan = math.NaN()

// forecastIssues runs model on s and returns its forecast on each case of
// idx (NaN and the reason where it failed).
func forecastIssues(ctx context.Context, model jirga.Model, s *jirga.Scenario, cases []Case, idx []int) ([]float64, []string) {
	out := make([]float64, len(idx))
	errs := make([]string, len(idx))
	vals, err := safeForecast(ctx, model, s)
	for n, ci := range idx {
		out[n] = vals[cases[ci].Index]
		if math.IsNaN(out[n]) && err != nil {
			errs[n] = err.Error()
		}
	}
	return out, errs
}

// safeForecast runs model with sweep.Forecast, turning a panic into an
// error so that one model's bug on one issue does not end the backtest.
func safeForecast(ctx context.Context, model jirga.Model, s *jirga.Scenario) (vals []float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			vals = nil
			for range s.Issues {
				vals = append(vals, nan)
			}
			err = fmt.Errorf("%s panicked: %v", model.Name(), p)
		}
	}()
	return sweep.Forecast(ctx, model, s.Table(), nil)
}

func score(name string, ref bool, cases []Case, rows []Row) Score {
	sc := Score{Model: name, Reference: ref}
	var all []float64
	byWave := map[string][]float64{}
	byRule := map[string][]float64{}
	in50, in80, w50, w80, ncov := 0, 0, 0.0, 0.0, 0
	for i, r := range rows {
		if math.IsNaN(r.Forecast) {
			sc.Failed++
			continue
		}
		c := cases[i]
		e := c.Error(r.Forecast)
		all = append(all, e)
		if w := c.Attr("wave"); w != "" {
			byWave[w] = append(byWave[w], e)
		}
		if rule := c.Attr("rule"); rule != "" {
			byRule[rule] = append(byRule[rule], e)
		}
		if !math.IsNaN(r.P10) {
			ncov++
			if c.Outcome >= r.P25 && c.Outcome <= r.P75 {
				in50++
			}
			if c.Outcome >= r.P10 && c.Outcome <= r.P90 {
				in80++
			}
			w50 += (r.P75 - r.P25) * c.unit()
			w80 += (r.P90 - r.P10) * c.unit()
		}
	}
	sc.Metrics = Measure(all)
	sc.ByWave = groups(byWave)
	sc.ByRule = groups(byRule)
	if ncov > 0 {
		f := func(x float64) *float64 { return &x }
		sc.Coverage50 = f(float64(in50) / float64(ncov))
		sc.Coverage80 = f(float64(in80) / float64(ncov))
		sc.Width50 = f(w50 / float64(ncov))
		sc.Width80 = f(w80 / float64(ncov))
	}
	return sc
}

func groups(m map[string][]float64) []Group {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []Group
	for _, n := range names {
		out = append(out, Group{Name: n, Metrics: Measure(m[n])})
	}
	return out
}

// Measure returns the metrics of the forecast errors e (forecast minus
// outcome). The median of an even number of absolute errors is the mean of
// the two middle ones (stat.Median), the 80th percentile is stat.Quantile's.
// With no errors N is 0 and so is every metric (JSON has no NaN); check N.
func Measure(e []float64) Metrics {
	n := len(e)
	if n == 0 {
		return Metrics{}
	}
	abs := make([]float64, n)
	sa, ss, w := 0.0, 0.0, 0
	for i, x := range e {
		abs[i] = math.Abs(x)
		sa += abs[i]
		ss += x * x
		if abs[i] <= 10 {
			w++
		}
	}
	slices.Sort(abs)
	return Metrics{N: n, MAE: sa / float64(n), RMSE: math.Sqrt(ss / float64(n)),
		MedianAE: stat.Median(abs), Within10: float64(w) / float64(n), P80AE: stat.Quantile(abs, 0.8)}
}
