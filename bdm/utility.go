package bdm

import "math"

// powr is x^r with a fast path for the common exponents.
func powr(x, r float64) float64 {
	switch r {
	case 1:
		return x
	case 2:
		return x * x
	case 0.5:
		return math.Sqrt(x)
	}
	return math.Pow(x, r)
}

// Utilities are the basic utilities of Bueno de Mesquita (1994) as
// reconstructed by Scholz, Calbert & Smith (2011), for actor i with risk
// exponent r facing actor j at distance d = |x_i − x_j|, with i at distance
// dmu = |x_i − μ| from the median voter μ, on an issue of range R:
//
//	U_s  = 2 − 4[0.5 − 0.5 d/R]^r                 success
//	U_f  = 2 − 4[0.5 + 0.5 d/R]^r                 failure
//	U_b  = 2 − 4[0.5 − 0.25 (dmu + d)/R]^r        things get better
//	U_w  = 2 − 4[0.5 + 0.25 (dmu + d)/R]^r        things get worse
//	U_sq = 2 − 4 (0.5)^r                          status quo
type Utilities struct {
	Success, Failure, Better, Worse, StatusQuo float64
}

// BasicUtilities returns the basic utilities; see [Utilities].
func BasicUtilities(d, dmu, R, r float64) Utilities {
	a, b := 0.5*d/R, 0.25*(dmu+d)/R
	return Utilities{
		Success:   2 - 4*powr(math.Max(0.5-a, 0), r),
		Failure:   2 - 4*powr(0.5+a, r),
		Better:    2 - 4*powr(math.Max(0.5-b, 0), r),
		Worse:     2 - 4*powr(0.5+b, r),
		StatusQuo: 2 - 4*powr(0.5, r),
	}
}

// ExpectedUtility is E^i(U_ij), actor i's expected utility of challenging
// actor j (Scholz et al. 2011, eq. for the challenge):
//
//	E^i(U_ij) = s_j [P^i U_s + (1 − P^i) U_f] + (1 − s_j) U_s
//	            − Q U_sq − (1 − Q) [T U_b + (1 − T) U_w]
//
// with T = 1 when |x_i − μ| < |x_i − x_j| and 0 otherwise. sj is the target's
// salience, p = P^i the probability that i prevails, and dmasad flips the
// sign of the (1 − Q) term as the dmasad coding does (models.md §2.5 item 6).
func ExpectedUtility(d, dmu, R, r, sj, p, q float64, dmasad bool) float64 {
	if q == 1 {
		// The common case (Scholz's Q = 1) needs neither U_b nor U_w.
		a := 0.5 * d / R
		us := 2 - 4*powr(math.Max(0.5-a, 0), r)
		uf := 2 - 4*powr(0.5+a, r)
		usq := 2 - 4*powr(0.5, r)
		return sj*(p*us+(1-p)*uf) + (1-sj)*us - usq
	}
	u := BasicUtilities(d, dmu, R, r)
	alt := u.Worse
	if dmu < d {
		alt = u.Better // T = 1
	}
	other := (1 - q) * alt
	if dmasad {
		other = -other
	}
	return sj*(p*u.Success+(1-p)*u.Failure) + (1-sj)*u.Success - q*u.StatusQuo - other
}

// RiskExponents sets r[i] from the securities sec (Bueno de Mesquita 1994,
// as in Scholz et al. 2011):
//
//	R_i = (2 Sec_i − max Sec − min Sec) / (max Sec − min Sec)
//	r_i = (1 − R_i/3) / (1 + R_i/3)            ∈ [0.5, 2]
//
// where Sec_i = Σ_{j≠i} E^j(U_ji) at r = 1 is what i's adversaries expect to
// gain by challenging i. When every security is equal (e.g. a unanimous
// issue) R_i is undefined; r_i is then 1 (risk neutral).
func RiskExponents(r, sec []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range sec {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	span := hi - lo
	if !(span > 1e-12*math.Max(1, math.Abs(hi))) {
		for i := range r {
			r[i] = 1
		}
		return
	}
	for i, v := range sec {
		R := (2*v - hi - lo) / span
		r[i] = (1 - R/3) / (1 + R/3)
	}
}
