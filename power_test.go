package jirga_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

// TestStancePower: the issue-specific capability is cloned, exposed by Table
// (falling back to the actor's capability) and validated as > 0.
func TestStancePower(t *testing.T) {
	s := &jirga.Scenario{
		ID:     "power",
		Issues: []*jirga.Issue{{ID: "p"}, {ID: "q"}},
		Actors: []*jirga.Actor{{
			ID: "a", Capability: jirga.Val(2),
			Stances: map[string]*jirga.Stance{
				"p": {Position: jirga.Val(10), Salience: jirga.Val(50), Power: jirga.Val(0.5)},
				"q": {Position: jirga.Val(20), Salience: jirga.Val(50)},
			},
		}},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	tb := s.Table()
	if tb.Power[0][0] != 0.5 || tb.Power[0][1] != 2 || tb.Capability[0] != 2 {
		t.Errorf("Table.Power = %v, capability %v; want [0.5 2], 2", tb.Power, tb.Capability)
	}
	c := s.Clone()
	c.Actors[0].Stances["p"].Power.Value = 9
	if s.Actors[0].Stances["p"].Power.Value != 0.5 {
		t.Error("Clone shares Stance.Power")
	}
	s.Actors[0].Stances["p"].Power = jirga.Val(0)
	err := s.Validate()
	if err == nil || !strings.Contains(err.Error(), "power") {
		t.Errorf("power 0 accepted: %v", err)
	}
}

// withEverything returns a scenario with an estimate in every field a
// scenario has: status quo, capability, position, salience, reservation and
// power.
func withEverything() *jirga.Scenario {
	return &jirga.Scenario{
		ID: "all",
		Issues: []*jirga.Issue{
			{ID: "p", Scale: &jirga.Scale{Min: -1, Max: 1}, StatusQuo: jirga.Val(0)},
			{ID: "q"},
		},
		Actors: []*jirga.Actor{
			{ID: "a", Capability: jirga.Val(2), Stances: map[string]*jirga.Stance{
				// Map order is not walk order: q is declared second.
				"q": {Position: jirga.Val(20), Salience: jirga.Val(50)},
				"p": {Position: jirga.Val(0.5), Salience: jirga.Val(40), Reservation: jirga.Val(-0.5), Power: jirga.Val(3)},
			}},
			{ID: "b", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{
				"q": {Position: jirga.Val(70), Salience: jirga.Val(60), Power: jirga.Val(0.5)},
			}},
		},
	}
}

// TestEstimates checks the walk's order, paths and ranges.
func TestEstimates(t *testing.T) {
	s := withEverything()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"issues[0].status_quo status_quo  p [-1, 1]",
		"actors[0].capability capability a  (0, 1e+15]",
		"actors[0].stances.p.position position a p [-1, 1]",
		"actors[0].stances.p.salience salience a p [0, 100]",
		"actors[0].stances.p.reservation reservation a p [-1, 1]",
		"actors[0].stances.p.power power a p (0, 1e+15]",
		"actors[0].stances.q.position position a q [0, 100]",
		"actors[0].stances.q.salience salience a q [0, 100]",
		"actors[1].capability capability b  (0, 1e+15]",
		"actors[1].stances.q.position position b q [0, 100]",
		"actors[1].stances.q.salience salience b q [0, 100]",
		"actors[1].stances.q.power power b q (0, 1e+15]",
	}
	var got []string
	for in := range s.Estimates() {
		got = append(got, strings.Join([]string{in.Path(), in.Field, in.Actor, in.Issue, in.Range.String()}, " "))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("walk:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The walk yields the scenario's own estimates, not copies.
	for in := range s.Estimates() {
		if in.Field == jirga.FieldPower && in.Actor == "b" {
			in.Estimate.Value = 9
		}
	}
	if s.Actors[1].Stances["q"].Power.Value != 9 {
		t.Error("the walk yields copies")
	}
	// Stopping early stops the walk.
	n := 0
	for range s.Estimates() {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("break after 3: %d", n)
	}
}

// TestEstimatesMissNothing counts, by reflection, every non-nil *Estimate
// reachable from a scenario's issues and actors: a new estimate field added
// to a type but not to the walk fails here, so sweeps, validation,
// interventions, levers and the report cannot silently miss it.
func TestEstimatesMissNothing(t *testing.T) {
	s := withEverything()
	walked := map[*jirga.Estimate]bool{}
	for in := range s.Estimates() {
		walked[in.Estimate] = true
	}
	estType := reflect.TypeFor[*jirga.Estimate]()
	var count func(v reflect.Value) int
	count = func(v reflect.Value) int {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return 0
			}
			if v.Type() == estType {
				if !walked[v.Interface().(*jirga.Estimate)] {
					t.Errorf("estimate %+v is not walked", v.Interface())
				}
				return 1
			}
			return count(v.Elem())
		case reflect.Struct:
			n := 0
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					n += count(v.Field(i))
				}
			}
			return n
		case reflect.Slice:
			n := 0
			for i := range v.Len() {
				n += count(v.Index(i))
			}
			return n
		case reflect.Map:
			n := 0
			for it := v.MapRange(); it.Next(); {
				n += count(it.Value())
			}
			return n
		}
		return 0
	}
	if got := count(reflect.ValueOf(s)); got != len(walked) {
		t.Errorf("the scenario holds %d estimates, the walk yields %d", got, len(walked))
	}
}

