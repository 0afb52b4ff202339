package jirga

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// dateCheck holds what the validator needs to check the dates of cited
// sources against the as_of of the state being checked.
type dateCheck struct {
	on    bool      // the scenario has a valid as_of
	asOf  time.Time // the as_of of the state being checked
	text  string    // the as_of as written
	whose string    // "the scenario's" or "snapshot 2's"
	// sources maps the id of every source with a valid date to its date.
	sources map[string]string
}

// dateSpan returns the first and the last day a source date (YYYY-MM-DD,
// YYYY-MM or YYYY) may denote, and whether it is such a date.
func dateSpan(d string) (first, last time.Time, ok bool) {
	if t, err := time.Parse(time.DateOnly, d); err == nil {
		return t, t, true
	}
	if t, err := time.Parse("2006-01", d); err == nil {
		return t, t.AddDate(0, 1, -1), true
	}
	if t, err := time.Parse("2006", d); err == nil {
		return t, t.AddDate(1, 0, -1), true
	}
	return time.Time{}, time.Time{}, false
}

// later classifies the source id against the as_of being checked: after
// when the source was certainly published after it, straddles when the
// period of a month or year date contains it.
func (d *dateCheck) later(id string) (date string, after, straddles bool) {
	date, ok := d.sources[id]
	if !ok {
		return "", false, false
	}
	after, straddles = publishedAfter(date, d.asOf)
	return date, after, straddles
}

func publishedAfter(date string, asOf time.Time) (after, unsure bool) {
	first, last, ok := dateSpan(date)
	if !ok {
		return false, false
	}
	return first.After(asOf), !first.After(asOf) && last.After(asOf)
}

// PublishedAfter reports whether a source dated date (YYYY-MM-DD, YYYY-MM
// or YYYY) was certainly published after asOf (YYYY-MM-DD), and, when it is
// not certain, whether the period of a month or year date contains asOf so
// that it cannot tell. Both are false for a date or an as_of it cannot
// read.
func PublishedAfter(date, asOf string) (after, unsure bool) {
	t, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		return false, false
	}
	return publishedAfter(date, t)
}

// cited checks the sources an estimate (or, when what is set, an
// intervention) cites against the as_of of the state being checked. An
// estimate marked hindsight may cite later sources but needs a note, named
// noteField in the message.
func (v *validator) cited(p, actor, issue, field, what string, ids []string, hindsight bool, note, noteField string) {
	subject := "the estimate"
	if what != "" {
		subject = what
	}
	if hindsight && note == "" {
		v.addf(p+".hindsight", actor, issue, field, "%shindsight: true needs %s saying why %s needs hindsight", prefixOf(what), noteField, subject)
	}
	if !v.dates.on || hindsight {
		return
	}
	for _, id := range ids {
		date, after, straddles := v.dates.later(id)
		switch {
		case after:
			v.addf(p+".sources", actor, issue, field, "%scites source %q published %s, after %s as_of %s; cite only sources published by then, or mark %s hindsight: true with %s saying why",
				prefixOf(what), id, date, v.dates.whose, v.dates.text, subject, noteField)
		case straddles:
			v.warnf(p+".sources", actor, issue, field, "%scites source %q dated %s, a period that contains %s as_of %s: jirga cannot tell whether it was published by then; give the source its day",
				prefixOf(what), id, date, v.dates.whose, v.dates.text)
		}
	}
}

func prefixOf(what string) string {
	if what == "" {
		return ""
	}
	return what + ": "
}

// actorSources warns about sources of an actor as a whole that were
// published after the as_of: they set no number, but a reader should know.
func (v *validator) actorSources(p, actor string, ids []string) {
	if !v.dates.on {
		return
	}
	for _, id := range ids {
		if date, after, _ := v.dates.later(id); after {
			v.warnf(p, actor, "", "sources", "cites source %q published %s, after %s as_of %s", id, date, v.dates.whose, v.dates.text)
		}
	}
}

// snapshots checks the scenario's snapshots: dates in order after the
// scenario's as_of, and revisions that address an estimate the scenario
// has (or may have), with values in range and sources published by the
// snapshot's date.
func (v *validator) snapshots(s *Scenario, checkSources func(string, string, string, string, []string)) {
	if len(s.Snapshots) == 0 {
		return
	}
	if s.AsOf == "" {
		v.addf("snapshots", "", "", "snapshots", "snapshots need the scenario's as_of, the date of its first state")
	}
	prev, prevText := v.dates.asOf, "the scenario's as_of "+s.AsOf
	base := v.dates
	defer func() { v.dates = base }()
	for i, sn := range s.Snapshots {
		p := fmt.Sprintf("snapshots[%d]", i)
		if sn == nil {
			v.addf(p, "", "", "", "snapshot %d is empty", i+1)
			continue
		}
		t, err := time.Parse(time.DateOnly, sn.AsOf)
		switch {
		case sn.AsOf == "":
			v.addf(p+".as_of", "", "", "as_of", "snapshot %d has no as_of; give its date, YYYY-MM-DD", i+1)
		case err != nil:
			v.addf(p+".as_of", "", "", "as_of", "snapshot %d: as_of %q is not a date of the form YYYY-MM-DD", i+1, sn.AsOf)
		case base.on && !t.After(prev):
			v.addf(p+".as_of", "", "", "as_of", "snapshot %d: as_of %s must be after %s; list snapshots in date order, one per date", i+1, sn.AsOf, prevText)
		}
		v.dates.on = base.on && err == nil
		if err == nil {
			v.dates.asOf, v.dates.text, v.dates.whose = t, sn.AsOf, fmt.Sprintf("snapshot %d's", i+1)
			prev, prevText = t, fmt.Sprintf("snapshot %d's as_of %s", i+1, sn.AsOf)
		}
		seen := map[string]bool{}
		for j, rv := range sn.Revisions {
			v.revision(fmt.Sprintf("%s.revisions[%d]", p, j), s, rv, seen, checkSources)
		}
	}
}

