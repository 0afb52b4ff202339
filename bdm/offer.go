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

// zeroEU is the expected utility below which, in absolute value, the
// receiver's EU counts as zero, and the margin by which one EU must exceed
// another in a conflict, so that rounding noise (EUs are O(1)) cannot
// create an offer.
// samePosition is the distance, as a share of R, below which two actors
// count as holding the same position and make each other no offer.
const (
	zeroEU       = 1e-9
	samePosition = 1e-9
)

var kindNames = [...]string{KindConflict, KindCompromise, KindCapitulation}

// Acceptance rules in index form (Settings.Accept).
const (
	acceptLowest = iota
	acceptPriority
	acceptNearest
)

var acceptNames = [...]string{AcceptLowest, AcceptPriority, AcceptNearest}

// Classify returns the offer, if any, that actor i at xi makes to actor j at
// xj given a = E^i(U_ij) and i's estimate b of E^j(U_ji):
//
//	a > 0, b > 0, a > b        conflict: j is to move to x_i
//	a > 0 > b, a ≥ |b|         compromise: j is to move |b/a| (x_i − x_j) toward i
//	a > 0 > b, |b| > a         capitulation: j is to move to x_i
//
// i makes an offer only when a exceeds minEU (Settings.MinEU): a challenge
// must be worth something to the challenger.
// Every other sign pattern gives i no offer to make (j may make one to i,
// and both negative is the status quo). The compromise moves toward i, as
// Scholz et al.'s Figure 6 shows, not away as their printed formula says.
// With capitulation false the last case gives no offer (jmckib).
func Classify(xi, xj, a, b float64, capitulation bool, minEU float64) (kind string, pos float64, ok bool) {
	k, p, ok := classify(xi, xj, a, b, capitulation, max(minEU, zeroEU))
	if !ok {
		return "", xj, false
	}
	return kindNames[k], p, true
}

func classify(xi, xj, a, b float64, capitulation bool, minEU float64) (int, float64, bool) {
	if !(a > minEU) || xi == xj {
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
// the acceptance rule accept:
//
//   - acceptLowest: by kind (conflict, compromise, capitulation); among
//     compromises the lower proposed position, as the Scholz code chooses
//     (Scholz et al. 2011; the jmckib coding reproduces its Table 2 with
//     it); among conflicts and capitulations the smaller move;
//   - acceptPriority: by kind, then the smaller move;
//   - acceptNearest: the smaller move, whatever the kind;
//
// then by the lower proposed position, then by the proposer's id, so that
// the choice never depends on actor order.
func better(o, p *offer, xj float64, accept int, ids []string) bool {
	if accept != acceptNearest && o.kind != p.kind {
		return o.kind < p.kind
	}
	if accept == acceptLowest && o.kind == 1 && o.pos != p.pos {
		return o.pos < p.pos
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
