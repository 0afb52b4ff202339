package exchange

import (
	"context"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/sweep"
)

// A round's candidate exchanges are not kept as a list. For each pair of
// issues p < q the actors fall into four groups by their side of the
// outcome on p and on q, and only actors of opposite groups can trade:
// (+,+) with (−,−) and (+,−) with (−,+). A block holds the four groups of a
// pair; each pair of actors of opposite groups is a slot, numbered block by
// block, the (+,+)×(−,−) slots row by row and then the (+,−)×(−,+) ones.
// Which actor of a slot supplies p, the directions of the moves and the
// values of the exchange all follow from the slot and the state: a slot
// keeps only its version (ver) and whether its values were computed again
// after the enumeration (snap; under Decide's rule, also where the cells it
// was told about are), so that they can be computed again, the same
// floats, when they are needed. A round's memory is then 8 bytes a slot and 16 a
// heap entry (it was about 150 bytes a candidate, in lists grown by
// doubling, 0.85 GB at 500 actors and 13 issues).

// block is a pair of issues p < q with its actors by side.
type block struct {
	p, q int
	// g holds the actors with sides (+,+), (+,−), (−,+) and (−,−) on
	// (p, q), in actor order, and sp, sq their saliences on p and q (kept
	// here so that a row or a column of slots reads them in order).
	g      [4][]int32
	sp, sq [4][]float64
	xp, xq [4][]float64 // their start positions on p and q
	start  int          // its first slot
}

// groupOf returns the group of an actor with sides sp and sq on the
// block's two issues: 0 for (+,+), 1 for (+,−), 2 for (−,+), 3 for (−,−),
// and -1 when it sits at the outcome of one of them.
func groupOf(sp, sq int8) int {
	if sp == 0 || sq == 0 {
		return -1
	}
	g := 0
	if sp < 0 {
		g += 2
	}
	if sq < 0 {
		g++
	}
	return g
}

// slots returns the number of slots of b.
func (b *block) slots() int { return len(b.g[0])*len(b.g[3]) + len(b.g[1])*len(b.g[2]) }

// cand is a possible exchange: j supplies p (moves on p towards i) and i
// supplies q (moves on q towards j).
type cand struct {
	j, i, p, q int
	dirP, dirQ int8 // directions of j's move on p and i's on q at the round's start
	u          float64
	// Computed values.
	dp, dq float64
	yj, yi float64 // j's new position on p, i's new position on q
	gainI  float64
	gainJ  float64
	gain   float64 // ranking key: the smaller of the two gains
}

// key orders tied exchanges: supplier j, supply issue p, partner i, issue q.
func (c *cand) key() uint64 {
	return uint64(c.j)<<44 | uint64(c.p)<<32 | uint64(c.i)<<12 | uint64(c.q)
}

// pairOf sets the identity of the candidate of actors x and y on block b:
// the one with the smaller s_p/s_q supplies p (s_jp·s_iq < s_ip·s_jq). ok
// is false for equal ratios, which give no gain.
func (st *state) pairOf(b *block, x, y int) (c cand, ok bool) {
	p, q := b.p, b.q
	sal := st.t.Salience
	l, r := sal[x][p]*sal[y][q], sal[y][p]*sal[x][q]
	var j, i int
	switch {
	case l < r:
		j, i = x, y
	case r < l:
		j, i = y, x
	default:
		return cand{}, false
	}
	return cand{j: j, i: i, p: p, q: q, u: -1,
		dirP: sign(st.x[i][p] - st.x[j][p]), dirQ: sign(st.x[j][q] - st.x[i][q])}, true
}

// decode returns the identity of the candidate of slot id.
func (st *state) decode(id int) cand {
	bi := sort.Search(len(st.blocks), func(b int) bool { return st.blocks[b].start > id }) - 1
	b := &st.blocks[bi]
	off := id - b.start
	as, bs := b.g[0], b.g[3]
	if n := len(as) * len(bs); off >= n {
		off -= n
		as, bs = b.g[1], b.g[2]
	}
	c, _ := st.pairOf(b, int(as[off/len(bs)]), int(bs[off%len(bs)]))
	if st.u != nil {
		c.u = st.u[id]
	}
	return c
}

