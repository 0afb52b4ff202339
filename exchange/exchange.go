package exchange

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/option"
)

// Update rules for the exchanges left in a round after one is executed.
const (
	// UpdateRecalculate recalculates, from the current voting positions,
	// every remaining exchange that involves a moved (actor, issue) cell, and
	// drops those no longer feasible.
	UpdateRecalculate = "recalculate"
	// UpdateDrop drops every remaining exchange that shares a supply cell
	// (an actor and the issue it supplies) with the executed one and keeps
	// the others as computed at the start of the round: each actor supplies
	// each issue at most once per round.
	UpdateDrop = "drop"
)

// Within-round rules: what happens to the other exchanges of a round when
// one is executed.
const (
	// WithinDecide is the rule of Decide, the exchange model's reference
	// implementation (used for Stokman and Thomson's forecasts), as its
	// published runs show it: the exchanges of the round are built once from
	// the start positions; after each execution the pending exchanges in
	// which an actor supplies an issue it has just moved on are recalculated
	// from its new voting position, against their own view of the outcomes
	// (the start outcomes moved by the cells each was told about), and that
	// position may move again. See docs/models/exchange.md for how far this
	// reproduces Decide's runs.
	WithinDecide = "decide"
	// WithinStart keeps every outcome at its start-of-round value for the
	// whole round (jirga's rule before issue 15); Model.Update says what
	// happens to the pending exchanges.
	WithinStart = "start"
)

// Position scales.
const (
	// ScalePercent measures positions as a percentage of the issue's scale,
	// as Decide does (its #M anchors), so that moves and gains are
	// comparable across issues whatever their units.
	ScalePercent = "percent"
	// ScaleGiven uses the positions as given (jirga before issue 15).
	ScaleGiven = "given"
)

// Exchange rates.
const (
	// RateEqual splits the gain equally (Stokman & Van Oosten 1994).
	RateEqual = "equal"
	// RateRandom draws the rate between the two actors' indifference rates
	// (Dijkstra et al. 2018), from the seeded source.
	RateRandom = "random"
)

// Defaults.
const (
	DefaultRounds         = 10
	DefaultFixedWeight    = 0.1
	DefaultSalienceWeight = 0.4
)

// Model is the exchange model. The zero value is the equal-gain model with
// the defaults: 10 rounds, Decide's within-round rule, positions on the
// percent scale, w = 0.1 + 0.4(1 − s).
type Model struct {
	// Rounds is the number of rounds; 0 means DefaultRounds.
	Rounds int
	// WithinRound is WithinDecide ("" means it) or WithinStart.
	WithinRound string
	// Update is UpdateRecalculate ("" means it) or UpdateDrop; it applies
	// to WithinStart only.
	Update string
	// Scale is ScalePercent ("" means it) or ScaleGiven.
	Scale string
	// Rate is RateEqual ("" means it) or RateRandom.
	Rate string
	// Seed seeds RateRandom.
	Seed uint64
	// FixedWeight and SalienceWeight set w = FixedWeight +
	// SalienceWeight·(1 − s) in the update between rounds; nil means the
	// defaults 0.1 and 0.4.
	FixedWeight, SalienceWeight *float64
}

// Name returns "exchange".
func (Model) Name() string { return "exchange" }

// Sources of the option values, for jirga models.
const (
	citeStokman94 = "Stokman & Van Oosten (1994)"
	citeDecide    = "Decide (Stokman & Thomson 2015), its runs in docs/models/exchange.md"
	citeWeights   = "Stokman & Thomson (2015), Decide's FIXED_WEIGHT and SALIENCE_WEIGHT"
	citeOwn       = "this project, docs/models/exchange.md"
)

