package report

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/whatif"
)

// Chart widths, in px of the viewBox: wide charts take the page's width,
// narrow ones sit two to a row (small multiples; see .grid in the
// template), which keeps the printed report short. Margins are computed
// from the labels each chart holds (textWidth), so that no label is
// clipped.
const (
	wideW   = 720.0
	narrowW = 360.0
	rowH    = 15.0
	topPad  = 24.0
	axisPad = 26.0
	gap     = 8.0 // between a label column and the plot
	edge    = 4.0 // between a label and the chart's edge
)

// actorIndex is the index of each actor in s.Actors: an actor's colour
// and dash are the same on every chart.
func actorIndex(s *jirga.Scenario) map[string]int {
	m := make(map[string]int, len(s.Actors))
	for i, a := range s.Actors {
		m[a.ID] = i
	}
	return m
}

// positionsChart shows each actor's position (square; its size is the
// salience) and, for necessary parties, the outcomes it accepts on the
// issue (band), with the status quo and the zone of possible agreement.
// labelW is the width of the label column, the same for every issue's
// two charts (see issueLabelW), so that their axes line up.
func positionsChart(s *jirga.Scenario, is *jirga.Issue, dr *deal.Result, labelW float64) template.HTML {
	var rows []*jirga.Actor
	for _, a := range s.Actors {
		if st := a.Stances[is.ID]; st != nil && st.Position != nil {
			rows = append(rows, a)
		}
	}
	ai := actorIndex(s)
	lo, hi := is.Bounds()
	sc := scale{lo, hi, labelW, narrowW - tickOverhang(lo, hi)}
	h := topPad + float64(len(rows))*rowH + axisPad
	g := newSVG("chart-positions-"+is.ID, "Positions and saliences on "+is.ID, narrowW, h)
	bottom := topPad + float64(len(rows))*rowH
	if z := dr.ZOPA[is.ID]; z != nil {
		g.group(fmt.Sprintf("zone of possible agreement %s–%s", trimNum(z.Low), trimNum(z.High)), func() {
			g.rect(sc.at(z.Low)-1, topPad, sc.at(z.High)-sc.at(z.Low)+2, bottom-topPad, "#59a14f", ` opacity="0.25"`)
		})
	}
	statusQuo(g, is, sc, bottom)
	for i, a := range rows {
		st := a.Stances[is.ID]
		y := topPad + float64(i)*rowH + rowH/2
		c := actorColour(ai[a.ID])
		g.line(labelW, y, sc.b, y, "#eee", 1, "")
		g.text(labelW-gap, y+4, a.ID, "end", "label")
		if acc := dr.Acceptable[is.ID][a.ID]; acc != nil {
			g.group(fmt.Sprintf("%s accepts %s–%s", a.ID, trimNum(acc.Low), trimNum(acc.High)), func() {
				g.rect(sc.at(acc.Low), y-3, sc.at(acc.High)-sc.at(acc.Low), 6, c, ` opacity="0.4"`)
			})
		}
		sal := 0.0
		if st.Salience != nil {
			sal = st.Salience.Value / jirga.SalienceMax
		}
		tip := fmt.Sprintf("%s: position %s, salience %s, capability %s", actorName(s, a.ID), trimNum(st.Position.Value), trimNum(100*sal), trimNum(a.Capability.Value))
		r := 2.5 + 4.5*sal
		g.group(tip, func() {
			g.rect(sc.at(st.Position.Value)-r, y-r, 2*r, 2*r, c, ` stroke="#222" stroke-width="0.5"`)
		})
	}
	g.axis(sc, bottom+4)
	return g.html()
}

// issueLabelW is the width of the label column of the positions and
// forecasts charts: room for the longest actor id and the longest model
// name with its unsettled mark.
func issueLabelW(s *jirga.Scenario, fc *jirga.Forecast) float64 {
	var labels []string
	for _, a := range s.Actors {
		labels = append(labels, a.ID)
	}
	for _, r := range fc.Results {
		labels = append(labels, r.Model+"~")
	}
	return edge + maxWidth(labels, fontLabel) + gap
}

