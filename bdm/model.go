package bdm

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/sweep"
)

// Model is the expected-utility model with its settings. The zero value is
// the default configuration.
type Model struct {
	Settings Settings
}

// New returns the model with settings st.
func New(st Settings) *Model { return &Model{Settings: st} }

// Name returns "bdm".
func (*Model) Name() string { return "bdm" }

// Forecast implements jirga.Model. Each issue is solved on its own, over the
// actors holding a position on it; the forecast is the median voter after
// the last round when it has settled (jirga.JudgeSettle: it moved by at
// most 1% of the scale over the last 4 rounds, or Settings.Tolerance
// stopped the run), and otherwise the middle of its range over those
// rounds (the issue's settle range; status unsettled). Status is converged
// when every issue settled, round_limit when there were too few rounds to
// judge.
func (m *Model) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.forecast(ctx, s.Table(), jirga.DetailAll)
}

// ForecastOnly implements jirga.RoundsOptional: it returns what Forecast
// returns, without Rounds, at the cost of the rounds alone (recording
// every round's positions and offers costs about a third of a run).
func (m *Model) ForecastOnly(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	return m.forecast(ctx, s.Table(), jirga.DetailNone)
}

// ForecastTable implements jirga.Tabular: Forecast from the table of the
// scenario, recording the rounds from DetailRounds on and their offers
// (those Settings.Offers names) only at DetailAll.
func (m *Model) ForecastTable(ctx context.Context, t *jirga.Table, d jirga.Detail) (*jirga.Result, error) {
	return m.forecast(ctx, t, d)
}

func (m *Model) forecast(ctx context.Context, t *jirga.Table, detail jirga.Detail) (*jirga.Result, error) {
	keep := detail >= jirga.DetailRounds
	s := t.Scenario()
	// Settings made in Go get the checks of parsed options.
	if st := m.Settings; st.Rounds < 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "bdm: rounds must be ≥ 0, got %d", st.Rounds)
	} else if err := st.options().Check(); err != nil {
		return nil, err
	}
	cfg := m.Settings.resolve()
	// Offers are recorded only at DetailAll: nothing else shows them, and
	// there are up to n(n − 1) a round.
	offers := cfg.offers
	if detail < jirga.DetailAll {
		offers = OffersNone
	}
	res := &jirga.Result{Model: m.Name(), Status: jirga.StatusRoundLimit}
	ids := make([]string, len(t.Actors))
	for i, a := range t.Actors {
		ids[i] = a.ID
	}
	var rounds []jirga.Round
	var sv *solver // reused by every issue
	var y []float64
	var settles []jirga.Settle
	for k, is := range t.Issues {
		idx, c, x, sal := t.Column(k)
		// Solve in the order of actor ids, so that floating-point sums, and
		// so the result, do not depend on the order of the actors in the file.
		canonical(idx, c, x, sal, ids)
		if len(x) == 0 {
			return nil, jirga.Errorf(jirga.EINVALID, "bdm: issue %q: no actor holds a position on it", is.ID)
		}
		w, fellBack := baseline.Weights(c, sal)
		if fellBack {
			res.Notes = append(res.Notes, fmt.Sprintf("issue %q: every salience is 0, so capability alone weights the median and mean", is.ID))
		}
		lo, hi := t.Min[k], t.Max[k]
		actorIDs := make([]string, len(idx))
		for j, i := range idx {
			actorIDs[j] = ids[i]
		}
		sv = newSolver(sv, cfg, actorIDs, x, sal, w, lo, hi)
		// Every offer of a round is kept only to be recorded; otherwise each
		// actor's best offer is kept as the offers are made.
		sv.list = offers == OffersAll
		sv.issues = len(t.Issues)
		sv.ctx, sv.v.ctx = ctx, ctx // polled inside the O(n²) loops of a round
		stopped := false
		y = y[:0] // the median voter after each round
		for r := 1; r <= cfg.rounds; r++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			moved := sv.step()
			if err := ctx.Err(); err != nil {
				return nil, err // the round was cut short
			}
			y = append(y, sv.median())
			if keep {
				if len(rounds) < r {
					rounds = append(rounds, jirga.Round{Round: r, Positions: make(map[string]map[string]float64, len(t.Actors))})
				}
				sv.record(&rounds[r-1], is.ID, actorIDs, offers)
			}
			if cfg.tol > 0 && moved <= cfg.tol*sv.R {
				stopped = true
				break
			}
		}
		if len(y) == 0 {
			y = append(y, sv.median()) // no round: the starting median
		}
		f, st := is.Judge(y, stopped)
		settles = append(settles, st)
		res.Issues = append(res.Issues, f)
	}
	// An issue that converged early keeps its last positions in later rounds.
	fillForward(rounds, s)
	res.Rounds = rounds
	res.Status = jirga.SettleStatus(settles)
	res.Notes = append(res.Notes, "bdm settings: "+m.Settings.String())
	return res, nil
}

