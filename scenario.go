package jirga

import (
	"math"
	"slices"
)

// DefaultScaleMin and DefaultScaleMax bound an issue scale that sets none.
const (
	DefaultScaleMin = 0
	DefaultScaleMax = 100
)

// MaxMagnitude bounds every number in a scenario (scale ends, capabilities,
// distribution widths, intervention changes): far beyond any real use, it
// keeps sums of weighted positions from overflowing to ±Inf.
const MaxMagnitude = 1e15

// SalienceMax is the top of the salience scale used in scenario files.
// Models that want salience in [0, 1] divide by it (see [Table]).
const SalienceMax = 100

// Scenario is one negotiation: issues, actors and the sources behind them.
type Scenario struct {
	ID          string `json:"id" yaml:"id"`
	Title       string `json:"title,omitempty" yaml:"title,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// AsOf is the date (YYYY-MM-DD) the scenario describes.
	AsOf    string    `json:"as_of,omitempty" yaml:"as_of,omitempty"`
	Sources []*Source `json:"sources,omitempty" yaml:"sources,omitempty"`
	Issues  []*Issue  `json:"issues" yaml:"issues"`
	Actors  []*Actor  `json:"actors" yaml:"actors"`
	// Interventions are named what-ifs that jirga compare evaluates.
	Interventions []*Intervention `json:"interventions,omitempty" yaml:"interventions,omitempty"`
	// Attributes hold free key/value metadata carried through conversions,
	// e.g. the proposal id, year and voting rule of an imported DEU issue.
	Attributes map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	Notes      string            `json:"notes,omitempty" yaml:"notes,omitempty"`
	// Snapshots are later dated states of the same negotiation, in date
	// order, each revising some estimates of the state before it; the
	// scenario itself (its AsOf) is the first state. See [Scenario.States].
	Snapshots []*Snapshot `json:"snapshots,omitempty" yaml:"snapshots,omitempty"`
	// SalienceScale is the top of the scale the file writes saliences on:
	// 0 (unset) and SalienceMax mean 0–100; 1 means 0–1, and so on.
	// Readers rescale the saliences to 0–100 and then set it to
	// SalienceMax (see [Scenario.RescaleSaliences]), so a scenario in
	// memory holds 0 or SalienceMax. Set, it also confirms that saliences
	// which all lie in [0, 1] are meant on 0–100 (see [Scenario.Validate]).
	SalienceScale float64 `json:"salience_scale,omitempty" yaml:"salience_scale,omitempty"`
	// ErrorScale is the analyst's factor on the models' calibrated errors
	// for this negotiation (0: unset, which means 1): 2 says the models err
	// twice as much here as on the decisions they were calibrated on. It
	// widens or narrows every predictive interval (package calib).
	ErrorScale float64 `json:"error_scale,omitempty" yaml:"error_scale,omitempty"`
}

// Source is a document that an estimate rests on.
type Source struct {
	ID        string `json:"id" yaml:"id"`
	Title     string `json:"title,omitempty" yaml:"title,omitempty"`
	Publisher string `json:"publisher,omitempty" yaml:"publisher,omitempty"`
	Date      string `json:"date,omitempty" yaml:"date,omitempty"`
	URL       string `json:"url,omitempty" yaml:"url,omitempty"`
}

// Issue is one dimension of the negotiation.
type Issue struct {
	ID          string `json:"id" yaml:"id"`
	Name        string `json:"name,omitempty" yaml:"name,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Scale bounds positions; nil means [DefaultScaleMin, DefaultScaleMax].
	Scale   *Scale   `json:"scale,omitempty" yaml:"scale,omitempty"`
	Anchors []Anchor `json:"anchors,omitempty" yaml:"anchors,omitempty"`
	// StatusQuo is the outcome if no agreement is reached (the disagreement
	// point of the Nash bargaining solution, the reference point in DEU).
	StatusQuo *Estimate `json:"status_quo,omitempty" yaml:"status_quo,omitempty"`
	// Outcome is the known outcome, for backtests; nil when unknown.
	Outcome    *float64          `json:"outcome,omitempty" yaml:"outcome,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

// Scale is the closed interval of positions on an issue.
type Scale struct {
	Min float64 `json:"min" yaml:"min"`
	Max float64 `json:"max" yaml:"max"`
}

// Anchor labels a point of an issue scale, e.g. 0 = "TTP dissolved and disarmed".
type Anchor struct {
	At    float64 `json:"at" yaml:"at"`
	Label string  `json:"label" yaml:"label"`
}

// Bounds returns the issue's scale, applying the default when none is set.
func (is *Issue) Bounds() (min, max float64) {
	if is.Scale == nil {
		return DefaultScaleMin, DefaultScaleMax
	}
	return is.Scale.Min, is.Scale.Max
}

// NearestAnchor returns the label of the anchor closest to x, or "" when the
// issue has no anchors. Ties go to the lower anchor.
func (is *Issue) NearestAnchor(x float64) string {
	best, bestD := "", math.Inf(1)
	for _, a := range is.Anchors {
		d := math.Abs(a.At - x)
		if d < bestD || (d == bestD && best != "" && a.At < x) {
			best, bestD = a.Label, d
		}
	}
	return best
}

// Role is what an actor does in the negotiation.
type Role string

// Roles an actor may have. The zero value means RoleParty.
const (
	RoleParty     Role = "party"
	RoleMediator  Role = "mediator"
	RoleGuarantor Role = "guarantor"
	RoleObserver  Role = "observer"
)

// Roles returns the valid roles in a stable order.
func Roles() []Role { return slices.Clone(roles) }

var roles = []Role{RoleParty, RoleMediator, RoleGuarantor, RoleObserver}

// Actor is a participant with clout and a stance on some issues.
type Actor struct {
	ID          string `json:"id" yaml:"id"`
	Name        string `json:"name,omitempty" yaml:"name,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Capability is the actor's clout, > 0, on any ratio scale.
	Capability *Estimate `json:"capability" yaml:"capability"`
	// Role defaults to RoleParty.
	Role Role `json:"role,omitempty" yaml:"role,omitempty"`
	// Necessary marks a party without whom there is no deal.
	Necessary bool `json:"necessary,omitempty" yaml:"necessary,omitempty"`
	// Stances maps issue ids to the actor's position and salience.
	Stances map[string]*Stance `json:"stances" yaml:"stances"`
	Sources []string           `json:"sources,omitempty" yaml:"sources,omitempty"`
	Notes   string             `json:"notes,omitempty" yaml:"notes,omitempty"`
}

