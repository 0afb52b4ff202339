package examples_test

import (
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

// TestFlagshipSourced checks the flagship's promise (issue 2, case notes):
// at least nine actors and five issues, every actor with a stance on every
// issue, and every estimate either tied to a source or marked as a
// judgement.
func TestFlagshipSourced(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if len(s.Actors) < 9 || len(s.Issues) < 5 {
		t.Errorf("%d actors and %d issues, want at least 9 and 5", len(s.Actors), len(s.Issues))
	}
	if s.AsOf != "2022-06-02" {
		t.Errorf("as_of %q, want 2022-06-02", s.AsOf)
	}
	check := func(what string, e *jirga.Estimate) {
		if e != nil && len(e.Sources) == 0 && !e.Judgement {
			t.Errorf("%s: neither sourced nor marked as a judgement", what)
		}
	}
	used := map[string]bool{}
	for _, is := range s.Issues {
		check("issue "+is.ID+" status_quo", is.StatusQuo)
		if is.StatusQuo != nil {
			for _, id := range is.StatusQuo.Sources {
				used[id] = true
			}
		}
		if len(is.Anchors) < 2 {
			t.Errorf("issue %s: %d anchors, want at least 2", is.ID, len(is.Anchors))
		}
	}
	for _, a := range s.Actors {
		check("actor "+a.ID+" capability", a.Capability)
		for _, id := range a.Capability.Sources {
			used[id] = true
		}
		for _, is := range s.Issues {
			st := a.Stances[is.ID]
			if st == nil {
				t.Errorf("actor %s has no stance on %s", a.ID, is.ID)
				continue
			}
			check("actor "+a.ID+" position on "+is.ID, st.Position)
			check("actor "+a.ID+" salience on "+is.ID, st.Salience)
			for _, e := range []*jirga.Estimate{st.Position, st.Salience} {
				for _, id := range e.Sources {
					used[id] = true
				}
			}
		}
	}
	for _, src := range s.Sources {
		if !used[src.ID] {
			t.Errorf("source %s is listed but no estimate cites it", src.ID)
		}
	}
}
