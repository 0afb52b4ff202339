package bdm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteProbabilities computes P^i against j straight from the definition in
// probability.go, in O(n³), with linear votes.
func bruteProbabilities(x, w []float64, all bool) []float64 {
	n := len(x)
	p := make([]float64, n*n)
	total := 0.0
	for i := range n {
		for j := range n {
			if i == j || x[i] == x[j] {
				p[i*n+j] = 0.5
				continue
			}
			fi, den := 0.0, 0.0
			for k := range n {
				v := w[k] * (math.Abs(x[k]-x[j]) - math.Abs(x[k]-x[i]))
				fi += math.Max(v, 0)
				den += math.Abs(v)
			}
			p[i*n+j] = fi
			if !all {
				p[i*n+j] = fi / den
			}
			total += den // Σ over ordered pairs (a, b) of Σ_k |v_k^{ab}|
		}
	}
	if all {
		for i := range n {
			for j := range n {
				if i != j && x[i] != x[j] {
					p[i*n+j] /= total
				}
			}
		}
	}
	return p
}

// TestRiskProbabilities checks the prefix-sum risk votes against the direct
// O(n³) sum over voters with random exponents.
func TestRiskProbabilities(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 50 {
		n := 2 + rng.IntN(14)
		x, w, r := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			x[i] = float64(rng.IntN(9)) + 0.5*float64(rng.IntN(2))
			w[i] = rng.Float64()
			r[i] = 0.5 + 1.5*rng.Float64()
		}
		for _, all := range []bool{false, true} {
			want := make([]float64, n*n)
			bruteRiskProbabilities(want, make([]float64, n*n), x, w, r, 8, all)
			var v votes
			v.reset(x, w)
			v.riskTable(x, w, r, 8)
			got := make([]float64, n*n)
			v.probabilities(got, x, all, true)
			for k := range got {
				if math.Abs(got[k]-want[k]) > 1e-12 {
					t.Fatalf("trial %d all=%v: x=%v r=%v: P[%d][%d] = %v, want %v", trial, all, x, r, k/n, k%n, got[k], want[k])
				}
			}
		}
	}
}

func TestLinearProbabilities(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for trial := range 50 {
		n := 2 + rng.IntN(12)
		x, w := make([]float64, n), make([]float64, n)
		for i := range n {
			x[i] = float64(rng.IntN(7)) // many ties, and midpoints on positions
			w[i] = rng.Float64()
		}
		for _, all := range []bool{false, true} {
			var v votes
			v.reset(x, w)
			got := make([]float64, n*n)
			v.probabilities(got, x, all, false)
			want := bruteProbabilities(x, w, all)
			for k := range got {
				if math.Abs(got[k]-want[k]) > 1e-12 {
					t.Fatalf("trial %d all=%v: x=%v w=%v: P[%d][%d] = %v, want %v", trial, all, x, w, k/n, k%n, got[k], want[k])
				}
			}
			// With r = 1 the risk-vote path must agree too.
			one := make([]float64, n)
			for i := range one {
				one[i] = 1
			}
			risk := make([]float64, n*n)
			v.riskTable(x, w, one, 6)
			v.probabilities(risk, x, all, true)
			for k := range risk {
				if math.Abs(risk[k]-want[k]) > 1e-12 {
					t.Fatalf("trial %d all=%v: risk path P[%d][%d] = %v, want %v", trial, all, k/n, k%n, risk[k], want[k])
				}
			}
		}
	}
}

// TestAdjacentTopPositions is the case that once read past the end of the
// sorted positions: two positions one ulp apart at the top of the scale,
// whose midpoint rounds to the upper one. The emission case reaches it with
// linear votes and no minimum expected utility (Belgium at 10 − 1 ulp).
// The pair one ulp apart has vote totals of the order of an ulp, which the
// prefix sums cannot resolve (and the model makes no offer between
// positions within 1e-9 × R); every other pair must be exact.
func TestAdjacentTopPositions(t *testing.T) {
	x := []float64{4, 7, math.Nextafter(10, 0), 10}
	w := []float64{0.2, 0.3, 0.1, 0.4}
	for _, all := range []bool{false, true} {
		var v votes
		v.reset(x, w)
		got := make([]float64, len(x)*len(x))
		v.probabilities(got, x, all, false)
		want := bruteProbabilities(x, w, all)
		for k := range got {
			i, j := k/len(x), k%len(x)
			if !(got[k] >= 0 && got[k] <= 1) {
				t.Errorf("all=%v: P[%d][%d] = %v, not a probability", all, i, j, got[k])
			}
			if math.Abs(x[i]-x[j]) > 1e-9 && math.Abs(got[k]-want[k]) > 1e-12 {
				t.Errorf("all=%v: P[%d][%d] = %v, want %v", all, i, j, got[k], want[k])
			}
		}
	}
}