// fillForward copies, for issues that stopped early, the last positions,
// median and mean into later rounds so that every round is complete.
func fillForward(rounds []jirga.Round, s *jirga.Scenario) {
	for r := 1; r < len(rounds); r++ {
		prev, cur := &rounds[r-1], &rounds[r]
		for _, is := range s.Issues {
			if _, ok := cur.Median[is.ID]; ok {
				continue
			}
			if _, ok := prev.Median[is.ID]; !ok {
				continue
			}
			cur.Median[is.ID] = prev.Median[is.ID]
			cur.Mean[is.ID] = prev.Mean[is.ID]
			for a, ps := range prev.Positions {
				if p, ok := ps[is.ID]; ok {
					if cur.Positions[a] == nil {
						cur.Positions[a] = map[string]float64{}
					}
					cur.Positions[a][is.ID] = p
				}
			}
		}
	}
}

// solver runs the rounds of one issue. Its slices are allocated once; a
// round allocates nothing.
type solver struct {
	cfg        resolved
	n          int
	lo, hi, R  float64
	x, next    []float64 // positions now and after the round
	sal, w     []float64 // salience in [0, 1]; vote weight c·s
	r, one     []float64 // risk exponents this round; all 1
	sec        []float64
	p, eu, est []float64 // n×n: P^i vs j; E^i(U_ij); i's estimate of E^j(U_ji)
	lsu, lfu   []float64 // n×n: log(0.5 ∓ 0.5|x_i − x_j|/R)
	// list keeps every offer of the round in offers (in the order of
	// proposer, then receiver), with best the index of the one each actor
	// took; without it only take, each actor's best offer, is kept.
	list   bool
	best   []int
	offers []offer
	take   []offer
	has    []bool // whether take holds an offer
	v      votes
	mu     float64  // median voter at the start of the last round
	ids    []string // actor ids, for order-free tie breaks
	issues int      // issues in the scenario, to size the result's maps
	// ctx, when set, is polled once per row of every O(n²) loop, so that a
	// cancel takes effect within a row (n pairs) at any size; a round cut
	// short leaves the solver's state meaningless.
	ctx context.Context
}

// stopped reports whether the solver's context is done.
func (sv *solver) stopped() bool { return sv.ctx != nil && sv.ctx.Err() != nil }

// newSolver returns a solver for one issue. When old is not nil its buffers
// are reused (their contents are never read before being written), so the
// issues of a scenario share one set of n×n tables.
func newSolver(old *solver, cfg resolved, ids []string, x, sal, w []float64, lo, hi float64) *solver {
	n := len(x)
	R := hi - lo
	if !(R > 0) {
		R = 1
	}
	sv := &solver{}
	if old != nil {
		sv.x, sv.next, sv.r, sv.one, sv.sec = old.x, old.next, old.r, old.one, old.sec
		sv.p, sv.eu, sv.est, sv.lsu, sv.lfu = old.p, old.eu, old.est, old.lsu, old.lfu
		sv.best, sv.offers, sv.take, sv.has, sv.v = old.best, old.offers[:0], old.take, old.has, old.v
	}
	*sv = solver{cfg: cfg, n: n, ids: ids, lo: lo, hi: hi, R: R,
		x: append(sv.x[:0], x...), next: resize(sv.next, n),
		sal: sal, w: w, r: resize(sv.r, n), one: resize(sv.one, n), sec: resize(sv.sec, n),
		p: resize(sv.p, n*n), eu: resize(sv.eu, n*n), est: resize(sv.est, n*n),
		best: resize(sv.best, n), lsu: resize(sv.lsu, n*n), lfu: resize(sv.lfu, n*n),
		offers: sv.offers, take: resize(sv.take, n), has: resize(sv.has, n), v: sv.v,
	}
	for i := range sv.one {
		sv.one[i] = 1
	}
	return sv
}

// resize returns b with length n, reusing its storage when it is large
// enough.
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

// median returns the median voter of the current positions.
func (sv *solver) median() float64 {
	if sv.cfg.sequential {
		return MedianVoter(sv.x, sv.w, sv.R, true)
	}
	sv.v.reset(sv.x, sv.w)
	return sv.v.median(sv.x, sv.w, sv.R)
}

