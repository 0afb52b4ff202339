package backtest_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stack"
	"github.com/jirga/jirga/sweep"
)

// shippedOptions are the options of the command that makes the shipped
// calibration, jirga backtest calibrate backtest/testdata/deu_dev.tsv.
func shippedOptions() backtest.CalibrateOptions {
	return backtest.CalibrateOptions{
		CVOptions: backtest.CVOptions{Folds: 10, Seed: 1},
		Coverage:  backtest.Coverage{Draws: backtest.DefaultCalibrationDraws, Seed: 1, Uncertainty: sweep.DefaultUncertainty()},
	}
}

// calibrationModels returns the models the shipped calibration covers, as
// the command builds them: every registered model with its defaults, the
// stacked model as a learner refitted fold by fold. With short, only the
// fast static models and bdm.
func calibrationModels(t testing.TB, short bool) ([]jirga.Model, []backtest.Learner) {
	var fixed []jirga.Model
	var learners []backtest.Learner
	for _, info := range models.All() {
		switch {
		case info.Name == stack.Name:
			if !short {
				learners = append(learners, backtest.StackedLearner(stack.FitOptions{Folds: backtest.DefaultCalibrationInnerFolds, Seed: 2}))
			}
			continue
		case short && (info.Name == "smp" || info.Name == "exchange"):
			continue
		}
		m, err := models.New(info.Name, models.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fixed = append(fixed, m)
	}
	return fixed, learners
}

// TestPredictiveCoverage is issue 14's acceptance test: on the DEU
// development data, the 50% and 80% predictive intervals of every scored
// model hold 50% and 80% of the outcomes, within ±5 points, under
// proposal-grouped cross-validation (backtest.PredictiveCV: every interval
// is calibrated on the other folds only), both around the point forecast
// and around a sweep's draws. The same forecasts regenerate the shipped
// calibration, which must equal calib/calibration.json: a change of a
// model's defaults that is not followed by go generate ./calib fails here.
// With -short: the fast models, point forecasts and 5 draws, and the
// shipped residuals of those models.
func TestPredictiveCoverage(t *testing.T) {
	short := testing.Short()
	ss := loadDEU(t, "equal")
	fixed, learners := calibrationModels(t, short)
	opt := shippedOptions()
	if short {
		opt.Coverage.Draws = 5
	}
	cases, fcs, err := backtest.OutOfFold(context.Background(), ss, fixed, learners, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range fcs {
		for _, drawn := range []bool{false, true} {
			var draws [][]float64
			if drawn {
				draws = fc.Draws
			}
			sc := backtest.PredictiveCV(cases, fc.Point, draws, 10, 1)
			what := fmt.Sprintf("%s (draws %v)", fc.Model, drawn)
			if sc.N != 274 {
				t.Errorf("%s: %d cases scored, want 274", what, sc.N)
			}
			if math.Abs(sc.Coverage50-0.5) > 0.05 || math.Abs(sc.Coverage80-0.8) > 0.05 {
				t.Errorf("%s: coverage %.1f%% / %.1f%%, want 50%% / 80%% ± 5", what, 100*sc.Coverage50, 100*sc.Coverage80)
			}
			// No wider than needed: the 80% interval of a model whose
			// median absolute error is about 20–33 points stays well
			// inside the 0–100 scale on average.
			if sc.Width80 > 90 || sc.Width50 > sc.Width80 {
				t.Errorf("%s: widths %.1f / %.1f", what, sc.Width50, sc.Width80)
			}
			t.Logf("%s: coverage %.1f%% / %.1f%%, width %.1f / %.1f", what, 100*sc.Coverage50, 100*sc.Coverage80, sc.Width50, sc.Width80)
		}
	}
	shipped, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	got := backtest.Calibration(cases, fcs, opt)
	if short {
		// The residuals and the point levels do not depend on the draws.
		for _, m := range got.Models {
			want := shipped.Model(m.Model)
			if want == nil {
				t.Fatalf("the shipped calibration has no model %s", m.Model)
			}
			m.Draws = want.Draws
			a := calib.Calibration{Models: []calib.Model{m}}
			b := calib.Calibration{Models: []calib.Model{*want}}
			if err := a.Same(&b, 1e-9); err != nil {
				t.Errorf("calib/calibration.json is stale (go generate ./calib): %v", err)
			}
		}
		return
	}
	got.Name, got.Domain, got.DomainText, got.Data, got.DataSHA256, got.EngineVersion = shipped.Name, shipped.Domain, shipped.DomainText, shipped.Data, shipped.DataSHA256, shipped.EngineVersion
	if err := got.Same(shipped, 1e-9); err != nil {
		t.Errorf("calib/calibration.json is stale (go generate ./calib): %v", err)
	}
}