// options declares the exchange model's options, bound to m. It is the one
// list of them: jirga models, the command line and the HTTP API read it.
func (m *Model) options() *option.Set {
	s := option.NewSet("exchange")
	s.Choice(&m.WithinRound, "within_round", WithinDecide, "what happens within a round after an exchange is executed", citeStokman94,
		option.Value{Name: WithinDecide, Doc: "execute the best exchange; recalculate the pending ones whose supplier moved, against their own view of the outcomes; positions may move again", Cite: citeDecide},
		option.Value{Name: WithinStart, Doc: "outcomes stay at their start-of-round values all round; update says what happens to the pending exchanges", Cite: citeOwn})
	s.Choice(&m.Update, "update", UpdateRecalculate, "under within_round=start only: what happens to the round's other exchanges after one is executed", citeStokman94,
		option.Value{Name: UpdateRecalculate, Doc: "recalculate those touching a moved position, drop the ones no longer feasible", Cite: citeStokman94},
		option.Value{Name: UpdateDrop, Doc: "drop those sharing an actor and supply issue; each actor supplies each issue once a round", Cite: citeOwn})
	s.Choice(&m.Scale, "scale", ScalePercent, "the scale on which positions move and gains are measured", citeDecide,
		option.Value{Name: ScalePercent, Doc: "a percentage of each issue's scale, so that moves and gains compare across issues", Cite: citeDecide},
		option.Value{Name: ScaleGiven, Doc: "the positions as given, in each issue's own units", Cite: citeOwn})
	s.Choice(&m.Rate, "rate", RateEqual, "the rate at which two actors exchange", citeStokman94,
		option.Value{Name: RateEqual, Doc: "equal gains", Cite: citeStokman94},
		option.Value{Name: RateRandom, Doc: "a rate drawn (with --seed) between the two actors' indifference rates", Cite: "Dijkstra et al. (2018)"})
	s.OptFloat(&m.FixedWeight, "fixed_weight", "0.1", "w = fixed_weight + salience_weight·(1 − s) in x′ = (1 − w)x + w·y between rounds", citeWeights, 0, 1)
	s.OptFloat(&m.SalienceWeight, "salience_weight", "0.4", "see fixed_weight; their sum must be ≤ 1", citeWeights, 0, 1)
	return s
}

// Options returns the declarations of the exchange model's options.
func Options() []option.Option { return new(Model).options().Options() }

// FromOptions returns the model with c.Rounds rounds, seed c.Seed and the
// options in params (see [Options]); it rejects unknown options and bad
// values, also in combination, with jirga.EINVALID.
func FromOptions(c option.Common, params map[string]string) (jirga.Model, error) {
	m := Model{Rounds: c.Rounds, Seed: c.Seed}
	if err := m.options().Parse(params); err != nil {
		return nil, err
	}
	if _, _, _, err := m.settings(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m Model) settings() (rounds int, fw, sw float64, err error) {
	rounds = m.Rounds
	if rounds == 0 {
		rounds = DefaultRounds
	}
	if rounds < 0 {
		return 0, 0, 0, jirga.Errorf(jirga.EINVALID, "exchange: rounds must be ≥ 0, got %d", rounds)
	}
	// Go callers set the fields directly: check their values against the
	// declaration, with its messages.
	if err := m.options().Check(); err != nil {
		return 0, 0, 0, err
	}
	if m.Update != "" && m.WithinRound != WithinStart {
		return 0, 0, 0, jirga.Errorf(jirga.EINVALID, "exchange: update=%s applies to within_round=start only", m.Update)
	}
	fw, sw = DefaultFixedWeight, DefaultSalienceWeight
	if m.FixedWeight != nil {
		fw = *m.FixedWeight
	}
	if m.SalienceWeight != nil {
		sw = *m.SalienceWeight
	}
	if !(fw >= 0 && sw >= 0 && fw+sw <= 1) {
		return 0, 0, 0, jirga.Errorf(jirga.EINVALID, "exchange: fixed_weight %g and salience_weight %g must be ≥ 0 with a sum ≤ 1", fw, sw)
	}
	return rounds, fw, sw, nil
}

// Forecast implements jirga.Model.
func (m Model) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	rounds, fw, sw, err := m.settings()
	if err != nil {
		return nil, err
	}
	t := s.Table()
	st, err := newState(t, m.Scale != ScaleGiven)
	if err != nil {
		return nil, err
	}
	st.drop = m.Update == UpdateDrop
	st.decide = m.WithinRound != WithinStart
	st.ctx = ctx
	if m.Rate == RateRandom {
		st.rng = rand.New(rand.NewPCG(m.Seed, 0x65786368616e6765)) // "exchange"
	}
	r := &jirga.Result{Model: m.Name(), Status: jirga.StatusRoundLimit}
	for _, k := range st.fallback {
		r.Notes = append(r.Notes, fmt.Sprintf("issue %q: every salience is 0, so capability alone weights the outcome and nobody trades it", t.Issues[k].ID))
	}
	for round := 1; round <= rounds; round++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ex, capped, err := st.round(ctx)
		if err != nil {
			return nil, err
		}
		if capped {
			r.Notes = append(r.Notes, fmt.Sprintf("round %d stopped after %d exchanges (n·m), the guard against cycles", round, len(ex)))
		}
		voting := st.outcomes(st.y)
		// x′ = (1 − w)x + w·y, w = fw + sw(1 − s); on the percent scale the
		// update is the same (it is linear).
		for i := range st.n {
			for k := range st.m {
				if !t.Has[i][k] {
					continue
				}
				w := fw + sw*(1-t.Salience[i][k])
				st.x[i][k] = (1-w)*st.x[i][k] + w*st.y[i][k]
			}
		}
		st.o = st.outcomes(st.x)
		r.Rounds = append(r.Rounds, jirga.Round{
			Round:     round,
			Positions: st.positions(),
			Outcome:   st.issueMap(st.o),
			Trace:     &Trace{Exchanges: ex, VotingOutcome: st.issueMap(voting)},
		})
		if len(ex) == 0 {
			r.Status = jirga.StatusConverged
			break
		}
	}
	if st.ties > 0 {
		total := 0
		for _, rd := range r.Rounds {
			total += len(TraceOf(rd).Exchanges)
		}
		r.Notes = append(r.Notes, fmt.Sprintf("%d of the %d exchanges were chosen among exchanges of equal gain by the order of actors and issues in the input (Decide breaks such ties at random unless its ALLOW_RANDOM is off)", st.ties, total))
	}
	for k, is := range t.Issues {
		f := st.given(k, st.o[k])
		r.Issues = append(r.Issues, jirga.IssueForecast{Issue: is.ID, Forecast: f, Anchor: is.NearestAnchor(f)})
	}
	return r, nil
}

