package main

import (
	"bytes"
	"context"
	"os"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/report"
)

func runReport(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("report", "[FILE] -o report.html [flags]", `
Write one self-contained HTML page about the scenario in FILE: positions and
saliences, forecasts by model with Monte Carlo intervals, rounds of the
dynamic models, the levers (on the forecasts and on the deal), the named
interventions compared, the deal probability and zones of agreement, the
estimates marked hindsight (counted at the top), and the sources behind
every input. For a scenario with snapshots the page is about the state
--as-of picks and adds the timeline of every state: P(deal) and each
model's forecast over time, and the changed estimates that moved them. The
page has inline CSS and SVG and loads nothing from the network. With no FILE, report on the built-in flagship
scenario (Pakistan–TTP, 2022). With -o -, write to standard output.`)
	var in inputFlags
	var mf modelFlags
	var out string
	var draws, workers, top int
	var step float64
	var uf uncertaintyFlags
	var pf predictFlags
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultSweep)
	pf.register(fs)
	fs.StringVar(&out, "o", "", "output file (- for standard output)")
	fs.IntVar(&draws, "draws", report.DefaultDraws, "Monte Carlo draws for intervals and the deal probability (0: none)")
	fs.IntVar(&workers, "workers", 0, "parallel workers (default: GOMAXPROCS; the page does not depend on it)")
	fs.IntVar(&top, "top", 8, "levers per tornado")
	fs.Float64Var(&step, "step", 0.1, "levers' relative step")
	uf.register(fs)
	path, err := parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if out == "" {
		return usageErr(fs, "-o FILE is required")
	}
	if draws < 0 || top < 1 || !(step > 0) {
		return jirga.Errorf(jirga.EINVALID, "report: want --draws ≥ 0, --top ≥ 1 and --step > 0")
	}
	if draws == 0 {
		draws = -1
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	s, err := in.readOne(path)
	if err != nil {
		return err
	}
	// A report holds a forecast, a sweep and a deal analysis.
	sw, dl := mf.job(jirga.KindSweep), mf.job(jirga.KindDeal)
	sw.Draws, sw.Workers = draws, workers
	dl.Draws, dl.Workers, dl.Interventions = draws, workers, true
	m.warnCost("report", []*jirga.Scenario{s}, workers, mf.job(jirga.KindForecast), sw, dl)
	var buf bytes.Buffer
	u, err := uf.value()
	if err != nil {
		return err
	}
	plan, err := pf.plan(s, &mf)
	if err != nil {
		return err
	}
	if err := report.Write(ctx, &buf, s, ms, report.Options{Draws: draws, Seed: mf.seed, Workers: workers, Uncertainty: &u, Step: step, Top: top, AsOf: in.asOf, Predict: plan}); err != nil {
		return err
	}
	if out == "-" {
		_, err = m.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