// valuesOf computes the values of the live candidate of slot id as they
// were last computed: from the start positions and outcomes when it has not
// been recalculated, else under Decide's rule from its supply cells (which
// have not moved since: a move of one recalculates it) and the cells it was
// told about (known), and under the start rule from the current voting
// positions (a move of any of its four cells recalculates it, so they are
// those it was last computed from).
func (st *state) valuesOf(id int) (cand, bool) {
	c := st.decode(id)
	switch {
	case st.sl[id].snap < 0:
		return c, st.compute(&c, st.x)
	case st.decide:
		head := st.sl[id].snap
		return c, st.computeDecide(&c, st.view(c.p, c.j, head), st.view(c.q, c.i, head))
	default:
		return c, st.compute(&c, st.y)
	}
}

// compute evaluates c against the voting positions y and the round's
// outcomes; it reports whether the exchange is feasible.
func (st *state) compute(c *cand, y [][]float64) bool {
	j, i, p, q := c.j, c.i, c.p, c.q
	o := st.o
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
// position, against the exchange's own view of the outcomes, op on p and
// oq on q (see view). The sides are those of the round's start (no side is
// checked again); an exchange whose supplier has passed its partner is
// infeasible.
func (st *state) computeDecide(c *cand, op, oq float64) bool {
	j, i, p, q := c.j, c.i, c.p, c.q
	xjp, xiq := st.y[j][p], st.y[i][q]
	xip, xjq := st.x[i][p], st.x[j][q]
	if !(float64(c.dirP)*(xip-xjp) > 0) || !(float64(c.dirQ)*(xjq-xiq) > 0) {
		return false
	}
	return st.size(c, xjp, xip, xiq, xjq, op, oq)
}

// knownCell is a position an exchange was told about: actor a's voting
// position v on issue k.
type knownCell struct {
	a, k int32
	v    float64
}

// knownNode is a cell of an exchange's list of the cells it was told about,
// in st.known: the lists of a round's exchanges share one array, which is
// kept from round to round (a slice per exchange would be an allocation per
// recalculated exchange, millions a run at 500 actors). A cell is told as
// an executed exchange moved it, so a node names it by its place in
// st.moved, 8 bytes a node.
type knownNode struct {
	cell int32 // the cell and its position: st.moved[cell]
	next int32 // index + 1 of the next node of the list, 0 at its end
}

// learn adds the cell moved[cell] to the list of the cells that the
// exchange of slot id, on issues p and q, was told about, or updates it if
// it is there; cells off p and q are left out. The list keeps the order in
// which the cells were first told. It marks the slot as computed again:
// snap[id] is 0 for an empty list, else the index + 1 of its first node in
// st.known.
func (st *state) learn(id, p, q int, cell int32) {
	if st.sl[id].snap < 0 {
		st.sl[id].snap = 0
	}
	c := st.moved[cell]
	if int(c.k) != p && int(c.k) != q {
		return
	}
	last := int32(0) // index + 1 of the list's last node; 0: the list is empty
	for n := st.sl[id].snap; n != 0; n = st.known[n-1].next {
		if k := &st.known[n-1]; st.moved[k.cell].a == c.a && st.moved[k.cell].k == c.k {
			k.cell = cell // where the cell is now
			return
		}
		last = n
	}
	st.known = append(st.known, knownNode{cell: cell})
	if last == 0 {
		st.sl[id].snap = int32(len(st.known))
	} else {
		st.known[last-1].next = int32(len(st.known))
	}
}

// view is an exchange's view of the outcome of issue k, supplied by its
// actor s: the outcome at the round's start positions, moved by the shift
// of s's own position on k (which can only have moved in exchanges that
// recalculated it, so its view is current) and by the shifts of the other
// cells the exchange was told about (the list from head, see learn), at
// the positions they had then: O_k + Σ c·s·(v − x)/Σ c·s.
func (st *state) view(k, s int, head int32) float64 {
	o := st.o[k] + st.w[s][k]*(st.y[s][k]-st.x[s][k])/st.wsum[k]
	for n := head; n > 0; n = st.known[n-1].next {
		c := &st.moved[st.known[n-1].cell]
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
	j, i, p, q := c.j, c.i, c.p, c.q
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

// round runs one round from st.x and returns the executed exchanges (when
// st.keep) and their number.
func (st *state) round(ctx context.Context) (ex []Exchange, executed int, capped bool, err error) {
	for i := range st.n {
		copy(st.y[i], st.x[i])
	}
	st.known, st.moved = st.known[:0], st.moved[:0]
	if err := st.enumerate(); err != nil {
		return nil, 0, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, false, err
	}
	var out []Exchange
	limit := st.n * st.m
	for pops := 1; len(st.h) > 0; pops++ {
		if pops%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, false, err
			}
		}
		if st.stale > len(st.h)/2 {
			if st.compact(); len(st.h) == 0 {
				break
			}
		}
		e := st.pop()
		if st.sl[e.id].ver != e.version {
			st.stale--
			continue
		}
		if !st.drop && !st.decide && executed >= limit {
			capped = true
			break
		}
		c, ok := st.valuesOf(int(e.id))
		if !ok || c.gain != e.gain {
			return nil, 0, false, jirga.Errorf(jirga.EINTERNAL, "exchange: the values of a candidate exchange changed between their computations")
		}
		st.sl[e.id].ver = -1 // done
		if st.tiedTop(&e) {
			st.ties++
		}
		j, i, p, q := c.j, c.i, c.p, c.q
		// The supply cells have not moved since c was computed (a move
		// recalculates or drops c), so y holds the positions before.
		fromJ, fromI := st.y[j][p], st.y[i][q]
		st.y[j][p] = c.yj
		st.y[i][q] = c.yi
		if st.keep {
			a, is := st.t.Actors, st.t.Issues
			out = append(out, Exchange{
				Supplier: a[j].ID, SupplyIssue: is[p].ID, SupplyFrom: st.given(p, fromJ), SupplyTo: st.given(p, c.yj),
				Demander: a[i].ID, DemandIssue: is[q].ID, DemandFrom: st.given(q, fromI), DemandTo: st.given(q, c.yi),
				Gain: c.gain, SupplyShift: c.dp / st.f[p], DemandShift: c.dq / st.f[q],
				SupplierGain: c.gainJ, DemanderGain: c.gainI,
			})
		}
		executed++
		ev := int32(len(st.moved))
		if st.decide {
			st.moved = append(st.moved, knownCell{int32(j), int32(p), c.yj}, knownCell{int32(i), int32(q), c.yi})
		}
		st.touch(j, p, j, p, i, q, ev)
		st.touch(i, q, j, p, i, q, ev)
	}
	return out, executed, capped, nil
}

// tiedTop reports whether the best live exchange left in the heap has the
// same gain as e (within the 1e-9 tie tolerance of gainOrder): e was then
// chosen by the order of the input. Stale entries on top are discarded, as
// popping them would.
func (st *state) tiedTop(e *entry) bool {
	for len(st.h) > 0 {
		top := &st.h[0]
		if st.sl[top.id].ver == top.version {
			d := e.gain - top.gain
			t := 1e-9 * max(e.gain, top.gain)
			return d <= t && d >= -t
		}
		st.pop()
		st.stale--
	}
	return false
}

// touch updates the remaining exchanges that involve the moved cell (a, k)
// after the exchange with supply cells (j, p) and (i, q) was executed, whose
// two moves are st.moved[ev] and st.moved[ev+1] under Decide's rule. Under
// Decide's rule only the exchanges in which a
// supplies k are recalculated, against their own view of the outcomes,
// which now includes the two cells just moved; the others keep the values
// they have. The
// exchanges are a's in each block of a pair with k, visited in slot order
// from a's lists of partners (see plist), from which dead ones are dropped.
func (st *state) touch(a, k, j, p, i, q int, ev int32) {
	for kk := range st.m {
		if kk == k {
			continue
		}
		lo, hi := min(k, kk), max(k, kk)
		bi := lo*st.m - lo*(lo+1)/2 + hi - lo - 1
		b := &st.blocks[bi]
		mem := st.member[bi*st.n+a]
		if mem < 0 {
			continue
		}
		grp, idx := int(mem>>24), int(mem&(1<<24-1))
		start := b.start
		og := 3 - grp // the group of a's partners
		if grp == 1 || grp == 2 {
			start += len(b.g[0]) * len(b.g[3])
		}
		stride, base := 1, start+idx*len(b.g[og]) // a's row
		row := grp == 0 || grp == 1
		if !row {
			stride, base = len(b.g[grp]), start+idx // a's column
		}
		pl := &st.plists[bi*st.n+a]
		sup, dem := pl.p(st.lists), pl.q(st.lists) // a supplies p; a supplies q
		if k != b.p {
			sup, dem = dem, sup
		}
		// The exchange of a with the partner of index y, a supplying p or
		// not: its identity from the block, without reading the actors'
		// rows (as pairOf gives it).
		axp, axq := b.xp[grp][idx], b.xq[grp][idx]
		slotOf := func(y int, aSuppliesP bool) (int, cand) {
			o, oxp, oxq := int(b.g[og][y]), b.xp[og][y], b.xq[og][y]
			c := cand{p: b.p, q: b.q, u: -1}
			if aSuppliesP {
				c.j, c.i = a, o
				c.dirP, c.dirQ = sign(oxp-axp), sign(axq-oxq)
			} else {
				c.j, c.i = o, a
				c.dirP, c.dirQ = sign(axp-oxp), sign(oxq-axq)
			}
			return base + y*stride, c
		}
		if st.decide {
			// Only the exchanges in which a supplies k.
			live := sup[:0]
			for _, y := range sup {
				if st.sl[base+int(y)*stride].ver < 0 {
					continue // done: touchSlot would drop it as it is
				}
				id, c := slotOf(int(y), k == b.p)
				if st.touchSlot(id, &c, a, k, j, p, i, q, ev) {
					live = append(live, y)
				}
			}
			pl.setLen(k == b.p, len(live))
			continue
		}
		// Every exchange of a, in slot order: the two lists merged.
		liveS, liveD := sup[:0], dem[:0]
		for s, d := 0, 0; s < len(sup) || d < len(dem); {
			var y uint16
			fromSup := d == len(dem) || (s < len(sup) && sup[s] < dem[d])
			if fromSup {
				y, s = sup[s], s+1
			} else {
				y, d = dem[d], d+1
			}
			if st.sl[base+int(y)*stride].ver < 0 {
				continue // done: touchSlot would drop it as it is
			}
			id, c := slotOf(int(y), fromSup == (k == b.p))
			if !st.touchSlot(id, &c, a, k, j, p, i, q, ev) {
				continue
			}
			if fromSup {
				liveS = append(liveS, y)
			} else {
				liveD = append(liveD, y)
			}
		}
		pl.setLen(k == b.p, len(liveS))
		pl.setLen(k != b.p, len(liveD))
	}
}

// plist locates an actor's partners in a block in st.lists: first those to
// which it supplies p (nP of them, from off), then those to which it
// supplies q (nQ, from off + capP), each by index in the partners' group,
// in order. Dead exchanges are dropped as touch meets them.
type plist struct {
	off, capP, nP, nQ int32
}

func (l *plist) p(lists []uint16) []uint16 { return lists[l.off : l.off+l.nP] }
func (l *plist) q(lists []uint16) []uint16 {
	return lists[l.off+l.capP : l.off+l.capP+l.nQ]
}

// setLen sets the length of the p list (onP) or the q list.
func (l *plist) setLen(onP bool, n int) {
	if onP {
		l.nP = int32(n)
	} else {
		l.nQ = int32(n)
	}
}

// touchSlot is touch for slot id, of exchange c; it reports whether the
// exchange is still live.
func (st *state) touchSlot(id int, c *cand, a, k, j, p, i, q int, ev int32) bool {
	if st.sl[id].ver < 0 {
		return false
	}
	switch {
	case st.decide && !(c.j == a && c.p == k) && !(c.i == a && c.q == k):
		return true // a only demands k here (touch does not pass these)
	case st.drop:
		if (c.j == j && c.p == p) || (c.j == i && c.p == q) || (c.i == j && c.q == p) || (c.i == i && c.q == q) {
			st.sl[id].ver = -1
			st.stale++
			return false
		}
		return true
	}
	st.stale++
	if st.u != nil {
		c.u = st.u[id]
	}
	ok := false
	if st.decide {
		// c learns where the executed exchange moved its other cell;
		// (a, k), the cell of c's own supplier, is read from y.
		other := ev // (j, p)
		if a == j && k == p {
			other = ev + 1 // (i, q)
		}
		st.learn(id, c.p, c.q, other)
		head := st.sl[id].snap
		ok = st.computeDecide(c, st.view(c.p, c.j, head), st.view(c.q, c.i, head))
	} else {
		st.sl[id].snap = 0
		ok = st.compute(c, st.y)
	}
	if !ok {
		st.sl[id].ver = -1
		return false
	}
	st.sl[id].ver++
	st.push(entry{gain: c.gain, id: int32(id), version: st.sl[id].ver})
	return true
}

// compact drops the stale entries from the heap: cheaper than popping them
// one by one, as most candidates of a round die before they reach the top.
func (st *state) compact() {
	h := st.h
	if len(h) < heapParallelMin || runtime.GOMAXPROCS(0) < 2 {
		st.h = h[:st.keepLive(h)]
	} else {
		// Each half in place on its own goroutine, then the second's
		// entries after the first's: the order one loop gives.
		m := len(h) / 2
		var b int
		var wg sync.WaitGroup
		wg.Go(func() { b = st.keepLive(h[m:]) })
		a := st.keepLive(h[:m])
		wg.Wait()
		st.h = h[:a+copy(h[a:], h[m:m+b])]
	}
	st.stale = 0
	st.init()
}

// keepLive moves the live entries of h to its front, in order, and
// returns their number.
func (st *state) keepLive(h []entry) int {
	n := 0
	for _, e := range h {
		if st.sl[e.id].ver == e.version {
			h[n] = e
			n++
		}
	}
	return n
}

// heapParallelMin is the number of heap entries from which compact and
// init use two goroutines (tests lower it).
var heapParallelMin = 1 << 18

// enumerate lists every feasible exchange of the round's start positions:
// it fills the blocks, the slots and the heap.
func (st *state) enumerate() error {
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
	nb := st.m * (st.m - 1) / 2
	if cap(st.blocks) < nb {
		st.blocks = make([]block, nb)
	}
	st.blocks = st.blocks[:nb]
	if len(st.member) < nb*st.n {
		st.member = make([]int32, nb*st.n)
		// A block's four groups hold each actor at most once: n places a
		// block in one array for the ids and in one for each number.
		st.gFlat = make([]int32, nb*st.n)
		st.fFlat = make([]float64, 4*nb*st.n)
	}
	total, bi := 0, 0
	for p := range st.m {
		for q := p + 1; q < st.m; q++ {
			b := &st.blocks[bi]
			b.p, b.q, b.start = p, q, total
			var size [4]int
			for a := range st.n {
				st.member[bi*st.n+a] = -1
				if g := groupOf(st.side[a][p], st.side[a][q]); g >= 0 {
					size[g]++
				}
			}
			goff := 0 // the group's place in the block's n
			for g := range b.g {
				o, f, k := bi*st.n+goff, 4*bi*st.n+goff, size[g]
				b.g[g] = st.gFlat[o : o : o+k]
				b.sp[g], b.sq[g] = st.fFlat[f:f:f+k], st.fFlat[f+st.n:f+st.n:f+st.n+k]
				b.xp[g], b.xq[g] = st.fFlat[f+2*st.n:f+2*st.n:f+2*st.n+k], st.fFlat[f+3*st.n:f+3*st.n:f+3*st.n+k]
				goff += k
			}
			for a := range st.n {
				g := groupOf(st.side[a][p], st.side[a][q])
				if g < 0 {
					continue
				}
				st.member[bi*st.n+a] = int32(g<<24 | len(b.g[g]))
				b.g[g] = append(b.g[g], int32(a))
				b.sp[g] = append(b.sp[g], t.Salience[a][p])
				b.sq[g] = append(b.sq[g], t.Salience[a][q])
				b.xp[g] = append(b.xp[g], st.x[a][p])
				b.xq[g] = append(b.xq[g], st.x[a][q])
			}
			total += b.slots()
			bi++
		}
	}
	if total > math.MaxInt32/2 || st.n > math.MaxUint16 {
		return jirga.Errorf(jirga.EINVALID, "exchange: %d possible exchanges in a round among %d actors; the model handles at most %d among %d", total, st.n, math.MaxInt32/2, math.MaxUint16)
	}
	st.partnerLists(total)
	// The slots and the heap keep their memory from round to round, with
	// room for a round a quarter larger, so that the next one seldom needs
	// more (the rounds' sizes vary by a few per cent).
	st.sl = resizeSlots(st.sl, total)
	if st.rng != nil {
		if cap(st.u) < total {
			st.u = make([]float64, total)
		}
		st.u = st.u[:total]
	}
	// The heap holds the feasible slots and, until it is compacted, the
	// recalculated ones (about a fifth more at 500 actors); it grows by
	// append when it needs more, which does not change its order.
	if cap(st.h) < total {
		st.h = make([]entry, 0, total+total/4)
	}
	st.stale = 0
	if st.rng != nil {
		// The random rates are drawn in slot order, one for each pair of
		// unequal ratios, before the slots are computed in parallel.
		for bi := range st.blocks {
			b := &st.blocks[bi]
			st.eachSlot(b, func(id, x, y int) {
				if _, ok := st.pairOf(b, x, y); ok {
					st.u[id] = st.rng.Float64()
				}
			})
		}
	}
	// The blocks are computed on the workers, each slot's heap entry at its
	// own index; the feasible ones are then gathered in slot order, the
	// order in which one loop over the slots would append them.
	st.h = st.h[:total]
	block := func(bi int) { st.enumerateBlock(&st.blocks[bi]) }
	if total < parallelMin {
		for bi := range st.blocks { // too little work to start goroutines for
			block(bi)
		}
	} else {
		sweep.For(st.context(), len(st.blocks), sweep.Loop{}, func(it sweep.Iter) error {
			block(it.I)
			return nil
		})
	}
	live := st.h[:0]
	for id := range st.sl {
		if st.sl[id].ver >= 0 {
			live = append(live, st.h[id])
		}
	}
	st.h = live
	st.init()
	return nil
}

// enumerateBlock computes the slots of block b from the start positions,
// in the order of eachSlot, each feasible one's heap entry at its own index.
// It is pairOf and compute written out for the enumeration: the actors'
// saliences and positions are read from the block's groups (the same
// numbers as the table's and st.x), and the sides are not checked again,
// because the groups are the sides, from the same positions, outcomes and
// tolerance that compute would use.
func (st *state) enumerateBlock(b *block) {
	p, q := b.p, b.q
	o, sx := st.o, st.x
	id := b.start
	for _, gs := range [2][2]int{{0, 3}, {1, 2}} {
		ga, gb := gs[0], gs[1]
		ysp, ysq, yxp, yxq := b.sp[gb], b.sq[gb], b.xp[gb], b.xq[gb]
		ys := b.g[gb]
		ysp, ysq, yxp, yxq = ysp[:len(ys)], ysq[:len(ys)], yxp[:len(ys)], yxq[:len(ys)]
		for ix, x := range b.g[ga] {
			if st.ctx != nil && st.ctx.Err() != nil {
				return
			}
			xsp, xsq, xxp, xxq := b.sp[ga][ix], b.sq[ga][ix], b.xp[ga][ix], b.xq[ga][ix]
			for iy, y := range ys {
				st.sl[id].ver = -1
				l, r := xsp*ysq[iy], ysp[iy]*xsq
				var c cand
				switch {
				case l < r: // x supplies p
					c = cand{j: int(x), i: int(y), p: p, q: q, u: -1,
						dirP: sign(yxp[iy] - xxp), dirQ: sign(xxq - yxq[iy])}
				case r < l:
					c = cand{j: int(y), i: int(x), p: p, q: q, u: -1,
						dirP: sign(xxp - yxp[iy]), dirQ: sign(yxq[iy] - xxq)}
				default:
					id++
					continue // equal ratios: no gain
				}
				if st.u != nil {
					c.u = st.u[id]
				}
				if st.size(&c, sx[c.j][p], sx[c.i][p], sx[c.i][q], sx[c.j][q], o[p], o[q]) {
					st.sl[id].ver, st.sl[id].snap = 0, -1
					st.h[id] = entry{gain: c.gain, id: int32(id)}
				}
				id++
			}
		}
	}
}

// partnerLists fills st.lists and st.plists for the round's blocks: each
// member's partners by the issue it would supply (see plist).
func (st *state) partnerLists(total int) {
	if len(st.plists) < len(st.blocks)*st.n {
		st.plists = make([]plist, len(st.blocks)*st.n)
	}
	if cap(st.lists) < 2*total {
		st.lists = make([]uint16, 0, 2*total+total/2)
	}
	st.lists = st.lists[:0]
	for bi := range st.blocks {
		b := &st.blocks[bi]
		for g := range b.g {
			og := 3 - g
			psp, psq := b.sp[og], b.sq[og][:len(b.sp[og])]
			for idx, a := range b.g[g] {
				sap, saq := b.sp[g][idx], b.sq[g][idx]
				pl := &st.plists[bi*st.n+int(a)]
				pl.off = int32(len(st.lists))
				for y := range psp {
					if sap*psq[y] < psp[y]*saq { // a supplies p (see pairOf)
						st.lists = append(st.lists, uint16(y))
					}
				}
				pl.capP = int32(len(st.lists)) - pl.off
				pl.nP = pl.capP
				for y := range psp {
					if psp[y]*saq < sap*psq[y] { // a supplies q
						st.lists = append(st.lists, uint16(y))
					}
				}
				pl.nQ = int32(len(st.lists)) - pl.off - pl.capP
			}
		}
	}
}

// parallelMin is the number of slots from which a round's enumeration runs
// on several goroutines.
const parallelMin = 1 << 15

// eachSlot calls f with the slots of block b in order, each with its two
// actors: A↔D and then B↔C, in actor order. It polls the context once per
// row and stops when it is done.
func (st *state) eachSlot(b *block, f func(id, x, y int)) {
	id := b.start
	for _, gs := range [2][2]int{{0, 3}, {1, 2}} {
		for _, x := range b.g[gs[0]] {
			if st.ctx != nil && st.ctx.Err() != nil {
				return
			}
			for _, y := range b.g[gs[1]] {
				f(id, int(x), int(y))
				id++
			}
		}
	}
}

// context returns the run's context, which For polls between blocks.
func (st *state) context() context.Context {
	if st.ctx == nil {
		return context.Background()
	}
	return st.ctx
}

// candidates returns the live candidates with their values, in slot order
// (for tests).
func (st *state) candidates() []cand {
	var out []cand
	for id := range st.sl {
		if st.sl[id].ver >= 0 {
			c, _ := st.valuesOf(id)
			out = append(out, c)
		}
	}
	return out
}

func resizeSlots(b []slot, n int) []slot {
	if cap(b) < n {
		return make([]slot, n, n+n/4)
	}
	return b[:n]
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

// entry is a candidate in the heap: its gain when it was computed, its
// slot and the version it had then.
type entry struct {
	gain    float64
	id      int32
	version int32
}

// candHeap is a max-heap on gain; gains within a relative 1e-9 tie and are
// ordered by key (see ahead). It is typed (no container/heap) because
// popping every candidate of a round dominates the run time.
type candHeap []entry

// ahead reports whether an exchange of gain ga and key ka comes before one
// of gain gb and key kb.
func ahead(ga float64, ka uint64, gb float64, kb uint64) bool {
	d := ga - gb
	if t := 1e-9 * max(ga, gb); d > t || d < -t {
		return d > 0
	}
	return ka < kb
}

// gainOrder is 1 when gain ga comes before gb, -1 when after, 0 when they
// tie (within 1e-9 of the larger). max is written out for gains, which are
// positive numbers (size keeps no other), so that it inlines.
func gainOrder(ga, gb float64) int {
	m := ga
	if gb > m {
		m = gb
	}
	switch d, t := ga-gb, 1e-9*m; {
	case d > t:
		return 1
	case d < -t:
		return -1
	}
	return 0
}

// tied orders two entries of tied gains by key: the heap's order is
// gainOrder, then tied (on a tie, the key is decoded from the slot).
func (st *state) tied(a, b *entry) bool {
	ca, cb := st.decode(int(a.id)), st.decode(int(b.id))
	return ahead(a.gain, ca.key(), b.gain, cb.key())
}

func (st *state) init() {
	n := len(st.h)
	if n < heapParallelMin || runtime.GOMAXPROCS(0) < 2 {
		for i := n/2 - 1; i >= 0; i-- {
			st.down(i)
		}
		return
	}
	// down(i) moves entries only within i's subtree, so the eight
	// subtrees below depth 3 are built on two goroutines, each subtree's
	// nodes in the order of the loop above (deepest level first, from
	// the right), then the seven nodes above them: the same heap.
	const depth = 3
	var next atomic.Int32
	next.Store(1<<depth - 1)
	sub := func() {
		for r := int(next.Add(1)) - 1; r < 1<<(depth+1)-1; r = int(next.Add(1)) - 1 {
			levels := 0
			for (r+1)<<levels-1 <= n/2-1 {
				levels++
			}
			for t := levels - 1; t >= 0; t-- {
				first := (r+1)<<t - 1
				for i := min(first+1<<t-1, n/2-1); i >= first; i-- {
					st.down(i)
				}
			}
		}
	}
	var wg sync.WaitGroup
	wg.Go(sub)
	sub()
	wg.Wait()
	for i := 1<<depth - 2; i >= 0; i-- {
		st.down(i)
	}
}

func (st *state) push(e entry) {
	st.h = append(st.h, e)
	st.up(len(st.h) - 1)
}

func (st *state) pop() entry {
	h := st.h
	n := len(h) - 1
	top := h[0]
	h[0] = h[n]
	st.h = h[:n]
	st.down(0)
	return top
}

func (st *state) up(i int) {
	h := st.h
	for i > 0 {
		p := (i - 1) / 2
		if o := gainOrder(h[i].gain, h[p].gain); o < 0 || (o == 0 && !st.tied(&h[i], &h[p])) {
			return // not before
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (st *state) down(i int) {
	h := st.h
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n {
			if o := gainOrder(h[r].gain, h[l].gain); o > 0 || (o == 0 && st.tied(&h[r], &h[l])) {
				c = r
			}
		}
		if o := gainOrder(h[c].gain, h[i].gain); o < 0 || (o == 0 && !st.tied(&h[c], &h[i])) {
			return // not before
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
