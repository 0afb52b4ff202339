package report_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/report"
)

// dynamic is a stand-in dynamic model for the rounds chart: each round it
// moves every actor a third of the way to the weighted mean.
type dynamic struct{}

func (dynamic) Name() string { return "toy-dynamic" }

func (dynamic) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	r, err := baseline.Mean{}.Forecast(ctx, s)
	if err != nil {
		return nil, err
	}
	r.Model = "toy-dynamic"
	r.Status = jirga.StatusRoundLimit
	pos := map[string]map[string]float64{}
	for _, a := range s.Actors {
		pos[a.ID] = map[string]float64{}
		for id, st := range a.Stances {
			pos[a.ID][id] = st.Position.Value
		}
	}
	for k := 1; k <= 4; k++ {
		rd := jirga.Round{Round: k, Positions: map[string]map[string]float64{}, Mean: map[string]float64{}}
		for _, f := range r.Issues {
			rd.Mean[f.Issue] = f.Forecast
		}
		for a, m := range pos {
			rd.Positions[a] = map[string]float64{}
			for id, x := range m {
				m[id] = x + (rd.Mean[id]-x)/3
				rd.Positions[a][id] = m[id]
			}
		}
		r.Rounds = append(r.Rounds, rd)
	}
	return r, nil
}

