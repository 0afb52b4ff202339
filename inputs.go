package jirga

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
)

// Fields of a scenario that hold an [Estimate]. Every field but the status
// quo can be the target of an intervention's [Change].
const (
	FieldCapability  = "capability"
	FieldPosition    = "position"
	FieldSalience    = "salience"
	FieldReservation = "reservation"
	FieldPower       = "power"
	FieldStatusQuo   = "status_quo"
)

// changeFields are the fields a [Change] may alter, in walk order.
var changeFields = []string{FieldCapability, FieldPosition, FieldSalience, FieldReservation, FieldPower}

// ChangeFields returns the fields a [Change] may alter.
func ChangeFields() []string { return append([]string(nil), changeFields...) }

// stanceFields are a stance's estimates in the order [Scenario.Estimates]
// yields them.
var stanceFields = [...]string{FieldPosition, FieldSalience, FieldReservation, FieldPower}

// Range is the set of values a field may take: [Lo, Hi], or (Lo, Hi] when
// LoOpen.
type Range struct {
	Lo, Hi float64
	LoOpen bool
}

// FieldRange returns the range of field on issue is: the issue's scale for
// a position, a reservation and the status quo (the default scale when is
// has none or an invalid one), [0, SalienceMax] for a salience and
// (0, MaxMagnitude] for a capability and a power. It is the one definition
// of these ranges; validation, sweeps, interventions and levers use it. ok
// is false for an unknown field, or a field on an issue with is nil.
func FieldRange(field string, is *Issue) (r Range, ok bool) {
	switch field {
	case FieldCapability, FieldPower:
		return Range{Lo: 0, Hi: MaxMagnitude, LoOpen: true}, true
	case FieldSalience:
		return Range{Lo: 0, Hi: SalienceMax}, true
	case FieldPosition, FieldReservation, FieldStatusQuo:
		if is == nil {
			return Range{}, false
		}
		lo, hi := is.Bounds()
		if !validScale(lo, hi) {
			lo, hi = DefaultScaleMin, DefaultScaleMax
		}
		return Range{Lo: lo, Hi: hi}, true
	}
	return Range{}, false
}

// Contains reports whether x lies in r.
func (r Range) Contains(x float64) bool {
	if r.LoOpen {
		return finite(x) && x > r.Lo && x <= r.Hi
	}
	return inRange(x, r.Lo, r.Hi)
}

// Width is Hi − Lo.
func (r Range) Width() float64 { return r.Hi - r.Lo }

// Clamp returns x moved into r. An open lower end clamps to
// Lo + [MinCapability].
func (r Range) Clamp(x float64) float64 {
	lo := r.Lo
	if r.LoOpen {
		lo += MinCapability
	}
	return math.Min(r.Hi, math.Max(lo, x))
}

// String writes r as an interval: "[0, 100]" or "(0, 1e+15]".
func (r Range) String() string {
	if r.LoOpen {
		return fmt.Sprintf("(%g, %g]", r.Lo, r.Hi)
	}
	return fmt.Sprintf("[%g, %g]", r.Lo, r.Hi)
}

// Requirement says what a value must be, for messages: "a number > 0" for
// a range open at its lower end (its upper end is far beyond any real use)
// and "in [lo, hi]" otherwise.
func (r Range) Requirement() string {
	if r.LoOpen {
		return fmt.Sprintf("a number > %g", r.Lo)
	}
	return "in " + r.String()
}

// Input is one estimate of a scenario as [Scenario.Estimates] yields it.
type Input struct {
	// Field is one of the Field constants.
	Field string
	// Actor is the actor's id; "" for an issue's status quo.
	Actor string
	// Issue is the issue's id; "" for a capability.
	Issue string
	// Estimate is the estimate itself (not a copy): its value, its range
	// or distribution for sweeps, and its sources.
	Estimate *Estimate
	// Range is the set of values the field allows (see [FieldRange]).
	Range Range

	// index is the position of the actor, or for a status quo of the
	// issue, in the scenario.
	index int
	// path, when set, is the Path of an estimate that lies elsewhere than
	// the walk finds it (a snapshot's revision).
	path string
}