// expected fills eu[i*n+j] = E^i(U_ij) with exponents r.
func (sv *solver) expected(eu, r []float64) {
	n, x, q := sv.n, sv.x, sv.cfg.q
	for i := range n {
		if sv.stopped() {
			return
		}
		dmu := math.Abs(x[i] - sv.mu)
		for j := range n {
			if i == j {
				eu[i*n+j] = 0
				continue
			}
			eu[i*n+j] = ExpectedUtility(math.Abs(x[i]-x[j]), dmu, sv.R, r[i], sv.sal[j], sv.p[i*n+j], q, sv.cfg.dmasad)
		}
	}
}

// expectedQ1 fills eu (and est, when a perceiver judges offers) with the
// exponents r for Q = 1. It is [ExpectedUtility] rearranged for speed: the
// logarithms of 0.5 ∓ 0.5 d/R are shared by the pair (i, j) and (j, i),
// U_s and U_f of i against j serve both E^i(U_ij) and i's estimate of
// E^j(U_ji), and U_sq is computed once per actor, so a round costs 2n²
// exponentials and n² logarithms instead of 6n² powers.
func (sv *solver) expectedQ1() {
	n := sv.n
	if n < parallelMin {
		for i := range n {
			if sv.stopped() {
				return
			}
			sv.logRow(i)
		}
		for i := range n {
			if sv.stopped() {
				return
			}
			sv.expectedRow(i)
		}
		return
	}
	inParallel(sv.ctx, n, sv.logRow)
	inParallel(sv.ctx, n, sv.expectedRow)
}

// logRow sets lsu and lfu of the pairs (i, j > i) and (j, i).
func (sv *solver) logRow(i int) {
	n, x, R := sv.n, sv.x, sv.R
	sv.lsu[i*n+i], sv.lfu[i*n+i] = 0, 0
	for j := i + 1; j < n; j++ {
		a := 0.5 * math.Abs(x[i]-x[j]) / R
		ls, lf := math.Log(max(0.5-a, 0)), math.Log(0.5+a)
		sv.lsu[i*n+j], sv.lsu[j*n+i] = ls, ls
		sv.lfu[i*n+j], sv.lfu[j*n+i] = lf, lf
	}
}

// expectedRow sets row i of eu (and of est, when a perceiver judges).
func (sv *solver) expectedRow(i int) {
	n := sv.n
	ri := sv.r[i]
	usq := 2 - 4*math.Exp(ri*logHalf)
	si := sv.sal[i]
	row, est := sv.eu[i*n:(i+1)*n], sv.est[i*n:(i+1)*n]
	lsu, lfu, p := sv.lsu[i*n:(i+1)*n], sv.lfu[i*n:(i+1)*n], sv.p
	for j := range row {
		if j == i {
			row[j], est[j] = 0, 0
			continue
		}
		us := 2 - 4*math.Exp(ri*lsu[j])
		uf := 2 - 4*math.Exp(ri*lfu[j])
		pij, sj := p[i*n+j], sv.sal[j]
		row[j] = sj*(pij*us+(1-pij)*uf) + (1-sj)*us - usq
		if sv.cfg.perceiver {
			pji := p[j*n+i]
			est[j] = si*(pji*us+(1-pji)*uf) + (1-si)*us - usq
		}
	}
}

// logHalf is log(0.5), for U_sq = 2 − 4 exp(r log 0.5). The builtin max and
// min used in the loops below treat −0 and NaN as math.Max and math.Min do
// (Go spec), so the results are the same floats, without the calls.
var logHalf = math.Log(0.5)

