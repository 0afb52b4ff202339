package council

import (
	"math"
	"sort"
	"sync"
)

// Era names a Council voting regime.
type Era string

// Eras of Council voting.
const (
	// Amsterdam is qualified-majority voting with the weights of the
	// Amsterdam Treaty (EU-15, 87 votes in all).
	Amsterdam Era = "amsterdam"
	// Nice is qualified-majority voting with the weights of the Nice Treaty
	// (352 votes with all 28 states).
	Nice Era = "nice"
	// DoubleMajority is the Lisbon rule applied from 1 November 2014: 55% of
	// the member states representing 65% of the population, and a blocking
	// minority of at least four states.
	DoubleMajority Era = "double-majority"
)

// amsterdam are the Amsterdam-era QMV weights (validation.md §2.5; Treaty
// establishing the European Community, Art. 205(2) as amended at
// Amsterdam).
var amsterdam = map[string]float64{
	"de": 10, "fr": 10, "it": 10, "uk": 10,
	"es": 8,
	"be": 5, "el": 5, "nl": 5, "pt": 5,
	"at": 4, "se": 4,
	"dk": 3, "ie": 3, "fi": 3,
	"lu": 2,
}

// nice are the Nice-era QMV weights with Bulgaria, Romania and Croatia
// (validation.md §2.5; sum 352).
var nice = map[string]float64{
	"de": 29, "fr": 29, "it": 29, "uk": 29,
	"es": 27, "pl": 27,
	"ro": 14,
	"nl": 13,
	"be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12,
	"at": 10, "bu": 10, "se": 10,
	"dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7,
	"cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4,
	"mt": 3,
}

// population is the population of the 28 member states in thousands on 1
// January 2014 (Eurostat), the figures the Council used for the double
// majority from 1 November 2014 to 31 December 2015 (Council Decision
// 2014/937/EU, Annex). The figures were re-typed from memory of that annex
// and are rounded to 0.1 million before use; check them against the
// Official Journal before quoting them. The power index they feed is a
// proxy, and a 1% error in one state's population moves it very little.
var population = map[string]float64{
	"de": 80780.0, "fr": 65856.6, "uk": 64308.3, "it": 60782.7,
	"es": 46507.8, "pl": 38495.7, "ro": 19942.6, "nl": 16829.3,
	"be": 11203.9, "el": 10992.6, "cz": 10512.4, "pt": 10427.3,
	"hu": 9879.0, "se": 9644.9, "at": 8507.8, "bu": 7245.7,
	"dk": 5627.2, "fi": 5451.3, "sk": 5415.9, "ie": 4604.0,
	"cr": 4246.8, "lt": 2943.5, "si": 2061.1, "lv": 2001.5,
	"ee": 1315.8, "cy": 858.0, "lu": 549.7, "mt": 425.4,
}

// Weight returns member state code's voting weight in era, and false when
// the state had no vote in that era (or is not a member state). For
// DoubleMajority the weight is the state's Shapley–Shubik index times 100
// (see [ShapleyShubik]), so that the 28 weights sum to 100.
func Weight(era Era, code string) (float64, bool) {
	var m map[string]float64
	switch era {
	case Amsterdam:
		m = amsterdam
	case Nice:
		m = nice
	case DoubleMajority:
		m = doubleMajorityWeights()
	default:
		return 0, false
	}
	w, ok := m[code]
	return w, ok
}

// Members returns the member-state codes with a vote in era, sorted.
func Members(era Era) []string {
	var m map[string]float64
	switch era {
	case Amsterdam:
		m = amsterdam
	case Nice:
		m = nice
	case DoubleMajority:
		m = population
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MeanWeight returns the mean voting weight of a member state in era: 87/15
// for Amsterdam, 352/28 for Nice and 100/28 for the double majority.
func MeanWeight(era Era) float64 {
	ms := Members(era)
	if len(ms) == 0 {
		return 0
	}
	s := 0.0
	for _, c := range ms {
		w, _ := Weight(era, c)
		s += w
	}
	return s / float64(len(ms))
}

var (
	dmOnce    sync.Once
	dmWeights map[string]float64
)

func doubleMajorityWeights() map[string]float64 {
	dmOnce.Do(func() {
		codes := Members(DoubleMajority)
		pop := make([]float64, len(codes))
		for i, c := range codes {
			pop[i] = population[c]
		}
		ss := ShapleyShubik(pop, 0.55, 0.65, 4)
		dmWeights = make(map[string]float64, len(codes))
		for i, c := range codes {
			dmWeights[c] = 100 * ss[i]
		}
	})
	return dmWeights
}

// ShapleyShubik returns the Shapley–Shubik power index (Shapley & Shubik
// 1954, APSR 48(3)) of each player under a double-majority rule: a
// coalition S wins when
//
//	(|S| ≥ ⌈qStates·n⌉ and pop(S) ≥ qPop·pop(N))  or  |N∖S| < blocking,
//
// the second clause being the Lisbon rule that a blocking minority needs at
// least `blocking` members (TEU Art. 16(4)). Populations are rounded to
// units of 100 (0.1 million when given in thousands). The index of player i
// is
//
//	φ_i = Σ_{S ⊆ N∖{i}: S loses, S∪{i} wins} |S|!(n−|S|−1)!/n!,
//
// computed exactly by counting coalitions by size and population (a
// generating-function recursion, O(n³·pop) in all). The indices sum to 1.
func ShapleyShubik(pop []float64, qStates, qPop float64, blocking int) []float64 {
	n := len(pop)
	units := make([]int, n)
	total := 0
	for i, p := range pop {
		units[i] = int(math.Round(p / 100))
		total += units[i]
	}
	needStates := int(math.Ceil(qStates*float64(n) - 1e-9))
	needPop := int(math.Ceil(qPop*float64(total) - 1e-9))
	wins := func(k, p int) bool {
		return (k >= needStates && p >= needPop) || n-k < blocking
	}
	// coef[k] = k!(n−k−1)!/n!, computed in logs.
	coef := make([]float64, n)
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	for k := range n {
		coef[k] = math.Exp(lg(k) + lg(n-k-1) - lg(n))
	}
	phi := make([]float64, n)
	// cnt[k][p]: number of coalitions of the other players of size k and
	// population p.
	cnt := make([][]float64, n)
	for k := range cnt {
		cnt[k] = make([]float64, total+1)
	}
	for i := range n {
		for k := range cnt {
			clear(cnt[k])
		}
		cnt[0][0] = 1
		m := 0 // players added so far
		for j := range n {
			if j == i {
				continue
			}
			u := units[j]
			m++
			for k := m; k >= 1; k-- {
				row, prev := cnt[k], cnt[k-1]
				for p := total; p >= u; p-- {
					row[p] += prev[p-u]
				}
			}
		}
		for k := 0; k < n; k++ {
			for p, c := range cnt[k] {
				if c == 0 {
					continue
				}
				if !wins(k, p) && wins(k+1, p+units[i]) {
					phi[i] += c * coef[k]
				}
			}
		}
	}
	return phi
}
