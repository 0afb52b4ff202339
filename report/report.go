package report

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	registry "github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
	"github.com/jirga/jirga/whatif"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"mulf":    func(x float64) float64 { return 100 * x },
	"swatch":  func(model string) template.CSS { return template.CSS("background: " + modelColour(model)) },
	"short":   func(h string) string { return h[:min(12, len(h))] },
	"percent": deal.Percent,
}).Parse(pageTemplate))

// DefaultDraws is the number of Monte Carlo draws of the intervals and the
// deal probability when Options.Draws is 0.
const DefaultDraws = 500

// Options control [Write]. The zero value works: DefaultDraws draws with
// seed 0, the first model's levers at levers.DefaultStep, eight levers per
// tornado.
type Options struct {
	// Draws is the number of scenarios drawn for the intervals and the deal
	// probability; 0 means DefaultDraws, negative none.
	Draws int
	// Seed seeds the draws.
	Seed uint64
	// Uncertainty is the default uncertainty of the numbers drawn for the
	// intervals and the deal probability: nil means
	// sweep.DefaultUncertainty, &sweep.Uncertainty{} none.
	Uncertainty *sweep.Uncertainty
	// Workers is the number of goroutines of the sweeps, levers and
	// comparisons (the output does not depend on it); 0 means GOMAXPROCS.
	Workers int
	// LeverModel is the model whose forecasts the levers move; nil means
	// the first model.
	LeverModel jirga.Model
	// Step is the levers' step; 0 means levers.DefaultStep.
	Step float64
	// Top is the number of levers per tornado; 0 means 8.
	Top int
	// AsOf picks the dated state of a scenario with snapshots that the page
	// is about (see jirga.Scenario.At); "" means the scenario itself. The
	// page also shows the timeline of every state.
	AsOf string
	// Predict gives the forecasts their predictive intervals (see package
	// calib); nil: the page shows none and says so.
	Predict *calib.Plan
	// Engine is the engine version the footer states; "" means
	// jirga.Version.
	Engine string
	// InputHash is the hex SHA-256 of the canonical input the footer
	// states (a stored run's jirga.RunRecord.InputHash); "" means the hash
	// jirga.InputHash gives a report run of s with these models, options
	// and seed.
	InputHash string
	// Date is the date the footer gives the report (a stored run's day,
	// or what the analyst asks for); "" means the as_of of the state the
	// page is about, so that the same input and seed give the same bytes.
	// The page never reads the clock.
	Date string
}

