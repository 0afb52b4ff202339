package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/models"
)

func runForecast(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("forecast", "[FILE] [flags]", `
Forecast the outcome of every issue of the scenario in FILE with each model.
With no FILE, forecast the built-in flagship scenario (Pakistan–TTP, 2022).
The table puts issues in rows and models in columns and names the nearest
anchor label beside each forecast. A file holding several scenarios (a DEU
file) gives one forecast per scenario.

Beside each forecast, in brackets, is its 80% predictive interval: where the
outcome is expected to fall given the model's own error, measured out of
fold on EU legislation with known outcomes (the DEU data; see jirga backtest
calibrate and docs/sweep.md). For a scenario that is not EU legislation the
intervals borrow that domain's errors; --error-scale (or the scenario's
error_scale) widens or narrows them. --draws N also draws the inputs from
their uncertainty, as jirga sweep does, and makes the intervals around the
forecasts over the draws. The JSON gives p05, p10, p25, p75, p90 and p95.`)
	var in inputFlags
	var mf modelFlags
	var pf predictFlags
	var uf uncertaintyFlags
	var outFormat string
	var draws int
	in.register(m, fs)
	pf.register(fs)
	fs.IntVar(&draws, "draws", 0, "draw the inputs this many times for the predictive intervals (default: around the forecast alone)")
	uf.register(fs)
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
	if draws < 0 {
		return jirga.Errorf(jirga.EINVALID, "forecast: --draws must be ≥ 0, got %d", draws)
	}
	u, err := uf.value()
	if err != nil {
		return err
	}
	ss, err := in.load(path)
	if err != nil {
		return err
	}
	job := mf.job(jirga.KindForecast)
	jobs := []cost.Job{job}
	if draws > 0 {
		sw := mf.job(jirga.KindSweep)
		sw.Draws = draws
		jobs = append(jobs, sw)
	}
	m.warnCost("forecast", ss, 0, jobs...)
	// Only the JSON shows the rounds (bdm's offers and all): a table or
	// CSV of forecasts does not pay for recording them.
	detail := jirga.DetailNone
	if outFormat == "json" {
		detail = jirga.DetailAll
	}
	var fcs []*jirga.Forecast
	for _, s := range ss {
		fc, err := jirga.RunDetail(ctx, s, ms, detail)
		if err != nil {
			return err
		}
		plan, err := pf.plan(s, &mf)
		if err != nil {
			return err
		}
		if err := predictForecast(ctx, fc, s, ms, plan, draws, mf.seed, u); err != nil {
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
		writeForecastTable(m.Stdout, ss[i], fc, draws > 0)
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
	// What an Encoder with SetIndent("", "  ") writes, without its second
	// copy of the output: the compact JSON is indented as it is written
	// (a forecast with every round of a large run is tens of MB).
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	var err error
	if len(vs) == 1 {
		err = enc.Encode(vs[0])
	} else {
		err = enc.Encode(vs)
	}
	if err != nil {
		return err
	}
	return writeIndented(w, buf.Bytes())
}

// writeIndented writes the compact JSON src (as json.Marshal writes it,
// with a final newline) to w indented as json.Indent(dst, src, "", "  ")
// would (TestWriteIndented), without holding the indented copy.
func writeIndented(w io.Writer, src []byte) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	depth, needIndent, inString, escaped := 0, false, false, false
	newline := func() {
		bw.WriteByte('\n')
		for range depth {
			bw.WriteString("  ")
		}
	}
	for _, c := range src {
		if inString {
			bw.WriteByte(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || (c == '\n' && !needIndent && depth == 0) {
			bw.WriteByte(c) // only the encoder's final newline, in compact JSON
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			inString = true
			bw.WriteByte(c)
		case '{', '[':
			// An empty object or array stays {} or [].
			needIndent = true
			bw.WriteByte(c)
		case ',':
			bw.WriteByte(c)
			newline()
		case ':':
			bw.WriteString(": ")
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			bw.WriteByte(c)
		default:
			bw.WriteByte(c)
		}
	}
	return bw.Flush()
}

func writeForecastCSV(w io.Writer, ss []*jirga.Scenario, fcs []*jirga.Forecast) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"scenario", "issue", "model", "forecast", "anchor"}, predictiveColumns...))
	for i, fc := range fcs {
		for _, r := range fc.Results {
			for _, f := range r.Issues {
				cw.Write(append([]string{ss[i].ID, f.Issue, r.Model, fmtNum(f.Forecast, 4), f.Anchor}, predictiveCSV(f.Predictive)...))
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func fmtNum(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }

// writeForecastTable writes issues in rows and models in columns, each
// forecast with its 80% predictive interval; drawn says whether the
// intervals are around the forecasts over a sweep's draws.
func writeForecastTable(w io.Writer, s *jirga.Scenario, fc *jirga.Forecast, drawn bool) {
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
			f := r.IssueForecast(is.ID)
			if f == nil {
				row = append(row, "–")
				continue
			}
			row = append(row, cellWithInterval(f.Forecast, f.Predictive, f.SettleRange))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	writeUnsettled(w, fc.Results)
	writePredictiveLegend(w, s, fc.Results, drawn)
	writeAnchors(w, s, fc)
	writeNotes(w, fc.Results)
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