// step runs one round and returns the largest move.
func (sv *solver) step() float64 {
	n, x, cfg := sv.n, sv.x, sv.cfg
	sv.mu = sv.median() // sorts sv.v for the linear votes too
	if cfg.sequential {
		sv.v.reset(x, sv.w)
	}
	// 1. Securities and risk exponents from the expected utilities at r = 1.
	sv.v.probabilities(sv.p, x, cfg.probAll, false)
	if cfg.q == 1 {
		// At r = 1: U_s = 4a, U_f = −4a, U_sq = 0 with a = |x_i − x_j|/(2R),
		// so E^i(U_ij) = 4a (1 − 2 s_j (1 − P^i)).
		for i := range n {
			if sv.stopped() {
				return 0
			}
			for j := range n {
				a := 0.5 * math.Abs(x[i]-x[j]) / sv.R
				sv.eu[i*n+j] = 4 * a * (1 - 2*sv.sal[j]*(1-sv.p[i*n+j]))
			}
		}
	} else {
		sv.expected(sv.eu, sv.one)
	}
	// sec[i] = Σ_{j≠i} eu[j][i], summed row by row (each sum still in the
	// order of j) so that the table is read in order.
	clear(sv.sec)
	for j := range n {
		if sv.stopped() {
			return 0
		}
		row := sv.eu[j*n : (j+1)*n]
		for i, e := range row {
			if i != j {
				sv.sec[i] += e
			}
		}
	}
	RiskExponents(sv.r, sv.sec)
	// 2. Expected utilities with the exponents.
	if cfg.riskVotes {
		sv.v.riskTable(x, sv.w, sv.r, sv.R)
		sv.v.probabilities(sv.p, x, cfg.probAll, true)
	}
	if cfg.q == 1 {
		sv.expectedQ1()
	} else {
		sv.expected(sv.eu, sv.r)
		if cfg.perceiver {
			// i's estimate of E^j(U_ji) with i's own exponent.
			for i := range n {
				if sv.stopped() {
					return 0
				}
				for j := range n {
					if i == j {
						sv.est[i*n+j] = 0
						continue
					}
					dmu := math.Abs(x[j] - sv.mu)
					sv.est[i*n+j] = ExpectedUtility(math.Abs(x[i]-x[j]), dmu, sv.R, sv.r[i], sv.sal[i], sv.p[j*n+i], cfg.q, cfg.dmasad)
				}
			}
		}
	}
	// 3. Offers, and the offer each actor takes: the best by the
	// acceptance rule, a strict order (see better), so it does not depend
	// on the order in which the offers are made.
	clear(sv.has)
	if sv.list {
		sv.listOffers()
	} else {
		// Each pair's offer is looked at once and only the best per
		// receiver kept, reading the tables row by row: by receiver when
		// the receiver judges (its row holds both numbers), else by
		// proposer; on several goroutines, by receiver (each receiver's
		// best is its own).
		switch {
		case n >= parallelMin:
			inParallel(sv.ctx, n, sv.bestOffer)
		case cfg.receiver:
			for j := range n {
				if sv.stopped() {
					return 0
				}
				sv.bestOffer(j)
			}
		default:
			for i := range n {
				if sv.stopped() {
					return 0
				}
				for j := range n {
					if o, ok := sv.offer(i, j); ok && (!sv.has[j] || sv.better(&o, &sv.take[j])) {
						sv.take[j], sv.has[j] = o, true
					}
				}
			}
		}
	}
	// 4. Simultaneous update.
	moved := 0.0
	for j := range n {
		sv.next[j] = x[j]
		if sv.has[j] {
			sv.next[j] = sv.take[j].pos
		}
		moved = max(moved, math.Abs(sv.next[j]-x[j]))
	}
	sv.x, sv.next = sv.next, sv.x
	return moved
}

// bestOffer sets take[j] and has[j] to the best offer j receives.
func (sv *solver) bestOffer(j int) {
	for i := range sv.n {
		if o, ok := sv.offer(i, j); ok && (!sv.has[j] || sv.better(&o, &sv.take[j])) {
			sv.take[j], sv.has[j] = o, true
		}
	}
}

// parallelMin is the number of actors on an issue from which the O(n²)
// loops of a round run on several goroutines (sweep.For, rowChunk rows at
// a time): below it a round is so short that goroutines would cost more
// than they save. Each row is computed by one goroutine, in the same
// order, so the result does not depend on how many there are.
const parallelMin = 256

// rowChunk is the number of rows a goroutine takes at a time.
const rowChunk = 16

// inParallel runs row(i) for i in [0, n) on sweep.For, rowChunk rows at a
// time; row writes only what its row owns. ctx (nil: none) is polled
// before each chunk.
func inParallel(ctx context.Context, n int, row func(i int)) {
	if ctx == nil {
		ctx = context.Background()
	}
	sweep.For(ctx, (n+rowChunk-1)/rowChunk, sweep.Loop{}, func(it sweep.Iter) error {
		for i := it.I * rowChunk; i < min(n, (it.I+1)*rowChunk); i++ {
			row(i)
		}
		return nil
	})
}

