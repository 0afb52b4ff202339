package jirga_test

import (
	"testing"

	"github.com/jirga/jirga"
)

// TestInputHash checks that the hash of a run's input changes with every
// part of the input and with nothing else.
func TestInputHash(t *testing.T) {
	s := &jirga.Scenario{ID: "x", Issues: []*jirga.Issue{{ID: "i"}},
		Actors: []*jirga.Actor{{ID: "a", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"i": {Position: jirga.Val(10), Salience: jirga.Val(50)}}}}}
	opt := jirga.RunOptions{Rounds: 2, Opts: map[string]string{"nbs.utility": "linear", "bdm.q": "1"}}
	base, err := jirga.InputHash(s, jirga.KindForecast, []string{"mean"}, opt, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(base) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", base)
	}
	// Map order, cloning: the same input.
	same, _ := jirga.InputHash(s.Clone(), jirga.KindForecast, []string{"mean"},
		jirga.RunOptions{Rounds: 2, Opts: map[string]string{"bdm.q": "1", "nbs.utility": "linear"}}, 1)
	if same != base {
		t.Errorf("the same input hashes differently: %s, %s", same, base)
	}
	s2 := s.Clone()
	s2.Actors[0].Stances["i"].Salience.Value = 51
	for name, h := range map[string]func() (string, error){
		"scenario": func() (string, error) { return jirga.InputHash(s2, jirga.KindForecast, []string{"mean"}, opt, 1) },
		"kind":     func() (string, error) { return jirga.InputHash(s, jirga.KindSweep, []string{"mean"}, opt, 1) },
		"models":   func() (string, error) { return jirga.InputHash(s, jirga.KindForecast, []string{"median"}, opt, 1) },
		"options": func() (string, error) {
			return jirga.InputHash(s, jirga.KindForecast, []string{"mean"}, jirga.RunOptions{Rounds: 3}, 1)
		},
		"seed": func() (string, error) { return jirga.InputHash(s, jirga.KindForecast, []string{"mean"}, opt, 2) },
	} {
		got, err := h()
		if err != nil || got == base {
			t.Errorf("changing the %s leaves the hash %s (%v)", name, got, err)
		}
	}
}
