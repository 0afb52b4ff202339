package exchange

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

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
	// declaration, with its messages (unless every one is a declared
	// choice and no weight is set, which the check would pass: building
	// the declaration costs a sweep's draw more than a small run).
	if !m.declared() {
		if err := m.options().Check(); err != nil {
			return 0, 0, 0, err
		}
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

// declared reports whether every option field holds one of its declared
// values ("" or a named choice) and the weights are unset.
func (m Model) declared() bool {
	return (m.WithinRound == "" || m.WithinRound == WithinDecide || m.WithinRound == WithinStart) &&
		(m.Update == "" || m.Update == UpdateRecalculate || m.Update == UpdateDrop) &&
		(m.Scale == "" || m.Scale == ScalePercent || m.Scale == ScaleGiven) &&
		(m.Rate == "" || m.Rate == RateEqual || m.Rate == RateRandom) &&
		m.FixedWeight == nil && m.SalienceWeight == nil
}

// Forecast implements jirga.Model.
func (m Model) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.ForecastTable(ctx, s.Table(), jirga.DetailAll)
}

// ForecastTable implements jirga.Tabular: Forecast from the table of the
// scenario. With jirga.DetailNone it records no round, and no exchange
// (it counts them).
func (m Model) ForecastTable(ctx context.Context, t *jirga.Table, d jirga.Detail) (*jirga.Result, error) {
	rounds, fw, sw, err := m.settings()
	if err != nil {
		return nil, err
	}
	st, err := newState(t, m.Scale != ScaleGiven)
	if err != nil {
		return nil, err
	}
	defer func() { // the round buffers back to the pool (see newState)
		bufPool.Put(st.roundBufs)
		st.roundBufs = nil
	}()
	st.keep = d > jirga.DetailNone
	st.drop = m.Update == UpdateDrop
	st.decide = m.WithinRound != WithinStart
	st.ctx = ctx
	if m.Rate == RateRandom {
		st.rng = rand.New(rand.NewPCG(m.Seed, 0x65786368616e6765)) // "exchange"
	}
	r := &jirga.Result{Model: m.Name()}
	y := make([][]float64, len(t.Issues)) // each issue's outcome after each round
	// One array for the series of a usual run (sweeps run thousands).
	if c := min(rounds, 32); c > 0 {
		flat := make([]float64, len(y)*c)
		for k := range y {
			y[k] = flat[k*c : k*c : (k+1)*c]
		}
	}
	stopped := false
	for _, k := range st.fallback {
		r.Notes = append(r.Notes, fmt.Sprintf("issue %q: every salience is 0, so capability alone weights the outcome and nobody trades it", t.Issues[k].ID))
	}
	total := 0 // exchanges executed
	for round := 1; round <= rounds; round++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ex, executed, capped, err := st.round(ctx)
		if err != nil {
			return nil, err
		}
		total += executed
		if capped {
			r.Notes = append(r.Notes, fmt.Sprintf("round %d stopped after %d exchanges (n·m), the guard against cycles", round, executed))
		}
		var voting []float64
		if st.keep {
			voting = st.outcomes(st.y)
		}
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
		for k := range st.o { // st.o is read by nothing kept from the round
			st.o[k] = st.outcome(st.x, k)
		}
		// The outcome series is kept whatever is recorded: the settle
		// judgement below reads every round's outcome (sweeps record none).
		for k := range y {
			y[k] = append(y[k], st.given(k, st.o[k]))
		}
		if st.keep {
			r.Rounds = append(r.Rounds, jirga.Round{
				Round:     round,
				Positions: st.positions(),
				Outcome:   st.issueMap(st.o),
				Trace:     &Trace{Exchanges: ex, VotingOutcome: st.issueMap(voting)},
			})
		}
		if executed == 0 {
			stopped = true // no trade is left: later rounds would repeat this one
			break
		}
	}
	if st.ties > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d of the %d exchanges were chosen among exchanges of equal gain by the order of actors and issues in the input (Decide breaks such ties at random unless its ALLOW_RANDOM is off)", st.ties, total))
	}
	// Each issue's outcome is judged over the rounds (jirga.JudgeSettle):
	// the forecast is the last round's when it settled, else the middle of
	// its range over the last rounds.
	var settles []jirga.Settle
	if len(t.Issues) > 0 { // sized: sweeps run this every draw
		settles, r.Issues = make([]jirga.Settle, 0, len(t.Issues)), make([]jirga.IssueForecast, 0, len(t.Issues))
	}
	for k, is := range t.Issues {
		if len(y[k]) == 0 {
			y[k] = append(y[k], st.given(k, st.o[k])) // no round
		}
		f, jd := is.Judge(y[k], stopped)
		settles = append(settles, jd)
		r.Issues = append(r.Issues, f)
	}
	r.Status = jirga.SettleStatus(settles)
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
	lo, f    []float64   // model scale = (position − lo)·f per issue
	side     [][]int8    // side of x relative to o: -1, 0, +1
	drop     bool
	decide   bool
	keep     bool // record the exchanges (else only count them)
	rng      *rand.Rand
	// ctx, when set, is polled once per actor of each enumeration row
	// and every 256 heap entries, so that a cancel takes effect within a
	// fraction of a round; a round cut short is discarded.
	ctx context.Context

	// The round's buffers, taken from bufPool for the run.
	*roundBufs
	u     []float64 // per slot: the random rate (RateRandom only)
	stale int       // entries in h whose candidate is done or recalculated
	ties  int       // exchanges chosen among equal gains by the order of the input
}

