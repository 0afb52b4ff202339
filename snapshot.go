package jirga

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"
)

// revisableFields are the fields a [Revision] may name: every field that
// holds an estimate (those a [Change] may alter, and the status quo).
var revisableFields = append([]string{FieldStatusQuo}, changeFields...)

// Snapshot is a later dated state of a scenario. Its revisions replace
// estimates of the state before it (the scenario itself, or the previous
// snapshot); everything else carries over. Snapshots keep the states of one
// negotiation in one file, so that jirga timeline can show how the forecast
// moved as evidence arrived.
type Snapshot struct {
	// AsOf is the snapshot's date, YYYY-MM-DD: after the scenario's as_of
	// and after the previous snapshot's.
	AsOf string `json:"as_of"`
	// Description replaces the scenario's description in this state when
	// it is set: what had happened by this date.
	Description string     `json:"description,omitempty"`
	Notes       string     `json:"notes,omitempty"`
	Revisions   []Revision `json:"revisions,omitempty"`
}

// Revision replaces one estimate: an actor's capability (no issue), its
// position, salience, reservation or power on an issue, or an issue's
// status quo (no actor). The new estimate replaces the old one whole, with
// its range, sources and note. In a file Estimate is required; [Diff]
// returns a nil Estimate for an optional estimate (reservation, power,
// status quo) that the later state no longer has.
type Revision struct {
	Actor    string    `json:"actor,omitempty"`
	Issue    string    `json:"issue,omitempty"`
	Field    string    `json:"field"`
	Estimate *Estimate `json:"estimate"`
}

// String names the estimate a revision addresses: "ttp reservation on
// merger", "army capability", "status quo of merger".
func (r Revision) String() string {
	switch {
	case r.Field == FieldStatusQuo:
		return "status quo of " + r.Issue
	case r.Issue == "":
		return r.Actor + " " + r.Field
	}
	return r.Actor + " " + r.Field + " on " + r.Issue
}

// States returns the dated states of s in date order: s itself first, then
// each snapshot applied to the state before it. Every state is a scenario
// without snapshots; a snapshot's state takes the snapshot's as_of, and its
// description when it gives one. s must be valid; a scenario without
// snapshots has one state. The first state shares its issues and actors
// with s (later states are clones): treat the states as read-only, or
// Clone them.
func (s *Scenario) States() ([]*Scenario, error) {
	base := *s
	base.Snapshots = nil
	out := []*Scenario{&base}
	cur := &base
	for i, sn := range s.Snapshots {
		next, err := cur.Revise(sn.Revisions...)
		if err != nil {
			return nil, Errorf(EINVALID, "snapshot %d (%s): %v", i+1, sn.AsOf, err)
		}
		next.AsOf = sn.AsOf
		if sn.Description != "" {
			next.Description = sn.Description
		}
		out = append(out, next)
		cur = next
	}
	return out, nil
}

// Dates returns the as_of of each state of s, in order (see
// [Scenario.States]).
func (s *Scenario) Dates() []string {
	out := []string{s.AsOf}
	for _, sn := range s.Snapshots {
		out = append(out, sn.AsOf)
	}
	return out
}

// At returns the state of s as of date: the last of its states dated on or
// before date. An empty date returns s itself, snapshots and all (the first
// state). It returns an EINVALID error when date is not YYYY-MM-DD, when s
// has no as_of, or when date is before the first state.
func (s *Scenario) At(date string) (*Scenario, error) {
	if date == "" {
		return s, nil
	}
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil, Errorf(EINVALID, "as of %q: want a date YYYY-MM-DD", date)
	}
	if s.AsOf == "" {
		return nil, Errorf(EINVALID, "scenario %q has no as_of, so it has no state as of %s", s.ID, date)
	}
	dates := s.Dates()
	k := -1
	for i, ds := range dates {
		t, err := time.Parse(time.DateOnly, ds)
		if err != nil {
			return nil, Errorf(EINVALID, "scenario %q: as_of %q is not a date", s.ID, ds)
		}
		if !t.After(d) {
			k = i
		}
	}
	if k < 0 {
		return nil, Errorf(EINVALID, "scenario %q begins on %s; it has no state as of %s (its states: %s)", s.ID, s.AsOf, date, strings.Join(dates, ", "))
	}
	states, err := s.States()
	if err != nil {
		return nil, err
	}
	return states[k], nil
}

// Revise returns a clone of s with each revision's estimate (a copy of it)
// put in place of the one it addresses, in order. A nil estimate removes an
// optional one (reservation, power, status quo). s is not modified.
func (s *Scenario) Revise(revs ...Revision) (*Scenario, error) {
	c := s.Clone()
	for _, rv := range revs {
		p, err := c.slot(rv.Actor, rv.Issue, rv.Field)
		if err != nil {
			return nil, err
		}
		if rv.Estimate == nil && (rv.Field == FieldCapability || rv.Field == FieldPosition || rv.Field == FieldSalience) {
			return nil, fmt.Errorf("%s: a %s cannot be removed", rv, rv.Field)
		}
		*p = rv.Estimate.Clone()
	}
	return c, nil
}

// EstimateOf returns the estimate that an actor, issue and field name (as
// in a [Revision]): nil where s has none there (an optional reservation,
// power or status quo), and an error when they address nothing.
func (s *Scenario) EstimateOf(actor, issue, field string) (*Estimate, error) {
	p, err := s.slot(actor, issue, field)
	if err != nil {
		return nil, err
	}
	return *p, nil
}

