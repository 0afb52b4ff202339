package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// predictFlags are the flags of every command that shows predictive
// intervals (forecast, sweep, compare, timeline, report).
type predictFlags struct {
	errorScale float64
}

func (f *predictFlags) register(fs *flag.FlagSet) {
	fs.Float64Var(&f.errorScale, "error-scale", 0, "factor on the models' calibrated errors: 2 doubles every predictive interval's reach, 0.5 halves it (default: the scenario's error_scale, else 1)")
}

// plan returns how the predictive intervals of the models mf names are made
// on s: from the shipped calibration, for the models run with their
// defaults, times the error scale.
func (f *predictFlags) plan(s *jirga.Scenario, mf *modelFlags) (*calib.Plan, error) {
	if f.errorScale != 0 && !(f.errorScale > 0 && f.errorScale <= jirga.MaxErrorScale) {
		return nil, jirga.Errorf(jirga.EINVALID, "--error-scale must be in (0, %g], got %g", float64(jirga.MaxErrorScale), f.errorScale)
	}
	c, err := calib.Shipped()
	if err != nil {
		return nil, err
	}
	names, err := models.Parse(mf.list)
	if err != nil {
		return nil, err
	}
	return calib.NewPlan(c, s, names, calib.Options{ErrorScale: f.errorScale, Custom: models.CustomAll(names, mf.rounds, mf.opts)}), nil
}

// predictive80 writes a predictive interval's central 80% as "[lo–hi]", or
// "" when there is none.
func predictive80(p *jirga.Predictive) string {
	if p == nil {
		return ""
	}
	return "[" + fmtNum(p.P10, 0) + "–" + fmtNum(p.P90, 0) + "]"
}

// unsettledMark follows a forecast on which a dynamic model's outcome had
// not settled (its settle range is set).
const unsettledMark = "~"

// cellWithInterval writes a forecast, the unsettled mark when settle is
// set, and its 80% predictive interval.
func cellWithInterval(x float64, p *jirga.Predictive, settle *[2]float64) string {
	c := fmtNum(x, 1)
	if settle != nil {
		c += unsettledMark
	}
	if p == nil {
		return c
	}
	return c + " " + predictive80(p)
}

// writeUnsettled says what the unsettled mark means and lists, per model,
// the issues it marks with their settle ranges.
func writeUnsettled(w io.Writer, rs []*jirga.Result) {
	var lines []string
	for _, r := range rs {
		var parts []string
		for _, f := range r.Issues {
			if f.SettleRange == nil {
				continue
			}
			p := fmt.Sprintf("%s %s–%s", f.Issue, fmtNum(f.SettleRange[0], 1), fmtNum(f.SettleRange[1], 1))
			if f.SettleCycle > 0 {
				p += fmt.Sprintf(" (a %d-round cycle)", f.SettleCycle)
			}
			parts = append(parts, p)
		}
		if len(parts) > 0 {
			lines = append(lines, fmt.Sprintf("  %s: %s", r.Model, strings.Join(parts, "; ")))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "%s unsettled: the model's outcome still moved over its last %d rounds (by more than %g%% of the scale); the forecast\n  is the middle of that range, not the last round's value (jirga explain --model MODEL says how it moved):\n%s\n",
		unsettledMark, jirga.SettleWindow, 100*jirga.SettleTolerance, strings.Join(lines, "\n"))
}

// writeNotes writes each model's notes, but the predictive-interval notes,
// which writePredictiveLegend sums up once.
func writeNotes(w io.Writer, rs []*jirga.Result) {
	for _, r := range rs {
		for _, n := range r.Notes {
			if !strings.HasPrefix(n, calib.NotePrefix) {
				fmt.Fprintf(w, "note (%s): %s\n", r.Model, n)
			}
		}
	}
}

// writePredictiveLegend says once what the brackets are: the 80%
// predictive interval, where its errors come from, and whether the
// scenario lies in the calibration's domain.
func writePredictiveLegend(w io.Writer, s *jirga.Scenario, rs []*jirga.Result, drawn bool) {
	c, err := calib.Shipped()
	if err != nil {
		return
	}
	any, scale := false, 0.0
	for _, r := range rs {
		for _, f := range r.Issues {
			if f.Predictive != nil {
				any, scale = true, f.Predictive.ErrorScale
			}
		}
	}
	if !any {
		return
	}
	around := "around the forecast"
	if drawn {
		around = "around the forecasts over the draws"
	}
	fmt.Fprintf(w, "[lo–hi]: 80%% predictive interval, %s, from each model's errors on %d issues of %s (calibration %s of %s, jirga %s); it held 80%% of those outcomes out of fold\n",
		around, c.Models[0].N, c.DomainText, c.Name, c.Date, c.EngineVersion)
	if scale != 0 {
		fmt.Fprintf(w, "  errors times the analyst's error scale %g\n", scale)
	}
	if !c.Covers(s) {
		fmt.Fprintf(w, "  this scenario is not %s: the intervals borrow that domain's errors; read them as indicative, or give error_scale (--error-scale)\n", c.DomainText)
	}
}

// predictForecast sets the predictive interval of every forecast of fc, a
// forecast of s by ms, and appends the plan's notes: around the forecasts
// or, with draws > 0, around the models' forecasts over a sweep of draws
// draws of s (seeded with seed, u the default uncertainty).
func predictForecast(ctx context.Context, fc *jirga.Forecast, s *jirga.Scenario, ms []jirga.Model, plan *calib.Plan, draws int, seed uint64, u sweep.Uncertainty) error {
	if draws <= 0 {
		for _, r := range fc.Results {
			plan.Apply(r, s, nil)
		}
		return nil
	}
	sw, err := sweep.Run(ctx, s, ms, sweep.Options{Draws: draws, Seed: seed, Uncertainty: &u, Bins: 1, Predict: plan})
	if err != nil {
		return err
	}
	for i, r := range fc.Results {
		for k := range r.Issues {
			r.Issues[k].Predictive = sw.Results[i].Issues[k].Predictive
		}
		r.Notes = append(r.Notes, plan.Notes(r.Model)...)
	}
	return nil
}

// predictiveColumns are the CSV columns of a predictive interval.
var predictiveColumns = []string{"predictive_p05", "predictive_p10", "predictive_p25", "predictive_p75", "predictive_p90", "predictive_p95", "predictive_basis"}

// predictiveCSV returns the CSV cells of p, empty when there is none.
func predictiveCSV(p *jirga.Predictive) []string {
	if p == nil {
		return make([]string, len(predictiveColumns))
	}
	return []string{fmtNum(p.P05, 4), fmtNum(p.P10, 4), fmtNum(p.P25, 4), fmtNum(p.P75, 4), fmtNum(p.P90, 4), fmtNum(p.P95, 4), p.Basis}
}
