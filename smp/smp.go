package smp

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// DefaultSeed is KTAB's default PRNG seed, used when neither the settings
// nor the scenario give one.
const DefaultSeed uint64 = 15455440707583219804

// Attribute keys under which a scenario carries KTAB's run settings (the
// KTAB importers set them; see package format).
const (
	// AttrPrefix prefixes the nine parameters: "ktab.VotingRule" = "Prop".
	AttrPrefix = "ktab."
	// AttrSeed holds the PRNG seed as a decimal uint64.
	AttrSeed = "ktab.seed"
	// AttrIdealAdjustment holds the ideal accommodation pairs as
	// "adjusting>reference=weight" separated by ";", with actor ids.
	AttrIdealAdjustment = "ktab.IdealAdjustment"
)

// Model is KTAB's Spatial Model of Politics. Each option of Settings left
// at its zero value is taken from the scenario's KTAB attributes, and
// failing that is KTAB's default; a zero Seed likewise.
type Model struct {
	Settings Settings
}

// Name returns "smp".
func (Model) Name() string { return "smp" }

// resolve merges explicit settings, the scenario's KTAB attributes and the
// defaults of the declaration (ktabOptions). A scenario without ktab.*
// attributes (the usual case, and every draw of a sweep of one) resolves
// the same for the same settings: that resolution is kept (resolved).
func (m Model) resolve(s *jirga.Scenario) (Settings, error) {
	plain := true
	for k := range s.Attributes {
		if strings.HasPrefix(k, AttrPrefix) {
			plain = false
			break
		}
	}
	if plain {
		if set, ok := resolved.Load(m.Settings); ok {
			return set.(Settings), nil
		}
	}
	set, err := m.resolveSlow(s)
	if err == nil && plain {
		resolved.Store(m.Settings, set)
	}
	return set, err
}

// resolved maps settings to their resolution on a scenario without ktab.*
// attributes; settingsNotes maps resolved settings to their note. Both
// hold one entry per distinct Settings value a process uses.
var resolved, settingsNotes sync.Map

func (m Model) resolveSlow(s *jirga.Scenario) (Settings, error) {
	set := m.Settings
	ks := option.NewSet("smp")
	set.ktabOptions(ks)
	for _, d := range ks.Options() {
		o, _ := ks.Lookup(d.Name)
		if explicit := o.Value(); explicit != "" {
			// Go callers may give any case or an enum index.
			if err := o.Parse(explicit); err != nil {
				return set, jirga.Errorf(jirga.EINVALID, "smp: %v", err)
			}
			continue
		}
		if v, ok := s.Attributes[AttrPrefix+d.Name]; ok {
			if err := o.Parse(v); err != nil {
				return set, jirga.Errorf(jirga.EINVALID, "smp: scenario attribute %s%s: %v", AttrPrefix, d.Name, err)
			}
			continue
		}
		if err := o.Parse(d.Default); err != nil {
			return set, err
		}
	}
	if set.Seed == 0 {
		set.Seed = DefaultSeed
		if set.FallbackSeed != 0 {
			set.Seed = set.FallbackSeed
		}
		if v, ok := s.Attributes[AttrSeed]; ok {
			seed, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return set, jirga.Errorf(jirga.EINVALID, "smp: scenario attribute %s %q is not an unsigned integer", AttrSeed, v)
			}
			set.Seed = seed
		}
	}
	if set.MaxTurns < 0 {
		return set, jirga.Errorf(jirga.EINVALID, "smp: turn cap %d must be ≥ 0", set.MaxTurns)
	}
	return set, nil
}