func TestFieldRange(t *testing.T) {
	is := &jirga.Issue{ID: "i", Scale: &jirga.Scale{Min: -5, Max: 5}}
	bad := &jirga.Issue{ID: "j", Scale: &jirga.Scale{Min: 3, Max: 1}}
	tests := []struct {
		field string
		is    *jirga.Issue
		want  string
		ok    bool
	}{
		{jirga.FieldCapability, nil, "(0, 1e+15]", true},
		{jirga.FieldPower, is, "(0, 1e+15]", true},
		{jirga.FieldSalience, nil, "[0, 100]", true},
		{jirga.FieldPosition, is, "[-5, 5]", true},
		{jirga.FieldReservation, &jirga.Issue{}, "[0, 100]", true},
		{jirga.FieldStatusQuo, bad, "[0, 100]", true}, // an invalid scale: the default
		{jirga.FieldPosition, nil, "", false},
		{"mood", is, "", false},
	}
	for i, tt := range tests {
		r, ok := jirga.FieldRange(tt.field, tt.is)
		if ok != tt.ok || (ok && r.String() != tt.want) {
			t.Errorf("case %d: %s, %v; want %s, %v", i, r, ok, tt.want, tt.ok)
		}
	}
	open, _ := jirga.FieldRange(jirga.FieldPower, nil)
	closed, _ := jirga.FieldRange(jirga.FieldPosition, is)
	for i, tt := range []struct {
		r           jirga.Range
		x, clamped  float64
		contains    bool
		requirement string
	}{
		{open, 0, jirga.MinCapability, false, "a number > 0"},
		{open, 2, 2, true, "a number > 0"},
		{open, 2e15, 1e15, false, "a number > 0"},
		{closed, -5, -5, true, "in [-5, 5]"},
		{closed, 7, 5, false, "in [-5, 5]"},
		{closed, math.NaN(), math.NaN(), false, "in [-5, 5]"},
	} {
		if got := tt.r.Contains(tt.x); got != tt.contains {
			t.Errorf("case %d: Contains(%g) = %v", i, tt.x, got)
		}
		if got := tt.r.Clamp(tt.x); got != tt.clamped && !(math.IsNaN(got) && math.IsNaN(tt.clamped)) {
			t.Errorf("case %d: Clamp(%g) = %g, want %g", i, tt.x, got, tt.clamped)
		}
		if got := tt.r.Requirement(); got != tt.requirement {
			t.Errorf("case %d: Requirement = %q", i, got)
		}
	}
}

// TestPowerIntervention: power is a field an intervention may change, and
// validation checks such a change against power's range.
func TestPowerIntervention(t *testing.T) {
	s := withEverything()
	s.Interventions = []*jirga.Intervention{{ID: "boost", Changes: []jirga.Change{{Actor: "b", Issue: "q", Field: "power", Delta: f(1)}}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	c, err := s.Apply(s.Interventions...)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Actors[1].Stances["q"].Power.Value; got != 1.5 {
		t.Errorf("power %g, want 1.5", got)
	}
	s.Interventions[0].Changes[0] = jirga.Change{Actor: "b", Issue: "q", Field: "power", Set: f(0)}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "set 0 is outside the allowed range (0, 1e+15]") {
		t.Errorf("power set 0: %v", err)
	}
	s.Interventions[0].Changes[0] = jirga.Change{Actor: "b", Issue: "p", Field: "power", Set: f(1)}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), `has no stance on issue "p"`) {
		t.Errorf("power on an issue without a stance: %v", err)
	}
}
