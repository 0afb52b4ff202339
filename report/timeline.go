package report

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/timeline"
)

// timelineView is the timeline section: how P(deal) and the forecasts moved
// across the dated states, and the changes that moved P(deal) most.
type timelineView struct {
	Draws      int
	Seed       uint64
	States     []timelineState
	DealChart  template.HTML
	SlackChart template.HTML
	Issues     []timelineIssue
	Changes    []timelineChange
	Shown      int // changes shown of Total
	Total      int
}

type timelineState struct {
	AsOf, Deal, Slack, Description string
	Hindsight                      int
}

type timelineIssue struct {
	ID, Name string
	Chart    template.HTML
}

type timelineChange struct {
	Step, What, Before, After, Deal, Alone, Slack, Note string
	Sources                                             []string
}

// maxChanges is the number of changes the timeline section lists.
const maxChanges = 12

// buildTimeline runs the timeline of every dated state of s with the
// report's models and draws.
func buildTimeline(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options, draws int) (*timelineView, error) {
	states, err := timeline.States(s)
	if err != nil {
		return nil, err
	}
	r, err := timeline.Run(ctx, states, models, timeline.Options{Draws: cmp.Or(draws, -1), Seed: opt.Seed, Workers: opt.Workers, Predict: opt.Predict})
	if err != nil {
		return nil, err
	}
	v := &timelineView{Draws: r.Draws, Seed: r.Seed, Total: len(r.Changes)}
	var dates []string
	var probs, slack []float64
	for i, st := range r.Timeline {
		dates = append(dates, st.AsOf)
		probs = append(probs, st.DealProbability)
		slack = append(slack, st.Slack)
		v.States = append(v.States, timelineState{AsOf: st.AsOf, Deal: deal.Percent(st.DealProbability, st.DealProbabilityCI), Slack: fmt.Sprintf("%+.3f", st.Slack),
			Description: states[i].Description, Hindsight: st.Hindsight})
	}
	v.DealChart = timeChart("chart-timeline-deal", "Deal probability over time", dates, []series{{"P(deal)", "#59a14f", probs}}, 0, 1, pct)
	sm := 0.05
	for _, x := range slack {
		sm = math.Max(sm, math.Abs(x))
	}
	v.SlackChart = timeChart("chart-timeline-slack", "Joint slack over time", dates, []series{{"slack", "#4e79a7", slack}}, -sm, sm, func(x float64) string { return fmt.Sprintf("%+.2f", x) })
	for _, is := range s.Issues {
		var ss []series
		for k, name := range r.Models {
			se := series{label: name, colour: colour(k)}
			for _, st := range r.Timeline {
				x, ok := st.Forecast(name, is.ID)
				if !ok {
					x = math.NaN()
				}
				se.values = append(se.values, x)
			}
			ss = append(ss, se)
		}
		lo, hi := is.Bounds()
		name := cmp.Or(is.Name, is.ID)
		v.Issues = append(v.Issues, timelineIssue{ID: is.ID, Name: name,
			Chart: timeChart("chart-timeline-"+is.ID, "Forecasts of "+is.ID+" over time", dates, ss, lo, hi, func(x float64) string { return trimNum(math.Round(x*10) / 10) })})
	}
	ranked := timeline.Ranked(r.Changes)
	if len(ranked) > maxChanges {
		ranked = ranked[:maxChanges]
	}
	v.Shown = len(ranked)
	for _, c := range ranked {
		what := c.Label()
		if c.Actor != "" {
			what = strings.Replace(what, c.Actor, actorName(s, c.Actor), 1)
		}
		before, after := c.Describe()
		v.Changes = append(v.Changes, timelineChange{Step: c.From + " → " + c.To, What: what, Before: before, After: after,
			Deal: fmt.Sprintf("%+.1f pts", 100*c.Effect.DealProbability), Alone: fmt.Sprintf("%+.1f pts", 100*c.Alone.DealProbability), Slack: fmt.Sprintf("%+.3f", c.Effect.Slack),
			Note: c.Note, Sources: sourceTitles(s, c.Sources)})
	}
	return v, nil
}

// series is one line of a time chart; NaN values are gaps.
type series struct {
	label  string
	colour string
	values []float64
}

// timeChart draws series over dates, the x axis proportional to time, with
// a dot per date carrying its value as a tooltip and the last value
// labelled at the right.
func timeChart(id, label string, dates []string, ss []series, lo, hi float64, format func(float64) string) template.HTML {
	const w, h, left, right, top, bot = 720.0, 220.0, 70.0, 560.0, 16.0, 184.0
	g := newSVG(id, label, w, h)
	ts := make([]float64, len(dates))
	for i, d := range dates {
		t, _ := time.Parse(time.DateOnly, d)
		ts[i] = float64(t.Unix())
	}
	xs := scale{ts[0], ts[len(ts)-1], left, right}
	if len(ts) == 1 {
		xs = scale{ts[0] - 1, ts[0] + 1, left, right}
	}
	ys := scale{lo, hi, bot, top}
	for _, t := range ticks(lo, hi, 4) {
		y := ys.at(t)
		g.line(left, y, right, y, "#eee", 1, "")
		g.text(left-6, y+4, format(t), "end", "tick")
	}
	if lo < 0 && hi > 0 {
		g.line(left, ys.at(0), right, ys.at(0), "#888", 1, ` stroke-dasharray="4 3"`)
	}
	g.line(left, bot, right, bot, "#888", 1, "")
	for i, d := range dates {
		x := xs.at(ts[i])
		g.line(x, top, x, bot+4, "#ccc", 1, ` stroke-dasharray="2 3"`)
		anchor := "middle"
		switch {
		case i == 0 && len(dates) > 1:
			anchor = "start"
		case i == len(dates)-1 && len(dates) > 1:
			anchor = "end"
		}
		g.text(x, bot+16, d, anchor, "tick")
	}
	type endLabel struct {
		y    float64
		text string
	}
	var ends []endLabel
	for _, se := range ss {
		var pts [][2]float64
		for i, v := range se.values {
			if math.IsNaN(v) {
				continue
			}
			pts = append(pts, [2]float64{xs.at(ts[i]), ys.at(v)})
		}
		if len(pts) == 0 {
			continue
		}
		g.group(se.label, func() {
			if len(pts) > 1 {
				g.polyline(pts, se.colour, 2, "")
			}
		})
		for i, v := range se.values {
			if math.IsNaN(v) {
				continue
			}
			g.group(fmt.Sprintf("%s, %s: %s", se.label, dates[i], format(v)), func() {
				g.circle(xs.at(ts[i]), ys.at(v), 3.5, se.colour, ` stroke="#fff" stroke-width="1"`)
			})
		}
		last := se.values[len(se.values)-1]
		if !math.IsNaN(last) {
			ends = append(ends, endLabel{ys.at(last) + 4, se.label + " " + format(last)})
		}
	}
	slices.SortStableFunc(ends, func(a, b endLabel) int { return cmp.Compare(a.y, b.y) })
	for i := 1; i < len(ends); i++ {
		ends[i].y = math.Max(ends[i].y, ends[i-1].y+11)
	}
	for _, e := range ends {
		g.text(right+8, e.y, e.text, "start", "small")
	}
	return g.html()
}