// Path locates the estimate as a [ValidationError]'s Path does, e.g.
// "actors[2].stances.tax.salience".
func (in Input) Path() string {
	switch {
	case in.path != "":
		return in.path
	case in.Actor == "" && in.Field == FieldStatusQuo:
		return fmt.Sprintf("issues[%d].%s", in.index, in.Field)
	case in.Issue == "":
		return fmt.Sprintf("actors[%d].%s", in.index, in.Field)
	}
	return fmt.Sprintf("actors[%d].stances.%s.%s", in.index, in.Issue, in.Field)
}

// Label names the input for people: "status quo" rather than "status_quo".
func (in Input) Label() string { return strings.ReplaceAll(in.Field, "_", " ") }

// Estimates yields every estimate of s in a fixed order: each issue's status
// quo in file order, then actors in file order, each with its capability
// and then, in issue order, the position, salience, reservation and power
// of its stance on the issue. Absent estimates are skipped, and so are
// nil actors, nil issues, nil stances and stances on issues s does not
// declare; stances on an issue id declared twice are visited once, against
// the scale of its last declaration (each declaration's status quo is
// visited). This one walk is the list of a scenario's uncertain numbers:
// validation, sweeps, interventions, levers and the report's sources table
// all use it, so that a field is never missed by one of them.
func (s *Scenario) Estimates() iter.Seq[Input] {
	return func(yield func(Input) bool) {
		for in, e := range s.slots() {
			if *e != nil && !yield(in) {
				return
			}
		}
	}
}

// slots is the walk behind [Scenario.Estimates]: it yields, in the same
// order, every place that may hold an estimate, also where it holds none
// (*e nil, and in.Estimate nil), so that walks of two scenarios of the
// same structure stay in step and a place can be filled.
func (s *Scenario) slots() iter.Seq2[Input, **Estimate] {
	return func(yield func(Input, **Estimate) bool) {
		if s == nil {
			return
		}
		for k, is := range s.Issues {
			if is == nil {
				continue
			}
			r, _ := FieldRange(FieldStatusQuo, is)
			if !yield(Input{Field: FieldStatusQuo, Issue: is.ID, Estimate: is.StatusQuo, Range: r, index: k}, &is.StatusQuo) {
				return
			}
		}
		// scale[k] is the declaration whose scale stances on s.Issues[k]
		// are checked against (the last of its id), nil where an earlier
		// declaration has the same id.
		scale := make([]*Issue, len(s.Issues))
		for k, is := range s.Issues {
			if is == nil || slices.ContainsFunc(s.Issues[:k], func(o *Issue) bool { return o != nil && o.ID == is.ID }) {
				continue
			}
			scale[k] = is
			for _, o := range s.Issues[k+1:] {
				if o != nil && o.ID == is.ID {
					scale[k] = o
				}
			}
		}
		for i, a := range s.Actors {
			if a == nil {
				continue
			}
			r, _ := FieldRange(FieldCapability, nil)
			if !yield(Input{Field: FieldCapability, Actor: a.ID, Estimate: a.Capability, Range: r, index: i}, &a.Capability) {
				return
			}
			for k, is := range s.Issues {
				if scale[k] == nil || len(a.Stances) == 0 {
					continue
				}
				st := a.Stances[is.ID]
				if st == nil {
					continue
				}
				for _, f := range stanceFields {
					e := st.slot(f)
					r, _ := FieldRange(f, scale[k])
					if !yield(Input{Field: f, Actor: a.ID, Issue: is.ID, Estimate: *e, Range: r, index: i}, e) {
						return
					}
				}
			}
		}
	}
}

// slot returns where st keeps the estimate of field, or nil for a field a
// stance does not have.
func (st *Stance) slot(field string) **Estimate {
	switch field {
	case FieldPosition:
		return &st.Position
	case FieldSalience:
		return &st.Salience
	case FieldReservation:
		return &st.Reservation
	case FieldPower:
		return &st.Power
	}
	return nil
}