// RoleOrDefault returns the actor's role, RoleParty when unset.
func (a *Actor) RoleOrDefault() Role {
	if a.Role == "" {
		return RoleParty
	}
	return a.Role
}

// Stance is an actor's position and salience on one issue.
type Stance struct {
	// Position is on the issue's scale.
	Position *Estimate `json:"position" yaml:"position"`
	// Salience is in [0, SalienceMax]: how much the issue matters to the actor.
	Salience *Estimate `json:"salience" yaml:"salience"`
	// Reservation is the worst outcome the actor would still accept; when
	// nil, the issue's status quo.
	Reservation *Estimate `json:"reservation,omitempty" yaml:"reservation,omitempty"`
	Notes       string    `json:"notes,omitempty" yaml:"notes,omitempty"`

	// Power is the issue-specific capability: where set, it overrides the
	// actor's capability on this issue in the models that support it (the
	// exchange model; see [Table].Power). Decide files give power per actor
	// and issue. It must be > 0. Like every estimate it is drawn in sweeps
	// and can be changed by an intervention or a lever.
	Power *Estimate `json:"power,omitempty" yaml:"power,omitempty"`
}

// Intervention is a named what-if: a set of changes to the scenario.
type Intervention struct {
	ID          string `json:"id" yaml:"id"`
	Name        string `json:"name,omitempty" yaml:"name,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Kind is "carrot", "stick" or free text.
	Kind    string   `json:"kind,omitempty" yaml:"kind,omitempty"`
	Changes []Change `json:"changes" yaml:"changes"`
	Sources []string `json:"sources,omitempty" yaml:"sources,omitempty"`
	Notes   string   `json:"notes,omitempty" yaml:"notes,omitempty"`
	// Hindsight marks an intervention that cites sources published after
	// the scenario's date; Notes must say why.
	Hindsight bool `json:"hindsight,omitempty" yaml:"hindsight,omitempty"`
}

// Change alters one number: Set replaces it, Delta adds to it (exactly one
// of the two is given). Field is one of [ChangeFields]; Issue is empty for
// capability.
type Change struct {
	Actor string   `json:"actor" yaml:"actor"`
	Issue string   `json:"issue,omitempty" yaml:"issue,omitempty"`
	Field string   `json:"field" yaml:"field"`
	Set   *float64 `json:"set,omitempty" yaml:"set,omitempty"`
	Delta *float64 `json:"delta,omitempty" yaml:"delta,omitempty"`
}

// Issue returns the issue with the given id, or nil.
func (s *Scenario) Issue(id string) *Issue {
	for _, is := range s.Issues {
		if is != nil && is.ID == id {
			return is
		}
	}
	return nil
}

// IssueAttr returns the attribute key of issue is of s, or the scenario's
// when the issue has none: a DEU file puts a proposal's year, voting rule
// and procedure on its scenario, and an issue may override them.
func (s *Scenario) IssueAttr(is *Issue, key string) string {
	if v, ok := is.Attributes[key]; ok {
		return v
	}
	return s.Attributes[key]
}

// Actor returns the actor with the given id, or nil.
func (s *Scenario) Actor(id string) *Actor {
	for _, a := range s.Actors {
		if a != nil && a.ID == id {
			return a
		}
	}
	return nil
}

// Clone returns a deep copy of s that shares nothing mutable with it. Nil
// slices, maps and elements stay nil, so a clone is reflect.DeepEqual to s.
func (s *Scenario) Clone() *Scenario {
	if s == nil {
		return nil
	}
	c := *s
	c.Sources = cloneSlice(s.Sources)
	for i, src := range s.Sources {
		if src == nil {
			continue
		}
		cp := *src
		c.Sources[i] = &cp
	}
	c.Issues = cloneSlice(s.Issues)
	for i, is := range s.Issues {
		if is == nil {
			continue
		}
		cp := *is
		if is.Scale != nil {
			sc := *is.Scale
			cp.Scale = &sc
		}
		cp.Anchors = slices.Clone(is.Anchors)
		cp.StatusQuo = is.StatusQuo.Clone()
		if is.Outcome != nil {
			o := *is.Outcome
			cp.Outcome = &o
		}
		cp.Attributes = cloneMap(is.Attributes)
		c.Issues[i] = &cp
	}
	c.Actors = cloneSlice(s.Actors)
	for i, a := range s.Actors {
		if a == nil {
			continue
		}
		cp := *a
		cp.Capability = a.Capability.Clone()
		cp.Sources = slices.Clone(a.Sources)
		if a.Stances != nil {
			cp.Stances = make(map[string]*Stance, len(a.Stances))
			for k, st := range a.Stances {
				if st == nil {
					cp.Stances[k] = nil
					continue
				}
				stc := *st
				stc.Position = st.Position.Clone()
				stc.Salience = st.Salience.Clone()
				stc.Reservation = st.Reservation.Clone()
				stc.Power = st.Power.Clone()
				cp.Stances[k] = &stc
			}
		}
		c.Actors[i] = &cp
	}
	c.Interventions = cloneSlice(s.Interventions)
	for i, iv := range s.Interventions {
		if iv == nil {
			continue
		}
		cp := *iv
		cp.Sources = slices.Clone(iv.Sources)
		cp.Changes = slices.Clone(iv.Changes)
		for j, ch := range iv.Changes {
			cp.Changes[j] = ch
			if ch.Set != nil {
				v := *ch.Set
				cp.Changes[j].Set = &v
			}
			if ch.Delta != nil {
				v := *ch.Delta
				cp.Changes[j].Delta = &v
			}
		}
		c.Interventions[i] = &cp
	}
	c.Attributes = cloneMap(s.Attributes)
	c.Snapshots = cloneSlice(s.Snapshots)
	for i, sn := range s.Snapshots {
		if sn == nil {
			continue
		}
		cp := *sn
		cp.Revisions = slices.Clone(sn.Revisions)
		for j, rv := range sn.Revisions {
			cp.Revisions[j].Estimate = rv.Estimate.Clone()
		}
		c.Snapshots[i] = &cp
	}
	return &c
}

// cloneSlice returns a copy of x (nil for nil) whose elements the caller
// then replaces with deep copies.
func cloneSlice[T any](x []T) []T { return slices.Clone(x) }

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
