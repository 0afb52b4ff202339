package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/whatif"
)

func runCompare(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("compare", "[FILE] [flags]", `
Forecast the scenario in FILE as given (the baseline), under each of its
named interventions alone, and under all of them together, with each model.
The table shows, per model, issues in rows and variants in columns: the
forecast, its 80% predictive interval in square brackets (as jirga forecast
shows it) and, in round brackets, its shift from the baseline. A shift far
smaller than the interval changes what the model says more than what the
outcome is likely to be. With no FILE, use the built-in flagship scenario
(Pakistan–TTP, 2022).`)
	var in inputFlags
	var mf modelFlags
	var pf predictFlags
	var outFormat string
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultForecast)
	pf.register(fs)
	fs.StringVar(&outFormat, "format", "table", "output format: table, json or csv")
	path, err := parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if err := checkFormat(fs, outFormat, "table", "json", "csv"); err != nil {
		return err
	}
	ms, err := mf.build()
	if err != nil {
		return err
	}
	s, err := in.loadOne(path)
	if err != nil {
		return err
	}
	// The forecast of the scenario and of each intervention.
	jobs := make([]cost.Job, 1+len(s.Interventions))
	for i := range jobs {
		jobs[i] = mf.job(jirga.KindForecast)
	}
	m.warnCost("compare", []*jirga.Scenario{s}, 1, jobs...)
	plan, err := pf.plan(s, &mf)
	if err != nil {
		return err
	}
	c, err := whatif.Compare(ctx, s, ms, whatif.Options{Predict: plan})
	if err != nil {
		return err
	}
	switch outFormat {
	case "json":
		return writeJSON(m.Stdout, []*whatif.Comparison{c})
	case "csv":
		return writeCompareCSV(m.Stdout, c)
	}
	writeCompareTable(m.Stdout, s, c)
	return nil
}

func writeCompareCSV(w io.Writer, c *whatif.Comparison) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"variant", "model", "issue", "forecast", "shift", "anchor"}, predictiveColumns...))
	for _, r := range c.Rows {
		cw.Write(append([]string{r.Variant, r.Model, r.Issue, fmtNum(r.Forecast, 4), fmtNum(r.Shift, 4), r.Anchor}, predictiveCSV(r.Predictive)...))
	}
	cw.Flush()
	return cw.Error()
}

func writeCompareTable(w io.Writer, s *jirga.Scenario, c *whatif.Comparison) {
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprintf(w, "%s", title)
	if s.AsOf != "" {
		fmt.Fprintf(w, " (as of %s)", s.AsOf)
	}
	fmt.Fprintln(w)
	if len(c.Variants) == 1 {
		fmt.Fprintln(w, "the scenario has no interventions: only the baseline is shown")
	}
	for _, model := range c.Models {
		fmt.Fprintf(w, "\nmodel %s: forecast [80%% predictive interval] (shift from baseline)\n", model)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		hdr := []string{"issue"}
		for _, v := range c.Variants {
			hdr = append(hdr, v.ID)
		}
		fmt.Fprintln(tw, strings.Join(hdr, "\t"))
		for _, issue := range c.Issues {
			row := []string{issue}
			for _, v := range c.Variants {
				r, ok := c.Forecast(v.ID, model, issue)
				switch {
				case !ok:
					row = append(row, "–")
				case v.ID == whatif.Baseline:
					row = append(row, cellWithInterval(r.Forecast, r.Predictive, r.SettleRange))
				default:
					row = append(row, fmt.Sprintf("%s (%s)", cellWithInterval(r.Forecast, r.Predictive, r.SettleRange), signed(r.Shift, 1)))
				}
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	var rs []*jirga.Result
	for _, model := range c.Models {
		r := &jirga.Result{Model: model, Notes: c.Notes[model]}
		for _, row := range c.Rows {
			if row.Model == model && row.Variant == whatif.Baseline {
				r.Issues = append(r.Issues, jirga.IssueForecast{Issue: row.Issue, Forecast: row.Forecast, Predictive: row.Predictive, SettleRange: row.SettleRange, SettleCycle: row.SettleCycle})
			}
		}
		rs = append(rs, r)
	}
	unsettled := 0
	for _, row := range c.Rows {
		if row.SettleRange != nil {
			unsettled++
		}
	}
	writeUnsettled(w, rs)
	if unsettled > 0 {
		fmt.Fprintf(w, "  (the baseline's ranges; %d forecasts are marked over all variants: a shift smaller than a forecast's\n  settle range may only be where its run stopped)\n", unsettled)
	}
	writePredictiveLegend(w, s, rs, false)
	writeNotes(w, rs)
	if len(c.Variants) > 1 {
		fmt.Fprintln(w, "\nvariants:")
		for _, v := range c.Variants[1:] {
			kind := ""
			if v.Kind != "" {
				kind = " [" + v.Kind + "]"
			}
			fmt.Fprintf(w, "  %-22s %s%s\n", v.ID, v.Name, kind)
			for _, n := range v.Notes {
				fmt.Fprintf(w, "  %-22s note: %s\n", "", n)
			}
		}
	}
}

// signed formats x with prec decimals and an explicit sign; a value that
// rounds to zero is +0.0 (never -0.0).
func signed(x float64, prec int) string {
	s := fmtNum(x, prec)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}