// Write runs the analyses of s (forecasts, sweep intervals, levers,
// interventions, deal) with the models and writes one self-contained HTML
// page to w: inline CSS and SVG, no script, font or image fetched from
// anywhere. The page depends only on its inputs and the options (not on the
// clock or the number of workers).
//
// For a scenario with snapshots the analyses are of its state as of
// opt.AsOf, and the page adds the timeline of every state (see package
// timeline). Every page lists the estimates marked hindsight and states
// their count at the top.
func Write(ctx context.Context, w io.Writer, s *jirga.Scenario, models []jirga.Model, opt Options) error {
	if len(models) == 0 {
		return jirga.Errorf(jirga.EINVALID, "report: no model")
	}
	state, err := s.At(opt.AsOf)
	if err != nil {
		return err
	}
	d, err := build(ctx, state, models, opt)
	if err != nil {
		return err
	}
	if d.Footer, err = makeFooter(s, state, models, opt, d.Draws); err != nil {
		return err
	}
	if len(s.Snapshots) > 0 {
		if d.Timeline, err = buildTimeline(ctx, s, models, opt, d.Draws); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// data is what the template shows.
type data struct {
	Title, AsOf, Description string
	Models                   []string
	Draws                    int
	Seed                     uint64
	Deal                     *deal.Result
	DealPct                  string
	// DealCI says the deal probability with its 95% Monte Carlo interval.
	DealCI            string
	DealHeadline      string
	Necessary         string
	ZOPAChart         template.HTML
	Issues            []issueView
	LeverModel        string
	Step              float64
	DealTornado       template.HTML
	Interventions     []interventionView
	InterventionChart template.HTML
	ShiftTable        shiftTable
	Rounds            []roundsView
	// NoRounds says why the rounds section is empty.
	NoRounds string
	Sources  []sourceView
	Inputs   []inputRow
	Notes    []string
	// Hindsight lists the estimates marked hindsight; HindsightCount says
	// how many there are, in words, for the first page.
	Hindsight      []hindsightRow
	HindsightCount string
	Timeline       *timelineView
	// Forecasts is the table of forecasts with their predictive
	// intervals, Calibration says where the intervals come from.
	Forecasts   forecastTable
	Calibration calibrationView
	// TopLevers are the levers that bring a deal closest, for the first
	// page, with their effect over the draws.
	TopLevers []leverView
	Footer    footer
}

// forecastTable holds one row per issue and one cell per model;
// Unsettled is true when some forecast is marked unsettled.
type forecastTable struct {
	Models    []string
	Rows      []shiftRow
	Unsettled bool
}

// mark is the unsettled mark of a forecast with a settle range.
func mark(settle *[2]float64) string {
	if settle == nil {
		return ""
	}
	return "~"
}

// calibrationView describes the calibration behind the predictive
// intervals.
type calibrationView struct {
	Name, Domain, Data, Date, Engine string
	N                                int
	// Covers is true when the scenario lies in the calibration's domain;
	// Scale is the analyst's error scale (1: none).
	Covers bool
	Scale  float64
	// Drawn is true when the intervals are around the forecasts over the
	// draws.
	Drawn bool
}

// sourceView is a source with whether it was published after the state's
// date (declared for a later state), or may have been (a month or year
// date whose period contains it).
type sourceView struct {
	*jirga.Source
	Later, Unsure bool
}

type hindsightRow struct {
	What, Field, Value, Note string
	Later                    []string
}

type issueView struct {
	ID, Name, Description string
	Anchors               []jirga.Anchor
	Positions             template.HTML
	Forecasts             template.HTML
	Tornado               template.HTML
	Movers                string
}

type interventionView struct {
	ID, Name, Kind, Description, Notes string
	Sources                            []string
	Changes                            []string
	DealPct                            string
}

type roundsView struct {
	Model  string
	Charts []template.HTML
	// Settled says whether the run settled and how it moved where it did
	// not; Unsettled is true when it did not.
	Settled   string
	Unsettled bool
}

type shiftTable struct {
	Model    string
	Variants []string
	Rows     []shiftRow
}

type shiftRow struct {
	Issue string
	Cells []shiftCell
}

type shiftCell struct {
	Text string
	// Interval is the 80% predictive interval, "lo–hi" ("" without one),
	// and Settle the settle range of an unsettled forecast.
	Interval, Settle string
	Style            template.CSS
	// Unsettled, when set, says why the forecast is marked unsettled.
	Unsettled string
}

type inputRow struct {
	What, Field, Value, Range string
	Sources                   []string
	Judgement                 bool
	Note                      string
}

func build(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options) (*data, error) {
	draws := opt.Draws
	switch {
	case draws == 0:
		draws = DefaultDraws
	case draws < 0:
		draws = 0
	}
	d := &data{Title: cmp.Or(s.Title, s.ID), AsOf: s.AsOf, Description: s.Description, Draws: draws, Seed: opt.Seed}
	for _, m := range models {
		d.Models = append(d.Models, m.Name())
	}
	// Forecasts with intervals.
	var fc *jirga.Forecast
	if draws > 0 {
		sr, err := sweep.Run(ctx, s, models, sweep.Options{Draws: draws, Seed: opt.Seed, Workers: opt.Workers, Uncertainty: opt.Uncertainty, Predict: opt.Predict})
		if err != nil {
			return nil, err
		}
		fc = &sr.Forecast
		for name, n := range sr.Failed {
			d.Notes = append(d.Notes, fmt.Sprintf("%s failed on %d of %d draws (left out of its intervals)", name, n, sr.Completed))
		}
	} else {
		var err error
		if fc, err = jirga.RunDetail(ctx, s, models, jirga.DetailNone); err != nil {
			return nil, err
		}
		for _, r := range fc.Results {
			opt.Predict.Apply(r, s, nil)
		}
	}
	d.Forecasts = makeForecastTable(s, fc)
	if c := opt.Predict.Calibration(); c != nil {
		d.Calibration = calibrationView{Name: c.Name, Domain: c.DomainText, Data: c.Data, Date: c.Date, Engine: c.EngineVersion,
			Covers: opt.Predict.Covers(), Scale: opt.Predict.ErrorScale(), Drawn: draws > 0}
		if len(c.Models) > 0 {
			d.Calibration.N = c.Models[0].N
		}
	}
	for _, r := range fc.Results {
		for _, n := range r.Notes {
			if strings.HasPrefix(n, "no predictive interval") {
				d.Notes = append(d.Notes, r.Model+": "+n)
			}
		}
	}
	// Rounds come from plain runs (sweeps drop them); the charts draw
	// positions and outcomes, not bdm's offers.
	t := s.Table()
	for _, m := range models {
		r, err := jirga.ForecastTable(ctx, m, t, jirga.DetailRounds)
		if err != nil {
			return nil, err
		}
		if len(r.Rounds) == 0 {
			continue
		}
		rv := roundsView{Model: m.Name(), Unsettled: r.Status == jirga.StatusUnsettled}
		if info, ok := registry.Lookup(m.Name()); ok && info.Settled != nil {
			rv.Settled = info.Settled(s, r)
		}
		for _, is := range s.Issues {
			rv.Charts = append(rv.Charts, roundsChart(s, is, r))
		}
		d.Rounds = append(d.Rounds, rv)
	}
	if len(d.Rounds) == 0 {
		d.NoRounds = fmt.Sprintf("No model of this report reports rounds: %s %s static and reach%s a forecast in one step. The dynamic models (bdm, smp, exchange) show here how positions move round by round; add them with --model (for example --model %s,bdm,smp,exchange).",
			strings.Join(d.Models, ", "), map[bool]string{true: "is", false: "are"}[len(d.Models) == 1], map[bool]string{true: "es", false: ""}[len(d.Models) == 1], strings.Join(d.Models, ","))
	}
	// Deal.
	dopt := deal.Options{Draws: cmp.Or(draws, -1), Seed: opt.Seed, Workers: opt.Workers, Uncertainty: opt.Uncertainty, Interventions: true}
	dr, err := deal.Analyze(ctx, s, models, dopt)
	if err != nil {
		return nil, err
	}
	d.Deal = dr
	d.DealPct, d.DealCI = bigPct(dr.DealProbability, dr.DealProbabilityCI), deal.Percent(dr.DealProbability, dr.DealProbabilityCI)
	if dr.Draws > 0 {
		d.DealCI += fmt.Sprintf(": %d of %d draws", int(math.Round(dr.DealProbability*float64(dr.Draws))), dr.Draws)
	}
	d.Necessary = strings.Join(names(s, dr.Necessary), ", ")
	switch {
	case dr.Joint.Exists:
		d.DealHeadline = "At the point estimates a package exists that every necessary party prefers to its reservation."
	default:
		d.DealHeadline = fmt.Sprintf("At the point estimates no package satisfies every necessary party: the best one leaves the worst-off party %s of its weighted scale short.", pct(-dr.Joint.Slack))
	}
	d.ZOPAChart = zopaChart(s, dr, fc)
	// Levers.
	lm := opt.LeverModel
	if lm == nil {
		lm = models[0]
	}
	top := cmp.Or(opt.Top, 8)
	lopt := levers.Options{Step: opt.Step, Workers: opt.Workers}
	lr, err := levers.Compute(ctx, s, lm, lopt)
	if err != nil {
		return nil, err
	}
	d.LeverModel, d.Step = lm.Name(), lr.Step
	dl, err := levers.ComputeDeal(ctx, s, lopt)
	if err != nil {
		return nil, err
	}
	d.DealTornado = tornadoChart("chart-tornado-deal", "Levers on the joint deal slack", dl.On("deal"), top, 100, "pts", wideW)
	if d.TopLevers, err = topLevers(ctx, s, dl.On("deal"), draws, opt); err != nil {
		return nil, err
	}
	issueW := issueLabelW(s, fc)
	for _, is := range s.Issues {
		iv := issueView{ID: is.ID, Name: cmp.Or(is.Name, is.ID), Description: is.Description, Anchors: is.Anchors}
		iv.Positions = positionsChart(s, is, dr, issueW)
		iv.Forecasts = forecastChart(s, is, fc, dr, issueW)
		iv.Tornado = tornadoChart("chart-tornado-"+is.ID, "Levers on the "+lm.Name()+" forecast of "+is.ID, lr.On(is.ID), min(top, 5), 1, "", narrowW)
		var parts []string
		for _, mv := range lr.TopActors(is.ID, 3) {
			dir := "raising"
			if mv.Lever.Delta < 0 {
				dir = "lowering"
			}
			parts = append(parts, fmt.Sprintf("%s %s its %s moves the forecast %+.1f", actorName(s, mv.Actor), dir, mv.Lever.Field, mv.Lever.Effect))
		}
		iv.Movers = strings.Join(parts, "; ")
		d.Issues = append(d.Issues, iv)
	}
	// Interventions.
	cmpr, err := whatif.Compare(ctx, s, models[:1], whatif.Options{Workers: opt.Workers, Predict: opt.Predict})
	if err != nil {
		return nil, err
	}
	probs := map[string]float64{whatif.Baseline: dr.DealProbability}
	cis := map[string]*[2]float64{whatif.Baseline: dr.DealProbabilityCI}
	for _, v := range dr.Interventions {
		probs[v.ID], cis[v.ID] = v.DealProbability, v.DealProbabilityCI
	}
	for _, iv := range s.Interventions {
		v := interventionView{ID: iv.ID, Name: iv.Name, Kind: iv.Kind, Description: iv.Description, Notes: iv.Notes,
			Sources: sourceTitles(s, iv.Sources), DealPct: deal.Percent(probs[iv.ID], cis[iv.ID])}
		for _, ch := range iv.Changes {
			v.Changes = append(v.Changes, changeText(ch))
		}
		d.Interventions = append(d.Interventions, v)
	}
	if len(s.Interventions) > 0 {
		d.InterventionChart = interventionChart(cmpr, probs, cis)
		d.ShiftTable = makeShiftTable(s, cmpr)
	}
	for _, src := range s.Sources {
		later, unsure := jirga.PublishedAfter(src.Date, s.AsOf)
		d.Sources = append(d.Sources, sourceView{src, later, unsure})
	}
	d.Inputs = inputs(s)
	d.Hindsight, d.HindsightCount = hindsight(s)
	d.Notes = append(d.Notes, dr.Notes...)
	return d, nil
}

func pct(p float64) string { return fmt.Sprintf("%.1f%%", 100*p) }

// bigPct writes a share of draws for the headline: "1.5%", or "<0.4%"
// and ">99.6%" when none or every draw had it (the end of its 95%
// interval, ci; see deal.Percent).
func bigPct(p float64, ci *[2]float64) string {
	switch {
	case ci != nil && p == 0:
		return fmt.Sprintf("<%.1f%%", math.Ceil(1000*ci[1])/10)
	case ci != nil && p == 1:
		return fmt.Sprintf(">%.1f%%", math.Floor(1000*ci[0])/10)
	}
	return pct(p)
}

// hindsight lists the estimates and interventions of s marked hindsight,
// with the sources they cite that were published after its as_of, and says
// how many there are.
func hindsight(s *jirga.Scenario) ([]hindsightRow, string) {
	var rows []hindsightRow
	est, ivs := 0, 0
	for _, h := range s.Hindsight() {
		r := hindsightRow{Note: h.Note, Later: sourceTitles(s, h.Later)}
		switch {
		case h.Intervention != "":
			ivs++
			r.What, r.Field = "intervention "+h.Intervention, "the intervention"
		case h.Actor == "":
			est++
			r.What, r.Field, r.Value = "issue "+h.Issue, "status quo", trimNum(h.Value)
		default:
			est++
			r.What, r.Field, r.Value = actorName(s, h.Actor), h.Field, trimNum(h.Value)
			if h.Issue != "" {
				r.What += " · " + h.Issue
			}
		}
		rows = append(rows, r)
	}
	text := fmt.Sprintf("%d hindsight estimate%s", est, plural(est))
	if ivs > 0 {
		text += fmt.Sprintf(", %d hindsight intervention%s", ivs, plural(ivs))
	}
	return rows, text
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func names(s *jirga.Scenario, ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, actorName(s, id))
	}
	return out
}

func actorName(s *jirga.Scenario, id string) string {
	if a := s.Actor(id); a != nil && a.Name != "" {
		return a.Name
	}
	return id
}

func changeText(ch jirga.Change) string {
	what := ch.Actor + " " + ch.Field
	if ch.Issue != "" {
		what += " on " + ch.Issue
	}
	if ch.Set != nil {
		return fmt.Sprintf("%s set to %g", what, *ch.Set)
	}
	return fmt.Sprintf("%s %+g", what, *ch.Delta)
}

// sourceTitles resolves source ids to "title — publisher, date".
func sourceTitles(s *jirga.Scenario, ids []string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, sourceTitle(s, id))
	}
	return out
}

