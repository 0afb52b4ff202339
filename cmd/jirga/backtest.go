package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stack"
	"github.com/jirga/jirga/stat"
)

func runBacktest(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "fit":
			return runBacktestFit(ctx, m, args[1:])
		case "cv":
			return runBacktestCV(ctx, m, args[1:])
		case "calibrate":
			return runBacktestCalibrate(ctx, m, args[1:])
		}
	}
	fs := m.newFlagSet("backtest", "FILE [flags] | fit FILE [-o FILE] | cv FILE | calibrate FILE [-o FILE]", `
Score models on decisions with known outcomes (a DEU file, or any scenario
file whose issues carry an outcome). For each model: the number of issues
scored, MAE, RMSE, median absolute error and the share within 10 points,
overall, by wave and by voting rule; issues without an outcome or with
fewer than three actors holding a position are skipped and counted, and a
file with no issue to score is refused. Errors are shares of each issue's
scale in points of 100 (on a 0–100 scale, the error itself), so that issues
on different scales can be pooled. The
reference rows (plain mean, plain median, constant 50, status quo,
Commission position) show what trivial rules achieve. A model that fails
on an issue is counted as failed there.

With --coverage every scored scenario is also drawn --draws times from its
inputs' uncertainty (--uncertainty) and the share of outcomes inside each
model's 50% (p25–p75) and 80% (p10–p90) intervals over the draws is
reported (cov50, cov80: input uncertainty only), with their mean widths;
--seed seeds the draws. Beside them are the predictive intervals (pcov50,
pcov80 and their widths), which add each model's own error, measured by
proposal-grouped 10-fold cross-validation on FILE itself: each issue's
interval uses the errors of the other folds only.

  jirga backtest fit FILE -o stack/stacked.json   refit the stacked model
  jirga backtest cv FILE                          cross-validate it
  jirga backtest calibrate FILE -o calib/calibration.json
                                                  measure the models' errors for
                                                  the predictive intervals`)
	var in inputFlags
	var mf modelFlags
	var outFormat, out string
	var uf uncertaintyFlags
	var refs, cover bool
	var draws int
	in.register(m, fs)
	mf.register(fs, models.DefaultBacktest)
	fs.StringVar(&outFormat, "format", "table", "output format: table, json or csv")
	fs.StringVar(&out, "out", "", "write per-issue forecasts and errors (shares of the scale, in points of 100) to this CSV file")
	fs.BoolVar(&refs, "references", true, "include the reference rows")
	fs.BoolVar(&cover, "coverage", false, "report the coverage of sweep intervals")
	fs.IntVar(&draws, "draws", 200, "draws per scenario for --coverage")
	uf.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(fs, "want one FILE, got %d arguments", len(pos))
	}
	if err := checkFormat(fs, outFormat, "table", "json", "csv"); err != nil {
		return err
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	opt := backtest.Options{}
	if refs {
		for _, r := range backtest.References() {
			ms = append(ms, r)
			opt.Reference = append(opt.Reference, r.Name())
		}
	}
	if cover {
		if draws < 2 {
			return jirga.Errorf(jirga.EINVALID, "backtest: --draws must be ≥ 2, got %d", draws)
		}
		u, err := uf.value()
		if err != nil {
			return err
		}
		opt.Coverage = backtest.Coverage{Draws: draws, Seed: mf.seed, Uncertainty: u, Folds: 10, FoldSeed: 1}
	}
	ss, err := in.load(pos[0])
	if err != nil {
		return err
	}
	if err := scorable("backtest", pos[0], ss); err != nil {
		return err
	}
	if m.IsTerminal != nil && m.IsTerminal(m.Stderr) {
		opt.Progress = progressBar(m.Stderr, "backtest")
	}
	rep, cases, err := backtest.Run(ctx, ss, ms, opt)
	if opt.Progress != nil {
		fmt.Fprint(m.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return jirga.Errorf(jirga.EINVALID, "backtest: %w", err)
		}
		werr := writeBacktestIssues(f, rep, cases)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return werr
		}
	}
	switch outFormat {
	case "json":
		return writeJSON(m.Stdout, []*backtest.Report{rep})
	case "csv":
		return writeBacktestCSV(m.Stdout, rep)
	}
	writeBacktestTable(m.Stdout, rep, in.capability)
	return nil
}

// scorable refuses scenarios with no issue to score: a table of dashes
// would look like a result. The message says why each issue was skipped.
func scorable(cmd, path string, ss []*jirga.Scenario) error {
	cases, skips := backtest.Cases(ss, 0)
	if len(cases) > 0 {
		return nil
	}
	reasons := map[string]int{}
	for _, sk := range skips {
		reasons[sk.Reason]++
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(reasons)) {
		parts = append(parts, fmt.Sprintf("%s with %s", countOf(reasons[r], "issue"), r))
	}
	return jirga.Errorf(jirga.EINVALID, "%s: %s has no issue to score (%s); an issue is scored when it has an outcome (the decision taken, on its scale) and at least %d actors hold a position on it",
		cmd, fileName(path), strings.Join(parts, ", "), backtest.DefaultMinActors)
}