// statusQuo draws the issue's status quo as a dashed line, labelled above
// the plot and kept inside the chart.
func statusQuo(g *svg, is *jirga.Issue, sc scale, bottom float64) {
	if is.StatusQuo == nil {
		return
	}
	x := sc.at(is.StatusQuo.Value)
	g.line(x, topPad-6, x, bottom, "#555", 1, ` stroke-dasharray="4 3"`)
	g.textIn(x, topPad-10, "status quo "+trimNum(is.StatusQuo.Value), "small", fontSmall)
}

// tickOverhang is the room the last tick label of an axis over [lo, hi]
// needs right of the plot: half its width, and an edge.
func tickOverhang(lo, hi float64) float64 {
	t := ticks(lo, hi, 5)
	return textWidth(trimNum(t[len(t)-1]), fontTick)/2 + edge
}

// forecastChart shows each model's forecast (circle, in the model's
// colour), its 80% (light) and 50% (darker) predictive interval as a
// band, and its forecasts' 10–90% (thin) and 25–75% (thick) range over
// the draws.
func forecastChart(s *jirga.Scenario, is *jirga.Issue, fc *jirga.Forecast, dr *deal.Result, labelW float64) template.HTML {
	lo, hi := is.Bounds()
	sc := scale{lo, hi, labelW, narrowW - tickOverhang(lo, hi)}
	n := len(fc.Results)
	h := topPad + float64(n)*rowH + axisPad
	g := newSVG("chart-forecasts-"+is.ID, "Forecasts by model on "+is.ID, narrowW, h)
	bottom := topPad + float64(n)*rowH
	if z := dr.ZOPA[is.ID]; z != nil {
		g.rect(sc.at(z.Low)-1, topPad, sc.at(z.High)-sc.at(z.Low)+2, bottom-topPad, "#59a14f", ` opacity="0.25"`)
	}
	statusQuo(g, is, sc, bottom)
	for i, r := range fc.Results {
		y := topPad + float64(i)*rowH + rowH/2
		c := modelColour(r.Model)
		g.line(labelW, y, sc.b, y, "#eee", 1, "")
		f := r.IssueForecast(is.ID)
		name := r.Model
		if f != nil && f.SettleRange != nil {
			name += "~"
		}
		g.text(labelW-gap, y+4, name, "end", "label")
		if f == nil {
			continue
		}
		tip := fmt.Sprintf("%s: %s", r.Model, trimNum(math.Round(f.Forecast*10)/10))
		if p := f.Predictive; p != nil {
			tip += fmt.Sprintf(", 80%% predictive interval %s–%s", trimNum(math.Round(p.P10)), trimNum(math.Round(p.P90)))
		}
		if f.SettleRange != nil {
			tip += fmt.Sprintf(", unsettled: moved between %.1f and %.1f over its last rounds", f.SettleRange[0], f.SettleRange[1])
		}
		g.group(tip, func() {
			if p := f.Predictive; p != nil {
				g.rect(sc.at(p.P10), y-6, sc.at(p.P90)-sc.at(p.P10), 12, c, ` opacity="0.16" class="predictive"`)
				g.rect(sc.at(p.P25), y-6, sc.at(p.P75)-sc.at(p.P25), 12, c, ` opacity="0.22" class="predictive"`)
			}
			if f.P10 != nil && f.P90 != nil {
				g.line(sc.at(*f.P10), y, sc.at(*f.P90), y, c, 2, "")
			}
			if f.P25 != nil && f.P75 != nil {
				g.line(sc.at(*f.P25), y, sc.at(*f.P75), y, c, 5, ` opacity="0.7"`)
			}
			g.circle(sc.at(f.Forecast), y, 4.5, c, ` stroke="#222" stroke-width="1"`)
		})
	}
	g.axis(sc, bottom+4)
	return g.html()
}

// endLabel is a label at the right end of a line.
type endLabel struct {
	y          float64
	text, fill string
	bold       bool
}

// spread moves labels (sorted by y) apart so that they are at least gap
// px apart and stay within [lo, hi].
func spread(ls []endLabel, gap, lo, hi float64) {
	slices.SortStableFunc(ls, func(a, b endLabel) int { return cmp.Compare(a.y, b.y) })
	for i := range ls {
		ls[i].y = math.Max(ls[i].y, lo)
		if i > 0 {
			ls[i].y = math.Max(ls[i].y, ls[i-1].y+gap)
		}
	}
	for i := len(ls) - 1; i >= 0; i-- {
		ls[i].y = math.Min(ls[i].y, hi)
		if i < len(ls)-1 {
			ls[i].y = math.Min(ls[i].y, ls[i+1].y-gap)
		}
	}
}

