package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

func runSweep(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 && args[0] == "merge" {
		return runSweepMerge(ctx, m, args[1:])
	}
	fs := m.newFlagSet("sweep", "[FILE] [flags]\n       jirga sweep merge [--format F] [--wide] SHARD…", `
Run each model on --draws scenarios drawn from the uncertainty of the inputs
of FILE (the built-in flagship scenario by default) and report, per model and
issue, the forecast on the point values, its 80% predictive interval, and
the mean, the 10th, 25th, 50th, 75th and 90th percentiles and a histogram
of the forecasts over the draws: these describe input uncertainty only.

The predictive interval adds the model's own error, which dominates: on EU
legislation with known outcomes (the DEU data) intervals from input
uncertainty alone hold 1–40% of the outcomes, the predictive ones 80%.
It is made from each model's errors measured out of fold on those
decisions (jirga backtest calibrate), combined with its forecasts over the
draws; for a scenario that is not EU legislation it borrows that domain's
errors, and --error-scale (or the scenario's error_scale) widens or
narrows it. The JSON gives its p05, p10, p25, p75, p90 and p95.

Every capability, position and salience (and status quo, reservation and
issue-specific power) is drawn from its own low/high range or dist (uniform,
triangular, normal with sd), truncated to its allowed range. Numbers without
one get the default uncertainty: a triangular distribution around the value
with half-width position=0.1 (of the scale, also for reservations),
salience=15 (points) and capability=0.2 (of the value, also for powers);
status quo points stay fixed unless they carry a range (or
status_quo=FRACTION is given). --uncertainty changes these,
--no-default-uncertainty switches them off.

The output depends only on the input, the models and --seed, never on
--workers. --keep DIR writes every drawn scenario as DIR/draw-000001.yaml …
so that any draw can be re-run with jirga forecast. Interrupted (Ctrl-C), the
sweep prints the summary of the draws done so far. See docs/sweep.md.

For batch systems, --shard I/N --out FILE computes only shard I of N (I from
0 to N−1, as a Kubernetes Indexed Job or a Slurm array numbers them): its
range of the draws, into FILE. "jirga sweep merge SHARD…" merges the N
files into exactly what the sweep prints whole, in any --format; it refuses
shards of different inputs, seeds, engine versions or shard counts, and a
set that repeats or misses a shard. See docs/scale.md.`)
	var in inputFlags
	var lf layoutFlags
	var mf modelFlags
	var outFormat, keep string
	var draws, workers, bins int
	var uf uncertaintyFlags
	var pf predictFlags
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultSweep)
	pf.register(fs)
	fs.Lookup("seed").Usage = "seed of the draws (and of stochastic model options)"
	fs.IntVar(&draws, "draws", sweep.DefaultDraws, "number of scenarios to draw")
	fs.IntVar(&workers, "workers", 0, "parallel workers (default GOMAXPROCS); the output does not depend on it")
	fs.IntVar(&bins, "bins", sweep.DefaultBins, "histogram bins over each issue's scale")
	fs.StringVar(&outFormat, "format", "table", "output format: table, json or csv")
	lf.register(fs)
	fs.StringVar(&keep, "keep", "", "directory to write each drawn scenario to (draw-000001.yaml, …)")
	var shard, out string
	fs.StringVar(&shard, "shard", "", "compute only shard I/N of the draws (I from 0 to N−1) into --out; merge the shards with jirga sweep merge")
	fs.StringVar(&out, "out", "", "file to write the shard of --shard to")
	uf.register(fs)
	path, err := parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(fs, outFormat, "table", "json", "csv"); err != nil {
		return err
	}
	switch {
	case draws < 1:
		return jirga.Errorf(jirga.EINVALID, "sweep: --draws must be ≥ 1, got %d", draws)
	case workers < 0:
		return jirga.Errorf(jirga.EINVALID, "sweep: --workers must be ≥ 0, got %d", workers)
	case bins < 1 || bins > 200:
		return jirga.Errorf(jirga.EINVALID, "sweep: --bins must be in [1, 200], got %d", bins)
	}
	var sh shardSpec
	if shard != "" || out != "" {
		if sh, err = parseShard(fs, shard, out, outFormat); err != nil {
			return err
		}
	}
	u, err := uf.value()
	if err != nil {
		return err
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	ss, err := in.load(path)
	if err != nil {
		return err
	}
	j := mf.job(jirga.KindSweep)
	j.Draws, j.Workers = draws, workers
	if sh.n > 0 {
		lo, hi := sweep.Split(draws, sh.n, sh.i)
		j.Draws = max(hi-lo, 1)
	}
	m.warnCost("sweep", ss, workers, j)
	if sh.n > 0 {
		return runShard(ctx, m, sh, ss, ms, &mf, &pf, sweep.Options{Draws: draws, Seed: mf.seed, Workers: workers, Uncertainty: &u, Bins: bins}, keep)
	}
	var results []*sweep.Result
	var runErr error
	for _, s := range ss {
		plan, err := pf.plan(s, &mf)
		if err != nil {
			return err
		}
		opt := sweep.Options{Draws: draws, Seed: mf.seed, Workers: workers, Uncertainty: &u, Bins: bins, Predict: plan}
		if keep != "" {
			dir := keep
			if len(ss) > 1 {
				dir = filepath.Join(keep, s.ID)
			}
			if opt.Keep, err = keepDraws(dir, s.ID, mf.seed); err != nil {
				return err
			}
		}
		if m.IsTerminal != nil && m.IsTerminal(m.Stderr) {
			opt.Progress = progressBar(m.Stderr, s.ID)
		}
		r, err := sweep.Run(ctx, s, ms, opt)
		if opt.Progress != nil {
			fmt.Fprint(m.Stderr, "\r\033[K")
		}
		if r != nil {
			results = append(results, r)
		}
		if err != nil {
			runErr = err
			break
		}
	}
	if len(results) > 0 {
		if werr := writeSweep(m.Stdout, outFormat, lf, ss, results); werr != nil && runErr == nil {
			runErr = werr
		}
	}
	if runErr != nil && errors.Is(runErr, context.Canceled) && len(results) > 0 {
		r := results[len(results)-1]
		fmt.Fprintf(m.Stderr, "jirga sweep: interrupted after %d of %d draws of %s\n", r.Completed, r.Draws, r.Scenario)
	}
	return runErr
}

