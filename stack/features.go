package stack

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/stat"
)

// FeatureNames returns the features of the shipped model, in order: an
// intercept, the corrections towards the plain mean, the Parliament (with
// its extra weight under codecision), the reference point and the
// procedural pivot. They were chosen from [AllFeatures] by nested
// cross-validation (docs/backtest.md): richer sets fitted the training
// folds better and the held-out folds worse.
func FeatureNames() []string { return slices.Clone(featureNames) }

var featureNames = []string{"const", "plain_mean", "ep", "cod_x_ep", "rp", "pivot"}

// AllFeatures returns every feature Vector can compute. Positions are on
// 0–100 (the issue's scale mapped linearly), m is the capability ×
// salience weighted mean, "members" are the actors other than the
// Commission (com) and the Parliament (ep), and a missing quantity (no
// reference point, no com) makes its difference 0.
func AllFeatures() []Feature { return slices.Clone(allFeatures) }

var allFeatures = []Feature{
	{"const", "1", func(in Inputs) float64 { return 1 }},
	{"plain_mean", "plain mean of all positions − m", func(in Inputs) float64 { return in.diff(in.PlainMean) }},
	{"wmedian", "weighted median (c·s) − m", func(in Inputs) float64 { return in.diff(in.WMedian) }},
	{"members_median", "plain median of the members' positions − m", func(in Inputs) float64 { return in.diff(in.MembersMedian) }},
	{"com", "Commission position − m", func(in Inputs) float64 { return in.diff(in.Com) }},
	{"ep", "Parliament position − m", func(in Inputs) float64 { return in.diff(in.EP) }},
	{"rp", "reference point − m", func(in Inputs) float64 { return in.diff(in.RP) }},
	{"pivot", "procedural pivot (see Pivot) − m", func(in Inputs) float64 { return in.diff(in.Pivot) }},
	{"nbs", "Nash bargaining solution (quadratic, rp as disagreement) − m", func(in Inputs) float64 { return in.diff(in.NBS) }},
	{"two_option", "1 when every position is at an end of the scale", func(in Inputs) float64 { return b(in.TwoOption) }},
	{"unanimity", "1 when the Council votes by unanimity", func(in Inputs) float64 { return b(in.Unanimity) }},
	{"codecision", "1 under codecision (COD)", func(in Inputs) float64 { return b(in.Codecision) }},
	{"two_x_side", "two_option × (m − 50)", func(in Inputs) float64 { return b(in.TwoOption) * (in.Mean - 50) }},
	{"two_x_wmedian", "two_option × (weighted median − m)", func(in Inputs) float64 { return b(in.TwoOption) * in.diff(in.WMedian) }},
	{"unan_x_rp", "unanimity × (reference point − m)", func(in Inputs) float64 { return b(in.Unanimity) * in.diff(in.RP) }},
	{"cod_x_ep", "codecision × (Parliament position − m)", func(in Inputs) float64 { return b(in.Codecision) * in.diff(in.EP) }},
}

// Feature is one feature: its name, definition and computation.
type Feature struct {
	Name, Doc string
	f         func(Inputs) float64
}

