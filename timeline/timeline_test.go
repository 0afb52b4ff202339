package timeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/timeline"
)

// twoParties is a scenario in three states: a deal that closes as both
// parties harden, one reservation at a time.
const twoParties = `
id: two
as_of: "2022-01-01"
issues:
  - {id: x, status_quo: 50}
  - {id: y, status_quo: 50}
actors:
  - id: a
    necessary: true
    capability: 60
    stances:
      x: {position: 80, salience: 80, reservation: {value: 55, low: 45, high: 65}}
      y: {position: 30, salience: 40}
  - id: b
    necessary: true
    capability: 40
    stances:
      x: {position: 20, salience: 70, reservation: {value: 60, low: 50, high: 70}}
      y: {position: 70, salience: 60}
  - id: c
    role: mediator
    capability: 30
    stances:
      x: {position: 50, salience: 50}
snapshots:
  - as_of: "2022-02-01"
    revisions:
      - {actor: b, issue: x, field: reservation, estimate: {value: 45, low: 40, high: 55}}
      - {actor: a, issue: x, field: reservation, estimate: {value: 65, low: 60, high: 75}}
      - {actor: c, field: capability, estimate: 30}
  - as_of: "2022-03-01"
    revisions:
      - {actor: a, issue: y, field: position, estimate: 20}
      - {actor: c, issue: x, field: position, estimate: 60}
`

