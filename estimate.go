package jirga

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Distributions an [Estimate] may declare for Monte Carlo sweeps.
const (
	DistUniform    = "uniform"    // uniform on [Low, High]
	DistTriangular = "triangular" // triangular with mode Value on [Low, High]
	DistNormal     = "normal"     // normal(Value, SD) truncated to the field's range
)

// Estimate is a number as an analyst gives it: a point value, optionally a
// range or a distribution, the sources it rests on, and a note. In a file an
// estimate is either a bare number or an object:
//
//	salience: 80
//	salience: {value: 80, low: 60, high: 90, sources: [dawn-2022-06-30], judgement: true}
//
// With Low and High and no Dist, a sweep draws from a triangular distribution
// with mode Value; see package sweep for the defaults.
type Estimate struct {
	Value float64  `json:"value"`
	Low   *float64 `json:"low,omitempty"`
	High  *float64 `json:"high,omitempty"`
	// Dist is "", DistUniform, DistTriangular or DistNormal.
	Dist string `json:"dist,omitempty"`
	// SD is the standard deviation of a normal distribution.
	SD      *float64 `json:"sd,omitempty"`
	Sources []string `json:"sources,omitempty"`
	// Judgement marks the number as the analyst's judgement rather than a
	// sourced fact.
	Judgement bool `json:"judgement,omitempty"`
	// Hindsight marks a number that could only be set with knowledge from
	// after the scenario's date (its as_of): it may then cite sources
	// published later, and Note must say why. See [Scenario.Hindsight].
	Hindsight bool   `json:"hindsight,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Val returns a pointer to an Estimate holding only the value v.
func Val(v float64) *Estimate { return &Estimate{Value: v} }

// Bare reports whether the estimate holds nothing but a value, so that it is
// written as a bare number.
func (e *Estimate) Bare() bool {
	return e.Low == nil && e.High == nil && e.Dist == "" && e.SD == nil &&
		len(e.Sources) == 0 && !e.Judgement && !e.Hindsight && e.Note == ""
}

// Clone returns a deep copy of e (nil for nil).
func (e *Estimate) Clone() *Estimate {
	if e == nil {
		return nil
	}
	c := *e
	c.Low = clonef(e.Low)
	c.High = clonef(e.High)
	c.SD = clonef(e.SD)
	c.Sources = slices.Clone(e.Sources)
	return &c
}

func clonef(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// estimateObject has the fields of Estimate without its methods.
type estimateObject Estimate

// MarshalJSON writes a bare estimate as a number and any other as an object.
func (e Estimate) MarshalJSON() ([]byte, error) {
	if e.Bare() {
		return json.Marshal(e.Value)
	}
	return json.Marshal(estimateObject(e))
}

// UnmarshalJSON reads a number or an object.
func (e *Estimate) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		// The outer Value shadows the embedded one, so a missing value is
		// an error rather than a silent 0.
		var o struct {
			estimateObject
			Value *float64 `json:"value"`
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(&o); err != nil {
			return err
		}
		if o.Value == nil {
			return fmt.Errorf("estimate: object has no value: %s", b)
		}
		*e = Estimate(o.estimateObject)
		e.Value = *o.Value
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("estimate: want a number or an object with a value, got %s", b)
	}
	*e = Estimate{Value: v}
	return nil
}