// bufPool keeps the round buffers of finished runs for the next: a sweep
// runs the model thousands of times on one scenario, and allocating them
// afresh for each run costs more, in the allocator and the garbage
// collector, than a small run's arithmetic. Every round writes what it
// reads of them (as it does from round to round within a run).
var bufPool = sync.Pool{New: func() any { return new(roundBufs) }}

// roundBufs are a round's candidate exchanges, without a list of them (see
// block), and its heap.
type roundBufs struct {
	blocks []block
	member []int32   // per block and actor (b·n + a): group·2²⁴ + index in it, or -1
	gFlat  []int32   // the blocks' groups (n a block)
	fFlat  []float64 // the blocks' groups' saliences and positions (4n a block)
	sl     []slot    // per slot: its candidate's version and recalculation
	// known holds, under within_round=decide, the cells (other than its
	// own suppliers') that each pending exchange was told about when an
	// executed exchange recalculated it: that exchange's other moved cell,
	// if it lies on one of its issues, as lists (see learn). Its view of
	// the outcomes is built from them (view). moved holds the two cells
	// each executed exchange moved, with their new positions. Both are
	// reset every round.
	known  []knownNode
	moved  []knownCell
	lists  []uint16 // the members' partners by the issue they supply (see plist)
	plists []plist  // per block and actor (b·n + a)
	h      candHeap
}

// slot is what a round keeps of a slot's candidate exchange. The two
// numbers are read together whenever a candidate is recalculated, so they
// share a cache line (as two arrays, each recalculation missed the cache
// twice at 500 actors).
type slot struct {
	ver  int32 // the candidate's version, -1 for none or done
	snap int32 // -1 as enumerated, ≥ 0 computed again since (Decide's rule: see learn)
}

// newState prepares a run. With percent, positions are measured in percent
// of each issue's scale, (x − min)·100/(max − min); otherwise as given.
func newState(t *jirga.Table, percent bool) (*state, error) {
	n, m := len(t.Actors), len(t.Issues)
	st := &state{t: t, n: n, m: m, wsum: make([]float64, m), tol: make([]float64, m),
		lo: make([]float64, m), f: make([]float64, m), roundBufs: bufPool.Get().(*roundBufs)}
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
