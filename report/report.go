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
	"slices"
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
	Sources           []sourceView
	Inputs            []inputRow
	Notes             []string
	// Hindsight lists the estimates marked hindsight; HindsightCount says
	// how many there are, in words, for the first page.
	Hindsight      []hindsightRow
	HindsightCount string
	Timeline       *timelineView
	// Forecasts is the table of forecasts with their predictive
	// intervals, Calibration says where the intervals come from.
	Forecasts   forecastTable
	Calibration calibrationView
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
	Text  string
	Style template.CSS
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
	d.DealTornado = tornadoChart("chart-tornado-deal", "Levers on the joint deal slack", dl.On("deal"), top, 100, "pts")
	for _, is := range s.Issues {
		iv := issueView{ID: is.ID, Name: cmp.Or(is.Name, is.ID), Description: is.Description, Anchors: is.Anchors}
		iv.Positions = positionsChart(s, is, dr)
		iv.Forecasts = forecastChart(s, is, fc, dr)
		iv.Tornado = tornadoChart("chart-tornado-"+is.ID, "Levers on the "+lm.Name()+" forecast of "+is.ID, lr.On(is.ID), top, 1, "")
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
	cis := map[string]*[2]float64{}
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
		d.InterventionChart = interventionChart(cmpr, probs)
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

// Layout of the per-issue charts.
const (
	chartW  = 720.0
	labelW  = 190.0
	plotR   = 700.0
	rowH    = 22.0
	topPad  = 26.0
	axisPad = 34.0
)

func issueScale(is *jirga.Issue) scale {
	lo, hi := is.Bounds()
	return scale{lo, hi, labelW, plotR}
}

// positionsChart shows each actor's position (dot), salience (dot size) and,
// for necessary parties, the outcomes it accepts on the issue (band).
func positionsChart(s *jirga.Scenario, is *jirga.Issue, dr *deal.Result) template.HTML {
	var rows []*jirga.Actor
	for _, a := range s.Actors {
		if st := a.Stances[is.ID]; st != nil && st.Position != nil {
			rows = append(rows, a)
		}
	}
	h := topPad + float64(len(rows))*rowH + axisPad
	g := newSVG("chart-positions-"+is.ID, "Positions and saliences on "+is.ID, chartW, h)
	sc := issueScale(is)
	bottom := topPad + float64(len(rows))*rowH
	if z := dr.ZOPA[is.ID]; z != nil {
		g.group(fmt.Sprintf("zone of possible agreement %s–%s", trimNum(z.Low), trimNum(z.High)), func() {
			g.rect(sc.at(z.Low)-1, topPad, sc.at(z.High)-sc.at(z.Low)+2, bottom-topPad, "#59a14f", ` opacity="0.25"`)
		})
	}
	if is.StatusQuo != nil {
		x := sc.at(is.StatusQuo.Value)
		g.line(x, topPad-6, x, bottom, "#555", 1, ` stroke-dasharray="4 3"`)
		g.text(x, topPad-10, "status quo "+trimNum(is.StatusQuo.Value), "middle", "small")
	}
	for i, a := range rows {
		st := a.Stances[is.ID]
		y := topPad + float64(i)*rowH + rowH/2
		g.line(labelW, y, plotR, y, "#eee", 1, "")
		g.text(labelW-8, y+4, short(actorName(s, a.ID), 25), "end", "label")
		if acc := dr.Acceptable[is.ID][a.ID]; acc != nil {
			g.group(fmt.Sprintf("%s accepts %s–%s", a.ID, trimNum(acc.Low), trimNum(acc.High)), func() {
				g.rect(sc.at(acc.Low), y-3, sc.at(acc.High)-sc.at(acc.Low), 6, colour(i), ` opacity="0.35"`)
			})
		}
		sal := 0.0
		if st.Salience != nil {
			sal = st.Salience.Value / jirga.SalienceMax
		}
		tip := fmt.Sprintf("%s: position %s, salience %s, capability %s", actorName(s, a.ID), trimNum(st.Position.Value), trimNum(100*sal), trimNum(a.Capability.Value))
		g.group(tip, func() {
			g.circle(sc.at(st.Position.Value), y, 3+6*sal, colour(i), ` stroke="#333" stroke-width="0.5"`)
		})
	}
	g.axis(sc, bottom+4)
	return g.html()
}

// forecastChart shows each model's forecast (dot) with its P10–P90 (thin)
// and P25–P75 (thick) interval from the sweep.
func forecastChart(s *jirga.Scenario, is *jirga.Issue, fc *jirga.Forecast, dr *deal.Result) template.HTML {
	n := len(fc.Results)
	h := topPad + float64(n)*rowH + axisPad
	g := newSVG("chart-forecasts-"+is.ID, "Forecasts by model on "+is.ID, chartW, h)
	sc := issueScale(is)
	bottom := topPad + float64(n)*rowH
	if z := dr.ZOPA[is.ID]; z != nil {
		g.rect(sc.at(z.Low)-1, topPad, sc.at(z.High)-sc.at(z.Low)+2, bottom-topPad, "#59a14f", ` opacity="0.25"`)
	}
	if is.StatusQuo != nil {
		x := sc.at(is.StatusQuo.Value)
		g.line(x, topPad-6, x, bottom, "#555", 1, ` stroke-dasharray="4 3"`)
		g.text(x, topPad-10, "status quo", "middle", "small")
	}
	for i, r := range fc.Results {
		y := topPad + float64(i)*rowH + rowH/2
		g.line(labelW, y, plotR, y, "#eee", 1, "")
		g.text(labelW-8, y+4, r.Model, "end", "label")
		for _, f := range r.Issues {
			if f.Issue != is.ID {
				continue
			}
			tip := fmt.Sprintf("%s: %s", r.Model, trimNum(math.Round(f.Forecast*10)/10))
			if p := f.Predictive; p != nil {
				tip += fmt.Sprintf(", 80%% predictive interval %s–%s", trimNum(math.Round(p.P10)), trimNum(math.Round(p.P90)))
			}
			g.group(tip, func() {
				if p := f.Predictive; p != nil {
					g.rect(sc.at(p.P10), y-7, sc.at(p.P90)-sc.at(p.P10), 14, colour(i), ` opacity="0.18" class="predictive"`)
					g.rect(sc.at(p.P25), y-7, sc.at(p.P75)-sc.at(p.P25), 14, colour(i), ` opacity="0.22" class="predictive"`)
				}
				if f.P10 != nil && f.P90 != nil {
					g.line(sc.at(*f.P10), y, sc.at(*f.P90), y, colour(i), 2, "")
				}
				if f.P25 != nil && f.P75 != nil {
					g.line(sc.at(*f.P25), y, sc.at(*f.P75), y, colour(i), 6, ` opacity="0.7"`)
				}
				g.circle(sc.at(f.Forecast), y, 5, colour(i), ` stroke="#222" stroke-width="1"`)
			})
		}
	}
	g.axis(sc, bottom+4)
	return g.html()
}

// roundsChart draws each actor's position on the issue over a dynamic
// model's rounds (round 0 is the input), with the model's outcome, mean or
// median per round as a black line where it reports one.
func roundsChart(s *jirga.Scenario, is *jirga.Issue, r *jirga.Result) template.HTML {
	const w, h, left, right, top, bot = 720.0, 256.0, 60.0, 560.0, 30.0, 216.0
	g := newSVG("chart-rounds-"+r.Model+"-"+is.ID, r.Model+" rounds on "+is.ID, w, h)
	g.text(left, 14, fmt.Sprintf("%s: positions by round (%s)", cmp.Or(is.Name, is.ID), r.Model), "start", "label bold")
	lo, hi := is.Bounds()
	n := len(r.Rounds)
	xs := scale{0, float64(n), left, right}
	ys := scale{lo, hi, bot, top}
	for _, t := range ticks(lo, hi, 4) {
		y := ys.at(t)
		g.line(left, y, right, y, "#eee", 1, "")
		g.text(left-6, y+4, trimNum(t), "end", "tick")
	}
	g.line(left, bot, right, bot, "#888", 1, "")
	for _, t := range ticks(0, float64(n), 5) {
		g.text(xs.at(t), bot+15, trimNum(t), "middle", "tick")
	}
	g.text((left+right)/2, bot+32, "round", "middle", "small")
	type endLabel struct {
		y    float64
		text string
	}
	var ends []endLabel
	for i, a := range s.Actors {
		st := a.Stances[is.ID]
		if st == nil || st.Position == nil {
			continue
		}
		pts := [][2]float64{{xs.at(0), ys.at(st.Position.Value)}}
		for _, rd := range r.Rounds {
			if p, ok := rd.Positions[a.ID][is.ID]; ok {
				pts = append(pts, [2]float64{xs.at(float64(rd.Round)), ys.at(p)})
			}
		}
		g.group(actorName(s, a.ID), func() { g.polyline(pts, colour(i), 1.5, "") })
		ends = append(ends, endLabel{pts[len(pts)-1][1] + 4, short(a.ID, 18)})
	}
	// Spread the end labels so that they do not overlap (11 px apart).
	slices.SortStableFunc(ends, func(a, b endLabel) int { return cmp.Compare(a.y, b.y) })
	for i := 1; i < len(ends); i++ {
		ends[i].y = math.Max(ends[i].y, ends[i-1].y+11)
	}
	for _, e := range ends {
		g.text(right+6, e.y, e.text, "start", "small")
	}
	// The model's own per-round series: the one of outcome, median and mean
	// whose last value is the forecast, else the first one reported.
	series := func(rd jirga.Round, name string) (float64, bool) {
		m := map[string]map[string]float64{"outcome": rd.Outcome, "median": rd.Median, "mean": rd.Mean}[name]
		v, ok := m[is.ID]
		return v, ok
	}
	label := ""
	fcast, hasF := r.Forecast(is.ID)
	last := r.Rounds[len(r.Rounds)-1]
	for _, name := range []string{"outcome", "median", "mean"} {
		v, ok := series(last, name)
		if !ok {
			continue
		}
		if label == "" {
			label = name
		}
		if hasF && math.Abs(v-fcast) <= 1e-9*(hi-lo) {
			label = name
			break
		}
	}
	var pts [][2]float64
	for _, rd := range r.Rounds {
		if v, ok := series(rd, label); ok {
			pts = append(pts, [2]float64{xs.at(float64(rd.Round)), ys.at(v)})
		}
	}
	if len(pts) > 0 {
		g.group(r.Model+" "+label, func() { g.polyline(pts, "#000", 2.5, ` stroke-dasharray="6 3"`) })
		g.text(right+90, pts[len(pts)-1][1]+4, "— "+label, "start", "small bold")
	}
	return g.html()
}

// bar is one row of a tornado: the effects of a nudge down and up.
type bar struct {
	label    string
	down, up float64
	hasDown  bool
	hasUp    bool
}

// tornadoChart draws the top levers grouped by actor and field: a bar for
// the nudge down and one for the nudge up, from zero to the effect. mult
// scales effects for display (100 turns a slack into points).
func tornadoChart(id, label string, ls []levers.Lever, top int, mult float64, unit string) template.HTML {
	var bars []*bar
	idx := map[string]*bar{}
	for _, l := range ls {
		key := l.Label()
		b := idx[key]
		if b == nil {
			if len(bars) == top {
				continue
			}
			b = &bar{label: key}
			idx[key] = b
			bars = append(bars, b)
		}
		if l.Delta < 0 {
			b.down, b.hasDown = l.Effect*mult, true
		} else {
			b.up, b.hasUp = l.Effect*mult, true
		}
	}
	maxAbs := 1e-12
	for _, b := range bars {
		maxAbs = math.Max(maxAbs, math.Max(math.Abs(b.down), math.Abs(b.up)))
	}
	h := 30 + float64(len(bars))*rowH + axisPad
	g := newSVG(id, label, chartW, h)
	sc := scale{-maxAbs, maxAbs, labelW + 20, plotR - 20}
	g.text(sc.at(-maxAbs/2), 14, "◀ nudge down (orange) / up (blue) ▶", "middle", "small")
	bottom := 24 + float64(len(bars))*rowH
	zero := sc.at(0)
	for i, b := range bars {
		y := 24 + float64(i)*rowH
		g.text(labelW+12, y+rowH/2+4, short(b.label, 30), "end", "label")
		if b.hasDown {
			g.group(fmt.Sprintf("%s down: %+.3g%s", b.label, b.down, unit), func() {
				g.rect(zero, y+3, sc.at(b.down)-zero, rowH/2-3, "#f28e2b", "")
			})
		}
		if b.hasUp {
			g.group(fmt.Sprintf("%s up: %+.3g%s", b.label, b.up, unit), func() {
				g.rect(zero, y+rowH/2, sc.at(b.up)-zero, rowH/2-3, "#4e79a7", "")
			})
		}
	}
	g.line(zero, 20, zero, bottom, "#333", 1, "")
	g.axis(sc, bottom+4)
	if len(bars) == 0 {
		g.text(chartW/2, 40, "no lever moves this", "middle", "label")
	}
	return g.html()
}

// interventionChart draws the deal probability under the baseline and each
// intervention.
func interventionChart(c *whatif.Comparison, probs map[string]float64) template.HTML {
	h := 30 + float64(len(c.Variants))*rowH + axisPad
	g := newSVG("chart-interventions", "Deal probability by intervention", chartW, h)
	sc := scale{0, 1, labelW, plotR}
	bottom := 24 + float64(len(c.Variants))*rowH
	for i, v := range c.Variants {
		y := 24 + float64(i)*rowH
		g.text(labelW-8, y+rowH/2+4, short(v.ID, 28), "end", "label")
		p := probs[v.ID]
		fill := "#bab0ac"
		switch v.Kind {
		case "carrot":
			fill = "#59a14f"
		case "stick":
			fill = "#e15759"
		}
		if v.ID == whatif.Baseline {
			fill = "#4e79a7"
		}
		g.group(fmt.Sprintf("%s: P(deal) = %s", v.ID, pct(p)), func() {
			g.rect(sc.at(0), y+4, math.Max(1, sc.at(p)-sc.at(0)), rowH-8, fill, "")
		})
		g.text(sc.at(p)+6, y+rowH/2+4, pct(p), "start", "small")
	}
	g.axis(sc, bottom+4)
	return g.html()
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
				cell.Text = fmt.Sprintf("%.1f", f.Forecast) + mark(f.SettleRange) + interval80(f.Predictive)
				if f.SettleRange != nil {
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

// zopaChart shows per issue the necessary parties' acceptable intervals,
// the zone where they overlap and each model's forecast, each issue on its
// own scale.
func zopaChart(s *jirga.Scenario, dr *deal.Result, fc *jirga.Forecast) template.HTML {
	np := len(dr.Necessary)
	band := 8.0
	rowHt := float64(np)*band + 26
	h := 30 + float64(len(s.Issues))*rowHt + 56
	g := newSVG("chart-zopa", "Zones of possible agreement", chartW, h)
	for i, is := range s.Issues {
		y0 := 24 + float64(i)*rowHt
		sc := issueScale(is)
		sc.b = plotR - 40
		lo, hi := is.Bounds()
		g.text(labelW-8, y0+rowHt/2, is.ID, "end", "label")
		g.rect(sc.a, y0, sc.b-sc.a, rowHt-16, "#f4f4f4", "")
		if z := dr.ZOPA[is.ID]; z != nil {
			g.group(fmt.Sprintf("ZOPA %s–%s", trimNum(z.Low), trimNum(z.High)), func() {
				g.rect(sc.at(z.Low)-1.5, y0, sc.at(z.High)-sc.at(z.Low)+3, rowHt-16, "#59a14f", ` opacity="0.45"`)
			})
		} else {
			g.text(sc.b+6, y0+rowHt/2, "no zone", "start", "small")
		}
		for j, id := range dr.Necessary {
			acc := dr.Acceptable[is.ID][id]
			if acc == nil {
				continue
			}
			y := y0 + 4 + float64(j)*band
			g.group(fmt.Sprintf("%s accepts %s–%s", id, trimNum(acc.Low), trimNum(acc.High)), func() {
				g.rect(sc.at(acc.Low), y, math.Max(2, sc.at(acc.High)-sc.at(acc.Low)), band-3, colour(j), "")
			})
		}
		for m, r := range fc.Results {
			if x, ok := r.Forecast(is.ID); ok {
				px := sc.at(x)
				g.group(fmt.Sprintf("%s forecast %.1f", r.Model, x), func() {
					g.line(px, y0-2, px, y0+rowHt-14, "#222", 1.5, "")
					g.circle(px, y0-2, 2.5, colour(m+len(dr.Necessary)), ` stroke="#222" stroke-width="0.5"`)
				})
			}
		}
		g.text(sc.a, y0+rowHt-5, trimNum(lo), "start", "tick")
		g.text(sc.b, y0+rowHt-5, trimNum(hi), "end", "tick")
	}
	// Legend.
	y := 24 + float64(len(s.Issues))*rowHt + 10
	x := labelW
	for j, id := range dr.Necessary {
		g.rect(x, y-8, 12, 8, colour(j), "")
		g.text(x+16, y, id, "start", "small")
		x += 110
	}
	g.rect(x, y-8, 12, 8, "#59a14f", ` opacity="0.45"`)
	g.text(x+16, y, "ZOPA", "start", "small")
	y += 18
	x = labelW
	g.text(x, y, "forecasts:", "start", "small")
	x += 62
	for m, r := range fc.Results {
		g.line(x, y-10, x, y+2, "#222", 1.5, "")
		g.circle(x, y-10, 2.5, colour(m+len(dr.Necessary)), ` stroke="#222" stroke-width="0.5"`)
		g.text(x+6, y, r.Model, "start", "small")
		x += 20 + 7*float64(len(r.Model))
	}
	return g.html()
}

func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
