package whatif

import (
	"context"
	"fmt"

	"github.com/jirga/jirga"
)

// Baseline and All are the ids of the variants that are not one
// intervention: the scenario as given, and every intervention applied in
// file order.
const (
	Baseline = "baseline"
	All      = "all"
)

// Comparison is the outcome of [Compare]. Its JSON form is the contract of
// `jirga compare --format json`.
type Comparison struct {
	Scenario string   `json:"scenario"`
	Title    string   `json:"title,omitempty"`
	Models   []string `json:"models"`
	Issues   []string `json:"issues"`
	// Variants are the baseline, each intervention in file order, and (with
	// two or more interventions) all of them together.
	Variants []Variant `json:"variants"`
	// Rows hold one forecast per variant, model and issue, in that order.
	Rows []Row `json:"rows"`
}

// Variant is one version of the scenario.
type Variant struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Kind        string `json:"kind,omitempty"`
	Description string `json:"description,omitempty"`
	// Notes say which changes were clamped to their field's range.
	Notes []string `json:"notes,omitempty"`
}

// Row is the forecast of one model on one issue under one variant.
type Row struct {
	Variant  string  `json:"variant"`
	Model    string  `json:"model"`
	Issue    string  `json:"issue"`
	Forecast float64 `json:"forecast"`
	// Shift is Forecast minus the baseline forecast of the same model and
	// issue (0 for the baseline).
	Shift  float64 `json:"shift"`
	Anchor string  `json:"anchor,omitempty"`
}

// Forecast returns the row of the variant, model and issue.
func (c *Comparison) Forecast(variant, model, issue string) (Row, bool) {
	for _, r := range c.Rows {
		if r.Variant == variant && r.Model == model && r.Issue == issue {
			return r, true
		}
	}
	return Row{}, false
}

// Compare forecasts s with each model under the baseline, each of the
// scenario's interventions alone (see [jirga.Scenario.Apply]) and, when there
// are at least two, all of them applied together in file order.
func Compare(ctx context.Context, s *jirga.Scenario, models []jirga.Model) (*Comparison, error) {
	c := &Comparison{Scenario: s.ID, Title: s.Title}
	for _, m := range models {
		c.Models = append(c.Models, m.Name())
	}
	for _, is := range s.Issues {
		c.Issues = append(c.Issues, is.ID)
	}
	type variant struct {
		v   Variant
		ivs []*jirga.Intervention
	}
	vs := []variant{{v: Variant{ID: Baseline, Name: "as given"}}}
	for _, iv := range s.Interventions {
		vs = append(vs, variant{Variant{ID: iv.ID, Name: iv.Name, Kind: iv.Kind, Description: iv.Description}, []*jirga.Intervention{iv}})
	}
	if len(s.Interventions) >= 2 {
		vs = append(vs, variant{Variant{ID: All, Name: "all interventions together"}, s.Interventions})
	}
	base := map[[2]string]float64{}
	for _, v := range vs {
		sc, notes, err := s.ApplyNotes(v.ivs...)
		if err != nil {
			return nil, err
		}
		v.v.Notes = notes
		c.Variants = append(c.Variants, v.v)
		for _, m := range models {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r, err := m.Forecast(ctx, sc)
			if err != nil {
				return nil, fmt.Errorf("variant %q: %w", v.v.ID, err)
			}
			for _, f := range r.Issues {
				key := [2]string{m.Name(), f.Issue}
				if v.v.ID == Baseline {
					base[key] = f.Forecast
				}
				c.Rows = append(c.Rows, Row{Variant: v.v.ID, Model: m.Name(), Issue: f.Issue,
					Forecast: f.Forecast, Shift: f.Forecast - base[key], Anchor: f.Anchor})
			}
		}
	}
	return c, nil
}