// state is the model's working data for one run.
type state struct {
	t        *jirga.Table
	n, m     int
	w        [][]float64 // c·s per actor and issue (0 without a stance)
	wsum     []float64   // Σ c·s per issue
	fallback []int       // issues where every c·s is 0
	tol      []float64   // 1e-9 × scale width per issue
	x, y     [][]float64 // start and voting positions, on the model's scale
	o        []float64   // outcomes of x
	// known holds, under within_round=decide, by candidate id, the cells
	// (other than its own suppliers') that a pending exchange was told
	// about when an executed exchange recalculated it: that exchange's
	// other moved cell, if it lies on one of its issues. Its view of the
	// outcomes is built from them (outcomeWith). Reset every round.
	known  map[int32][]knownCell
	lo, f  []float64 // model scale = (position − lo)·f per issue
	side   [][]int8  // side of x relative to o: -1, 0, +1
	drop   bool
	decide bool
	rng    *rand.Rand
	// ctx, when set, is polled once per actor of each enumeration row
	// and every 256 heap entries, so that a cancel takes effect within a
	// fraction of a round; a round cut short is discarded.
	ctx context.Context

	cands []cand
	cells [][]int32 // candidate ids per (actor·m + issue) cell
	h     candHeap
	stale int // entries in h whose candidate is done or recalculated
	ties  int // exchanges chosen among equal gains by the order of the input
}

// newState prepares a run. With percent, positions are measured in percent
// of each issue's scale, (x − min)·100/(max − min); otherwise as given.
func newState(t *jirga.Table, percent bool) (*state, error) {
	n, m := len(t.Actors), len(t.Issues)
	st := &state{t: t, n: n, m: m, wsum: make([]float64, m), tol: make([]float64, m),
		lo: make([]float64, m), f: make([]float64, m)}
	st.w = grid(n, m)
	st.x = grid(n, m)
	st.y = grid(n, m)
	st.side = make([][]int8, n)
	for i := range st.side {
		st.side[i] = make([]int8, m)
	}
	for k := range m {
		st.f[k] = 1
		if width := t.Max[k] - t.Min[k]; percent && width > 0 {
			st.lo[k], st.f[k] = t.Min[k], 100/width
		}
		st.tol[k] = 1e-9 * (t.Max[k] - t.Min[k]) * st.f[k]
		has := false
		for i := range n {
			if !t.Has[i][k] {
				st.x[i][k] = math.NaN()
				continue
			}
			has = true
			st.x[i][k] = (t.Position[i][k] - st.lo[k]) * st.f[k]
			st.w[i][k] = t.Power[i][k] * t.Salience[i][k]
			st.wsum[k] += st.w[i][k]
		}
		if !has {
			return nil, jirga.Errorf(jirga.EINVALID, "exchange: issue %q: no actor holds a position on it", t.Issues[k].ID)
		}
		if st.wsum[k] <= 0 {
			st.fallback = append(st.fallback, k)
		}
	}
	st.o = st.outcomes(st.x)
	return st, nil
}