// roundsChart draws each actor's position on the issue over a dynamic
// model's rounds (round 0 is the input), dashed in the actor's colour,
// with the model's outcome, mean or median per round as a thick line in
// the model's colour where it reports one. The right margin holds the end
// labels.
func roundsChart(s *jirga.Scenario, is *jirga.Issue, r *jirga.Result) template.HTML {
	const h, top, bot = 150.0, 22.0, 118.0
	lo, hi := is.Bounds()
	n := len(r.Rounds)
	// The model's own per-round series: the one of outcome, median and mean
	// whose last value is the forecast, else the first one reported.
	series := func(rd jirga.Round, name string) (float64, bool) {
		m := map[string]map[string]float64{"outcome": rd.Outcome, "median": rd.Median, "mean": rd.Mean}[name]
		v, ok := m[is.ID]
		return v, ok
	}
	label := ""
	fcast, hasF := r.Forecast(is.ID)
	last := r.Rounds[n-1]
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
	var texts, yTicks []string
	for _, a := range s.Actors {
		if st := a.Stances[is.ID]; st != nil && st.Position != nil {
			texts = append(texts, a.ID)
		}
	}
	endW := maxWidth(texts, fontSmall)
	if label != "" {
		endW = math.Max(endW, boldWidth(r.Model+" "+label, fontSmall))
	}
	for _, t := range ticks(lo, hi, 4) {
		yTicks = append(yTicks, trimNum(t))
	}
	left := edge + maxWidth(yTicks, fontTick) + 6
	right := narrowW - edge - endW - 6
	xTicks := ticks(0, float64(n), 5)
	right = math.Min(right, narrowW-edge-textWidth(trimNum(xTicks[len(xTicks)-1]), fontTick)/2)
	g := newSVG("chart-rounds-"+r.Model+"-"+is.ID, r.Model+" rounds on "+is.ID, narrowW, h)
	title := fmt.Sprintf("%s (%s)", is.ID, r.Model)
	if f := r.IssueForecast(is.ID); f != nil && f.SettleRange != nil {
		title += fmt.Sprintf(" ~ unsettled, %.1f–%.1f", f.SettleRange[0], f.SettleRange[1])
	}
	g.text(edge, 14, title, "start", "label bold")
	xs := scale{0, float64(n), left, right}
	ys := scale{lo, hi, bot, top}
	for k, t := range ticks(lo, hi, 4) {
		y := ys.at(t)
		g.line(left, y, right, y, "#eee", 1, "")
		g.text(left-6, y+4, yTicks[k], "end", "tick")
	}
	g.line(left, bot, right, bot, "#888", 1, "")
	for _, t := range xTicks {
		g.text(xs.at(t), bot+14, trimNum(t), "middle", "tick")
	}
	g.text((left+right)/2, bot+27, "round", "middle", "small")
	var ends []endLabel
	ai := actorIndex(s)
	for _, a := range s.Actors {
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
		i := ai[a.ID]
		g.group(actorName(s, a.ID), func() { g.polyline(pts, actorColour(i), 1.4, actorDash(i)) })
		ends = append(ends, endLabel{y: pts[len(pts)-1][1] + 4, text: a.ID, fill: actorColour(i)})
	}
	var pts [][2]float64
	for _, rd := range r.Rounds {
		if v, ok := series(rd, label); ok {
			pts = append(pts, [2]float64{xs.at(float64(rd.Round)), ys.at(v)})
		}
	}
	if len(pts) > 0 {
		g.group(r.Model+" "+label, func() { g.polyline(pts, modelColour(r.Model), 3, "") })
		ends = append(ends, endLabel{y: pts[len(pts)-1][1] + 4, text: r.Model + " " + label, bold: true})
	}
	spread(ends, 11, top, bot+4)
	for _, e := range ends {
		class := "small"
		if e.bold {
			class = "small bold"
		}
		g.text(right+6, e.y, e.text, "start", class)
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
// the nudge down (light grey) and one for the nudge up (dark grey), from
// zero to the effect; greys, so that no bar reads as a model or an actor. mult
// scales effects for display (100 turns a slack into points); w is the
// chart's width.
func tornadoChart(id, label string, ls []levers.Lever, top int, mult float64, unit string, w float64) template.HTML {
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
	var labels []string
	for _, b := range bars {
		maxAbs = math.Max(maxAbs, math.Max(math.Abs(b.down), math.Abs(b.up)))
		labels = append(labels, b.label)
	}
	h := topPad + 4 + float64(len(bars))*rowH + axisPad
	g := newSVG(id, label, w, h)
	labelW := edge + maxWidth(labels, fontLabel) + gap
	sc := scale{-maxAbs, maxAbs, labelW + 10, w - 10 - tickOverhangSym(maxAbs)}
	g.textIn(sc.at(0), 13, "◀ down (light) · up (dark) ▶", "small", fontSmall)
	bottom := topPad + float64(len(bars))*rowH
	zero := sc.at(0)
	for i, b := range bars {
		y := topPad + float64(i)*rowH
		g.text(labelW-gap, y+rowH/2+4, b.label, "end", "label")
		if b.hasDown {
			g.group(fmt.Sprintf("%s down: %+.3g%s", b.label, b.down, unit), func() {
				g.rect(zero, y+2, sc.at(b.down)-zero, rowH/2-2, "#b5b5b5", "")
			})
		}
		if b.hasUp {
			g.group(fmt.Sprintf("%s up: %+.3g%s", b.label, b.up, unit), func() {
				g.rect(zero, y+rowH/2, sc.at(b.up)-zero, rowH/2-2, "#444", "")
			})
		}
	}
	g.line(zero, topPad-4, zero, bottom, "#333", 1, "")
	g.axis(sc, bottom+4)
	if len(bars) == 0 {
		g.textIn(w/2, topPad+16, "no lever moves this", "label", fontLabel)
	}
	return g.html()
}

// tickOverhangSym is tickOverhang for a symmetric axis.
func tickOverhangSym(m float64) float64 {
	t := ticks(-m, m, 5)
	return math.Max(textWidth(trimNum(t[0]), fontTick), textWidth(trimNum(t[len(t)-1]), fontTick)) / 2
}

// interventionChart draws the deal probability under the baseline and each
// intervention, with its 95% interval as a whisker and written out.
func interventionChart(c *whatif.Comparison, probs map[string]float64, cis map[string]*[2]float64) template.HTML {
	var labels []string
	for _, v := range c.Variants {
		l := v.ID
		if v.Kind != "" {
			l += " (" + v.Kind + ")"
		}
		labels = append(labels, l)
	}
	labelW := edge + maxWidth(labels, fontLabel) + gap
	valueW := textWidth("100.0% (95%: 100.0–100.0%)", fontSmall) + edge
	h := 8 + float64(len(c.Variants))*rowH + axisPad
	g := newSVG("chart-interventions", "Deal probability by intervention", wideW, h)
	sc := scale{0, 1, labelW, wideW - valueW - 6}
	bottom := 8 + float64(len(c.Variants))*rowH
	for i, v := range c.Variants {
		y := 8 + float64(i)*rowH
		g.text(labelW-gap, y+rowH/2+4, labels[i], "end", "label")
		p, ci := probs[v.ID], cis[v.ID]
		// Bars are grey (no model's or actor's colour): the baseline dark,
		// the interventions lighter; the kind is written in the label.
		fill := "#9a9a9a"
		if v.ID == whatif.Baseline {
			fill = "#444"
		}
		g.group(fmt.Sprintf("%s: P(deal) = %s", v.ID, deal.Percent(p, ci)), func() {
			g.rect(sc.at(0), y+3, math.Max(1, sc.at(p)-sc.at(0)), rowH-6, fill, "")
			if ci != nil {
				ym := y + rowH/2
				g.line(sc.at(ci[0]), ym, sc.at(ci[1]), ym, "#222", 1.2, "")
				g.line(sc.at(ci[0]), ym-3, sc.at(ci[0]), ym+3, "#222", 1.2, "")
				g.line(sc.at(ci[1]), ym-3, sc.at(ci[1]), ym+3, "#222", 1.2, "")
			}
		})
		x := sc.at(p)
		if ci != nil {
			x = sc.at(ci[1])
		}
		g.text(x+6, y+rowH/2+4, shortPct(p, ci), "start", "small")
	}
	g.axis(sc, bottom+4)
	return g.html()
}

// shortPct writes a share with its 95% interval for a chart label.
func shortPct(p float64, ci *[2]float64) string {
	if ci == nil {
		return pct(p)
	}
	return fmt.Sprintf("%s (95%%: %.1f–%.1f%%)", pct(p), 100*ci[0], 100*ci[1])
}

// zopaChart shows per issue the necessary parties' acceptable intervals
// (bands in the actors' colours), the zone where they overlap and each
// model's forecast (a tick topped by a circle in the model's colour), each
// issue on its own scale.
func zopaChart(s *jirga.Scenario, dr *deal.Result, fc *jirga.Forecast) template.HTML {
	np := len(dr.Necessary)
	band := 8.0
	rowHt := float64(np)*band + 24
	var labels []string
	for _, is := range s.Issues {
		labels = append(labels, is.ID)
	}
	labelW := edge + maxWidth(labels, fontLabel) + gap
	noZone := textWidth("no zone", fontSmall) + 6 + edge
	ai := actorIndex(s)
	legendH := 40.0
	h := 14 + float64(len(s.Issues))*rowHt + legendH
	g := newSVG("chart-zopa", "Zones of possible agreement", wideW, h)
	for i, is := range s.Issues {
		y0 := 14 + float64(i)*rowHt
		lo, hi := is.Bounds()
		sc := scale{lo, hi, labelW, wideW - noZone}
		g.text(labelW-gap, y0+rowHt/2-4, is.ID, "end", "label")
		g.rect(sc.a, y0, sc.b-sc.a, rowHt-16, "#f4f4f4", "")
		if z := dr.ZOPA[is.ID]; z != nil {
			g.group(fmt.Sprintf("ZOPA %s–%s", trimNum(z.Low), trimNum(z.High)), func() {
				g.rect(sc.at(z.Low)-1.5, y0, sc.at(z.High)-sc.at(z.Low)+3, rowHt-16, "#59a14f", ` opacity="0.45"`)
			})
		} else {
			g.text(sc.b+6, y0+rowHt/2-4, "no zone", "start", "small")
		}
		for j, id := range dr.Necessary {
			acc := dr.Acceptable[is.ID][id]
			if acc == nil {
				continue
			}
			y := y0 + 4 + float64(j)*band
			g.group(fmt.Sprintf("%s accepts %s–%s", id, trimNum(acc.Low), trimNum(acc.High)), func() {
				g.rect(sc.at(acc.Low), y, math.Max(2, sc.at(acc.High)-sc.at(acc.Low)), band-3, actorColour(ai[id]), "")
			})
		}
		for _, r := range fc.Results {
			if x, ok := r.Forecast(is.ID); ok {
				px := sc.at(x)
				g.group(fmt.Sprintf("%s forecast %.1f", r.Model, x), func() {
					g.line(px, y0-1, px, y0+rowHt-16, "#222", 1, "")
					g.circle(px, y0-1, 3, modelColour(r.Model), ` stroke="#222" stroke-width="0.6"`)
				})
			}
		}
		g.text(sc.a, y0+rowHt-5, trimNum(lo), "start", "tick")
		g.text(sc.b, y0+rowHt-5, trimNum(hi), "end", "tick")
	}
	// Legend: the necessary parties and the zone, then the models; each
	// entry is as wide as its text.
	y := 14 + float64(len(s.Issues))*rowHt + 8
	x := labelW
	for _, id := range dr.Necessary {
		g.rect(x, y-8, 12, 8, actorColour(ai[id]), "")
		g.text(x+16, y, id, "start", "small")
		x += 16 + textWidth(id, fontSmall) + 12
	}
	g.rect(x, y-8, 12, 8, "#59a14f", ` opacity="0.45"`)
	g.text(x+16, y, "zone of possible agreement", "start", "small")
	y += 18
	x = labelW
	g.text(x, y, "forecasts:", "start", "small")
	x += textWidth("forecasts:", fontSmall) + 8
	for _, r := range fc.Results {
		g.circle(x+3, y-4, 3.5, modelColour(r.Model), ` stroke="#222" stroke-width="0.6"`)
		g.text(x+10, y, r.Model, "start", "small")
		x += 10 + textWidth(r.Model, fontSmall) + 10
	}
	return g.html()
}