// writeSweep writes the results of the sweeps of ss in format.
func writeSweep(w io.Writer, format string, lf layoutFlags, ss []*jirga.Scenario, results []*sweep.Result) error {
	switch format {
	case "json":
		return writeJSON(w, results)
	case "csv":
		return writeSweepCSV(w, results)
	}
	out := lf.writer(w)
	writeSections(out, len(results), func(i int) { writeSweepTable(out, ss[i], results[i]) },
		func(i int) []string { return sweepFooter(ss[i], results[i]) })
	return out.Flush()
}

// progressBar returns a sweep progress function that redraws a bar on w
// each time the percentage done changes.
func progressBar(w io.Writer, label string) func(done, total int) {
	last := -1
	return func(done, total int) {
		pct := done * 100 / total
		if pct == last {
			return
		}
		last = pct
		const width = 30
		fill := done * width / total
		fmt.Fprintf(w, "\r%s %s%s %3d%% %d/%d", label, strings.Repeat("█", fill), strings.Repeat("░", width-fill), pct, done, total)
	}
}

// describeUncertainty says which default uncertainty a sweep applied.
func describeUncertainty(u sweep.Uncertainty) string {
	if u == (sweep.Uncertainty{}) {
		return "no default uncertainty"
	}
	d := fmt.Sprintf("default uncertainty of bare numbers: position ±%g%% of the scale, salience ±%g, capability ±%g%%", u.Position*100, u.Salience, u.Capability*100)
	if u.StatusQuo > 0 {
		d += fmt.Sprintf(", status quo ±%g%% of the scale", u.StatusQuo*100)
	}
	return d + " (triangular)"
}

// writeSweepTable writes one row per model and issue (sweepFooter has
// the legends).
func writeSweepTable(w io.Writer, s *jirga.Scenario, r *sweep.Result) {
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprint(w, title)
	if s.AsOf != "" {
		fmt.Fprintf(w, " (as of %s)", s.AsOf)
	}
	fmt.Fprintln(w)
	if r.Completed < r.Draws {
		fmt.Fprintf(w, "interrupted after %d of %d draws, seed %d; %s\n", r.Completed, r.Draws, r.Seed, describeUncertainty(r.Uncertainty))
	} else {
		fmt.Fprintf(w, "%d draws, seed %d; %s\n", r.Draws, r.Seed, describeUncertainty(r.Uncertainty))
	}
	tw := &table{keys: 2}
	tw.addf("model\tissue\tscale\tforecast\tpredictive\tmean*\tp10*\tp25*\tp50*\tp75*\tp90*\thistogram*")
	for _, res := range r.Results {
		for _, f := range res.Issues {
			lo, hi := float64(jirga.DefaultScaleMin), float64(jirga.DefaultScaleMax)
			if is := s.Issue(f.Issue); is != nil {
				lo, hi = is.Bounds()
			}
			fc := fmtNum(f.Forecast, 1)
			if f.SettleRange != nil {
				fc += unsettledMark
			}
			row := []string{res.Model, f.Issue, fmt.Sprintf("%g–%g", lo, hi), fc, orDash(predictive80(f.Predictive))}
			for _, q := range []*float64{f.Mean, f.P10, f.P25, f.P50, f.P75, f.P90} {
				row = append(row, optNum(q, 1))
			}
			h := "–"
			if f.Histogram != nil {
				h = "▕" + sparkline(f.Histogram.Counts) + "▏"
			}
			row = append(row, h)
			tw.add(row...)
		}
	}
	tw.write(w)
}