// revision checks one revision of a snapshot.
func (v *validator) revision(p string, s *Scenario, rv Revision, seen map[string]bool, checkSources func(string, string, string, string, []string)) {
	if !slices.Contains(revisableFields, rv.Field) {
		v.addf(p+".field", rv.Actor, rv.Issue, "field", "field %q is not one of %s", rv.Field, strings.Join(revisableFields, ", "))
		return
	}
	if _, err := s.slot(rv.Actor, rv.Issue, rv.Field); err != nil {
		v.addf(p, rv.Actor, rv.Issue, rv.Field, "%v", err)
		return
	}
	key := rv.Actor + "\x00" + rv.Issue + "\x00" + rv.Field
	if seen[key] {
		v.addf(p, rv.Actor, rv.Issue, rv.Field, "the snapshot revises %s twice; give one revision per estimate", rv)
	}
	seen[key] = true
	if rv.Estimate == nil {
		v.addf(p+".estimate", rv.Actor, rv.Issue, rv.Field, "estimate is missing; a revision gives the new estimate, e.g. estimate: {value: 50, sources: [...]}")
		return
	}
	is := s.Issue(rv.Issue)
	r, _ := FieldRange(rv.Field, is)
	v.estimate(Input{Field: rv.Field, Actor: rv.Actor, Issue: rv.Issue, Estimate: rv.Estimate, Range: r, path: p + ".estimate"}, checkSources)
}

// HindsightMark is an estimate or an intervention marked hindsight: true.
type HindsightMark struct {
	// Actor, Issue and Field locate an estimate (Actor empty for a status
	// quo, Issue empty for a capability); Intervention names an
	// intervention instead.
	Actor        string `json:"actor,omitempty"`
	Issue        string `json:"issue,omitempty"`
	Field        string `json:"field,omitempty"`
	Intervention string `json:"intervention,omitempty"`
	// Value is the estimate's value (0 for an intervention).
	Value float64 `json:"value"`
	// Sources are the sources it cites; Later those of them published after
	// the scenario's as_of.
	Sources []string `json:"sources,omitempty"`
	Later   []string `json:"later,omitempty"`
	// Note says why the number needs hindsight.
	Note string `json:"note,omitempty"`
}

// Hindsight lists the estimates and interventions of s marked hindsight:
// estimates in the order of a sweep's draws (status quo, then actor by
// actor), then interventions in file order. It describes s as one state:
// the revisions of its snapshots are not included (use [Scenario.States]).
func (s *Scenario) Hindsight() []HindsightMark {
	d := s.dateCheck()
	var out []HindsightMark
	for in := range s.Estimates() {
		if e := in.Estimate; e.Hindsight {
			out = append(out, HindsightMark{Actor: in.Actor, Issue: in.Issue, Field: in.Field, Value: e.Value, Sources: e.Sources, Later: d.laterOf(e.Sources), Note: e.Note})
		}
	}
	for _, iv := range s.Interventions {
		if iv != nil && iv.Hindsight {
			out = append(out, HindsightMark{Intervention: iv.ID, Sources: iv.Sources, Later: d.laterOf(iv.Sources), Note: iv.Notes})
		}
	}
	return out
}

// dateCheck returns the date check of s's own as_of and sources.
func (s *Scenario) dateCheck() *dateCheck {
	d := &dateCheck{sources: map[string]string{}}
	t, err := time.Parse(time.DateOnly, s.AsOf)
	if err != nil {
		return d
	}
	d.on, d.asOf, d.text = true, t, s.AsOf
	for _, src := range s.Sources {
		if src == nil {
			continue
		}
		if _, _, ok := dateSpan(src.Date); ok {
			d.sources[src.ID] = src.Date
		}
	}
	return d
}

// laterOf returns the ids among ids of sources published after the as_of,
// or whose month or year contains it.
func (d *dateCheck) laterOf(ids []string) []string {
	if !d.on {
		return nil
	}
	var out []string
	for _, id := range ids {
		if _, after, straddles := d.later(id); after || straddles {
			out = append(out, id)
		}
	}
	return out
}