func grid(n, m int) [][]float64 {
	flat := make([]float64, n*m)
	g := make([][]float64, n)
	for i := range g {
		g[i] = flat[i*m : (i+1)*m : (i+1)*m]
	}
	return g
}

// outcomes returns O_k = Σ c s x / Σ c s for each issue of positions x, or the
// capability-weighted mean where every c·s is 0.
func (st *state) outcomes(x [][]float64) []float64 {
	o := make([]float64, st.m)
	for k := range st.m {
		o[k] = st.outcome(x, k)
	}
	return o
}

// given converts a position or outcome on issue k from the model's scale
// back to the issue's own scale (the identity for ScaleGiven, and for a
// 0–100 scale).
func (st *state) given(k int, v float64) float64 {
	if st.f[k] == 1 {
		return st.lo[k] + v
	}
	return st.lo[k] + v/st.f[k]
}

// outcome returns O_k of positions x (see outcomes).
func (st *state) outcome(x [][]float64, k int) float64 {
	num, den := 0.0, 0.0
	fb := st.wsum[k] <= 0
	for i := range st.n {
		if !st.t.Has[i][k] {
			continue
		}
		w := st.w[i][k]
		if fb {
			w = st.t.Power[i][k]
		}
		num += w * x[i][k]
		den += w
	}
	return num / den
}

func (st *state) positions() map[string]map[string]float64 {
	out := make(map[string]map[string]float64, st.n)
	for i, a := range st.t.Actors {
		pm := map[string]float64{}
		for k, is := range st.t.Issues {
			if st.t.Has[i][k] {
				pm[is.ID] = st.given(k, st.x[i][k])
			}
		}
		out[a.ID] = pm
	}
	return out
}

func (st *state) issueMap(v []float64) map[string]float64 {
	out := make(map[string]float64, st.m)
	for k, is := range st.t.Issues {
		out[is.ID] = st.given(k, v[k])
	}
	return out
}

// cand is a possible exchange: j supplies p (moves on p towards i) and i
// supplies q (moves on q towards j).
type cand struct {
	j, i       int32
	p, q       int32
	version    int32
	done       bool // executed or dropped
	dirP, dirQ int8 // directions of j's move on p and i's on q when enumerated
	u          float64
	// Computed values.
	dp, dq float64
	yj, yi float64 // j's new position on p, i's new position on q
	gainI  float64
	gainJ  float64
	gain   float64 // ranking key: the smaller of the two gains
}

// compute evaluates c against the current voting positions y and the
// round's outcomes; it reports whether the exchange is feasible.
func (st *state) compute(c *cand) bool {
	j, i, p, q := int(c.j), int(c.i), int(c.p), int(c.q)
	y, o := st.y, st.o
	sideOf := func(a, k int) int8 {
		d := y[a][k] - o[k]
		switch {
		case d > st.tol[k]:
			return 1
		case d < -st.tol[k]:
			return -1
		}
		return 0
	}
	sjp, sjq := sideOf(j, p), sideOf(j, q)
	sip, siq := sideOf(i, p), sideOf(i, q)
	if sjp == 0 || sjq == 0 || sjp != -sip || sjq != -siq {
		return false
	}
	return st.size(c, y[j][p], y[i][p], y[i][q], y[j][q], o[p], o[q])
}

// computeDecide evaluates c under Decide's within-round rule: each supplier
// moves from its current voting position towards its partner's start
// position, against the exchange's own view of the outcomes (outcomeWith).
// The sides are those of the round's start (no side is checked again); an
// exchange whose supplier has passed its partner is infeasible.
func (st *state) computeDecide(c *cand, known []knownCell) bool {
	j, i, p, q := int(c.j), int(c.i), int(c.p), int(c.q)
	xjp, xiq := st.y[j][p], st.y[i][q]
	xip, xjq := st.x[i][p], st.x[j][q]
	if !(float64(c.dirP)*(xip-xjp) > 0) || !(float64(c.dirQ)*(xjq-xiq) > 0) {
		return false
	}
	return st.size(c, xjp, xip, xiq, xjq, st.outcomeWith(p, j, known), st.outcomeWith(q, i, known))
}