// newEngine builds the engine for t's scenario on KTAB's [0, 1] scales.
func newEngine(t *jirga.Table, set Settings) (*engine, []string, error) {
	s := t.Scenario()
	n, m := len(t.Actors), len(t.Issues)
	if n < 2 {
		return nil, nil, jirga.Errorf(jirga.EINVALID, "smp: scenario %q has %d actor(s); the model needs at least 2", s.ID, n)
	}
	if m == 0 {
		return nil, nil, jirga.Errorf(jirga.EINVALID, "smp: scenario %q has no issues", s.ID)
	}
	var notes []string
	e := &engine{n: n, m: m, workers: set.Workers}
	e.cap = slices.Clone(t.Capability)
	e.sal = make([][]float64, n)
	e.salSum = make([]float64, n)
	e.pos = make([][]float64, n)
	for k := 0; k < m; k++ {
		if _, _, pos, _ := t.Column(k); len(pos) == 0 {
			return nil, nil, jirga.Errorf(jirga.EINVALID, "smp: no actor holds a position on issue %q", t.Issues[k].ID)
		}
	}
	var scaled []string
	for i := 0; i < n; i++ {
		e.sal[i] = make([]float64, m)
		e.pos[i] = make([]float64, m)
		sum := 0.0
		for k := 0; k < m; k++ {
			e.sal[i][k] = t.Salience[i][k]
			sum += t.Salience[i][k]
		}
		if sum > 1+1e-12 {
			for k := range e.sal[i] {
				e.sal[i][k] /= sum
			}
			scaled = append(scaled, t.Actors[i].ID)
			sum = 1
		}
		e.salSum[i] = sum
	}
	e.weight = make([]float64, n)
	for k := range e.weight {
		e.weight[k] = e.salSum[k] * e.cap[k]
	}
	if len(scaled) > 0 {
		notes = append(notes, fmt.Sprintf("saliences of %s sum above 100 over the issues; each was scaled to sum to 100, as KTAB requires", strings.Join(scaled, ", ")))
	}
	var missing []string
	for k := 0; k < m; k++ {
		lo, hi := t.Min[k], t.Max[k]
		span := hi - lo
		if span <= 0 {
			span = 1
		}
		// Actors without a stance are placed at the capability × salience
		// weighted mean of the others; with salience 0 they never care.
		wm, ws := 0.0, 0.0
		for i := 0; i < n; i++ {
			if t.Has[i][k] {
				w := t.Capability[i] * t.Salience[i][k]
				wm += w * t.Position[i][k]
				ws += w
			}
		}
		fill := 0.0
		if ws > 0 {
			fill = (wm/ws - lo) / span
		}
		for i := 0; i < n; i++ {
			if t.Has[i][k] {
				e.pos[i][k] = (t.Position[i][k] - lo) / span
			} else {
				e.pos[i][k] = fill
				missing = append(missing, t.Actors[i].ID+"/"+t.Issues[k].ID)
			}
		}
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("no stance for %s: salience 0 there, placed at the capability × salience weighted mean", strings.Join(missing, ", ")))
	}
	e.idl = make([][]float64, n)
	for i := range e.pos {
		e.idl[i] = slices.Clone(e.pos[i])
	}
	if v, ok := s.Attributes[AttrIdealAdjustment]; ok && strings.TrimSpace(v) != "" {
		adj, err := parseIdealAdjustment(v, t.Actors)
		if err != nil {
			return nil, nil, err
		}
		e.adj = adj
	}
	// set is resolved: each KTAB parameter holds one of its declared
	// values, whose position in the declaration is its code.
	ks := option.NewSet("smp")
	set.ktabOptions(ks)
	code := func(name string) int {
		o, _ := ks.Lookup(name)
		v := o.Value()
		return slices.IndexFunc(o.Values, func(x option.Value) bool { return x.Name == v })
	}
	e.vpm, e.pcem, e.voting = code("VictoryProbModel"), code("PCEModel"), code("VotingRule")
	e.commit, e.interp, e.bargn = code("ThirdPartyCommit"), code("InterVecBrgn"), code("BargnModel")
	e.stochastic = set.Transitions == "Stochastic"
	e.riskAdjust, e.riskRange = set.RiskAdjust, set.RiskRange
	e.rng = rand.New(rand.NewPCG(set.Seed, 0x6b746162)) // "ktab"
	return e, notes, nil
}

