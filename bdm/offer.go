package bdm

import "math"

// Offer kinds (Bueno de Mesquita 1994; Scholz et al. 2011, Figure 6).
const (
	KindConflict     = "conflict"
	KindCompromise   = "compromise"
	KindCapitulation = "capitulation"
)

// offer is one proposal of the current round in index form.
type offer struct {
	from, to int
	kind     int // 0 conflict, 1 compromise, 2 capitulation
	pos      float64
	a, b     float64 // E^from(U_from,to) and from's estimate of E^to(U_to,from)
}

// zeroEU is the expected utility below which, in absolute value, an EU
// counts as zero, and the margin by which one EU must exceed another in a
// conflict, so that rounding noise (EUs are O(1)) cannot create an offer.
// samePosition is the distance, as a share of R, below which two actors
// count as holding the same position and make each other no offer.
const (
	zeroEU       = 1e-9
	samePosition = 1e-9
)

var kindNames = [...]string{KindConflict, KindCompromise, KindCapitulation}

// Classify returns the offer, if any, that actor i at xi makes to actor j at
// xj given a = E^i(U_ij) and i's estimate b of E^j(U_ji):
//
//	a > 0, b > 0, a > b        conflict: j is to move to x_i
//	a > 0 > b, a ≥ |b|         compromise: j is to move |b/a| (x_i − x_j) toward i
//	a > 0 > b, |b| > a         capitulation: j is to move to x_i
//
// Every other sign pattern gives i no offer to make (j may make one to i,
// and both negative is the status quo). The compromise moves toward i, as
// Scholz et al.'s Figure 6 shows, not away as their printed formula says.
// With capitulation false the last case gives no offer (jmckib).
func Classify(xi, xj, a, b float64, capitulation bool) (kind string, pos float64, ok bool) {
	k, p, ok := classify(xi, xj, a, b, capitulation)
	if !ok {
		return "", xj, false
	}
	return kindNames[k], p, true
}

func classify(xi, xj, a, b float64, capitulation bool) (int, float64, bool) {
	if !(a > zeroEU) || xi == xj {
		return 0, xj, false
	}
	switch {
	case b > zeroEU:
		if a > b+zeroEU {
			return 0, xi, true
		}
	case b < -zeroEU:
		if a >= -b {
			return 1, xj + (xi-xj)*(-b/a), true
		}
		if capitulation {
			return 2, xi, true
		}
	}
	return 0, xj, false
}

// better reports whether actor j, at xj, prefers offer o to offer p under
// the acceptance rule: by kind (conflict, compromise, capitulation) unless
// nearest, then by the smaller move, then by the lower proposed position,
// then by the proposer's id, so that the choice never depends on actor
// order.
func better(o, p *offer, xj float64, nearest bool, ids []string) bool {
	if !nearest && o.kind != p.kind {
		return o.kind < p.kind
	}
	do, dp := math.Abs(o.pos-xj), math.Abs(p.pos-xj)
	if do != dp {
		return do < dp
	}
	if o.pos != p.pos {
		return o.pos < p.pos
	}
	return ids[o.from] < ids[p.from]
}