// slot returns the field that holds the estimate an actor, issue and field
// name, so that it can be read or replaced.
func (s *Scenario) slot(actor, issue, field string) (**Estimate, error) {
	if field == FieldStatusQuo {
		if actor != "" {
			return nil, fmt.Errorf("status_quo belongs to an issue, not to actor %q; leave actor empty", actor)
		}
		is := s.Issue(issue)
		if is == nil {
			return nil, fmt.Errorf("status_quo: unknown issue %q", issue)
		}
		return &is.StatusQuo, nil
	}
	if !slices.Contains(revisableFields, field) {
		return nil, fmt.Errorf("field %q is not one of %s", field, strings.Join(revisableFields, ", "))
	}
	a := s.Actor(actor)
	if a == nil {
		return nil, fmt.Errorf("unknown actor %q", actor)
	}
	if field == FieldCapability {
		if issue != "" {
			return nil, fmt.Errorf("actor %q: capability is not per issue; leave issue empty", actor)
		}
		return &a.Capability, nil
	}
	if s.Issue(issue) == nil {
		return nil, fmt.Errorf("actor %q: %s needs a known issue, got %q", actor, field, issue)
	}
	st := a.Stances[issue]
	if st == nil {
		return nil, fmt.Errorf("actor %q holds no stance on issue %q", actor, issue)
	}
	return st.slot(field), nil
}

// Diff returns the revisions that turn the estimates of a into those of b,
// in the order of [Scenario.Estimates] (the order of a sweep's draws):
// each issue's status quo, then actor by actor, its capability and then,
// issue by issue, position, salience, reservation and power. An estimate counts as revised when its
// value, range or distribution differs; its sources, note and marks move no
// forecast and are not compared. a and b must have the same issues and
// actors in the same order, each actor with stances on the same issues;
// Diff returns an EINVALID error naming the first difference otherwise.
func Diff(a, b *Scenario) ([]Revision, error) {
	if err := sameShape(a, b); err != nil {
		return nil, err
	}
	// The two have the same places for estimates, in the same order.
	next, stop := iter.Pull2(b.slots())
	defer stop()
	var out []Revision
	for in, e := range a.slots() {
		_, later, _ := next()
		if !sameNumber(*e, *later) {
			out = append(out, Revision{Actor: in.Actor, Issue: in.Issue, Field: in.Field, Estimate: (*later).Clone()})
		}
	}
	return out, nil
}

// sameShape reports, as an error, the first difference of a and b other
// than in their estimates that can move a forecast or a deal: issues and
// their scales, actors with their roles and necessary flags, stances, and
// attributes (which some importers' models read).
func sameShape(a, b *Scenario) error {
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	ai := ids(len(a.Issues), func(i int) string { return a.Issues[i].ID })
	bi := ids(len(b.Issues), func(i int) string { return b.Issues[i].ID })
	if !slices.Equal(ai, bi) {
		return Errorf(EINVALID, "the states as of %s and %s have different issues (%v and %v); a timeline compares states of the same issues and actors", a.AsOf, b.AsOf, ai, bi)
	}
	aa := ids(len(a.Actors), func(i int) string { return a.Actors[i].ID })
	ba := ids(len(b.Actors), func(i int) string { return b.Actors[i].ID })
	if !slices.Equal(aa, ba) {
		return Errorf(EINVALID, "the states as of %s and %s have different actors (%v and %v); a timeline compares states of the same issues and actors", a.AsOf, b.AsOf, aa, ba)
	}
	for k, is := range a.Issues {
		alo, ahi := is.Bounds()
		blo, bhi := b.Issues[k].Bounds()
		if alo != blo || ahi != bhi {
			return Errorf(EINVALID, "issue %q has the scale [%g, %g] as of %s and [%g, %g] as of %s; a timeline compares states on the same scales", is.ID, alo, ahi, a.AsOf, blo, bhi, b.AsOf)
		}
	}
	if !maps.Equal(a.Attributes, b.Attributes) {
		return Errorf(EINVALID, "the states as of %s and %s have different attributes; a timeline compares states that differ only in their estimates", a.AsOf, b.AsOf)
	}
	for i, x := range a.Actors {
		y := b.Actors[i]
		if x.RoleOrDefault() != y.RoleOrDefault() || x.Necessary != y.Necessary {
			return Errorf(EINVALID, "actor %q has a different role or necessary flag as of %s and as of %s; a timeline compares states that differ only in their estimates", x.ID, a.AsOf, b.AsOf)
		}
		for _, is := range a.Issues {
			if (x.Stances[is.ID] == nil) != (y.Stances[is.ID] == nil) {
				return Errorf(EINVALID, "actor %q holds a stance on issue %q in only one of the states as of %s and %s", x.ID, is.ID, a.AsOf, b.AsOf)
			}
		}
	}
	return nil
}

// sameNumber reports whether two estimates draw the same numbers: equal
// value, range, distribution and standard deviation (nil equals nil only).
func sameNumber(x, y *Estimate) bool {
	if x == nil || y == nil {
		return x == y
	}
	eq := func(p, q *float64) bool { return (p == nil) == (q == nil) && (p == nil || *p == *q) }
	return x.Value == y.Value && eq(x.Low, y.Low) && eq(x.High, y.High) && x.Dist == y.Dist && eq(x.SD, y.SD)
}
