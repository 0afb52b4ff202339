package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stack"
)

// runBacktestCalibrate measures every model's errors on FILE and writes
// the calibration that package calib embeds.
func runBacktestCalibrate(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("backtest calibrate", "FILE [-o FILE | --check FILE] [flags]", `
Measure each model's errors on the scorable issues of FILE for the
predictive intervals: the residual of each issue (outcome minus a forecast
made without it: the stacked model is refitted on the other folds), and
the levels that make the intervals hold 50%, 80% and 90% of the outcomes,
from each outcome's rank against the residuals of the other
proposal-grouped folds (--folds, --seed), around the forecast and around
--draws draws of the inputs (--uncertainty, --draw-seed). The calibration,
with its provenance, is written as JSON to -o (default standard output);
calib/calibration.json is the file the binary embeds, written by
  jirga backtest calibrate backtest/testdata/deu_dev.tsv -o calib/calibration.json
(go generate ./calib). --check FILE instead compares the calibration with
FILE, apart from its date, and fails when they differ: the shipped
calibration is stale. --coverage instead reports, per model, how well the
intervals cover under proposal-grouped cross-validation (each fold's
intervals calibrated on the other folds only), around the forecast and
around the draws, beside the intervals of the draws alone (input
uncertainty only).`)
	var in inputFlags
	var mf modelFlags
	var uf uncertaintyFlags
	var out, check, name string
	var coverage bool
	var folds, draws int
	var seed, drawSeed uint64
	in.register(m, fs)
	fs.StringVar(&mf.list, "model", "all", "comma-separated models, or all (see jirga models)")
	fs.StringVar(&out, "o", "", "write the calibration to this file (default standard output)")
	fs.StringVar(&check, "check", "", "compare with this calibration file instead of writing one; exit 1 when they differ")
	fs.BoolVar(&coverage, "coverage", false, "report the cross-validated coverage of the intervals instead of writing the calibration")
	fs.StringVar(&name, "name", "deu-dev", "the calibration's name, which every interval names as its basis")
	fs.IntVar(&folds, "folds", 10, "proposal-grouped folds")
	fs.Uint64Var(&seed, "seed", 1, "seed of the fold assignment (the stacked model's inner folds use seed+1)")
	fs.IntVar(&draws, "draws", backtest.DefaultCalibrationDraws, "draws per issue for the levels around a sweep's draws (0: none)")
	fs.Uint64Var(&drawSeed, "draw-seed", 1, "seed of the draws")
	uf.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(fs, "want one FILE, got %d arguments", len(pos))
	}
	if folds < 2 || draws < 0 {
		return jirga.Errorf(jirga.EINVALID, "backtest calibrate: --folds must be ≥ 2 and --draws ≥ 0")
	}
	u, err := uf.value()
	if err != nil {
		return err
	}
	names, err := models.Parse(mf.list)
	if err != nil {
		return err
	}
	var fixed []jirga.Model
	var learners []backtest.Learner
	for _, n := range names {
		if n == stack.Name {
			learners = append(learners, backtest.StackedLearner(stack.FitOptions{Folds: backtest.DefaultCalibrationInnerFolds, Seed: seed + 1}))
			continue
		}
		mod, err := models.New(n, models.Options{})
		if err != nil {
			return err
		}
		fixed = append(fixed, mod)
	}
	data, err := in.bytes(pos[0])
	if err != nil {
		return jirga.Errorf(jirga.EINVALID, "backtest calibrate: %w", err)
	}
	ss, err := in.load(pos[0])
	if err != nil {
		return err
	}
	opt := backtest.CalibrateOptions{CVOptions: backtest.CVOptions{Folds: folds, Seed: seed}}
	if draws > 0 {
		opt.Coverage = backtest.Coverage{Draws: draws, Seed: drawSeed, Uncertainty: u}
	}
	if m.IsTerminal != nil && m.IsTerminal(m.Stderr) {
		opt.Progress = progressBar(m.Stderr, "calibrate")
	}
	cases, fcs, err := backtest.OutOfFold(ctx, ss, fixed, learners, opt)
	if opt.Progress != nil {
		fmt.Fprint(m.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if coverage {
		writeCalibrationCoverage(m.Stdout, cases, fcs, folds, seed, draws)
		return nil
	}
	c := backtest.Calibration(cases, fcs, opt)
	sum := sha256.Sum256(data)
	c.Name = name
	c.Domain, c.DomainText = calib.DomainEULegislation, "EU legislation (DEU, 1995–2018)"
	c.Data, c.DataSHA256 = baseName(fileName(pos[0])), hex.EncodeToString(sum[:])
	c.Date = time.Now().UTC().Format(time.DateOnly)
	c.EngineVersion = jirga.Version
	c.Command = strings.Join(append([]string{"jirga", "backtest", "calibrate", c.Data}, calibrateFlags(fs)...), " ")
	if check != "" {
		b, err := os.ReadFile(check)
		if err != nil {
			return jirga.Errorf(jirga.EINVALID, "backtest calibrate: %w", err)
		}
		old, err := calib.Decode(b)
		if err != nil {
			return jirga.Errorf(jirga.EINVALID, "backtest calibrate: %s: %w", check, err)
		}
		if err := c.Same(old, 1e-9); err != nil {
			return fmt.Errorf("backtest calibrate: %s is stale (regenerate it with go generate ./calib): %w", check, err)
		}
		fmt.Fprintf(m.Stdout, "%s is up to date (made %s)\n", check, old.Date)
		return nil
	}
	b, err := c.Encode()
	if err != nil {
		return err
	}
	return m.writeOut("backtest calibrate", out, b)
}

// calibrateFlags lists the flags that were set, but for -o and --check, as
// the command line that made a calibration.
func calibrateFlags(fs *flag.FlagSet) []string {
	var out []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "o" && f.Name != "check" {
			out = append(out, "--"+f.Name+" "+f.Value.String())
		}
	})
	return out
}

