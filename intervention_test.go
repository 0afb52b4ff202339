package jirga_test

import (
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

func f(x float64) *float64 { return &x }

// twoActors is a small scenario: issue x on 0–100 with status quo 10, and
// actors a (capability 2) and b (capability 1).
func twoActors() *jirga.Scenario {
	return &jirga.Scenario{
		ID:     "t",
		Issues: []*jirga.Issue{{ID: "x", StatusQuo: jirga.Val(10)}},
		Actors: []*jirga.Actor{
			{ID: "a", Capability: jirga.Val(2), Stances: map[string]*jirga.Stance{
				"x": {Position: &jirga.Estimate{Value: 80, Low: f(70), High: f(95)}, Salience: jirga.Val(50)}}},
			{ID: "b", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{
				"x": {Position: jirga.Val(20), Salience: jirga.Val(40), Reservation: jirga.Val(30)}}},
		},
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		changes []jirga.Change
		get     func(*jirga.Scenario) float64
		want    float64
		clamped bool
	}{
		{"set capability", []jirga.Change{{Actor: "a", Field: "capability", Set: f(5)}},
			func(s *jirga.Scenario) float64 { return s.Actor("a").Capability.Value }, 5, false},
		{"delta capability", []jirga.Change{{Actor: "b", Field: "capability", Delta: f(0.5)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Capability.Value }, 1.5, false},
		{"capability clamps above 0", []jirga.Change{{Actor: "b", Field: "capability", Delta: f(-3)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Capability.Value }, jirga.MinCapability, true},
		{"deltas add up", []jirga.Change{{Actor: "a", Issue: "x", Field: "position", Delta: f(-10)}, {Actor: "a", Issue: "x", Field: "position", Delta: f(-5)}},
			func(s *jirga.Scenario) float64 { return s.Actor("a").Stances["x"].Position.Value }, 65, false},
		{"position clamps to scale", []jirga.Change{{Actor: "a", Issue: "x", Field: "position", Delta: f(30)}},
			func(s *jirga.Scenario) float64 { return s.Actor("a").Stances["x"].Position.Value }, 100, true},
		{"salience set", []jirga.Change{{Actor: "b", Issue: "x", Field: "salience", Set: f(90)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Stances["x"].Salience.Value }, 90, false},
		{"salience clamps at 0", []jirga.Change{{Actor: "b", Issue: "x", Field: "salience", Delta: f(-60)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Stances["x"].Salience.Value }, 0, true},
		{"reservation delta", []jirga.Change{{Actor: "b", Issue: "x", Field: "reservation", Delta: f(15)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Stances["x"].Reservation.Value }, 45, false},
		{"absent reservation starts at status quo", []jirga.Change{{Actor: "a", Issue: "x", Field: "reservation", Delta: f(25)}},
			func(s *jirga.Scenario) float64 { return s.Actor("a").Stances["x"].Reservation.Value }, 35, false},
		{"absent power starts at capability", []jirga.Change{{Actor: "a", Issue: "x", Field: "power", Delta: f(1)}},
			func(s *jirga.Scenario) float64 { return s.Actor("a").Stances["x"].Power.Value }, 3, false},
		{"power set", []jirga.Change{{Actor: "b", Issue: "x", Field: "power", Set: f(7)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Stances["x"].Power.Value }, 7, false},
		{"power clamps above 0", []jirga.Change{{Actor: "b", Issue: "x", Field: "power", Delta: f(-3)}},
			func(s *jirga.Scenario) float64 { return s.Actor("b").Stances["x"].Power.Value }, jirga.MinCapability, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := twoActors()
			iv := &jirga.Intervention{ID: "iv", Changes: tt.changes}
			c, notes, err := s.ApplyNotes(iv)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.get(c); got != tt.want {
				t.Errorf("got %g, want %g", got, tt.want)
			}
			if (len(notes) > 0) != tt.clamped {
				t.Errorf("notes %q, want clamped=%v", notes, tt.clamped)
			}
			// The original is untouched.
			if !equalScenario(s, twoActors()) {
				t.Error("Apply modified its receiver")
			}
		})
	}
}

func TestApplyMovesRange(t *testing.T) {
	s := twoActors()
	c, err := s.Apply(&jirga.Intervention{ID: "iv", Changes: []jirga.Change{{Actor: "a", Issue: "x", Field: "position", Delta: f(10)}}})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Actor("a").Stances["x"].Position
	// 80 [70, 95] + 10 → 90 [80, 100] (95+10 clipped to the scale).
	if p.Value != 90 || *p.Low != 80 || *p.High != 100 {
		t.Errorf("got %g [%g, %g], want 90 [80, 100]", p.Value, *p.Low, *p.High)
	}
}

func TestApplySeveral(t *testing.T) {
	s := twoActors()
	a := &jirga.Intervention{ID: "a", Changes: []jirga.Change{{Actor: "a", Field: "capability", Delta: f(1)}}}
	b := &jirga.Intervention{ID: "b", Changes: []jirga.Change{{Actor: "a", Field: "capability", Set: f(10)}, {Actor: "a", Field: "capability", Delta: f(1)}}}
	c, err := s.Apply(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Actor("a").Capability.Value; got != 11 {
		t.Errorf("capability %g, want 11", got)
	}
	c, err = s.Apply(b, a)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Actor("a").Capability.Value; got != 12 {
		t.Errorf("capability %g, want 12", got)
	}
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name string
		ch   jirga.Change
		want string
	}{
		{"unknown actor", jirga.Change{Actor: "zz", Field: "capability", Set: f(1)}, `unknown actor "zz"`},
		{"unknown issue", jirga.Change{Actor: "a", Issue: "y", Field: "position", Set: f(1)}, `unknown issue "y"`},
		{"unknown field", jirga.Change{Actor: "a", Issue: "x", Field: "mood", Set: f(1)}, `field "mood"`},
		{"capability with issue", jirga.Change{Actor: "a", Issue: "x", Field: "capability", Set: f(1)}, "not per issue"},
		{"neither", jirga.Change{Actor: "a", Field: "capability"}, "exactly one of set and delta"},
		{"both", jirga.Change{Actor: "a", Field: "capability", Set: f(1), Delta: f(1)}, "exactly one of set and delta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := twoActors().Apply(&jirga.Intervention{ID: "iv", Changes: []jirga.Change{tt.ch}})
			if err == nil || !strings.Contains(err.Error(), tt.want) || jirga.ErrorCode(err) != jirga.EINVALID {
				t.Errorf("err = %v (code %s), want EINVALID containing %q", err, jirga.ErrorCode(err), tt.want)
			}
		})
	}
	s := twoActors()
	delete(s.Actor("b").Stances, "x")
	_, err := s.Apply(&jirga.Intervention{ID: "iv", Changes: []jirga.Change{{Actor: "b", Issue: "x", Field: "salience", Set: f(1)}}})
	if err == nil || !strings.Contains(err.Error(), "no stance") {
		t.Errorf("err = %v, want no stance", err)
	}
}

func equalScenario(a, b *jirga.Scenario) bool {
	for i := range a.Actors {
		x, y := a.Actors[i], b.Actors[i]
		if x.Capability.Value != y.Capability.Value {
			return false
		}
		for k, st := range x.Stances {
			o := y.Stances[k]
			if st.Position.Value != o.Position.Value || st.Salience.Value != o.Salience.Value ||
				(st.Reservation == nil) != (o.Reservation == nil) ||
				(st.Reservation != nil && st.Reservation.Value != o.Reservation.Value) ||
				(st.Power == nil) != (o.Power == nil) {
				return false
			}
			if st.Position.Low != nil && *st.Position.Low != *o.Position.Low {
				return false
			}
		}
	}
	return true
}
