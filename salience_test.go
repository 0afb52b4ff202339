package jirga_test

import (
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

// smallSaliences is a one-issue scenario whose saliences are written on
// 0–1, as the expected-utility literature's example files write them.
func smallSaliences() *jirga.Scenario {
	lo, hi := 0.2, 0.9
	d := 0.1
	set := 0.5
	return &jirga.Scenario{
		ID:     "s",
		Issues: []*jirga.Issue{{ID: "x"}},
		Actors: []*jirga.Actor{
			{ID: "a", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(10), Salience: &jirga.Estimate{Value: 0.8, Low: &lo, High: &hi}}}},
			{ID: "b", Capability: jirga.Val(2), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(60), Salience: jirga.Val(0.5)}}},
			{ID: "c", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(90), Salience: jirga.Val(0)}}},
		},
		Interventions: []*jirga.Intervention{{ID: "i", Changes: []jirga.Change{
			{Actor: "a", Issue: "x", Field: "salience", Delta: &d},
			{Actor: "b", Issue: "x", Field: "salience", Set: &set},
		}}},
	}
}

func TestSalienceScaleGuard(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(s *jirga.Scenario)
		fires bool
	}{
		{"on 0–1", func(*jirga.Scenario) {}, true},
		{"confirmed 0–100", func(s *jirga.Scenario) { s.SalienceScale = 100 }, false},
		{"one salience above 1", func(s *jirga.Scenario) { s.Actors[2].Stances["x"].Salience = jirga.Val(1.5) }, false},
		{"all zero", func(s *jirga.Scenario) {
			for _, a := range s.Actors {
				a.Stances["x"].Salience = jirga.Val(0)
			}
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := smallSaliences()
			tt.edit(s)
			var got *jirga.ValidationError
			for _, ve := range jirga.ValidationErrors(s.Validate()) {
				if ve.Field == "salience_scale" {
					got = ve
				}
			}
			if (got != nil) != tt.fires {
				t.Fatalf("guard fired = %v, want %v (%v)", got != nil, tt.fires, s.Validate())
			}
			if got != nil {
				for _, want := range []string{"at most 1", "0.8", "salience_scale: 1", "--salience-scale 1", "salience_scale: 100"} {
					if !strings.Contains(got.Error(), want) {
						t.Errorf("message %q lacks %q", got.Error(), want)
					}
				}
			}
		})
	}
}

func TestRescaleSaliences(t *testing.T) {
	s := smallSaliences()
	if err := s.RescaleSaliences(1); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatalf("rescaled scenario: %v", err)
	}
	sal := s.Actors[0].Stances["x"].Salience
	if got, want := []float64{sal.Value, *sal.Low, *sal.High}, []float64{80, 20, 90}; !approx(got, want) {
		t.Errorf("salience of a = %v, want %v", got, want)
	}
	ch := s.Interventions[0].Changes
	if got, want := []float64{*ch[0].Delta, *ch[1].Set}, []float64{10, 50}; !approx(got, want) {
		t.Errorf("intervention changes = %v, want %v", got, want)
	}
	if s.SalienceScale != jirga.SalienceMax {
		t.Errorf("SalienceScale = %v after rescaling, want %v", s.SalienceScale, jirga.SalienceMax)
	}
	// Rescaled once: reading the result again (salience_scale 100) keeps it.
	if err := s.RescaleSaliences(0); err != nil || s.Actors[1].Stances["x"].Salience.Value != 50 {
		t.Errorf("second rescale: err %v, salience %v, want 50", err, s.Actors[1].Stances["x"].Salience.Value)
	}
	for _, bad := range []float64{-1, 2e15} {
		if err := smallSaliences().RescaleSaliences(bad); jirga.ErrorCode(err) != jirga.EINVALID {
			t.Errorf("RescaleSaliences(%v) = %v, want an EINVALID validation error", bad, err)
		}
	}
}

func approx(a, b []float64) bool {
	for i := range a {
		if d := a[i] - b[i]; d > 1e-9 || d < -1e-9 {
			return false
		}
	}
	return len(a) == len(b)
}