func sourceTitle(s *jirga.Scenario, id string) string {
	for _, src := range s.Sources {
		if src.ID != id {
			continue
		}
		t := cmp.Or(src.Title, src.ID)
		var by []string
		if src.Publisher != "" {
			by = append(by, src.Publisher)
		}
		if src.Date != "" {
			by = append(by, src.Date)
		}
		if len(by) > 0 {
			t += " — " + strings.Join(by, ", ")
		}
		return t
	}
	return id + " (unknown source)"
}

// inputs lists every number of the scenario with its provenance, in the
// order of jirga.Scenario.Estimates, each actor's own sources after its
// capability.
func inputs(s *jirga.Scenario) []inputRow {
	var rows []inputRow
	for in := range s.Estimates() {
		e := in.Estimate
		what := "issue " + in.Issue
		switch {
		case in.Actor != "" && in.Issue != "":
			what = actorName(s, in.Actor) + " · " + in.Issue
		case in.Actor != "":
			what = actorName(s, in.Actor)
		}
		r := inputRow{What: what, Field: in.Label(), Value: trimNum(e.Value), Sources: sourceTitles(s, e.Sources), Judgement: e.Judgement, Note: e.Note}
		if e.Low != nil || e.High != nil {
			lo, hi := e.Value, e.Value
			if e.Low != nil {
				lo = *e.Low
			}
			if e.High != nil {
				hi = *e.High
			}
			r.Range = trimNum(lo) + "–" + trimNum(hi)
		}
		if e.Dist != "" {
			r.Range = strings.TrimSpace(r.Range + " " + e.Dist)
		}
		rows = append(rows, r)
		if in.Field == jirga.FieldCapability {
			if a := s.Actor(in.Actor); len(a.Sources) > 0 {
				rows = append(rows, inputRow{What: what, Field: "actor", Sources: sourceTitles(s, a.Sources), Note: a.Notes})
			}
		}
	}
	return rows
}

