package jirga

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// MinCapability is the floor to which [Scenario.Apply] clamps a capability
// or a power that a change would make zero or negative (both must stay
// > 0; see [Range.Clamp]).
const MinCapability = 1e-6

// Apply returns a clone of s with the changes of each intervention applied in
// order (the changes of one intervention in their own order, so deltas on
// the same number add up). s is not modified.
//
// A change either sets a number (Set) or adds to it (Delta):
//
//   - capability: the actor's capability; the result is clamped to at least
//     [MinCapability];
//   - position: the actor's position on the issue, clamped to the issue's
//     scale;
//   - salience: the actor's salience on the issue, clamped to [0, SalienceMax];
//   - reservation: the actor's reservation value on the issue, clamped to the
//     issue's scale. A delta on an absent reservation starts from the issue's
//     status quo (the reservation an actor has by default);
//   - power: the actor's issue-specific capability on the issue, clamped as
//     a capability is. A delta on an absent power starts from the actor's
//     capability (the power it has by default).
//
// Each field's range is [FieldRange]'s.
//
// Clamping is silent in Apply; [Scenario.ApplyNotes] returns the same clone
// plus one note per clamped change. The estimate's own range (Low, High)
// moves with its value, clipped to the field's range, so that a sweep of the
// intervened scenario keeps the analyst's uncertainty around the new value;
// its sources, distribution and note are kept.
//
// Apply returns an *Error with code EINVALID for a nil intervention, an
// unknown actor or issue, an unknown field, a capability change that names
// an issue, a change on an issue where the actor holds no stance, a change
// with neither or both of Set and Delta, or a non-finite number.
func (s *Scenario) Apply(ivs ...*Intervention) (*Scenario, error) {
	c, _, err := s.ApplyNotes(ivs...)
	return c, err
}

// ApplyNotes is [Scenario.Apply] that also says which changes were clamped,
// one note per clamped change, in the order applied.
func (s *Scenario) ApplyNotes(ivs ...*Intervention) (*Scenario, []string, error) {
	c := s.Clone()
	var notes []string
	for _, iv := range ivs {
		if iv == nil {
			return nil, nil, Errorf(EINVALID, "apply: nil intervention")
		}
		for j, ch := range iv.Changes {
			note, err := c.applyChange(ch)
			if err != nil {
				return nil, nil, Errorf(EINVALID, "intervention %q, change %d: %w", iv.ID, j+1, err)
			}
			if note != "" {
				notes = append(notes, fmt.Sprintf("intervention %q, change %d: %s", iv.ID, j+1, note))
			}
		}
	}
	return c, notes, nil
}

// applyChange applies ch to c in place and returns a note when it clamped.
func (c *Scenario) applyChange(ch Change) (string, error) {
	switch {
	case (ch.Set == nil) == (ch.Delta == nil):
		return "", fmt.Errorf("give exactly one of set and delta")
	case ch.Set != nil && !finite(*ch.Set):
		return "", fmt.Errorf("set must be a finite number")
	case ch.Delta != nil && !finite(*ch.Delta):
		return "", fmt.Errorf("delta must be a finite number")
	}
	a := c.Actor(ch.Actor)
	if a == nil {
		return "", fmt.Errorf("unknown actor %q", ch.Actor)
	}
	if !slices.Contains(changeFields, ch.Field) {
		return "", fmt.Errorf("field %q is not one of %s", ch.Field, strings.Join(changeFields, ", "))
	}
	var (
		is  *Issue
		dst **Estimate
	)
	if ch.Field == FieldCapability {
		if ch.Issue != "" {
			return "", fmt.Errorf("actor %q: capability is not per issue; leave issue empty", ch.Actor)
		}
		dst = &a.Capability
	} else {
		if is = c.Issue(ch.Issue); is == nil {
			return "", fmt.Errorf("actor %q: unknown issue %q", ch.Actor, ch.Issue)
		}
		st := a.Stances[is.ID]
		if st == nil {
			return "", fmt.Errorf("actor %q holds no stance on issue %q", ch.Actor, ch.Issue)
		}
		dst = st.slot(ch.Field)
	}
	r, _ := FieldRange(ch.Field, is)
	base := *dst
	if base == nil {
		// An absent reservation is the status quo and an absent power the
		// capability: a change starts from there.
		switch {
		case ch.Set != nil && (ch.Field == FieldReservation || ch.Field == FieldPower):
			base = Val(*ch.Set)
		case ch.Field == FieldReservation && is.StatusQuo != nil:
			base = Val(is.StatusQuo.Value)
		case ch.Field == FieldReservation:
			return "", fmt.Errorf("actor %q: a reservation delta on issue %q needs a reservation or a status quo to start from", ch.Actor, ch.Issue)
		case ch.Field == FieldPower && a.Capability != nil:
			base = Val(a.Capability.Value)
		case ch.Issue == "":
			return "", fmt.Errorf("actor %q has no %s", ch.Actor, ch.Field)
		default:
			return "", fmt.Errorf("actor %q has no %s on issue %q", ch.Actor, ch.Field, ch.Issue)
		}
	}
	var note string
	*dst, note = changed(base, ch, r)
	return prefix(note, ch), nil
}

func prefix(note string, ch Change) string {
	if note == "" {
		return ""
	}
	if ch.Issue == "" {
		return fmt.Sprintf("%s of %q %s", ch.Field, ch.Actor, note)
	}
	return fmt.Sprintf("%s of %q on %q %s", ch.Field, ch.Actor, ch.Issue, note)
}

// changed returns a copy of e with the change applied, its value and range
// clipped to r, and a note when the value was clipped.
func changed(e *Estimate, ch Change, r Range) (*Estimate, string) {
	c := e.Clone()
	want := c.Value
	if ch.Set != nil {
		want = *ch.Set
	} else {
		want += *ch.Delta
	}
	v := r.Clamp(want)
	shift := v - c.Value
	c.Value = v
	if c.Low != nil {
		*c.Low = math.Min(v, r.Clamp(*c.Low+shift))
	}
	if c.High != nil {
		*c.High = math.Max(v, r.Clamp(*c.High+shift))
	}
	if v != want {
		return c, fmt.Sprintf("clamped from %g to %g", want, v)
	}
	return c, ""
}