// writeCalibrationCoverage writes, per model, the coverage and mean widths
// of the 50% and 80% intervals of the draws alone and of the predictive
// intervals around the forecast and around the draws, the latter two by
// proposal-grouped cross-validation (backtest.PredictiveCV).
func writeCalibrationCoverage(w io.Writer, cases []backtest.Case, fcs []backtest.Forecasts, folds int, seed uint64, draws int) {
	fmt.Fprintf(w, "%d issues, %d proposal-grouped folds (seed %d), %d draws per issue; coverage of the 50%% and 80%% intervals (nominal\n50%% and 80%%) and their mean widths in points\n\n", len(cases), folds, seed, draws)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tinput only\t\t\t\tpredictive, forecast\t\t\t\tpredictive, draws\t\t\t\t")
	fmt.Fprintln(tw, "model\tcov50\tcov80\twidth50\twidth80\tcov50\tcov80\twidth50\twidth80\tcov50\tcov80\twidth50\twidth80\t")
	cell := func(sc backtest.PredictiveScore) string {
		if sc.N == 0 {
			return "–\t–\t–\t–"
		}
		return fmt.Sprintf("%s%%\t%s%%\t%s\t%s", fmtNum(100*sc.Coverage50, 1), fmtNum(100*sc.Coverage80, 1), fmtNum(sc.Width50, 1), fmtNum(sc.Width80, 1))
	}
	for _, fc := range fcs {
		in := backtest.InputCoverage(cases, fc.Draws)
		point := backtest.PredictiveCV(cases, fc.Point, nil, folds, seed)
		drawn := backtest.PredictiveCV(cases, fc.Point, fc.Draws, folds, seed)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", fc.Model, cell(in), cell(point), cell(drawn))
	}
	tw.Flush()
	fmt.Fprintln(w, "\ninput only: p25–p75 and p10–p90 of the forecasts over the draws. predictive: the model's out-of-fold errors\ncombined with the forecast or the draws, the levels calibrated on the other folds (jirga help backtest).\nstacked is refitted on the other folds for each fold's forecasts.")
}
