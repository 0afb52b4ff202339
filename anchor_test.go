package jirga

import "testing"

func TestAnchorsAround(t *testing.T) {
	wage := &Issue{ID: "wage", Scale: &Scale{Min: 0, Max: 10}, Anchors: []Anchor{{At: 0, Label: "freeze"}, {At: 10, Label: "indexation"}}}
	even := &Issue{ID: "even", Anchors: []Anchor{{At: 40, Label: "b"}, {At: 0, Label: "a"}, {At: 60, Label: "c"}}}
	for _, tt := range []struct {
		is      *Issue
		x       float64
		nearest string
		between *[2]string
	}{
		{wage, 4.7, "freeze", &[2]string{"freeze", "indexation"}}, // issue 17's case
		{wage, 0.9, "freeze", nil},                                // within a tenth of the scale
		{wage, 1.1, "freeze", &[2]string{"freeze", "indexation"}},
		{wage, 9.5, "indexation", nil},
		{wage, 10, "indexation", nil},
		{even, 30, "b", nil},                  // 10 from b: a tenth of 0–100, a quarter of 40
		{even, 29, "b", &[2]string{"a", "b"}}, // 11 from b
		{even, 45, "b", nil},                  // a quarter of the gap 40–60 is 5
		{even, 50, "b", &[2]string{"b", "c"}}, // 10 from both, more than 5
		{even, 80, "c", nil},                  // beyond the last anchor
		{&Issue{ID: "one", Anchors: []Anchor{{At: 50, Label: "x"}}}, 10, "x", nil},
		{&Issue{ID: "none"}, 10, "", nil},
	} {
		if got := tt.is.NearestAnchor(tt.x); got != tt.nearest {
			t.Errorf("%s: NearestAnchor(%g) = %q, want %q", tt.is.ID, tt.x, got, tt.nearest)
		}
		got := tt.is.AnchorsAround(tt.x)
		if (got == nil) != (tt.between == nil) || got != nil && *got != *tt.between {
			t.Errorf("%s: AnchorsAround(%g) = %v, want %v", tt.is.ID, tt.x, got, tt.between)
		}
	}
}
