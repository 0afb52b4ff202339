package jirga

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ValidID reports whether id is a valid scenario, actor, issue, source or
// intervention id: 1–64 letters, digits or _.:+-, starting with a letter or
// digit (the pattern ^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$, checked by hand:
// a large scenario has many ids).
func ValidID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && (c == '_' || c == '.' || c == ':' || c == '+' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// Validate checks the scenario and returns every problem it finds, joined
// with errors.Join; each is a *ValidationError. It returns nil for a valid
// scenario. Validate does not modify s.
//
// In a scenario with an as_of, no estimate may rest on the future: an
// estimate (or an intervention) that cites a source published after the
// as_of of the state it belongs to (the scenario's, or its snapshot's) is a
// problem, unless it is marked hindsight with a note saying why. A source
// dated by month or year counts as published after the as_of only when its
// whole period is; when the period contains the as_of, or the source has no
// date, [Scenario.Check] warns instead.
func (s *Scenario) Validate() error {
	_, err := s.Check()
	return err
}

// Check is [Scenario.Validate] that also returns warnings: findings that do
// not stop the scenario from being used but that its author should see (see
// [Scenario.Validate] for the dates of sources).
func (s *Scenario) Check() (warnings []*ValidationError, err error) {
	v := &validator{}
	v.scenario(s)
	return v.warns, errors.Join(v.errs...)
}

type validator struct {
	errs  []error
	warns []*ValidationError
	// dates checks the dates of the sources that estimates cite.
	dates dateCheck
	keys  []string // scratch: an actor's stance keys
}

func (v *validator) add(e *ValidationError) { v.errs = append(v.errs, e) }

func (v *validator) warnf(path, actor, issue, field, format string, args ...any) {
	v.warns = append(v.warns, &ValidationError{Path: path, Actor: actor, Issue: issue, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) addf(path, actor, issue, field, format string, args ...any) {
	v.add(&ValidationError{Path: path, Actor: actor, Issue: issue, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) id(path, kind, id string) {
	p := "id"
	if path != "" {
		p = path + ".id"
	}
	switch {
	case id == "":
		v.addf(p, "", "", "id", "%s id is missing", kind)
	case !ValidID(id):
		v.addf(p, "", "", "id", "%s id %q must be 1–64 letters, digits or _.:+- and start with a letter or digit", kind, id)
	}
}

func (v *validator) scenario(s *Scenario) {
	if s == nil {
		v.addf("", "", "", "", "empty scenario")
		return
	}
	v.id("", "scenario", s.ID)
	if s.AsOf != "" {
		if t, err := time.Parse(time.DateOnly, s.AsOf); err != nil {
			v.addf("as_of", "", "", "as_of", "as_of %q is not a date of the form YYYY-MM-DD", s.AsOf)
		} else {
			v.dates = dateCheck{on: true, asOf: t, text: s.AsOf, whose: "the scenario's", sources: map[string]string{}}
		}
	}
	sources := map[string]bool{}
	for i, src := range s.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		if src == nil {
			v.addf(p, "", "", "", "source %d is empty", i+1)
			continue
		}
		v.id(p, "source", src.ID)
		if sources[src.ID] && src.ID != "" {
			v.addf(p+".id", "", "", "id", "duplicate source id %q", src.ID)
		}
		sources[src.ID] = true
		switch _, _, ok := dateSpan(src.Date); {
		case src.Date != "" && !ok:
			v.addf(p+".date", "", "", "date", "source %q: date %q is not YYYY-MM-DD, YYYY-MM or YYYY", src.ID, src.Date)
		case src.Date == "" && v.dates.on:
			v.warnf(p, "", "", "date", "source %q has no date, so jirga cannot check that it was published by the as_of %s; give it a date (YYYY-MM-DD, YYYY-MM or YYYY)", src.ID, s.AsOf)
		case ok && v.dates.on && src.ID != "":
			v.dates.sources[src.ID] = src.Date
		}
	}
	checkSources := func(path, actor, issue, field string, ids []string) {
		for _, id := range ids {
			if !sources[id] {
				v.addf(path, actor, issue, field, "unknown source id %q (declare it under sources)", id)
			}
		}
	}
	if len(s.Issues) == 0 {
		v.addf("issues", "", "", "issues", "the scenario has no issues; at least one is needed")
	}
	if len(s.Actors) == 0 {
		v.addf("actors", "", "", "actors", "the scenario has no actors; at least one is needed")
	}
	issues := map[string]*Issue{}
	for i, is := range s.Issues {
		p := fmt.Sprintf("issues[%d]", i)
		if is == nil {
			v.addf(p, "", "", "", "issue %d is empty", i+1)
			continue
		}
		v.id(p, "issue", is.ID)
		if _, dup := issues[is.ID]; dup && is.ID != "" {
			v.addf(p+".id", "", is.ID, "id", "duplicate issue id %q", is.ID)
		}
		issues[is.ID] = is
		if lo, hi := is.Bounds(); !validScale(lo, hi) {
			v.addf(p+".scale", "", is.ID, "scale", "scale must have finite min < max within ±%g, got [%g, %g]", MaxMagnitude, lo, hi)
		}
		// Anchors and the outcome lie on the scale (the default one when
		// it is invalid).
		scale, _ := FieldRange(FieldPosition, is)
		lo, hi := scale.Lo, scale.Hi
		for j, a := range is.Anchors {
			if !inRange(a.At, lo, hi) {
				v.addf(fmt.Sprintf("%s.anchors[%d].at", p, j), "", is.ID, "anchors.at", "anchor %s (%q) is outside the scale [%g, %g]", num(a.At), a.Label, lo, hi)
			}
			if a.Label == "" {
				v.addf(fmt.Sprintf("%s.anchors[%d].label", p, j), "", is.ID, "anchors.label", "anchor %s has no label", num(a.At))
			}
		}
		if is.Outcome != nil && !inRange(*is.Outcome, lo, hi) {
			v.addf(p+".outcome", "", is.ID, "outcome", "outcome %s is outside the scale [%g, %g]", num(*is.Outcome), lo, hi)
		}
	}
	actors := make(map[string]bool, len(s.Actors))
	for i, a := range s.Actors {
		// Paths are written only for messages: a large scenario has many
		// actors and, usually, no problem.
		p := func() string { return "actors[" + strconv.Itoa(i) + "]" }
		if a == nil {
			v.addf(p(), "", "", "", "actor %d is empty", i+1)
			continue
		}
		if !ValidID(a.ID) {
			v.id(p(), "actor", a.ID)
		}
		if actors[a.ID] && a.ID != "" {
			v.addf(p()+".id", a.ID, "", "id", "duplicate actor id %q", a.ID)
		}
		actors[a.ID] = true
		if a.Role != "" && !slices.Contains(roles, a.Role) {
			v.addf(p()+".role", a.ID, "", "role", "role %q is not one of %s", a.Role, joinRoles())
		}
		if len(a.Sources) > 0 {
			checkSources(p()+".sources", a.ID, "", "sources", a.Sources)
			v.actorSources(p()+".sources", a.ID, a.Sources)
		}
		if a.Capability == nil {
			r, _ := FieldRange(FieldCapability, nil)
			v.addf(p()+".capability", a.ID, "", "capability", "capability is missing; it must be %s", r.Requirement())
		}
		if len(a.Stances) == 0 {
			v.addf(p()+".stances", a.ID, "", "stances", "actor has no stance on any issue")
		}
		// In the order of issue ids, so that messages come in a fixed order.
		v.keys = v.keys[:0]
		for id := range a.Stances {
			v.keys = append(v.keys, id)
		}
		slices.Sort(v.keys)
		for _, issueID := range v.keys {
			st := a.Stances[issueID]
			sp := func() string { return p() + ".stances." + issueID }
			is, ok := issues[issueID]
			if !ok {
				v.addf(sp(), a.ID, issueID, "stances", "unknown issue id %q (declare it under issues)", issueID)
				continue
			}
			if st == nil {
				v.addf(sp(), a.ID, issueID, "", "stance is empty; it needs a position and a salience")
				continue
			}
			for _, f := range [...]string{FieldPosition, FieldSalience} {
				if *st.slot(f) == nil {
					r, _ := FieldRange(f, is)
					v.addf(sp()+"."+f, a.ID, issueID, f, "%s is missing; it must be %s", f, r.Requirement())
				}
			}
		}
	}
	for in := range s.Estimates() {
		v.estimate(in, checkSources)
	}
	for k, is := range s.Issues {
		if is == nil || is.ID == "" {
			continue
		}
		held := false
		for _, a := range s.Actors {
			if a != nil && a.Stances[is.ID] != nil {
				held = true
				break
			}
		}
		if !held && len(s.Actors) > 0 {
			v.addf(fmt.Sprintf("issues[%d]", k), "", is.ID, "", "no actor holds a position on the issue; give at least one actor a stance on it")
		}
	}
	interventions := map[string]bool{}
	for i, iv := range s.Interventions {
		p := fmt.Sprintf("interventions[%d]", i)
		if iv == nil {
			v.addf(p, "", "", "", "intervention %d is empty", i+1)
			continue
		}
		v.id(p, "intervention", iv.ID)
		if interventions[iv.ID] && iv.ID != "" {
			v.addf(p+".id", "", "", "id", "duplicate intervention id %q", iv.ID)
		}
		interventions[iv.ID] = true
		checkSources(p+".sources", "", "", "sources", iv.Sources)
		v.cited(p, "", "", "", fmt.Sprintf("intervention %q", iv.ID), iv.Sources, iv.Hindsight, iv.Notes, "notes")
		if len(iv.Changes) == 0 {
			v.addf(p+".changes", "", "", "changes", "intervention %q has no changes", iv.ID)
		}
		for j, ch := range iv.Changes {
			cp := fmt.Sprintf("%s.changes[%d]", p, j)
			v.change(cp, iv.ID, ch, s, issues)
		}
	}
	v.snapshots(s, checkSources)
	v.salienceScale(s)
	if s.ErrorScale != 0 && !(finite(s.ErrorScale) && s.ErrorScale > 0 && s.ErrorScale <= MaxErrorScale) {
		v.addf("error_scale", "", "", "error_scale", "error_scale must be a number in (0, %g] (a factor on the models' calibrated errors; 1 keeps them as measured), got %s", float64(MaxErrorScale), num(s.ErrorScale))
	}
}

// MaxErrorScale bounds a scenario's error_scale: errors 100 times those
// measured already make every predictive interval the whole scale.
const MaxErrorScale = 100

func (v *validator) change(p, ivID string, ch Change, s *Scenario, issues map[string]*Issue) {
	a := s.Actor(ch.Actor)
	if a == nil {
		v.addf(p+".actor", ch.Actor, ch.Issue, "actor", "intervention %q: unknown actor id %q", ivID, ch.Actor)
	}
	var r Range
	known := true
	switch ch.Field {
	case FieldCapability:
		if ch.Issue != "" {
			v.addf(p+".issue", ch.Actor, ch.Issue, "issue", "intervention %q: capability is not per issue; leave issue empty", ivID)
		}
		r, _ = FieldRange(ch.Field, nil)
	case FieldPosition, FieldSalience, FieldReservation, FieldPower:
		is, ok := issues[ch.Issue]
		if !ok {
			v.addf(p+".issue", ch.Actor, ch.Issue, "issue", "intervention %q: %s needs a known issue id, got %q", ivID, ch.Field, ch.Issue)
			known = false
			break
		}
		if a != nil && a.Stances[ch.Issue] == nil {
			v.addf(p+".issue", ch.Actor, ch.Issue, "issue", "intervention %q: actor %q has no stance on issue %q to change", ivID, ch.Actor, ch.Issue)
		}
		r, _ = FieldRange(ch.Field, is)
	default:
		known = false
		v.addf(p+".field", ch.Actor, ch.Issue, "field", "intervention %q: field %q is not one of %s", ivID, ch.Field, strings.Join(changeFields, ", "))
	}
	switch {
	case (ch.Set == nil) == (ch.Delta == nil):
		v.addf(p, ch.Actor, ch.Issue, ch.Field, "intervention %q: give exactly one of set and delta", ivID)
	case ch.Set != nil && !bounded(*ch.Set):
		v.addf(p+".set", ch.Actor, ch.Issue, ch.Field, "intervention %q: set must be a finite number within ±%g", ivID, MaxMagnitude)
	case ch.Delta != nil && !bounded(*ch.Delta):
		v.addf(p+".delta", ch.Actor, ch.Issue, ch.Field, "intervention %q: delta must be a finite number within ±%g", ivID, MaxMagnitude)
	case ch.Set != nil && known && !r.Contains(*ch.Set):
		v.addf(p+".set", ch.Actor, ch.Issue, ch.Field, "intervention %q: set %s is outside the allowed range %s", ivID, num(*ch.Set), r)
	}
}

// estimate checks the value, range, distribution and sources of in against
// the range its field allows. Its path is written only for a message.
func (v *validator) estimate(in Input, checkSources func(string, string, string, string, []string)) {
	actor, issue, field, e, r := in.Actor, in.Issue, in.Field, in.Estimate, in.Range
	p := func(suffix string) string { return in.Path() + suffix }
	switch {
	case r.Contains(e.Value):
	case r.LoOpen && !finite(e.Value):
		v.addf(p(""), actor, issue, field, "%s must be a finite number > %g, got %s", field, r.Lo, num(e.Value))
	case r.LoOpen && e.Value <= r.Lo:
		v.addf(p(""), actor, issue, field, "%s must be > %g, got %s", field, r.Lo, num(e.Value))
	default:
		v.addf(p(""), actor, issue, field, "%s %s is outside the allowed range %s", field, num(e.Value), r)
	}
	if e.Bare() {
		return // a bare number has nothing else to check
	}
	if e.Low != nil && !r.Contains(*e.Low) {
		v.addf(p(".low"), actor, issue, field, "low %s is outside the allowed range %s", num(*e.Low), r)
	}
	if e.High != nil && !r.Contains(*e.High) {
		v.addf(p(".high"), actor, issue, field, "high %s is outside the allowed range %s", num(*e.High), r)
	}
	if e.Low != nil && finite(*e.Low) && *e.Low > e.Value {
		v.addf(p(".low"), actor, issue, field, "low %s is above the value %s", num(*e.Low), num(e.Value))
	}
	if e.High != nil && finite(*e.High) && *e.High < e.Value {
		v.addf(p(".high"), actor, issue, field, "high %s is below the value %s", num(*e.High), num(e.Value))
	}
	switch e.Dist {
	case "", DistUniform, DistTriangular:
		if e.Dist != "" && (e.Low == nil || e.High == nil) {
			v.addf(p(".dist"), actor, issue, field, "a %s distribution needs low and high", e.Dist)
		}
		if e.SD != nil {
			v.addf(p(".sd"), actor, issue, field, "sd applies only to dist: normal")
		}
	case DistNormal:
		if e.SD == nil || !bounded(*e.SD) || *e.SD <= 0 {
			v.addf(p(".sd"), actor, issue, field, "a normal distribution needs sd in (0, %g]", MaxMagnitude)
		}
	default:
		v.addf(p(".dist"), actor, issue, field, "dist %q is not one of uniform, triangular, normal", e.Dist)
	}
	checkSources(p(".sources"), actor, issue, field, e.Sources)
	v.cited(p(""), actor, issue, field, "", e.Sources, e.Hindsight, e.Note, "a note")
}

// joinRoles lists the roles for messages: "party, mediator, …".
func joinRoles() string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// bounded reports whether x is a number no larger in magnitude than
// MaxMagnitude.
func bounded(x float64) bool { return finite(x) && math.Abs(x) <= MaxMagnitude }

func validScale(lo, hi float64) bool { return bounded(lo) && bounded(hi) && lo < hi }

func inRange(x, lo, hi float64) bool { return finite(x) && x >= lo && x <= hi }

func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%g", x)
}