// knownCell is a position an exchange was told about: actor a's voting
// position v on issue k.
type knownCell struct {
	a, k int32
	v    float64
}

// record returns known with cell c added, or updated if it is there; cells
// off the issues p and q of the exchange that learns them are left out.
func record(known []knownCell, p, q int32, c knownCell) []knownCell {
	if c.k != p && c.k != q {
		return known
	}
	for n := range known {
		if known[n].a == c.a && known[n].k == c.k {
			known[n].v = c.v
			return known
		}
	}
	return append(known, c)
}

// outcomeWith is an exchange's view of the outcome of issue k, supplied by
// its actor s: the outcome at the round's start positions, moved by the
// shift of s's own position on k (which can only have moved in exchanges
// that recalculated it, so its view is current) and by the shifts of the
// other cells the exchange was told about (known), at the positions they
// had then: O_k + Σ c·s·(v − x)/Σ c·s.
func (st *state) outcomeWith(k, s int, known []knownCell) float64 {
	o := st.o[k] + st.w[s][k]*(st.y[s][k]-st.x[s][k])/st.wsum[k]
	for _, c := range known {
		if int(c.k) == k {
			a := int(c.a)
			o += st.w[a][k] * (c.v - st.x[a][k]) / st.wsum[k]
		}
	}
	return o
}

// size computes the moves and gains of c: j at xjp supplies p towards xip,
// i at xiq supplies q towards xjq, with outcomes op and oq.
func (st *state) size(c *cand, xjp, xip, xiq, xjq, op, oq float64) bool {
	j, i, p, q := int(c.j), int(c.i), int(c.p), int(c.q)
	wjp, wiq := st.w[j][p], st.w[i][q]
	if wjp <= 0 || wiq <= 0 {
		return false
	}
	sal := st.t.Salience
	Sjp, Sjq, Sip, Siq := sal[j][p], sal[j][q], sal[i][p], sal[i][q]
	var r float64
	if c.u < 0 {
		r = (Sip + Sjp) / (Siq + Sjq)
	} else {
		rj, ri := Sjp/Sjq, Sip/Siq
		r = rj + c.u*(ri-rj)
	}
	b1 := math.Abs(xjp-xip) * wjp / st.wsum[p]
	b2 := math.Abs(xiq-xjq) * wiq / st.wsum[q] / r
	var b3, b4 float64
	if st.decide {
		// Decide clips a move only while the outcome has not yet passed the
		// demander: a distance the wrong way (the outcome already beyond
		// the demander's position) sets no bound.
		b3 = math.Copysign(1, xip-xjp) * (xip - op)
		b4 = math.Copysign(1, xjq-xiq) * (xjq - oq) / r
		if !(b3 > 0) {
			b3 = math.Inf(1)
		}
		if !(b4 > 0) {
			b4 = math.Inf(1)
		}
	} else {
		b3 = math.Abs(op - xip)
		b4 = math.Abs(oq-xjq) / r
	}
	dp := min(b1, b2, b3, b4)
	dq := r * dp
	gi := dp*Sip - dq*Siq
	gj := dq*Sjq - dp*Sjp
	g := min(gi, gj)
	if !(dp > st.tol[p]) || !(g > max(st.tol[p], st.tol[q])) {
		return false
	}
	c.dp, c.dq, c.gainI, c.gainJ, c.gain = dp, dq, gi, gj, g
	if dp == b1 {
		c.yj = xip
	} else {
		c.yj = xjp + math.Copysign(dp*st.wsum[p]/wjp, xip-xjp)
	}
	if dp == b2 {
		c.yi = xjq
	} else {
		c.yi = xiq + math.Copysign(dq*st.wsum[q]/wiq, xjq-xiq)
	}
	return true
}

