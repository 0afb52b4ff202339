package main

import (
	"bytes"
	"context"
	"os"
	"time"

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
scenario (Pakistan–TTP, 2022). With -o -, write to standard output.

The first page answers the question: the deal probability with its 95%
interval, every model's forecast of every issue with its predictive
interval (and ~ with the settle range where a dynamic model did not
settle), and the three levers that bring a deal closest, measured over the
draws. The page prints to A4 (the flagship to 8 pages). Its footer gives
the engine version, the input hash, the seed and a date: --date, or else
the scenario's as_of, so that the same input and seed give the same bytes.`)
	var in inputFlags
	var mf modelFlags
	var out, date string
	var draws, workers, top int
	var step float64
	var uf uncertaintyFlags
	var pf predictFlags
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultReport)
	pf.register(fs)
	fs.StringVar(&out, "o", "", "output file (- for standard output)")
	fs.IntVar(&draws, "draws", report.DefaultDraws, "Monte Carlo draws for intervals and the deal probability (0: none)")
	fs.IntVar(&workers, "workers", 0, "parallel workers (default: GOMAXPROCS; the page does not depend on it)")
	fs.IntVar(&top, "top", 8, "levers per tornado")
	fs.Float64Var(&step, "step", 0.1, "levers' relative step")
	fs.StringVar(&date, "date", "", "date the footer gives the report, YYYY-MM-DD (default: the scenario's as_of; the page never reads the clock)")
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
	if date != "" {
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			return usageErr(fs, "--date %q: want a date YYYY-MM-DD", date)
		}
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
	// The server's estimate of a report run: every analysis the report
	// holds (forecast, sweep, deal under each intervention, comparison,
	// levers, and the timeline when there are snapshots).
	job := mf.job(jirga.KindReport)
	job.Draws, job.Workers = max(draws, 0), workers
	m.warnCost("report", []*jirga.Scenario{s}, workers, job)
	var buf bytes.Buffer
	u, err := uf.value()
	if err != nil {
		return err
	}
	plan, err := pf.plan(s, &mf)
	if err != nil {
		return err
	}
	if err := report.Write(ctx, &buf, s, ms, report.Options{Draws: draws, Seed: mf.seed, Workers: workers, Uncertainty: &u, Step: step, Top: top, AsOf: in.asOf, Predict: plan,
		Engine: version(), Date: date}); err != nil {
		return err
	}
	if out == "-" {
		_, err = m.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
