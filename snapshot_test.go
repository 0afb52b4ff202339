package jirga_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

// withSnapshots returns the dated scenario with two snapshots: the first
// revises the position (citing a source of its own date) and adds a
// reservation, the second revises the capability and the status quo.
func withSnapshots() *jirga.Scenario {
	s := dated()
	s.Snapshots = []*jirga.Snapshot{
		{AsOf: "2022-07-01", Description: "after the interview", Revisions: []jirga.Revision{
			{Actor: "a", Issue: "i", Field: "position", Estimate: &jirga.Estimate{Value: 60, Sources: []string{"after"}}},
			{Actor: "a", Issue: "i", Field: "reservation", Estimate: jirga.Val(45)},
		}},
		{AsOf: "2022-10-15", Revisions: []jirga.Revision{
			{Actor: "a", Field: "capability", Estimate: jirga.Val(3)},
			{Issue: "i", Field: "status_quo", Estimate: jirga.Val(20)},
		}},
	}
	return s
}

func TestStates(t *testing.T) {
	s := withSnapshots()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	orig := s.Clone()
	states, err := s.States()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, orig) {
		t.Error("States modified the scenario")
	}
	if got := []string{states[0].AsOf, states[1].AsOf, states[2].AsOf}; !reflect.DeepEqual(got, s.Dates()) || len(states) != 3 {
		t.Fatalf("dates %v, Dates() %v", got, s.Dates())
	}
	for i, st := range states {
		if st.Snapshots != nil {
			t.Errorf("state %d keeps snapshots", i)
		}
		if err := st.Validate(); err != nil {
			t.Errorf("state %d: %v", i, err)
		}
	}
	pos := func(st *jirga.Scenario) float64 { return st.Actors[0].Stances["i"].Position.Value }
	if pos(states[0]) != 40 || pos(states[1]) != 60 || pos(states[2]) != 60 {
		t.Errorf("positions %g %g %g, want 40 60 60 (a revision carries over)", pos(states[0]), pos(states[1]), pos(states[2]))
	}
	if states[0].Actors[0].Stances["i"].Reservation != nil || states[2].Actors[0].Stances["i"].Reservation.Value != 45 {
		t.Error("the reservation added by snapshot 1 is wrong")
	}
	if states[1].Actors[0].Capability.Value != 1 || states[2].Actors[0].Capability.Value != 3 || states[2].Issues[0].StatusQuo.Value != 20 {
		t.Error("snapshot 2's revisions are wrong")
	}
	if states[1].Description != "after the interview" || states[2].Description != "after the interview" && states[2].Description != s.Description {
		t.Errorf("descriptions %q, %q", states[1].Description, states[2].Description)
	}

	for date, want := range map[string]string{"": "2022-06-03", "2022-06-03": "2022-06-03", "2022-06-30": "2022-06-03", "2022-07-01": "2022-07-01", "2023-01-01": "2022-10-15"} {
		got, err := s.At(date)
		if err != nil || got.AsOf != want {
			t.Errorf("At(%q) = %v, %v; want the state as of %s", date, got.AsOf, err, want)
		}
	}
	if got, _ := s.At(""); got != s {
		t.Error(`At("") must return the scenario itself`)
	}
	for _, date := range []string{"2022-06-02", "June", "2022-13-01"} {
		if _, err := s.At(date); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("At(%q): got %v, want EINVALID", date, err)
		}
	}

	revs, err := jirga.Diff(states[0], states[2])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rv := range revs {
		got = append(got, rv.String())
	}
	want := []string{"status quo of i", "a capability", "a position on i", "a reservation on i"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %v, want %v (status quo first, then the actor's capability, then per issue)", got, want)
	}
	back, err := states[0].Revise(revs...)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := jirga.Diff(back, states[2]); len(again) != 0 {
		t.Errorf("replaying Diff's revisions leaves %v", again)
	}
	rev, _ := jirga.Diff(states[2], states[0])
	if rev[3].Estimate != nil {
		t.Error("Diff must give a nil estimate for a reservation the later state no longer has")
	}
	if none, _ := jirga.Diff(states[0], states[0]); len(none) != 0 {
		t.Errorf("Diff of a state with itself = %v", none)
	}
	// Sources and notes alone are not a change.
	c := states[0].Clone()
	c.Actors[0].Capability = &jirga.Estimate{Value: 1, Sources: []string{"before"}, Note: "n"}
	if none, _ := jirga.Diff(states[0], c); len(none) != 0 {
		t.Errorf("a new source is not a change of the number, got %v", none)
	}
	c.Actors[0].Capability.High = new(float64)
	*c.Actors[0].Capability.High = 2
	if one, _ := jirga.Diff(states[0], c); len(one) != 1 {
		t.Errorf("a new range is a change, got %v", one)
	}
}

func TestDiffShape(t *testing.T) {
	a := valid()
	tests := []struct {
		name   string
		change func(s *jirga.Scenario)
		msg    string
	}{
		{"Actor", func(s *jirga.Scenario) { s.Actors[0].ID = "b" }, "different actors"},
		{"Issue", func(s *jirga.Scenario) { s.Issues[0].ID = "j" }, "different issues"},
		{"Scale", func(s *jirga.Scenario) { s.Issues[0].Scale = &jirga.Scale{Min: 0, Max: 10} }, "scale"},
		{"Necessary", func(s *jirga.Scenario) { s.Actors[0].Necessary = true }, "necessary"},
		{"Attributes", func(s *jirga.Scenario) { s.Attributes = map[string]string{"k": "v"} }, "attributes"},
	}
	for _, tt := range tests {
		b := a.Clone()
		tt.change(b)
		if _, err := jirga.Diff(a, b); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: got %v, want an error about %s", tt.name, err, tt.msg)
		}
	}
}

func TestSnapshotValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *jirga.Scenario)
		path   string
		msg    string
	}{
		{"NoBaseAsOf", func(s *jirga.Scenario) { s.AsOf = "" }, "snapshots", "snapshots need the scenario's as_of"},
		{"NoAsOf", func(s *jirga.Scenario) { s.Snapshots[0].AsOf = "" }, "snapshots[0].as_of", "snapshot 1 has no as_of"},
		{"BadAsOf", func(s *jirga.Scenario) { s.Snapshots[0].AsOf = "July" }, "snapshots[0].as_of", `as_of "July" is not a date`},
		{"BeforeBase", func(s *jirga.Scenario) { s.Snapshots[0].AsOf = "2022-06-03" }, "snapshots[0].as_of", "must be after the scenario's as_of 2022-06-03"},
		{"OutOfOrder", func(s *jirga.Scenario) { s.Snapshots[1].AsOf = "2022-06-15" }, "snapshots[1].as_of", "must be after snapshot 1's as_of 2022-07-01"},
		{"Nil", func(s *jirga.Scenario) { s.Snapshots[1] = nil }, "snapshots[1]", "snapshot 2 is empty"},
		{"Field", func(s *jirga.Scenario) { s.Snapshots[0].Revisions[0].Field = "clout" }, "snapshots[0].revisions[0].field", `field "clout" is not one of`},
		{"Actor", func(s *jirga.Scenario) { s.Snapshots[0].Revisions[0].Actor = "zz" }, "snapshots[0].revisions[0]", `unknown actor "zz"`},
		{"Issue", func(s *jirga.Scenario) { s.Snapshots[0].Revisions[0].Issue = "zz" }, "snapshots[0].revisions[0]", `needs a known issue, got "zz"`},
		{"CapabilityIssue", func(s *jirga.Scenario) { s.Snapshots[1].Revisions[0].Issue = "i" }, "snapshots[1].revisions[0]", "capability is not per issue"},
		{"StatusQuoActor", func(s *jirga.Scenario) { s.Snapshots[1].Revisions[1].Actor = "a" }, "snapshots[1].revisions[1]", "status_quo belongs to an issue"},
		{"Twice", func(s *jirga.Scenario) {
			s.Snapshots[0].Revisions = append(s.Snapshots[0].Revisions, jirga.Revision{Actor: "a", Issue: "i", Field: "position", Estimate: jirga.Val(1)})
		}, "snapshots[0].revisions[2]", "revises a position on i twice"},
		{"NoEstimate", func(s *jirga.Scenario) { s.Snapshots[0].Revisions[1].Estimate = nil }, "snapshots[0].revisions[1].estimate", "estimate is missing"},
		{"Range", func(s *jirga.Scenario) { s.Snapshots[0].Revisions[0].Estimate.Value = 120 }, "snapshots[0].revisions[0].estimate", "position 120 is outside the allowed range [0, 100]"},
		{"Capability", func(s *jirga.Scenario) { s.Snapshots[1].Revisions[0].Estimate.Value = 0 }, "snapshots[1].revisions[0].estimate", "capability must be > 0, got 0"},
		{"UnknownSource", func(s *jirga.Scenario) { s.Snapshots[1].Revisions[0].Estimate.Sources = []string{"zz"} }, "snapshots[1].revisions[0].estimate.sources", `unknown source id "zz"`},
		{"Future", func(s *jirga.Scenario) { s.Snapshots[0].Revisions[1].Estimate.Sources = []string{"later-year"} }, "snapshots[0].revisions[1].estimate.sources", `cites source "later-year" published 2023, after snapshot 1's as_of 2022-07-01`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := withSnapshots()
			tt.change(s)
			ves := jirga.ValidationErrors(s.Validate())
			for _, ve := range ves {
				if ve.Path == tt.path && strings.Contains(ve.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("no problem at %s containing %q; got %v", tt.path, tt.msg, ves)
		})
	}
	// The base's estimates are checked against the base's date even though
	// a snapshot is later.
	s := withSnapshots()
	s.Actors[0].Capability.Sources = []string{"after"}
	if ves := jirga.ValidationErrors(s.Validate()); len(ves) != 1 || !strings.Contains(ves[0].Msg, "after the scenario's as_of 2022-06-03") {
		t.Errorf("got %v", ves)
	}
}

func TestCloneSnapshots(t *testing.T) {
	s := withSnapshots()
	c := s.Clone()
	if !reflect.DeepEqual(s, c) {
		t.Fatal("clone differs")
	}
	c.Snapshots[0].Revisions[0].Estimate.Value = 99
	c.Snapshots[1].AsOf = "x"
	if s.Snapshots[0].Revisions[0].Estimate.Value != 60 || s.Snapshots[1].AsOf != "2022-10-15" {
		t.Error("the clone shares snapshots with the original")
	}
}