func makeShiftTable(s *jirga.Scenario, c *whatif.Comparison) shiftTable {
	t := shiftTable{Model: c.Models[0]}
	for _, v := range c.Variants {
		t.Variants = append(t.Variants, v.ID)
	}
	for _, is := range s.Issues {
		lo, hi := is.Bounds()
		row := shiftRow{Issue: is.ID}
		for _, v := range c.Variants {
			r, _ := c.Forecast(v.ID, c.Models[0], is.ID)
			cell := shiftCell{Text: fmt.Sprintf("%.1f", r.Forecast) + mark(r.SettleRange) + interval80(r.Predictive)}
			if r.SettleRange != nil {
				cell.Unsettled = fmt.Sprintf("unsettled: the outcome still moved between %.1f and %.1f over the last rounds", r.SettleRange[0], r.SettleRange[1])
			}
			if v.ID != whatif.Baseline {
				cell.Text += fmt.Sprintf(" (%+.1f)", r.Shift)
				a := math.Min(1, math.Abs(r.Shift)/(0.1*(hi-lo)))
				hue := 210
				if r.Shift < 0 {
					hue = 25
				}
				cell.Style = template.CSS(fmt.Sprintf("background: hsla(%d, 70%%, 55%%, %.2f)", hue, 0.6*a))
			}
			row.Cells = append(row.Cells, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// interval80 writes a predictive interval's central 80% as " [lo–hi]",
// or "" when there is none.
func interval80(p *jirga.Predictive) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf(" [%.0f–%.0f]", p.P10, p.P90)
}

// makeForecastTable lays out each model's forecast of each issue with its
// 80% predictive interval.
func makeForecastTable(s *jirga.Scenario, fc *jirga.Forecast) forecastTable {
	var t forecastTable
	for _, r := range fc.Results {
		t.Models = append(t.Models, r.Model)
	}
	for _, is := range s.Issues {
		row := shiftRow{Issue: is.ID}
		for _, r := range fc.Results {
			cell := shiftCell{Text: "–"}
			if f := r.IssueForecast(is.ID); f != nil {
				cell.Text = fmt.Sprintf("%.1f", f.Forecast) + mark(f.SettleRange)
				if p := f.Predictive; p != nil {
					cell.Interval = fmt.Sprintf("%.0f–%.0f", p.P10, p.P90)
				}
				if f.SettleRange != nil {
					cell.Settle = fmt.Sprintf("%.1f–%.1f", f.SettleRange[0], f.SettleRange[1])
					cell.Unsettled = fmt.Sprintf("unsettled: %s's outcome still moved between %.1f and %.1f over its last rounds", r.Model, f.SettleRange[0], f.SettleRange[1])
					t.Unsettled = true
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