// parseIdealAdjustment reads "adjusting>reference=weight;..." into the
// accommodation matrix A. As in KTAB, A starts as the identity and each pair
// overwrites its entry: a pair not given is 0 off the diagonal and 1 on it,
// so an actor the IdealAdjustment block leaves out has its ideal follow its
// own position (KTAB's log of smpExample.xml shows it; TestIdealAdjustment
// checks the turn-1 probability it gives).
func parseIdealAdjustment(v string, actors []*jirga.Actor) ([][]float64, error) {
	n := len(actors)
	idx := map[string]int{}
	for i, a := range actors {
		idx[a.ID] = i
	}
	adj := make([][]float64, n)
	for i := range adj {
		adj[i] = make([]float64, n)
		adj[i][i] = 1
	}
	for _, pair := range strings.Split(v, ";") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		lhs, w, ok1 := strings.Cut(pair, "=")
		a, b, ok2 := strings.Cut(lhs, ">")
		x, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
		ia, oka := idx[strings.TrimSpace(a)]
		ib, okb := idx[strings.TrimSpace(b)]
		if !ok1 || !ok2 || err != nil || !oka || !okb || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, jirga.Errorf(jirga.EINVALID, "smp: attribute %s: pair %q must be ADJUSTING>REFERENCE=WEIGHT with actor ids and a number", AttrIdealAdjustment, pair)
		}
		adj[ia][ib] = x
	}
	return adj, nil
}

// Forecast runs the model on s until KTAB's stopping rule or the turn cap.
func (m Model) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.ForecastTable(ctx, s.Table(), jirga.DetailAll)
}

// ForecastTable implements jirga.Tabular: Forecast from the table of the
// scenario. With jirga.DetailNone it records no turn: of each turn it keeps
// only the outcome (the election over the distinct positions that gives
// its probabilities), on which whether the run settled is judged.
func (m Model) ForecastTable(ctx context.Context, t *jirga.Table, d jirga.Detail) (*jirga.Result, error) {
	s := t.Scenario()
	set, err := m.resolve(s)
	if err != nil {
		return nil, err
	}
	e, notes, err := newEngine(t, set)
	if err != nil {
		return nil, err
	}
	maxTurns := set.MaxTurns
	if maxTurns == 0 {
		maxTurns = defaultMaxTurns
	}
	e.ctx = ctx
	out := newOutput(s, e)
	out.keep = d > jirga.DetailNone
	e.keep = out.keep
	e.computeDistances()
	e.computeRisk()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out.state(0, nil, nil)
	start := clonePos(e.pos)
	prev, spare := start, clonePos(e.pos) // the positions before the turn, and a buffer
	d01 := 0.0
	converged := false
	for turn := 1; turn <= maxTurns; turn++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tr := e.step()
		e.computeDistances()
		e.computeRisk()
		if err := ctx.Err(); err != nil {
			return nil, err // the turn was cut short
		}
		if turn == 1 {
			d01 = sdist(start, e.pos)
		}
		change := sdist(prev, e.pos) / (d01 + 1e-4)
		out.state(turn, &tr, &change)
		if turn == 1 {
			prev = spare // start is no longer needed
		}
		for i := range prev {
			copy(prev[i], e.pos[i])
		}
		if turn >= 2 && change < stopRatio {
			converged = true
			break
		}
	}
	r := out.result(converged)
	if err := ctx.Err(); err != nil {
		return nil, err // the output's elections were cut short
	}
	r.Notes = append(r.Notes, settingsNote(set))
	r.Notes = append(r.Notes, notes...)
	return r, nil
}

func settingsNote(set Settings) string {
	if note, ok := settingsNotes.Load(set); ok {
		return note.(string)
	}
	note := settingsNoteOf(set)
	settingsNotes.Store(set, note)
	return note
}

func settingsNoteOf(set Settings) string {
	ks := option.NewSet("smp")
	set.ktabOptions(ks)
	var parts []string
	for _, d := range ks.Options() {
		o, _ := ks.Lookup(d.Name)
		parts = append(parts, d.Name+"="+o.Value())
	}
	return "KTAB parameters: " + strings.Join(parts, ", ") + "; seed " + strconv.FormatUint(set.Seed, 10)
}

func clonePos(p [][]float64) [][]float64 {
	out := make([][]float64, len(p))
	for i := range p {
		out[i] = slices.Clone(p[i])
	}
	return out
}
