package examples_test

import (
	"slices"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

func TestLoadAll(t *testing.T) {
	for _, e := range examples.All() {
		ss, err := examples.Load(e.Name, format.Options{})
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
			continue
		}
		if len(ss) == 0 {
			t.Errorf("%s: no scenario", e.Name)
		}
	}
	if _, err := examples.Load("atlantis", format.Options{}); jirga.ErrorCode(err) != jirga.EINVALID {
		t.Errorf("unknown example: err=%v", err)
	}
}

// TestFlagshipSourced checks the flagship's promise (issue 2, case notes;
// issue 19): at least nine actors and five issues, every actor with a
// stance on every issue, every estimate of every dated state either tied to
// a source or marked as a judgement, no estimate marked hindsight, and every
// listed source cited somewhere. (Validation checks that no state cites a
// source published after its date.)
func TestFlagshipSourced(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if len(s.Actors) < 9 || len(s.Issues) < 5 {
		t.Errorf("%d actors and %d issues, want at least 9 and 5", len(s.Actors), len(s.Issues))
	}
	if got, want := s.Dates(), []string{"2022-06-03", "2022-07-06", "2022-10-15"}; !slices.Equal(got, want) {
		t.Errorf("dated states %v, want %v", got, want)
	}
	states, err := s.States()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	cite := func(ids []string) {
		for _, id := range ids {
			used[id] = true
		}
	}
	for _, st := range states {
		check := func(what string, e *jirga.Estimate) {
			if e == nil {
				return
			}
			if len(e.Sources) == 0 && !e.Judgement {
				t.Errorf("%s, %s: neither sourced nor marked as a judgement", st.AsOf, what)
			}
			if e.Hindsight {
				t.Errorf("%s, %s: marked hindsight", st.AsOf, what)
			}
			cite(e.Sources)
		}
		for _, is := range st.Issues {
			check("issue "+is.ID+" status_quo", is.StatusQuo)
			if len(is.Anchors) < 2 {
				t.Errorf("issue %s: %d anchors, want at least 2", is.ID, len(is.Anchors))
			}
		}
		for _, a := range st.Actors {
			check("actor "+a.ID+" capability", a.Capability)
			cite(a.Sources)
			for _, is := range st.Issues {
				sc := a.Stances[is.ID]
				if sc == nil {
					t.Errorf("actor %s has no stance on %s", a.ID, is.ID)
					continue
				}
				for field, e := range map[string]*jirga.Estimate{"position": sc.Position, "salience": sc.Salience, "reservation": sc.Reservation, "power": sc.Power} {
					check("actor "+a.ID+" "+field+" on "+is.ID, e)
				}
			}
		}
		for _, iv := range st.Interventions {
			cite(iv.Sources)
		}
		if h := st.Hindsight(); len(h) > 0 {
			t.Errorf("%s: %d hindsight marks", st.AsOf, len(h))
		}
	}
	for _, src := range s.Sources {
		if !used[src.ID] {
			t.Errorf("source %s is listed but no estimate cites it", src.ID)
		}
	}
}