func b(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

func (in Inputs) diff(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v - in.Mean
}

// Vector returns the features named in names (see AllFeatures), in order.
// Unknown names give 0; CheckFeatures rejects them.
func (in Inputs) Vector(names []string) []float64 {
	z := make([]float64, len(names))
	for j, n := range names {
		for _, f := range allFeatures {
			if f.Name == n {
				z[j] = f.f(in)
				break
			}
		}
	}
	return z
}

// CheckFeatures returns an error naming any unknown feature.
func CheckFeatures(names []string) error {
	for _, n := range names {
		ok := false
		for _, f := range allFeatures {
			ok = ok || f.Name == n
		}
		if !ok {
			return fmt.Errorf("stack: unknown feature %q", n)
		}
	}
	return nil
}

// QMVShare is the share of the members' capability that the qualified-
// majority pivot needs (71%: Amsterdam 62 of 87 votes; the Nice and
// double-majority thresholds are 74% of votes and 65% of population).
const QMVShare = 0.71

// Inputs are the issue quantities the features are computed from, on
// 0–100. A missing quantity is NaN.
type Inputs struct {
	Mean, PlainMean, WMedian, MembersMedian float64
	// Lo and Hi are the lowest and highest positions (0–100).
	Lo, Hi                           float64
	Com, EP, RP, Pivot, NBS          float64
	TwoOption, Unanimity, Codecision bool
}

// Extract computes the inputs of issue k of s. It returns false when no
// actor holds a position on the issue.
func Extract(s *jirga.Scenario, k int) (Inputs, bool) {
	is := s.Issues[k]
	lo, hi := is.Bounds()
	scale := func(x float64) float64 { return 100 * (x - lo) / (hi - lo) }
	var in Inputs
	// One allocation for the five columns (sweeps extract every draw).
	n := len(s.Actors)
	buf := make([]float64, 5*n)
	capab, pos, sal, mpos, mcap := buf[:0:n], buf[n:n:2*n], buf[2*n:2*n:3*n], buf[3*n:3*n:4*n], buf[4*n:4*n:5*n]
	in.Com, in.EP, in.RP = math.NaN(), math.NaN(), math.NaN()
	in.TwoOption = true
	for _, a := range s.Actors {
		st := a.Stances[is.ID]
		if st == nil || st.Position == nil {
			continue
		}
		x := scale(st.Position.Value)
		c := 1.0
		if a.Capability != nil {
			c = a.Capability.Value
		}
		sv := 0.0
		if st.Salience != nil {
			sv = st.Salience.Value / jirga.SalienceMax
		}
		capab, pos, sal = append(capab, c), append(pos, x), append(sal, sv)
		if x != 0 && x != 100 {
			in.TwoOption = false
		}
		switch a.ID {
		case "com":
			in.Com = x
		case "ep":
			in.EP = x
		default:
			mpos, mcap = append(mpos, x), append(mcap, c)
		}
	}
	if len(pos) == 0 {
		return in, false
	}
	w, _ := baseline.Weights(capab, sal)
	in.Lo, in.Hi = slices.Min(pos), slices.Max(pos)
	in.Mean = baseline.WeightedMean(pos, w)
	in.PlainMean = baseline.WeightedMean(pos, nil)
	in.WMedian = baseline.WeightedMedian(pos, w)
	in.MembersMedian = stat.Median(mpos)
	if is.StatusQuo != nil {
		in.RP = scale(is.StatusQuo.Value)
	}
	rule := s.IssueAttr(is, "rule")
	in.Unanimity = rule == "Unan"
	in.Codecision = s.IssueAttr(is, "procedure") == "COD"
	share := QMVShare
	if in.Unanimity {
		share = 1
	}
	in.Pivot = Pivot(mpos, mcap, in.RP, share)
	if !math.IsNaN(in.RP) {
		dis := make([]float64, len(pos))
		for i, x := range pos {
			d := (in.RP - x) / 100
			dis[i] = 1 - d*d
		}
		if x, ok := baseline.NashBargain(baseline.UtilityQuadratic, pos, w, dis, 0, 100); ok {
			in.NBS = x
		} else {
			in.NBS = in.RP
		}
	} else {
		in.NBS = math.NaN()
	}
	return in, true
}

// Pivot returns the procedural model's outcome for members at positions x
// with capabilities c, reference point rp and a decision rule that needs
// share of the capability: the outcome moves from rp towards the members'
// capability-weighted mean as far as a coalition holding share of the
// capability agrees, which stops at the position p of the pivotal member
// (Tsebelis & Garrett 2000; Steunenberg 1994). share 1 is unanimity, where
// p is the most reluctant member. When p lies on the far side of rp (or rp
// is NaN, or the members are at rp) there is no such move and Pivot returns
// rp (NaN when rp is NaN).
func Pivot(x, c []float64, rp, share float64) float64 {
	if math.IsNaN(rp) || len(x) == 0 {
		return rp
	}
	mean := baseline.WeightedMean(x, c)
	d := cmp.Compare(mean, rp)
	if d == 0 {
		return rp
	}
	type pt struct{ x, c float64 }
	pts := make([]pt, len(x))
	total := 0.0
	for i := range x {
		pts[i] = pt{x[i], c[i]}
		total += c[i]
	}
	// Order from the most eager (farthest from rp in direction d) to the
	// most reluctant, and accumulate capability until share is reached.
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(b.x*float64(d), a.x*float64(d)) })
	cum := 0.0
	p := pts[len(pts)-1].x
	for _, q := range pts {
		cum += q.c
		if cum >= share*total*(1-1e-12) {
			p = q.x
			break
		}
	}
	if (p-rp)*float64(d) <= 0 {
		return rp
	}
	return p
}