// sweepFooter returns the lines that follow a sweep's table: the legends,
// the failed draws and the notes.
func sweepFooter(s *jirga.Scenario, r *sweep.Result) []string {
	var b strings.Builder
	fmt.Fprintln(&b, "*: the forecasts over the draws, input uncertainty only")
	writeUnsettled(&b, r.Results)
	writePredictiveLegend(&b, s, r.Results, true)
	for _, res := range r.Results {
		if n := r.Failed[res.Model]; n > 0 {
			fmt.Fprintf(&b, "note (%s): failed on %d of %d draws, left out of its statistics; first: %s\n", res.Model, n, r.Completed, r.Errors[res.Model])
		}
	}
	writeNotes(&b, r.Results)
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// sparkline draws counts as one block character each, eighths of the
// largest count rounded up, a space for an empty bin.
func sparkline(counts []int) string {
	const blocks = "▁▂▃▄▅▆▇█"
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	var b strings.Builder
	for _, c := range counts {
		if c == 0 || top == 0 {
			b.WriteByte(' ')
			continue
		}
		lvl := (8*c + top - 1) / top // ceil(8c/top) in 1 … 8
		b.WriteString(string([]rune(blocks)[lvl-1]))
	}
	return b.String()
}

func optNum(x *float64, prec int) string {
	if x == nil {
		return "–"
	}
	return fmtNum(*x, prec)
}

// writeSweepCSV writes one row per scenario, model and issue.
func writeSweepCSV(w io.Writer, rs []*sweep.Result) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"scenario", "model", "issue", "forecast", "mean", "p10", "p25", "p50", "p75", "p90",
		"draws", "completed", "failed", "seed", "hist_min", "hist_max", "histogram"}, predictiveColumns...))
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return fmtNum(*x, 4)
	}
	for _, r := range rs {
		for _, res := range r.Results {
			for _, f := range res.Issues {
				hmin, hmax, counts := "", "", ""
				if h := f.Histogram; h != nil {
					hmin, hmax = strconv.FormatFloat(h.Min, 'g', -1, 64), strconv.FormatFloat(h.Max, 'g', -1, 64)
					cs := make([]string, len(h.Counts))
					for i, c := range h.Counts {
						cs[i] = strconv.Itoa(c)
					}
					counts = strings.Join(cs, " ")
				}
				cw.Write(append([]string{r.Scenario, res.Model, f.Issue, fmtNum(f.Forecast, 4), opt(f.Mean),
					opt(f.P10), opt(f.P25), opt(f.P50), opt(f.P75), opt(f.P90),
					strconv.Itoa(r.Draws), strconv.Itoa(r.Completed), strconv.Itoa(r.Failed[res.Model]),
					strconv.FormatUint(r.Seed, 10), hmin, hmax, counts}, predictiveCSV(f.Predictive)...))
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// keepDraws returns a sweep.Options.Keep function that writes each draw k
// as dir/draw-NNNNNN.yaml (see drawFile), marked with where it came from in
// its attributes (sweep.scenario, sweep.seed, sweep.draw), so that it can
// be re-run with jirga forecast. It creates dir first.
func keepDraws(dir, id string, seed uint64) (func(k int, d *jirga.Scenario) error, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, jirga.Errorf(jirga.EINVALID, "sweep: --keep: %w", err)
	}
	return func(k int, d *jirga.Scenario) error {
		c := *d
		c.Attributes = make(map[string]string, len(d.Attributes)+3)
		maps.Copy(c.Attributes, d.Attributes)
		c.Attributes["sweep.scenario"] = id
		c.Attributes["sweep.seed"] = strconv.FormatUint(seed, 10)
		c.Attributes["sweep.draw"] = strconv.Itoa(k)
		var buf bytes.Buffer
		path := filepath.Join(dir, drawFile(k))
		fmt.Fprintf(&buf, "# Draw %d of a jirga sweep of %q with seed %d. Re-run it with\n# jirga forecast %s\n", k, id, seed, path)
		if err := format.Write(&buf, []*jirga.Scenario{&c}, format.YAML); err != nil {
			return err
		}
		return os.WriteFile(path, buf.Bytes(), 0o644)
	}, nil
}

// drawFile returns the file name under which --keep stores draw k.
func drawFile(k int) string { return fmt.Sprintf("draw-%06d.yaml", k) }