// TestUtilities checks the basic utilities and the expected utility against
// values worked by hand from the equations in models.md §2.3.
func TestUtilities(t *testing.T) {
	// d = 3, R = 6, r = 1: U_s = 2 − 4(0.25) = 1, U_f = 2 − 4(0.75) = −1,
	// U_sq = 0; dmu = 1: U_b = 2 − 4(0.5 − 1/6) = 2/3, U_w = −2/3.
	u := BasicUtilities(3, 1, 6, 1)
	want := Utilities{Success: 1, Failure: -1, Better: 2.0 / 3, Worse: -2.0 / 3, StatusQuo: 0}
	for _, c := range [][2]float64{{u.Success, want.Success}, {u.Failure, want.Failure}, {u.Better, want.Better}, {u.Worse, want.Worse}, {u.StatusQuo, want.StatusQuo}} {
		if math.Abs(c[0]-c[1]) > 1e-12 {
			t.Errorf("utilities %+v, want %+v", u, want)
		}
	}
	// r = 2: U_s = 2 − 4(0.0625) = 1.75, U_f = 2 − 4(0.5625) = −0.25, U_sq = 1.
	// s_j = 0.5, P = 0.4: E = 0.5(0.4·1.75 + 0.6·(−0.25)) + 0.5·1.75 − 1 = 0.15.
	if got := ExpectedUtility(3, 1, 6, 2, 0.5, 0.4, 1, false); math.Abs(got-0.15) > 1e-12 {
		t.Errorf("E at Q = 1: %v, want 0.15", got)
	}
	// Q = 0.5, r = 1, dmu = 1 < d = 3 so T = 1: E = 0.5(0.4 − 0.6) + 0.5 − 0 − 0.5·(2/3).
	wantQ := 0.5*(0.4-0.6) + 0.5 - 0.5*2.0/3
	if got := ExpectedUtility(3, 1, 6, 1, 0.5, 0.4, 0.5, false); math.Abs(got-wantQ) > 1e-12 {
		t.Errorf("E at Q = 0.5: %v, want %v", got, wantQ)
	}
	if got := ExpectedUtility(3, 1, 6, 1, 0.5, 0.4, 0.5, true); math.Abs(got-(wantQ+2*0.5*2.0/3)) > 1e-12 {
		t.Errorf("E with the dmasad sign: %v, want %v", got, wantQ+2*0.5*2.0/3)
	}
	// The fast path of a round agrees with ExpectedUtility.
	for _, r := range []float64{0.5, 0.8, 1.3, 2} {
		for _, d := range []float64{0, 1, 2.5, 6} {
			a := 0.5 * d / 6
			us, uf := 2-4*math.Exp(r*math.Log(math.Max(0.5-a, 0))), 2-4*math.Exp(r*math.Log(0.5+a))
			usq := 2 - 4*math.Exp(r*math.Log(0.5))
			fast := 0.3*(0.2*us+0.8*uf) + 0.7*us - usq
			if slow := ExpectedUtility(d, 0, 6, r, 0.3, 0.2, 1, false); math.Abs(fast-slow) > 1e-12 {
				t.Errorf("r=%v d=%v: fast %v, ExpectedUtility %v", r, d, fast, slow)
			}
		}
	}
}

func TestRiskExponents(t *testing.T) {
	r := make([]float64, 3)
	RiskExponents(r, []float64{-1, 0, 1}) // R_i = −1, 0, 1
	for i, want := range []float64{2, 1, 0.5} {
		if math.Abs(r[i]-want) > 1e-12 {
			t.Errorf("r = %v, want [2 1 0.5]", r)
		}
	}
	RiskExponents(r, []float64{0.3, 0.3, 0.3})
	if r[0] != 1 || r[1] != 1 || r[2] != 1 {
		t.Errorf("equal securities: r = %v, want all 1", r)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		a, b  float64
		capit bool
		kind  string
		pos   float64
		ok    bool
		minEU float64
	}{
		{0.5, 0.2, true, KindConflict, 10, true, 0},                    // both gain, i more: j moves to x_i
		{0.2, 0.5, true, "", 4, false, 0},                              // j would win: i proposes nothing
		{0.5, -0.25, true, KindCompromise, 7, true, 0},                 // j moves |b/a| = 1/2 of 6 toward i
		{0.25, -0.5, true, KindCapitulation, 10, true, 0},              // j loses more than i gains
		{0.25, -0.5, false, "", 4, false, 0},                           // capitulation off
		{-0.1, -0.2, true, "", 4, false, 0},                            // status quo
		{0.005, -0.001, true, "", 4, false, 0.01},                      // below the minimum gain of reading emission-fit
		{0.005, -0.001, true, KindCompromise, 5.2, true, DefaultMinEU}, // no minimum by default
		{5e-10, -1e-10, true, "", 4, false, DefaultMinEU},              // rounding noise is no gain
	}
	for i, tt := range tests {
		kind, pos, ok := Classify(10, 4, tt.a, tt.b, tt.capit, tt.minEU)
		if kind != tt.kind || ok != tt.ok || math.Abs(pos-tt.pos) > 1e-12 {
			t.Errorf("case %d: Classify = %q %v %v, want %q %v %v", i, kind, pos, ok, tt.kind, tt.pos, tt.ok)
		}
	}
}

