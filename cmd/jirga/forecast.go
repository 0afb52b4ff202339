package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/models"
)

func runForecast(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("forecast", "[FILE] [flags]", `
Forecast the outcome of every issue of the scenario in FILE with each model.
With no FILE, forecast the built-in flagship scenario (Pakistan–TTP, 2022).
The table puts issues in rows and models in columns and names the nearest
anchor label beside each forecast. A file holding several scenarios (a DEU
file) gives one forecast per scenario.`)
	var in inputFlags
	var mf modelFlags
	var outFormat string
	in.register(m, fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultForecast)
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
	ss, err := in.load(path)
	if err != nil {
		return err
	}
	m.warnCost("forecast", ss, 0, mf.job(jirga.KindForecast))
	var fcs []*jirga.Forecast
	for _, s := range ss {
		fc, err := jirga.Run(ctx, s, ms)
		if err != nil {
			return err
		}
		fcs = append(fcs, fc)
	}
	switch outFormat {
	case "json":
		return writeJSON(m.Stdout, fcs)
	case "csv":
		return writeForecastCSV(m.Stdout, ss, fcs)
	}
	for i, fc := range fcs {
		if i > 0 {
			fmt.Fprintln(m.Stdout)
		}
		writeForecastTable(m.Stdout, ss[i], fc)
	}
	return nil
}

// checkFormat checks the value of a command's --format flag.
func checkFormat(fs interface{ Name() string }, got string, allowed ...string) error {
	return checkFlag(fs, "format", got, allowed...)
}

// checkFlag checks that the value got of flag name is one of allowed.
func checkFlag(fs interface{ Name() string }, name, got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return jirga.Errorf(jirga.EINVALID, "%s: --%s %q is not one of %s", fs.Name(), name, got, strings.Join(allowed, ", "))
}

// writeJSON writes one value, or an array when there are several.
func writeJSON[T any](w io.Writer, vs []T) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(vs) == 1 {
		return enc.Encode(vs[0])
	}
	return enc.Encode(vs)
}

func writeForecastCSV(w io.Writer, ss []*jirga.Scenario, fcs []*jirga.Forecast) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"scenario", "issue", "model", "forecast", "anchor"})
	for i, fc := range fcs {
		for _, r := range fc.Results {
			for _, f := range r.Issues {
				cw.Write([]string{ss[i].ID, f.Issue, r.Model, fmtNum(f.Forecast, 4), f.Anchor})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func fmtNum(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }

// writeForecastTable writes issues in rows and models in columns.
func writeForecastTable(w io.Writer, s *jirga.Scenario, fc *jirga.Forecast) {
	title := s.Title
	if title == "" {
		title = s.ID
	}
	fmt.Fprintf(w, "%s", title)
	est, ivs := countMarks(s.Hindsight())
	switch {
	case s.AsOf != "":
		fmt.Fprintf(w, " (as of %s; %s)", s.AsOf, hindsightText(est, ivs))
	case est+ivs > 0:
		fmt.Fprintf(w, " (%s)", hindsightText(est, ivs))
	}
	fmt.Fprintln(w)
	if len(s.Snapshots) > 0 {
		fmt.Fprintf(w, "later states: %s (jirga timeline forecasts them all; --as-of DATE picks one)\n", strings.Join(s.Dates()[1:], ", "))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hdr := []string{"issue", "scale"}
	for _, r := range fc.Results {
		hdr = append(hdr, r.Model)
	}
	fmt.Fprintln(tw, strings.Join(hdr, "\t"))
	for _, is := range s.Issues {
		lo, hi := is.Bounds()
		row := []string{is.ID, fmt.Sprintf("%g–%g", lo, hi)}
		for _, r := range fc.Results {
			x, ok := r.Forecast(is.ID)
			if !ok {
				row = append(row, "–")
				continue
			}
			row = append(row, fmtNum(x, 1))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	writeAnchors(w, s, fc)
	for _, r := range fc.Results {
		for _, n := range r.Notes {
			fmt.Fprintf(w, "note (%s): %s\n", r.Model, n)
		}
	}
}

// writeAnchors follows the table with the anchor labels, which are long:
// per issue, each distinct nearest anchor and the models whose forecast it
// is nearest.
func writeAnchors(w io.Writer, s *jirga.Scenario, fc *jirga.Forecast) {
	anchored := false
	for _, is := range s.Issues {
		if len(is.Anchors) > 0 {
			anchored = true
		}
	}
	if !anchored {
		return
	}
	fmt.Fprintln(w, "\nnearest anchor:")
	for _, is := range s.Issues {
		if len(is.Anchors) == 0 {
			continue
		}
		var order []string
		byLabel := map[string][]string{}
		for _, r := range fc.Results {
			x, ok := r.Forecast(is.ID)
			if !ok {
				continue
			}
			l := is.NearestAnchor(x)
			if _, seen := byLabel[l]; !seen {
				order = append(order, l)
			}
			byLabel[l] = append(byLabel[l], r.Model)
		}
		for i, l := range order {
			name := is.ID
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(w, "  %-10s %s  [%s]\n", name, anchorText(is, l), strings.Join(byLabel[l], ", "))
		}
	}
}

func anchorText(is *jirga.Issue, label string) string {
	for _, a := range is.Anchors {
		if a.Label == label {
			return fmt.Sprintf("%g = %s", a.At, label)
		}
	}
	return label
}
