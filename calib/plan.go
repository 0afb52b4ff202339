package calib

import (
	"fmt"
	"math"

	"github.com/jirga/jirga"
)

// DomainEULegislation is the domain of the DEU data: legislative decisions
// of the European Union.
const DomainEULegislation = "eu-legislation"

// Covers reports whether s is a decision of the calibration's domain: its
// "domain" attribute names it or, for EU legislation, it carries the DEU
// importer's "procedure" attribute (COD or CNS).
func (c *Calibration) Covers(s *jirga.Scenario) bool {
	if d := s.Attributes["domain"]; d != "" {
		return d == c.Domain
	}
	if c.Domain == DomainEULegislation {
		p := s.Attributes["procedure"]
		return p == "COD" || p == "CNS"
	}
	return false
}

// NotePrefix starts the note that a model's predictive intervals carry
// (where its errors come from), so that tables can say it once.
const NotePrefix = "predictive interval: "

// Options control [NewPlan].
type Options struct {
	// ErrorScale multiplies every model's calibrated errors: the analyst's
	// judgement that the models err so many times as much on this case as
	// on the calibration's decisions. 0 means the scenario's error_scale,
	// or 1 when it sets none.
	ErrorScale float64
	// Custom gives, by model name, the settings a model is run with that
	// differ from the defaults it was calibrated with, e.g. "rounds=12";
	// such a model gets no predictive interval.
	Custom map[string]string
}

// Plan is how predictive intervals are made for a run of models on one
// scenario: the error distribution of each model that has one, and the
// notes that go with them.
type Plan struct {
	errs   map[string]*Errors
	notes  map[string][]string
	cal    *Calibration
	covers bool
	scale  float64
}

// Calibration returns the plan's calibration (nil when there is none).
func (p *Plan) Calibration() *Calibration {
	if p == nil {
		return nil
	}
	return p.cal
}

// Covers reports whether the scenario lies in the calibration's domain.
func (p *Plan) Covers() bool { return p != nil && p.covers }

// ErrorScale returns the factor applied to the calibrated errors.
func (p *Plan) ErrorScale() float64 {
	if p == nil {
		return 1
	}
	return p.scale
}

// NewPlan returns the plan for the named models on s under calibration c
// (nil: no model gets an interval, and each says so).
func NewPlan(c *Calibration, s *jirga.Scenario, models []string, o Options) *Plan {
	scale := o.ErrorScale
	if scale == 0 {
		scale = s.ErrorScale
	}
	if scale == 0 {
		scale = 1
	}
	p := &Plan{errs: map[string]*Errors{}, notes: map[string][]string{}, cal: c, covers: c != nil && c.Covers(s), scale: scale}
	for _, name := range models {
		if c == nil {
			p.notes[name] = append(p.notes[name], "no predictive interval: no calibration was given")
			continue
		}
		m := c.Model(name)
		switch {
		case m == nil:
			p.notes[name] = append(p.notes[name], fmt.Sprintf("no predictive interval: calibration %s has no errors for model %s (it scores only models with a backtest on %s)", c.Name, name, c.Data))
			continue
		case o.Custom[name] != "":
			p.notes[name] = append(p.notes[name], fmt.Sprintf("no predictive interval: calibration %s measured %s's errors with its default settings, and this run sets %s", c.Name, name, o.Custom[name]))
			continue
		}
		p.errs[name] = NewErrors(c.Name, m.Residuals, m.Point, m.Draws).Scaled(scale)
		note := fmt.Sprintf(NotePrefix+"%s's errors on %d issues of %s (calibration %s)", name, m.N, c.DomainText, c.Name)
		if scale != 1 {
			note += fmt.Sprintf(", times the analyst's error scale %g", scale)
		}
		if !c.Covers(s) {
			note += "; this scenario is outside that domain, so the interval borrows another domain's errors: read it as indicative, or set error_scale"
		}
		p.notes[name] = append(p.notes[name], note)
		if m.Note != "" {
			p.notes[name] = append(p.notes[name], m.Note)
		}
	}
	return p
}

// Errors returns the error distribution of the model, or nil when it has
// no predictive interval.
func (p *Plan) Errors(model string) *Errors {
	if p == nil {
		return nil
	}
	return p.errs[model]
}

// Notes returns the notes of the model's intervals (or of their absence).
func (p *Plan) Notes(model string) []string {
	if p == nil {
		return nil
	}
	return p.notes[model]
}

// Apply sets the predictive interval of every issue forecast of r on s
// whose issue is in s, from its point forecast or, where draws returns
// them, from the forecasts over a sweep's draws of issue k (s.Issues[k]),
// and appends the plan's notes for r.Model to r.Notes. draws may be nil.
func (p *Plan) Apply(r *jirga.Result, s *jirga.Scenario, draws func(k int) []float64) {
	if p == nil {
		return
	}
	r.Notes = append(r.Notes, p.notes[r.Model]...)
	e := p.errs[r.Model]
	if e == nil {
		return
	}
	for i := range r.Issues {
		f := &r.Issues[i]
		k := issueIndex(s, f.Issue)
		if k < 0 || math.IsNaN(f.Forecast) {
			continue
		}
		var d []float64
		if draws != nil {
			d = draws(k)
		}
		lo, hi := s.Issues[k].Bounds()
		pr := e.Predict(f.Forecast, d, lo, hi)
		f.Predictive = &pr
	}
}

func issueIndex(s *jirga.Scenario, id string) int {
	for k, is := range s.Issues {
		if is.ID == id {
			return k
		}
	}
	return -1
}
