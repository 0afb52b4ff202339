package jirga_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

// dated returns a valid scenario as of 2022-06-03 with sources dated before,
// on and after that day, and by month and year.
func dated() *jirga.Scenario {
	s := valid()
	s.AsOf = "2022-06-03"
	s.Sources = []*jirga.Source{
		{ID: "before", Date: "2022-06-01"},
		{ID: "on", Date: "2022-06-03"},
		{ID: "after", Date: "2022-06-30"},
		{ID: "may", Date: "2022-05"},
		{ID: "june", Date: "2022-06"},
		{ID: "july", Date: "2022-07"},
		{ID: "year", Date: "2022"},
		{ID: "later-year", Date: "2023"},
	}
	return s
}

func TestDates(t *testing.T) {
	tests := []struct {
		name    string
		sources []string
		mark    bool
		note    string
		err     string // "" for none
		warn    string // "" for none
	}{
		{"Before", []string{"before"}, false, "", "", ""},
		{"OnTheDay", []string{"on"}, false, "", "", ""},
		{"EarlierMonth", []string{"may"}, false, "", "", ""},
		{"After", []string{"before", "after"}, false, "", `actor "a", issue "i", field position: cites source "after" published 2022-06-30, after the scenario's as_of 2022-06-03; cite only sources published by then, or mark the estimate hindsight: true with a note saying why`, ""},
		{"LaterMonth", []string{"july"}, false, "", `cites source "july" published 2022-07, after the scenario's as_of 2022-06-03`, ""},
		{"LaterYear", []string{"later-year"}, false, "", `cites source "later-year" published 2023`, ""},
		{"MonthContainsAsOf", []string{"june"}, false, "", "", `actor "a", issue "i", field position: cites source "june" dated 2022-06, a period that contains the scenario's as_of 2022-06-03`},
		{"YearContainsAsOf", []string{"year"}, false, "", "", `cites source "year" dated 2022`},
		{"Hindsight", []string{"after", "june"}, true, "known only from the interview of 30 June", "", ""},
		{"HindsightWithoutSources", nil, true, "set knowing the talks failed", "", ""},
		{"HindsightWithoutNote", []string{"after"}, true, "", `field position: hindsight: true needs a note saying why the estimate needs hindsight`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dated()
			e := s.Actors[0].Stances["i"].Position
			e.Sources, e.Hindsight, e.Note = tt.sources, tt.mark, tt.note
			warns, err := s.Check()
			ves := jirga.ValidationErrors(err)
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.err != "" && (len(ves) != 1 || !strings.Contains(ves[0].Error(), tt.err)):
				t.Errorf("got %v, want one error containing\n%s", err, tt.err)
			}
			switch {
			case tt.warn == "" && len(warns) > 0:
				t.Errorf("unexpected warnings: %v", warns)
			case tt.warn != "" && (len(warns) != 1 || !strings.Contains(warns[0].Error(), tt.warn)):
				t.Errorf("got warnings %v, want one containing\n%s", warns, tt.warn)
			}
			if len(ves) == 1 && ves[0].Path != "actors[0].stances.i.position.sources" && ves[0].Path != "actors[0].stances.i.position.hindsight" {
				t.Errorf("path %q", ves[0].Path)
			}
		})
	}
}

func TestDatesOther(t *testing.T) {
	t.Run("NoAsOf", func(t *testing.T) {
		s := dated()
		s.AsOf = ""
		s.Actors[0].Capability.Sources = []string{"after"}
		s.Sources = append(s.Sources, &jirga.Source{ID: "undated"})
		if warns, err := s.Check(); err != nil || len(warns) > 0 {
			t.Errorf("a scenario without as_of has no dates to check; got %v, %v", warns, err)
		}
	})
	t.Run("Undated", func(t *testing.T) {
		s := dated()
		s.Sources = append(s.Sources, &jirga.Source{ID: "undated"})
		s.Actors[0].Capability.Sources = []string{"undated"}
		warns, err := s.Check()
		if err != nil || len(warns) != 1 || !strings.Contains(warns[0].Msg, `source "undated" has no date`) || warns[0].Path != "sources[8]" {
			t.Errorf("got %v, %v", warns, err)
		}
	})
	t.Run("Intervention", func(t *testing.T) {
		s := dated()
		one := 1.0
		s.Interventions = []*jirga.Intervention{{ID: "push", Sources: []string{"after"}, Changes: []jirga.Change{{Actor: "a", Field: "capability", Set: &one}}}}
		ves := jirga.ValidationErrors(s.Validate())
		if len(ves) != 1 || !strings.Contains(ves[0].Error(), `intervention "push": cites source "after" published 2022-06-30, after the scenario's as_of 2022-06-03; cite only sources published by then, or mark intervention "push" hindsight: true with notes saying why`) {
			t.Fatalf("got %v", ves)
		}
		s.Interventions[0].Hindsight = true
		if ves := jirga.ValidationErrors(s.Validate()); len(ves) != 1 || !strings.Contains(ves[0].Msg, "needs notes") {
			t.Fatalf("hindsight without notes: got %v", ves)
		}
		s.Interventions[0].Notes = "the offer was reported later"
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		got := s.Hindsight()
		want := []jirga.HindsightMark{{Intervention: "push", Sources: []string{"after"}, Later: []string{"after"}, Note: "the offer was reported later"}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Hindsight() = %+v, want %+v", got, want)
		}
	})
	t.Run("ActorSources", func(t *testing.T) {
		s := dated()
		s.Actors[0].Sources = []string{"after"}
		warns, err := s.Check()
		if err != nil || len(warns) != 1 || !strings.Contains(warns[0].Msg, `cites source "after" published 2022-06-30`) {
			t.Errorf("got %v, %v", warns, err)
		}
	})
}

func TestHindsightList(t *testing.T) {
	s := dated()
	st := s.Actors[0].Stances["i"]
	st.Salience = &jirga.Estimate{Value: 50, Sources: []string{"before", "after", "june"}, Hindsight: true, Note: "why"}
	s.Issues[0].StatusQuo = &jirga.Estimate{Value: 10, Hindsight: true, Note: "the outcome"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	got := s.Hindsight()
	want := []jirga.HindsightMark{
		{Issue: "i", Field: "status_quo", Value: 10, Note: "the outcome"},
		{Actor: "a", Issue: "i", Field: "salience", Value: 50, Sources: []string{"before", "after", "june"}, Later: []string{"after", "june"}, Note: "why"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Hindsight() =\n%+v\nwant\n%+v", got, want)
	}
}
