package whatif

import (
	"context"
	"fmt"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/sweep"
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
	// Notes say, per model, where its predictive intervals come from or
	// why it has none (Options.Predict).
	Notes map[string][]string `json:"notes,omitempty"`
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
	// Predictive is the forecast's predictive interval (Options.Predict);
	// nil when the model has none.
	Predictive *jirga.Predictive `json:"predictive,omitempty"`
	// SettleRange is set when the dynamic model's outcome had not settled
	// (see jirga.JudgeSettle): the forecast is then the middle of this
	// range, and a shift smaller than the range says little.
	SettleRange *[2]float64 `json:"settle_range,omitempty"`
	SettleCycle int         `json:"settle_cycle,omitempty"`
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

// Options control [Compare]. The zero value runs on GOMAXPROCS goroutines.
type Options struct {
	// Workers is the number of forecasts run at once; 0 means GOMAXPROCS.
	// The comparison does not depend on it.
	Workers int
	// Predict, when set, gives every forecast its predictive interval
	// around it (calib.Plan) and the comparison the plan's notes.
	Predict *calib.Plan
}

// Compare forecasts s with each model under the baseline, each of the
// scenario's interventions alone (see [jirga.Scenario.Apply]) and, when there
// are at least two, all of them applied together in file order. The
// forecasts run on sweep.For, one per variant and model, so the models must
// be safe for concurrent use, as the registry's are.
func Compare(ctx context.Context, s *jirga.Scenario, models []jirga.Model, opt Options) (*Comparison, error) {
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
	scs := make([]*jirga.Scenario, len(vs))
	tables := make([]*jirga.Table, len(vs))
	for i, v := range vs {
		sc, notes, err := s.ApplyNotes(v.ivs...)
		if err != nil {
			return nil, err
		}
		v.v.Notes = notes
		c.Variants = append(c.Variants, v.v)
		scs[i] = sc
		tables[i] = sc.Table()
	}
	// vals[v·len(models)+m] are model m's forecasts under variant v, res
	// its results (for whether they settled).
	vals := make([][]float64, len(vs)*len(models))
	res := make([]*jirga.Result, len(vals))
	_, err := sweep.For(ctx, len(vals), sweep.Loop{Workers: opt.Workers}, func(it sweep.Iter) error {
		v, m := it.I/len(models), it.I%len(models)
		r, x, err := sweep.ForecastResult(ctx, models[m], tables[v], nil)
		if err != nil {
			return fmt.Errorf("variant %q: %w", vs[v].v.ID, err)
		}
		vals[it.I], res[it.I] = x, r
		return nil
	})
	if err != nil {
		return nil, err
	}
	for v := range vs {
		for m, model := range models {
			for k, is := range scs[v].Issues {
				x, base := vals[v*len(models)+m][k], vals[m][k]
				row := Row{Variant: vs[v].v.ID, Model: model.Name(), Issue: is.ID,
					Forecast: x, Shift: x - base, Anchor: is.NearestAnchor(x)}
				if f := res[v*len(models)+m].IssueForecast(is.ID); f != nil {
					row.SettleRange, row.SettleCycle = f.SettleRange, f.SettleCycle
				}
				if e := opt.Predict.Errors(model.Name()); e != nil {
					lo, hi := is.Bounds()
					p := e.Predict(x, nil, lo, hi)
					row.Predictive = &p
				}
				c.Rows = append(c.Rows, row)
			}
		}
	}
	for _, m := range models {
		if n := opt.Predict.Notes(m.Name()); len(n) > 0 {
			if c.Notes == nil {
				c.Notes = map[string][]string{}
			}
			c.Notes[m.Name()] = n
		}
	}
	return c, nil
}