func f1(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmtNum(x, 2)
}

func writeBacktestTable(w io.Writer, rep *backtest.Report, capability string) {
	if capability == "" {
		capability = "equal"
	}
	fmt.Fprintf(w, "%d issues, %d scored", rep.Issues, rep.Scored)
	for reason, n := range sortedCounts(rep.Skipped) {
		fmt.Fprintf(w, ", %d skipped (%s)", n, reason)
	}
	fmt.Fprintf(w, "; capability %s\n\n", capability)
	var waves, rules []string
	for _, sc := range rep.Models {
		for _, g := range sc.ByWave {
			waves = appendNew(waves, g.Name)
		}
		for _, g := range sc.ByRule {
			rules = appendNew(rules, g.Name)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	hdr := []string{"model", "n", "failed", "MAE", "RMSE", "MedAE", "P80AE", "≤10"}
	hdr = append(hdr, waves...)
	hdr = append(hdr, rules...)
	if rep.Coverage != nil {
		hdr = append(hdr, "cov50", "cov80", "width50", "width80", "pcov50", "pcov80", "pwidth50", "pwidth80")
	}
	fmt.Fprintln(tw, strings.Join(hdr, "\t")+"\t")
	for _, sc := range rep.Models {
		name := sc.Model
		if sc.Reference {
			name = "(ref) " + name
		}
		row := []string{name, strconv.Itoa(sc.N), strconv.Itoa(sc.Failed), "–", "–", "–", "–", "–"}
		if sc.N > 0 {
			row = append(row[:3], f1(sc.MAE), f1(sc.RMSE), f1(sc.MedianAE), f1(sc.P80AE), f1(100*sc.Within10)+"%")
		}
		for _, g := range waves {
			row = append(row, groupMAE(sc.ByWave, g))
		}
		for _, g := range rules {
			row = append(row, groupMAE(sc.ByRule, g))
		}
		if rep.Coverage != nil {
			row = append(row, pct(sc.Coverage50), pct(sc.Coverage80), ptr(sc.Width50), ptr(sc.Width80),
				pct(sc.PredictiveCoverage50), pct(sc.PredictiveCoverage80), ptr(sc.PredictiveWidth50), ptr(sc.PredictiveWidth80))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintln(w, "\nMAE overall and by wave and rule (group columns show MAE/n); MedAE and P80AE: median and 80th\npercentile of the absolute errors; ≤10: share of errors within 10 points.")
	for _, sc := range rep.Models {
		if sc.Model != stack.Name {
			continue
		}
		if p, err := stack.Shipped(); err == nil {
			fmt.Fprintf(w, "note: stacked was fitted on %s (%d issues); on that file its row is in-sample. Out-of-fold numbers: jirga backtest cv FILE.\n", p.Data, p.N)
		}
	}
	if rep.Coverage != nil {
		u := rep.Coverage.Uncertainty
		fmt.Fprintf(w, "coverage: %d draws per scenario, seed %d, uncertainty position ±%g of scale, salience ±%g, capability ±%g%%, status quo ±%g of scale\n",
			rep.Coverage.Draws, rep.Coverage.Seed, u.Position, u.Salience, 100*u.Capability, u.StatusQuo)
		fmt.Fprintf(w, "cov50, cov80, width: the forecasts over the draws (input uncertainty only); pcov50, pcov80, pwidth: the\npredictive intervals (model error ⊕ draws), calibrated on the other folds of %d proposal-grouped folds (seed %d)\n",
			rep.Coverage.Folds, rep.Coverage.FoldSeed)
	}
}

func groupMAE(gs []backtest.Group, name string) string {
	for _, g := range gs {
		if g.Name == name {
			return fmt.Sprintf("%s/%d", f1(g.MAE), g.N)
		}
	}
	return "–"
}

func pct(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmtNum(100**p, 1) + "%"
}

func ptr(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmtNum(*p, 1)
}

func appendNew(xs []string, x string) []string {
	for _, v := range xs {
		if v == x {
			return xs
		}
	}
	return append(xs, x)
}

// sortedCounts iterates a count map in key order.
func sortedCounts(m map[string]int) func(func(string, int) bool) {
	return func(yield func(string, int) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

func writeBacktestCSV(w io.Writer, rep *backtest.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"model", "reference", "group_by", "group", "n", "failed", "mae", "rmse", "median_ae", "p80_ae", "within10", "coverage50", "coverage80",
		"width50", "width80", "predictive_coverage50", "predictive_coverage80", "predictive_width50", "predictive_width80"})
	for _, sc := range rep.Models {
		ref := strconv.FormatBool(sc.Reference)
		cov := func(p *float64) string {
			if p == nil {
				return ""
			}
			return fmtNum(*p, 4)
		}
		line := func(by, name string, m backtest.Metrics, failed string, cover ...string) {
			cw.Write(append([]string{sc.Model, ref, by, name, strconv.Itoa(m.N), failed, fmtNum(m.MAE, 4), fmtNum(m.RMSE, 4), fmtNum(m.MedianAE, 4), fmtNum(m.P80AE, 4), fmtNum(m.Within10, 4)}, cover...))
		}
		line("all", "all", sc.Metrics, strconv.Itoa(sc.Failed), cov(sc.Coverage50), cov(sc.Coverage80), cov(sc.Width50), cov(sc.Width80),
			cov(sc.PredictiveCoverage50), cov(sc.PredictiveCoverage80), cov(sc.PredictiveWidth50), cov(sc.PredictiveWidth80))
		blank := make([]string, 8)
		for _, g := range sc.ByWave {
			line("wave", g.Name, g.Metrics, "", blank...)
		}
		for _, g := range sc.ByRule {
			line("rule", g.Name, g.Metrics, "", blank...)
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeBacktestIssues(w io.Writer, rep *backtest.Report, cases []backtest.Case) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"scenario", "issue", "proposal", "year", "wave", "rule", "procedure", "actors", "reference_point", "outcome",
		"model", "forecast", "error", "abs_error", "p10", "p25", "p50", "p75", "p90", "failure"})
	num := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		return fmtNum(x, 4)
	}
	for _, r := range rep.Rows {
		c := cases[r.Case]
		rp := ""
		if c.Issue.StatusQuo != nil {
			rp = num(c.Issue.StatusQuo.Value)
		}
		e := c.Error(r.Forecast)
		cw.Write([]string{c.Scenario.ID, c.Issue.ID, c.Attr("proposal"), c.Attr("year"), c.Attr("wave"), c.Attr("rule"), c.Attr("procedure"),
			strconv.Itoa(c.Actors), rp, num(c.Outcome), r.Model, num(r.Forecast), num(e), num(math.Abs(e)),
			num(r.P10), num(r.P25), num(r.P50), num(r.P75), num(r.P90), r.Err})
	}
	for _, sk := range rep.Skips {
		cw.Write([]string{sk.Scenario, sk.Issue, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "skipped: " + sk.Reason})
	}
	cw.Flush()
	return cw.Error()
}

// runBacktestFit refits the stacked model on FILE and writes its parameters.
func runBacktestFit(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("backtest fit", "FILE [-o FILE]", `
Fit the stacked model on the scorable issues of FILE: the ridge penalty is
chosen by proposal-grouped cross-validation on FILE (--folds, --seed), then
the model is refitted on all of FILE. The parameters are written as JSON to
-o (default standard output); stack/stacked.json is the file the binary
embeds, written by
  jirga backtest fit backtest/testdata/deu_dev.tsv -o stack/stacked.json`)
	var in inputFlags
	var out string
	var folds int
	var seed uint64
	in.register(m, fs)
	fs.StringVar(&out, "o", "", "write the parameters to this file (default standard output)")
	fs.IntVar(&folds, "folds", 10, "folds for choosing the ridge penalty")
	fs.Uint64Var(&seed, "seed", 1, "seed of the fold assignment")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(fs, "want one FILE, got %d arguments", len(pos))
	}
	if folds < 2 {
		return jirga.Errorf(jirga.EINVALID, "backtest fit: --folds must be ≥ 2, got %d", folds)
	}
	ss, err := in.load(pos[0])
	if err != nil {
		return err
	}
	if err := scorable("backtest fit", pos[0], ss); err != nil {
		return err
	}
	p, err := backtest.FitStacked(ss, backtest.DefaultMinActors, stack.FitOptions{Folds: folds, Seed: seed})
	if err != nil {
		return err
	}
	p.Data = baseName(pos[0])
	p.Command = "jirga backtest fit " + p.Data + fmt.Sprintf(" --folds %d --seed %d", folds, seed)
	if in.capability != "" && in.capability != "equal" {
		p.Command += " --capability " + in.capability
	}
	b, err := p.Encode()
	if err != nil {
		return err
	}
	return m.writeOut("backtest fit", out, b)
}

// writeOut writes b, a file a command made, to the file out, or to
// standard output when out is "".
func (m *Main) writeOut(cmd, out string, b []byte) error {
	if out == "" {
		_, err := m.Stdout.Write(b)
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return jirga.Errorf(jirga.EINVALID, "%s: %w", cmd, err)
	}
	return nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// runBacktestCV cross-validates the stacked model against the fixed models.
func runBacktestCV(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("backtest cv", "FILE [flags]", `
Cross-validate the stacked model on FILE, grouped by proposal: for each of
--folds folds it is fitted (including the choice of its ridge penalty, by an
inner cross-validation) on the other folds only and forecasts the fold. The
weighted mean and the reference rules are scored on the same folds.`)
	var in inputFlags
	var outFormat string
	var folds, inner int
	var seed uint64
	in.register(m, fs)
	fs.StringVar(&outFormat, "format", "table", "output format: table or json")
	fs.IntVar(&folds, "folds", 10, "outer folds")
	fs.IntVar(&inner, "inner-folds", 10, "inner folds for choosing the ridge penalty")
	fs.Uint64Var(&seed, "seed", 1, "seed of the outer fold assignment (the inner one uses seed+1)")
	var feats string
	fs.StringVar(&feats, "features", strings.Join(stack.FeatureNames(), ","), "features of the stacked model to cross-validate (comma-separated, or all)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(fs, "want one FILE, got %d arguments", len(pos))
	}
	if err := checkFormat(fs, outFormat, "table", "json"); err != nil {
		return err
	}
	if folds < 2 || inner < 2 {
		return jirga.Errorf(jirga.EINVALID, "backtest cv: --folds and --inner-folds must be ≥ 2")
	}
	var fnames []string
	if feats == "all" {
		for _, f := range stack.AllFeatures() {
			fnames = append(fnames, f.Name)
		}
	} else {
		for _, f := range strings.Split(feats, ",") {
			fnames = append(fnames, strings.TrimSpace(f))
		}
	}
	if err := stack.CheckFeatures(fnames); err != nil {
		return jirga.Errorf(jirga.EINVALID, "backtest cv: --features: %w", err)
	}
	ss, err := in.load(pos[0])
	if err != nil {
		return err
	}
	if err := scorable("backtest cv", pos[0], ss); err != nil {
		return err
	}
	mean, err := models.New("mean", models.Options{})
	if err != nil {
		return err
	}
	fixed := append([]jirga.Model{mean}, backtest.References()[:3]...)
	res, err := backtest.CrossValidate(ctx, ss, []backtest.Learner{backtest.StackedLearner(stack.FitOptions{Folds: inner, Seed: seed + 1, Features: fnames})}, fixed,
		backtest.CVOptions{Folds: folds, Seed: seed})
	if err != nil {
		return err
	}
	if outFormat == "json" {
		return writeJSON(m.Stdout, []*backtest.CVResult{res})
	}
	fmt.Fprintf(m.Stdout, "%d issues, %d proposal-grouped folds (seed %d); stacked features: %s\n\n", res.N, res.Folds, res.Seed, strings.Join(fnames, ","))
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tn\tOOF MAE\tRMSE\tfold MAE mean\tsd\tmin\tmax\tcov50\tcov80\t±50%\t±80%\t")
	for _, r := range res.Rows {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range r.FoldMAE {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s%%\t%s%%\t%s\t%s\t\n", r.Model, r.N, f1(r.MAE), f1(r.RMSE), f1(r.FoldMean), f1(r.FoldSD), f1(lo), f1(hi),
			fmtNum(100*r.Coverage50, 1), fmtNum(100*r.Coverage80, 1), f1(r.HalfWidth50), f1(r.HalfWidth80))
	}
	tw.Flush()
	fmt.Fprintln(m.Stdout, "\ncov50, cov80: held-out outcomes inside forecast ± the 50th / 80th percentile of the absolute\nerrors on the training folds (±50%, ±80%: those half-widths, averaged over folds).")
	// Paired comparison with the weighted mean (row 1): mean difference of
	// absolute errors and its standard error over issues.
	absErr := func(row []float64) []float64 {
		e := make([]float64, len(res.Cases))
		for i, c := range res.Cases {
			e[i] = math.Abs(c.Error(row[i]))
		}
		return e
	}
	if d, se, n := stat.Paired(absErr(res.OOF[0]), absErr(res.OOF[1])); n > 1 {
		fmt.Fprintf(m.Stdout, "\npaired: stacked − mean absolute error = %s ± %s (standard error over %d issues; issues of a proposal are not independent, so the true uncertainty is larger)\n",
			fmtNum(d, 2), fmtNum(se, 2), n)
	}
	fmt.Fprintln(m.Stdout, "\nper-fold MAE:")
	for _, r := range res.Rows {
		var parts []string
		for _, v := range r.FoldMAE {
			parts = append(parts, f1(v))
		}
		fmt.Fprintf(m.Stdout, "  %-14s %s\n", r.Model, strings.Join(parts, " "))
	}
	return nil
}