// round runs one round from st.x and returns the executed exchanges.
func (st *state) round(ctx context.Context) ([]Exchange, bool, error) {
	for i := range st.n {
		copy(st.y[i], st.x[i])
	}
	if st.decide {
		clear(st.known)
		if st.known == nil {
			st.known = map[int32][]knownCell{}
		}
	}
	st.enumerate()
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	var out []Exchange
	limit := st.n * st.m
	capped := false
	for pops := 1; len(st.h) > 0; pops++ {
		if pops%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
		}
		if st.stale > len(st.h)/2 {
			if st.compact(); len(st.h) == 0 {
				break
			}
		}
		e := st.h.pop()
		c := &st.cands[e.id]
		if c.done || c.version != e.version {
			st.stale--
			continue
		}
		if !st.drop && !st.decide && len(out) >= limit {
			capped = true
			break
		}
		c.done = true
		if st.tiedTop(&e) {
			st.ties++
		}
		j, i, p, q := int(c.j), int(c.i), int(c.p), int(c.q)
		// The supply cells have not moved since c was computed (a move
		// recalculates or drops c), so y holds the positions before.
		fromJ, fromI := st.y[j][p], st.y[i][q]
		st.y[j][p] = c.yj
		st.y[i][q] = c.yi
		a, is := st.t.Actors, st.t.Issues
		out = append(out, Exchange{
			Supplier: a[j].ID, SupplyIssue: is[p].ID, SupplyFrom: st.given(p, fromJ), SupplyTo: st.given(p, c.yj),
			Demander: a[i].ID, DemandIssue: is[q].ID, DemandFrom: st.given(q, fromI), DemandTo: st.given(q, c.yi),
			Gain: c.gain, SupplyShift: c.dp / st.f[p], DemandShift: c.dq / st.f[q],
			SupplierGain: c.gainJ, DemanderGain: c.gainI,
		})
		st.touch(j, p, j, p, i, q)
		st.touch(i, q, j, p, i, q)
	}
	return out, capped, nil
}

// tiedTop reports whether the best live exchange left in the heap has the
// same gain as e (within the 1e-9 tie tolerance of before): e was then
// chosen by the order of the input. Stale entries on top are discarded, as
// popping them would.
func (st *state) tiedTop(e *entry) bool {
	for len(st.h) > 0 {
		top := &st.h[0]
		if c := &st.cands[top.id]; !c.done && c.version == top.version {
			d := e.gain - top.gain
			t := 1e-9 * max(e.gain, top.gain)
			return d <= t && d >= -t
		}
		st.h.pop()
		st.stale--
	}
	return false
}

// touch updates the remaining exchanges that involve the moved cell (a, k)
// after the exchange with supply cells (j, p) and (i, q) was executed.
// Under Decide's rule only the exchanges in which a supplies k are
// recalculated, against their own view of the outcomes, which now includes
// the two cells just moved; the others keep the values they have.
func (st *state) touch(a, k, j, p, i, q int) {
	list := st.cells[a*st.m+k]
	live := list[:0] // dead candidates leave the list, so later touches are cheaper
	for _, id := range list {
		c := &st.cands[id]
		if c.done {
			continue
		}
		switch {
		case st.decide && !(int(c.j) == a && int(c.p) == k) && !(int(c.i) == a && int(c.q) == k):
			// a only demands k here: the exchange keeps its values.
			live = append(live, id)
			continue
		case st.drop:
			cj, cp, ci, cq := int(c.j), int(c.p), int(c.i), int(c.q)
			if (cj == j && cp == p) || (cj == i && cp == q) || (ci == j && cq == p) || (ci == i && cq == q) {
				c.done = true
				st.stale++
				continue
			}
			live = append(live, id)
			continue
		}
		st.stale++
		ok := false
		if st.decide {
			// c learns where the executed exchange moved its other cell;
			// (a, k), the cell of c's own supplier, is read from y.
			other := knownCell{int32(j), int32(p), st.y[j][p]}
			if a == j && k == p {
				other = knownCell{int32(i), int32(q), st.y[i][q]}
			}
			kc := record(st.known[id], c.p, c.q, other)
			if kc != nil {
				st.known[id] = kc
			}
			ok = st.computeDecide(c, kc)
		} else {
			ok = st.compute(c)
		}
		if !ok {
			c.done = true
			continue
		}
		c.version++
		st.h.push(entry{gain: c.gain, id: id, version: c.version, key: c.key()})
		live = append(live, id)
	}
	st.cells[a*st.m+k] = live
}