func render(t testing.TB, draws int) []byte {
	t.Helper()
	var buf bytes.Buffer
	models := []jirga.Model{baseline.Mean{}, baseline.Median{}, baseline.NBS{}, dynamic{}}
	if err := report.Write(context.Background(), &buf, exampletest.Flagship(t), models, report.Options{Draws: draws, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// remote matches a reference that would make a browser fetch something:
// src/href/xlink:href/action attributes, CSS url() and @import, pointing
// at an http(s) or protocol-relative address.
var remote = regexp.MustCompile(`(?i)((src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?//)|url\(\s*["']?\s*(https?:)?//|@import`)

func TestSelfContained(t *testing.T) {
	page := render(t, 50)
	if m := remote.Find(page); m != nil {
		t.Errorf("the page references a remote resource: %q", m)
	}
	for _, bad := range []string{"<script", "<link", "<img", "<iframe"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the page contains %s", bad)
		}
	}
	// The remote pattern catches what it should.
	for _, s := range []string{`<img src="https://x/y.png">`, `<link href="http://f">`, `url(//cdn/x)`, `@import "a.css"`} {
		if !remote.MatchString(s) {
			t.Errorf("pattern misses %s", s)
		}
	}
}

func TestContent(t *testing.T) {
	page := string(render(t, 50))
	s := exampletest.Flagship(t)
	for _, want := range []string{
		`id="chart-zopa"`, `id="chart-tornado-deal"`, `id="chart-interventions"`, `id="deal-probability"`,
		`id="chart-rounds-toy-dynamic-merger"`, `id="chart-timeline-deal"`, `id="chart-timeline-slack"`,
		`id="timeline-states"`, `id="timeline-changes"`, `id="no-hindsight"`,
		`<a href="#hindsight" id="hindsight-count">0 hindsight estimates</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("missing %s", want)
		}
	}
	for _, is := range s.Issues {
		for _, kind := range []string{"positions", "forecasts", "tornado", "timeline"} {
			if !strings.Contains(page, `id="chart-`+kind+`-`+is.ID+`"`) {
				t.Errorf("missing the %s chart of %s", kind, is.ID)
			}
		}
	}
	// Every source is resolved to its title, and judgements are flagged.
	for _, src := range s.Sources {
		if !strings.Contains(page, template(src.Title)) {
			t.Errorf("source %s's title is missing", src.ID)
		}
	}
	if !strings.Contains(page, `<span class="j">J</span>`) {
		t.Error("no judgement flag")
	}
	if strings.Contains(page, "(unknown source)") {
		t.Error("an unresolved source id")
	}
}

// TestHindsight marks an estimate of the flagship hindsight, citing a
// source published after its as_of: the scenario then validates, and the
// report counts the estimate on its first page and lists it with the later
// source and the note.
func TestHindsight(t *testing.T) {
	s := exampletest.Flagship(t)
	res := s.Actor("ttp").Stances["merger"].Reservation
	res.Sources = append(res.Sources, "dawn-2022-06-30")
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), `cites source "dawn-2022-06-30" published 2022-06-30, after the scenario's as_of 2022-06-03`) {
		t.Fatalf("citing a later source: got %v", err)
	}
	res.Hindsight, res.Note = true, "the TTP's floor was stated only on 30 June"
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.Write(context.Background(), &buf, s, []jirga.Model{baseline.Mean{}}, report.Options{Draws: -1}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	head, _, _ := strings.Cut(page, `<section id="deal">`)
	if !strings.Contains(head, `id="hindsight-count">1 hindsight estimate</a>`) {
		t.Error("the first page does not state the count of hindsight estimates")
	}
	_, table, ok := strings.Cut(page, `<table id="hindsight-table">`)
	table, _, _ = strings.Cut(table, "</table>")
	for _, want := range []string{"Tehrik-i-Taliban Pakistan (TTP) · merger", "<td>reservation</td>", template("Merger reversal our primary demand: Noor Wali Mehsud interview — Dawn, 2022-06-30"), template(res.Note)} {
		if !ok || !strings.Contains(table, want) {
			t.Errorf("the hindsight table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(page, `id="no-hindsight"`) {
		t.Error("the page says no estimate is marked hindsight")
	}
}

// template escapes s as html/template does in text.
func template(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")
	return r.Replace(s)
}

func TestDeterministic(t *testing.T) {
	a, b := render(t, 40), render(t, 40)
	if !bytes.Equal(a, b) {
		t.Error("two renders differ")
	}
}

// TestPredictive checks that the page shows every forecast with its
// predictive interval and says plainly that the flagship, a conflict
// negotiation, borrows the calibration of EU legislation; without a plan
// it says that the forecasts carry none.
func TestPredictive(t *testing.T) {
	s := exampletest.Flagship(t)
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	ms := []jirga.Model{baseline.Mean{}, baseline.Median{}}
	plan := calib.NewPlan(c, s, []string{"mean", "median"}, calib.Options{})
	var buf bytes.Buffer
	if err := report.Write(context.Background(), &buf, s, ms, report.Options{Draws: 50, Seed: 1, Predict: plan}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	table := regexp.MustCompile(`(?s)<table id="forecast-table">.*?</table>`).FindString(page)
	if n := len(regexp.MustCompile(`<b class="fc">\d+\.\d</b><span class="iv">\[\d+–\d+\]</span>`).FindAllString(table, -1)); n != 12 {
		t.Errorf("the forecast table shows %d forecasts with an interval, want 12:\n%s", n, table)
	}
	for _, want := range []string{`id="calibration"`, "held 80% of the outcomes", `id="calibration-domain"`, "This scenario is not EU legislation", `class="predictive"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	buf.Reset()
	if err := report.Write(context.Background(), &buf, s, ms, report.Options{Draws: 50, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "carry no predictive interval") {
		t.Error("a page without intervals does not say so")
	}
}

// TestNothingToShow: a section with nothing to show says why. With a
// static model only, the rounds section names the dynamic models and the
// flag that adds them; without interventions, the interventions section
// says there are none and how to add them; without sources, the sources
// section says the numbers rest on judgement alone.
func TestNothingToShow(t *testing.T) {
	s := exampletest.Flagship(t)
	s.Interventions, s.Snapshots = nil, nil
	s.Sources = nil
	for _, a := range s.Actors {
		a.Sources = nil
	}
	for in := range s.Estimates() {
		in.Estimate.Sources = nil
	}
	var buf bytes.Buffer
	if err := report.Write(context.Background(), &buf, s, []jirga.Model{baseline.Mean{}}, report.Options{Draws: 20, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<p id="no-rounds">No model of this report reports rounds: mean is static and reaches a forecast in one step.`,
		"--model mean,bdm,smp,exchange",
		`<p id="no-interventions">The scenario names no interventions`,
		`<p id="no-sources">The scenario declares no sources`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

var update = flag.Bool("update", false, "rewrite the golden files")

// TestFirstPageGolden keeps the first page of the flagship report (the
// deal probability, the forecast table with predictive intervals and
// settle ranges, the three levers) as a golden file: its numbers change
// only when a model, the deal analysis, the levers or the calibration do.
// go test ./report -run FirstPage -update rewrites it.
func TestFirstPageGolden(t *testing.T) {
	page := calibrated(t, []string{"mean", "nbs", "bdm"}, 100)
	got := regexp.MustCompile(`(?s)<section id="summary">.*?</section>`).Find(page)
	if got == nil {
		t.Fatal("no first page")
	}
	path := filepath.Join("testdata", "flagship-first-page.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the first page differs from %s (go test ./report -run FirstPage -update rewrites it):\n%s", path, got)
	}
}