func read(t *testing.T, src string) *jirga.Scenario {
	t.Helper()
	ss, err := format.Read("t.yaml", []byte(src), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ss[0]
}

func build(t *testing.T, names ...string) []jirga.Model {
	t.Helper()
	var out []jirga.Model
	for _, n := range names {
		m, err := models.New(n, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestRun(t *testing.T) {
	s := read(t, twoParties)
	states, err := timeline.States(s)
	if err != nil {
		t.Fatal(err)
	}
	ms := build(t, "mean", "median", "exchange")
	r, err := timeline.Run(context.Background(), states, ms, timeline.Options{Draws: 400, Seed: 3, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Timeline) != 3 || r.Timeline[0].AsOf != "2022-01-01" || r.Timeline[2].AsOf != "2022-03-01" {
		t.Fatalf("timeline %+v", r.Timeline)
	}
	// The capability "revision" to the same value is no change.
	var labels []string
	for _, c := range r.Changes {
		labels = append(labels, c.From+" "+c.Label())
	}
	want := []string{"2022-01-01 a reservation on x", "2022-01-01 b reservation on x", "2022-02-01 a position on y", "2022-02-01 c position on x"}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("changes %v, want %v (scenario order, not file order)", labels, want)
	}
	if c := r.Changes[0]; *c.Before != 55 || *c.After != 65 || c.To != "2022-02-01" {
		t.Errorf("first change %+v", c)
	}
	if b, a := r.Changes[0].Describe(); b != "55 (45–65)" || a != "65 (60–75)" {
		t.Errorf("Describe() = %q, %q; want the ranges, which changed", b, a)
	}
	if b, a := r.Changes[2].Describe(); b != "30" || a != "20" {
		t.Errorf("Describe() = %q, %q; want bare values", b, a)
	}
	if r.Timeline[0].DealProbability <= r.Timeline[1].DealProbability {
		t.Errorf("P(deal) %g → %g: hardening both reservations must lower it", r.Timeline[0].DealProbability, r.Timeline[1].DealProbability)
	}
	// The effects of each step add up to the move between the states.
	for i := 1; i < len(r.Timeline); i++ {
		a, b := r.Timeline[i-1], r.Timeline[i]
		sumDeal, sumSlack := 0.0, 0.0
		sumF := map[string]float64{}
		for _, c := range r.Changes {
			if c.From != a.AsOf {
				continue
			}
			sumDeal += c.Effect.DealProbability
			sumSlack += c.Effect.Slack
			for m, byIssue := range c.Effect.Forecasts {
				for is, e := range byIssue {
					sumF[m+" "+is] += e
				}
			}
		}
		if math.Abs(sumDeal-(b.DealProbability-a.DealProbability)) > 1e-12 || math.Abs(sumSlack-(b.Slack-a.Slack)) > 1e-12 {
			t.Errorf("step %d: effects sum to %g, %g; the states differ by %g, %g", i, sumDeal, sumSlack, b.DealProbability-a.DealProbability, b.Slack-a.Slack)
		}
		for _, m := range r.Models {
			for _, is := range []string{"x", "y"} {
				x, _ := a.Forecast(m, is)
				y, _ := b.Forecast(m, is)
				if math.Abs(sumF[m+" "+is]-(y-x)) > 1e-9 {
					t.Errorf("step %d, %s on %s: effects sum to %g, forecast moved %g", i, m, is, sumF[m+" "+is], y-x)
				}
			}
		}
	}
	// Alone is the change applied by itself to the earlier state.
	for k, c := range r.Changes {
		from := states[0]
		if c.From != from.AsOf {
			from = states[1]
		}
		solo, err := from.Revise(jirga.Revision{Actor: c.Actor, Issue: c.Issue, Field: c.Field, Estimate: mustEstimate(t, states, c)})
		if err != nil {
			t.Fatal(err)
		}
		base, _ := deal.Analyze(context.Background(), from, nil, deal.Options{Draws: 400, Seed: 3})
		alone, _ := deal.Analyze(context.Background(), solo, nil, deal.Options{Draws: 400, Seed: 3})
		if got, want := c.Alone.DealProbability, alone.DealProbability-base.DealProbability; got != want {
			t.Errorf("change %d (%s): alone %g, want %g", k, c.Label(), got, want)
		}
	}
	if r.Changes[1].Alone.DealProbability == r.Changes[1].Effect.DealProbability {
		t.Logf("note: the second change moves P(deal) the same alone and replayed")
	}
	// The result does not depend on the number of workers.
	r1, err := timeline.Run(context.Background(), states, ms, timeline.Options{Draws: 400, Seed: 3, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	j1, _ := json.Marshal(r1)
	j2, _ := json.Marshal(r)
	if !bytes.Equal(j1, j2) {
		t.Error("the result depends on the number of workers")
	}
}

// mustEstimate returns the estimate a change sets: that of the state it
// leads to.
func mustEstimate(t *testing.T, states []*jirga.Scenario, c *timeline.Change) *jirga.Estimate {
	t.Helper()
	for _, st := range states {
		if st.AsOf == c.To {
			e, err := st.EstimateOf(c.Actor, c.Issue, c.Field)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
	}
	t.Fatalf("no state as of %s", c.To)
	return nil
}

// TestContract checks the JSON form against the contract of jirga timeline
// --format json: an object with timeline (as_of, results, deal_probability)
// and changes (from, to, actor, issue, field, before, after, effect).
func TestContract(t *testing.T) {
	states, err := timeline.States(read(t, twoParties))
	if err != nil {
		t.Fatal(err)
	}
	r, err := timeline.Run(context.Background(), states, build(t, "mean"), timeline.Options{Draws: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	tl, _ := v["timeline"].([]any)
	if len(tl) != 3 {
		t.Fatalf("timeline: %v", v["timeline"])
	}
	for _, e := range tl {
		st := e.(map[string]any)
		for _, k := range []string{"as_of", "results", "deal_probability"} {
			if _, ok := st[k]; !ok {
				t.Errorf("timeline entry has no %s: %v", k, st)
			}
		}
		res := st["results"].([]any)[0].(map[string]any)
		if res["model"] != "mean" || len(res["issues"].([]any)) != 2 {
			t.Errorf("results are not as in forecast: %v", res)
		}
	}
	cs, _ := v["changes"].([]any)
	if len(cs) != 4 {
		t.Fatalf("changes: %v", v["changes"])
	}
	for _, e := range cs {
		c := e.(map[string]any)
		for _, k := range []string{"from", "to", "actor", "issue", "field", "before", "after", "effect", "alone"} {
			if _, ok := c[k]; !ok {
				t.Errorf("change has no %s: %v", k, c)
			}
		}
	}
}

func TestStates(t *testing.T) {
	s := read(t, twoParties)
	states, _ := s.States()
	// Separate files holding states of the same id, in any order.
	mid, last := states[1].Clone(), states[2].Clone()
	got, err := timeline.States(last, states[0].Clone(), mid)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].AsOf != "2022-01-01" || got[1].AsOf != "2022-02-01" || got[2].AsOf != "2022-03-01" {
		t.Errorf("not in date order: %s %s %s", got[0].AsOf, got[1].AsOf, got[2].AsOf)
	}
	other := mid.Clone()
	other.ID = "other"
	tests := []struct {
		name string
		ss   []*jirga.Scenario
		msg  string
	}{
		{"Ids", []*jirga.Scenario{mid, other}, "different ids"},
		{"SameDate", []*jirga.Scenario{s, mid}, "two states of \"two\" are dated 2022-02-01"},
		{"NoDate", []*jirga.Scenario{{ID: "two"}}, "has no as_of"},
		{"None", nil, "no scenario"},
	}
	for _, tt := range tests {
		if _, err := timeline.States(tt.ss...); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.msg)
		}
	}
}

// TestFlagship runs the flagship's timeline at the point values: three
// states in date order, none with a hindsight estimate.
func TestFlagship(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	states, err := timeline.States(ss...)
	if err != nil {
		t.Fatal(err)
	}
	r, err := timeline.Run(context.Background(), states, build(t, "mean", "median"), timeline.Options{Draws: -1})
	if err != nil {
		t.Fatal(err)
	}
	var dates []string
	for _, st := range r.Timeline {
		dates = append(dates, st.AsOf)
		if st.Hindsight != 0 {
			t.Errorf("%s: %d hindsight estimates", st.AsOf, st.Hindsight)
		}
	}
	if want := []string{"2022-06-03", "2022-07-06", "2022-10-15"}; !reflect.DeepEqual(dates, want) {
		t.Errorf("dates %v, want %v", dates, want)
	}
	if len(r.Changes) == 0 {
		t.Error("no changes between the flagship's states")
	}
}
