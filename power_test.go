package jirga_test

import (
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