// compact drops the stale entries from the heap: cheaper than popping them
// one by one, as most candidates of a round die before they reach the top.
func (st *state) compact() {
	live := st.h[:0]
	for _, e := range st.h {
		if c := &st.cands[e.id]; !c.done && c.version == e.version {
			live = append(live, e)
		}
	}
	st.h = live
	st.stale = 0
	st.h.init()
}

// enumerate lists every feasible exchange of the round's start positions.
func (st *state) enumerate() {
	st.cands = st.cands[:0]
	if st.cells == nil {
		st.cells = make([][]int32, st.n*st.m)
	}
	for c := range st.cells {
		st.cells[c] = st.cells[c][:0]
	}
	st.h = st.h[:0]
	st.stale = 0
	t := st.t
	for i := range st.n {
		for k := range st.m {
			st.side[i][k] = 0
			if !t.Has[i][k] {
				continue
			}
			d := st.x[i][k] - st.o[k]
			if d > st.tol[k] {
				st.side[i][k] = 1
			} else if d < -st.tol[k] {
				st.side[i][k] = -1
			}
		}
	}
	// groups[g]: actors with side (+,+), (+,−), (−,+), (−,−) on (p, q).
	var groups [4][]int
	for p := range st.m {
		for q := p + 1; q < st.m; q++ {
			for g := range groups {
				groups[g] = groups[g][:0]
			}
			for a := range st.n {
				sp, sq := st.side[a][p], st.side[a][q]
				if sp == 0 || sq == 0 {
					continue
				}
				g := 0
				if sp < 0 {
					g += 2
				}
				if sq < 0 {
					g++
				}
				groups[g] = append(groups[g], a)
			}
			// A↔D and B↔C, in actor order of the pair for determinism.
			st.pairs(groups[0], groups[3], p, q)
			st.pairs(groups[1], groups[2], p, q)
		}
	}
	st.h.init()
}

func (st *state) pairs(as, bs []int, p, q int) {
	sal := st.t.Salience
	for _, a := range as {
		if st.ctx != nil && st.ctx.Err() != nil {
			return
		}
		for _, b := range bs {
			// j has the smaller s_p/s_q: s_jp·s_iq < s_ip·s_jq.
			l, r := sal[a][p]*sal[b][q], sal[b][p]*sal[a][q]
			var j, i int
			switch {
			case l < r:
				j, i = a, b
			case r < l:
				j, i = b, a
			default:
				continue // equal ratios: no gain
			}
			c := cand{j: int32(j), i: int32(i), p: int32(p), q: int32(q), u: -1,
				dirP: sign(st.x[i][p] - st.x[j][p]), dirQ: sign(st.x[j][q] - st.x[i][q])}
			if st.rng != nil {
				c.u = st.rng.Float64()
			}
			if !st.compute(&c) {
				continue
			}
			id := int32(len(st.cands))
			st.cands = append(st.cands, c)
			st.h = append(st.h, entry{gain: c.gain, id: id, key: c.key()})
			for _, cell := range [4]int{j*st.m + p, j*st.m + q, i*st.m + p, i*st.m + q} {
				st.cells[cell] = append(st.cells[cell], id)
			}
		}
	}
}

func sign(v float64) int8 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// key orders tied exchanges: supplier j, supply issue p, partner i, issue q.
func (c *cand) key() uint64 {
	return uint64(c.j)<<44 | uint64(c.p)<<32 | uint64(c.i)<<12 | uint64(c.q)
}

type entry struct {
	gain    float64
	key     uint64
	id      int32
	version int32
}

// candHeap is a max-heap on gain; gains within a relative 1e-9 tie and are
// ordered by key. It is typed (no container/heap) because popping every
// candidate of a round dominates the run time.
type candHeap []entry

// before reports whether entry a comes before entry b.
func before(a, b *entry) bool {
	d := a.gain - b.gain
	if t := 1e-9 * max(a.gain, b.gain); d > t || d < -t {
		return d > 0
	}
	return a.key < b.key
}

func (h candHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *candHeap) push(e entry) {
	*h = append(*h, e)
	h.up(len(*h) - 1)
}

func (h *candHeap) pop() entry {
	old := *h
	n := len(old) - 1
	top := old[0]
	old[0] = old[n]
	*h = old[:n]
	h.down(0)
	return top
}

func (h candHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !before(&h[i], &h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (h candHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && before(&h[r], &h[l]) {
			c = r
		}
		if !before(&h[c], &h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
