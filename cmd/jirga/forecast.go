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

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/models"
)

func runForecast(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("forecast", "[FILE] [flags]", `
Forecast the outcome of every issue of the scenario in FILE with each model.
With no FILE, forecast the built-in flagship scenario (Pakistan–TTP, 2022).
The table puts issues in rows and models in columns; under it, each
forecast is placed among the issue's anchors: near one, or between two
(near: within a tenth of the scale and a quarter of the gap to the next
anchor). A table wider than 100 columns is split into blocks of models
that repeat the issue and scale (--wide: one line per issue). A file
holding several scenarios (a DEU file) gives one forecast per scenario;
the notes that every scenario shares, such as a model's settings, are
written once at the end.

Beside each forecast, in brackets, is its 80% predictive interval: where the
outcome is expected to fall given the model's own error, measured out of
fold on EU legislation with known outcomes (the DEU data; see jirga backtest
calibrate and docs/sweep.md). For a scenario that is not EU legislation the
intervals borrow that domain's errors; --error-scale (or the scenario's
error_scale) widens or narrows them. --draws N also draws the inputs from
their uncertainty, as jirga sweep does, and makes the intervals around the
forecasts over the draws. The JSON gives p05, p10, p25, p75, p90 and p95.

The JSON holds each model's forecasts, status and notes; --rounds-detail
summary adds every round (positions, outcomes, the model's trace) and
--rounds-detail all also bdm's offers, which for hundreds of actors runs to
tens of MB.`)
	var in inputFlags
	var lf layoutFlags
	var mf modelFlags
	var pf predictFlags
	var uf uncertaintyFlags
	var outFormat, roundsDetail string
	var draws int
	in.register(m, fs)
	pf.register(fs)
	fs.IntVar(&draws, "draws", 0, "draw the inputs this many times for the predictive intervals (default: around the forecast alone)")
	uf.register(fs)
	in.registerAsOf(fs)
	mf.register(fs, models.DefaultForecast)
	fs.StringVar(&outFormat, "format", "table", "output format: table, json or csv")
	lf.register(fs)
	fs.StringVar(&roundsDetail, "rounds-detail", "none", "rounds the JSON includes: none (the forecasts, status and notes), summary (each round's positions and outcomes and the model's trace, without bdm's offers) or all (every offer too; large: tens of MB for hundreds of actors)")
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
	// Only the JSON shows the rounds, and only when asked: a table or CSV
	// of forecasts, or the default JSON, does not pay for recording them.
	detail, err := parseDetail(roundsDetail)
	if err != nil {
		return err
	}
	if detail != jirga.DetailNone && outFormat != "json" {
		return jirga.Errorf(jirga.EINVALID, "forecast: --rounds-detail %s needs --format json: the table and CSV show no rounds", roundsDetail)
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
	out := lf.writer(m.Stdout)
	writeForecastTables(out, ss, fcs, draws > 0)
	return out.Flush()
}

// writeForecastTables writes a forecast table per scenario, each followed
// by its footer (writeSections).
func writeForecastTables(w io.Writer, ss []*jirga.Scenario, fcs []*jirga.Forecast, drawn bool) {
	writeSections(w, len(fcs), func(i int) { writeForecastTable(w, ss[i], fcs[i]) },
		func(i int) []string { return forecastFooter(ss[i], fcs[i], drawn) })
}

// writeSections writes n sections, one per scenario, each a table and the
// lines of its footer (legends and notes). The footer lines that every
// section of several has, such as a model's settings, are written once, at
// the end, instead of under each table.
func writeSections(w io.Writer, n int, table func(i int), footer func(i int) []string) {
	feet := make([][]string, n)
	for i := range n {
		feet[i] = footer(i)
	}
	shared := map[string]bool{}
	if n > 1 {
		for _, l := range feet[0] {
			shared[l] = true
		}
		for _, f := range feet[1:] {
			in := map[string]bool{}
			for _, l := range f {
				in[l] = true
			}
			for l := range shared {
				if !in[l] {
					delete(shared, l)
				}
			}
		}
	}
	for i := range n {
		if i > 0 {
			fmt.Fprintln(w)
		}
		table(i)
		for _, l := range feet[i] {
			if !shared[l] {
				fmt.Fprintln(w, l)
			}
		}
	}
	if len(shared) > 0 {
		fmt.Fprint(w, "\nfor every scenario above:\n")
		for _, l := range feet[0] {
			if shared[l] {
				fmt.Fprintln(w, l)
			}
		}
	}
}

// forecastFooter returns the lines that follow a forecast table: the
// unsettled marks, the predictive legend, the anchors and the notes.
func forecastFooter(s *jirga.Scenario, fc *jirga.Forecast, drawn bool) []string {
	var b strings.Builder
	writeUnsettled(&b, fc.Results)
	writePredictiveLegend(&b, s, fc.Results, drawn)
	writeAnchors(&b, s, fc)
	writeNotes(&b, fc.Results)
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// parseDetail reads the value of --rounds-detail.
func parseDetail(v string) (jirga.Detail, error) {
	switch v {
	case "none":
		return jirga.DetailNone, nil
	case "summary":
		return jirga.DetailRounds, nil
	case "all":
		return jirga.DetailAll, nil
	}
	return 0, jirga.Errorf(jirga.EINVALID, "forecast: --rounds-detail %q is not one of none, summary, all", v)
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
// forecast with its 80% predictive interval (forecastFooter has the
// legend).
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
	t := &table{keys: 2}
	hdr := []string{"issue", "scale"}
	for _, r := range fc.Results {
		hdr = append(hdr, r.Model)
	}
	t.add(hdr...)
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
		t.add(row...)
	}
	t.write(w)
}

// writeAnchors follows the table with the anchor labels, which are long:
// per issue, the anchors the forecasts are near or between, each once with
// its label, then each place ("near 0", "between 0 and 50") with the
// models whose forecast is there (jirga.Issue.AnchorsAround says what near
// means).
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
	fmt.Fprintln(w, "\nanchors: the one each forecast is near, or the two it is between")
	for _, is := range s.Issues {
		if len(is.Anchors) == 0 {
			continue
		}
		var order, used []string
		byPlace := map[string][]string{}
		seen := map[string]bool{}
		use := func(label string) string {
			t := anchorText(is, label)
			if !seen[label] {
				seen[label] = true
				used = append(used, t)
			}
			return strings.SplitN(t, " = ", 2)[0]
		}
		for _, r := range fc.Results {
			f := r.IssueForecast(is.ID)
			if f == nil {
				continue
			}
			var place string
			if b := is.AnchorsAround(f.Forecast); b != nil {
				place = "between " + use(b[0]) + " and " + use(b[1])
			} else {
				place = "near " + use(is.NearestAnchor(f.Forecast))
			}
			if _, ok := byPlace[place]; !ok {
				order = append(order, place)
			}
			byPlace[place] = append(byPlace[place], r.Model)
		}
		fmt.Fprintf(w, "  %-10s %s\n", is.ID, strings.Join(used, "; "))
		for _, p := range order {
			fmt.Fprintf(w, "  %-10s %s: %s\n", "", p, strings.Join(byPlace[p], ", "))
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