// bruteRiskProbabilities fills p with votes whose distances are raised to each
// voter's exponent r_k. dist is n×n scratch. It costs O(n³).
func bruteRiskProbabilities(p, dist, x, w, r []float64, R float64, all bool) {
	n := len(x)
	// dist[a*n+k] = (|x_k − x_a|/R)^{r_k}, so that the voter loop below
	// runs over contiguous memory.
	// The logarithm of a distance is shared by both orders of the pair.
	for a := range n {
		dist[a*n+a] = 0
		for k := a + 1; k < n; k++ {
			l := math.Log(math.Abs(x[k]-x[a]) / R)
			dist[a*n+k], dist[k*n+a] = math.Exp(r[k]*l), math.Exp(r[a]*l)
		}
	}
	total := 0.0
	for i := range n {
		p[i*n+i] = 0.5
		for j := i + 1; j < n; j++ {
			if x[i] == x[j] {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
				continue
			}
			// Σ v and Σ |v| give both sides' totals without a branch:
			// fi = (Σ|v| + Σv)/2, fj = (Σ|v| − Σv)/2.
			sum, abs := voteSums(w[:n], dist[i*n:(i+1)*n], dist[j*n:(j+1)*n])
			fi, fj := math.Max(0.5*(abs+sum), 0), math.Max(0.5*(abs-sum), 0)
			if all {
				p[i*n+j], p[j*n+i] = fi, fj
				total += 2 * (fi + fj) // both orders of the pair
				continue
			}
			if den := fi + fj; den > 0 {
				p[i*n+j], p[j*n+i] = fi/den, fj/den
			} else {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
			}
		}
	}
	if all {
		normalizeAll(p, x, total)
	}
}

// voteSums returns Σ_k w_k (dj_k − di_k) and Σ_k |w_k (dj_k − di_k)|. Four
// independent accumulators keep the additions from waiting on each other.
func voteSums(w, di, dj []float64) (sum, abs float64) {
	n := len(w)
	di, dj = di[:n], dj[:n]
	var s0, s1, s2, s3, a0, a1, a2, a3 float64
	k := 0
	for ; k+4 <= n; k += 4 {
		v0 := w[k] * (dj[k] - di[k])
		v1 := w[k+1] * (dj[k+1] - di[k+1])
		v2 := w[k+2] * (dj[k+2] - di[k+2])
		v3 := w[k+3] * (dj[k+3] - di[k+3])
		s0, s1, s2, s3 = s0+v0, s1+v1, s2+v2, s3+v3
		a0, a1, a2, a3 = a0+math.Abs(v0), a1+math.Abs(v1), a2+math.Abs(v2), a3+math.Abs(v3)
	}
	for ; k < n; k++ {
		v := w[k] * (dj[k] - di[k])
		s0 += v
		a0 += math.Abs(v)
	}
	return (s0 + s1) + (s2 + s3), (a0 + a1) + (a2 + a3)
}

// pairwiseProbabilities is probabilities as it was before the one-pointer
// sweep: actor pairs in id order, a binary search for each midpoint.
func pairwiseProbabilities(v *votes, p, x []float64, all, risk bool) {
	n := len(x)
	total := 0.0
	for i := range n {
		p[i*n+i] = 0.5
		for j := i + 1; j < n; j++ {
			a, b := x[i], x[j]
			if a == b {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
				continue
			}
			var fi, fj float64
			switch {
			case risk && a < b:
				fi, fj = v.riskPair(i, j, a, b)
			case risk:
				fj, fi = v.riskPair(j, i, b, a)
			case a < b:
				fi, fj = v.pair(i, j, a, b)
			default:
				fj, fi = v.pair(j, i, b, a)
			}
			if all {
				p[i*n+j], p[j*n+i] = fi, fj
				total += 2 * (fi + fj)
				continue
			}
			if den := fi + fj; den > 0 {
				p[i*n+j], p[j*n+i] = fi/den, fj/den
			} else {
				p[i*n+j], p[j*n+i] = 0.5, 0.5
			}
		}
	}
	if all {
		normalizeAll(p, x, total)
	}
}

// TestProbabilitiesBitIdentical guards the speed-up of probabilities: it must
// give the same floats, not just close ones, as the pairwise search, so that
// no forecast changes.
func TestProbabilitiesBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := range 200 {
		n := 1 + rng.IntN(30)
		x, w, r := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range n {
			if trial%2 == 0 {
				x[i] = float64(rng.IntN(7)) // ties and midpoints on positions
			} else {
				x[i] = 100 * rng.Float64()
			}
			w[i], r[i] = rng.Float64(), 0.5+1.5*rng.Float64()
		}
		for _, all := range []bool{false, true} {
			for _, risk := range []bool{false, true} {
				var v votes
				v.reset(x, w)
				if risk {
					v.riskTable(x, w, r, 100)
				}
				got, want := make([]float64, n*n), make([]float64, n*n)
				v.probabilities(got, x, all, risk)
				pairwiseProbabilities(&v, want, x, all, risk)
				for k := range got {
					if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
						t.Fatalf("trial %d all=%v risk=%v: P[%d][%d] = %v, want %v", trial, all, risk, k/n, k%n, got[k], want[k])
					}
				}
			}
		}
	}
}