// offer returns the offer, if any, that i makes j this round.
func (sv *solver) offer(i, j int) (offer, bool) {
	n, x, cfg := sv.n, sv.x, sv.cfg
	if i == j || math.Abs(x[i]-x[j]) <= samePosition*sv.R {
		return offer{}, false
	}
	a, b := sv.eu[i*n+j], sv.eu[j*n+i]
	switch {
	case cfg.receiver:
		a = sv.est[j*n+i] // j's estimate of E^i(U_ij), with r_j
	case cfg.perceiver:
		b = sv.est[i*n+j] // i's estimate of E^j(U_ji), with r_i
	}
	kind, pos, ok := classify(x[i], x[j], a, b, cfg.capitulation, cfg.minEU)
	if !ok {
		return offer{}, false
	}
	return offer{from: i, to: j, kind: kind, pos: min(max(pos, sv.lo), sv.hi), a: a, b: b}, true
}

// listOffers makes the round's offers into sv.offers, in the order of
// proposer and then receiver, and sets best and take to the offer each
// actor takes.
func (sv *solver) listOffers() {
	sv.offers = sv.offers[:0]
	for j := range sv.best {
		sv.best[j] = -1
	}
	for i := range sv.n {
		if sv.stopped() {
			return
		}
		for j := range sv.n {
			if o, ok := sv.offer(i, j); ok {
				sv.offers = append(sv.offers, o)
			}
		}
	}
	for k := range sv.offers {
		o := &sv.offers[k]
		if b := sv.best[o.to]; b < 0 || sv.better(o, &sv.offers[b]) {
			sv.best[o.to] = k
		}
	}
	for j, b := range sv.best {
		if b >= 0 {
			sv.take[j], sv.has[j] = sv.offers[b], true
		}
	}
}

// better compares offers by the acceptance rule.
func (sv *solver) better(o, p *offer) bool {
	return better(o, p, sv.x[o.to], sv.cfg.accept, sv.ids)
}

// record adds the state after the last step to round rd for issue id.
func (sv *solver) record(rd *jirga.Round, issue string, ids []string, which string) {
	if rd.Median == nil {
		rd.Median, rd.Mean = make(map[string]float64, sv.issues), make(map[string]float64, sv.issues)
		rd.Trace = &Trace{Risk: make(map[string]float64, len(ids)), RiskByIssue: make(map[string]map[string]float64, len(ids))}
	}
	tr := rd.Trace.(*Trace)
	for i, a := range ids {
		if rd.Positions[a] == nil {
			rd.Positions[a] = make(map[string]float64, sv.issues)
		}
		rd.Positions[a][issue] = sv.x[i]
		// An actor's risk exponent is per issue; with several issues the
		// map keeps the first issue's (Risk is keyed by actor only).
		if _, ok := tr.Risk[a]; !ok {
			tr.Risk[a] = sv.r[i]
		}
		if tr.RiskByIssue[a] == nil {
			tr.RiskByIssue[a] = make(map[string]float64, sv.issues)
		}
		tr.RiskByIssue[a][issue] = sv.r[i]
	}
	rd.Median[issue] = sv.median()
	rd.Mean[issue] = baseline.WeightedMean(sv.x, sv.w)
	switch which {
	case OffersAll:
		tr.Offers = slices.Grow(tr.Offers, len(sv.offers))
		for k := range sv.offers {
			o := &sv.offers[k]
			tr.Offers = append(tr.Offers, offerOf(o, ids, issue, sv.best[o.to] == k))
		}
	case OffersAccepted:
		// The offers taken, in the order they were made (by proposer,
		// then receiver).
		var taken []offer
		for j, ok := range sv.has {
			if ok {
				taken = append(taken, sv.take[j])
			}
		}
		slices.SortFunc(taken, func(a, b offer) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to)) })
		for k := range taken {
			tr.Offers = append(tr.Offers, offerOf(&taken[k], ids, issue, true))
		}
	}
}

func offerOf(o *offer, ids []string, issue string, accepted bool) Offer {
	return Offer{From: ids[o.from], To: ids[o.to], Issue: issue,
		Kind: kindNames[o.kind], Position: o.pos, EUFrom: o.a, EUTo: o.b, Accepted: accepted}
}

// canonical sorts the column (idx, c, x, sal) by actor id.
func canonical(idx []int, c, x, sal []float64, ids []string) {
	perm := make([]int, len(idx))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(a, b int) int { return strings.Compare(ids[idx[a]], ids[idx[b]]) })
	i2, c2, x2, s2 := slices.Clone(idx), slices.Clone(c), slices.Clone(x), slices.Clone(sal)
	for to, from := range perm {
		idx[to], c[to], x[to], sal[to] = i2[from], c2[from], x2[from], s2[from]
	}
}
