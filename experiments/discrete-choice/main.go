// Command discrete-choice is the experiment recorded in docs/backtest.md
// ("What else was tried"): a discrete-choice forecaster for DEU, scored
// out of fold against the weighted mean and the shipped stacked model.
//
// Each issue has candidate outcomes (the weighted mean, the lowest and
// highest positions, the reference point, the Commission's and the
// Parliament's positions, the weighted median, the procedural pivot and the
// plain mean; a missing one is left out). A conditional logit,
//
//	P(candidate k | issue i) ∝ exp(θᵀ z_ik),
//
// is fitted by Newton's method with a ridge penalty λ‖θ‖² to the
// candidate nearest the outcome (ties share the mass; with -tau > 0, to
// soft targets ∝ exp(−|c_k − y|/τ)). The forecast is the median of the
// implied distribution over candidates, which is what absolute error
// rewards. Feature sets (-set): 0 candidate intercepts; 1 plus
// candidate × two-option; 2 plus candidate × unanimity and × codecision;
// 3 plus the candidate's distance from the mean and its square. -extra
// adds registered models' forecasts (e.g. bdm, smp) as candidates.
//
// λ (and, with -nested, the feature set) is chosen by 5-fold
// proposal-grouped CV inside each training fold; the outer folds are 10,
// proposal-grouped, with seeds 1–3. The stacked model is refitted in every
// outer fold as `jirga backtest cv` does. Run from the repository root:
//
//	go run ./experiments/discrete-choice -set 1
//	go run ./experiments/discrete-choice -nested
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stack"
	"github.com/jirga/jirga/stat"
)

// candidate names
var cands = []string{"mean", "lo", "hi", "rp", "com", "ep", "wmedian", "pivot", "plain"}

type item struct {
	c    []float64 // candidate values (NaN missing)
	y    float64
	g    string
	two  bool
	unan bool
	cod  bool
	samp stack.Sample
}

func nan(x float64) bool { return math.IsNaN(x) }

// design: for candidate k of item, feature vector
func feats(it item, k int, set int) []float64 {
	K := len(cands)
	var z []float64
	one := make([]float64, K)
	one[k] = 1
	z = append(z, one...)
	if set >= 1 {
		t := make([]float64, K)
		if it.two {
			t[k] = 1
		}
		z = append(z, t...)
	}
	if set >= 2 {
		t := make([]float64, K)
		if it.unan {
			t[k] = 1
		}
		u := make([]float64, K)
		if it.cod {
			u[k] = 1
		}
		z = append(z, t...)
		z = append(z, u...)
	}
	if set >= 3 {
		// distance of candidate from mean, scaled
		d := math.Abs(it.c[k]-it.c[0]) / 50
		z = append(z, d, d*d)
	}
	return z
}

func target(it item) []float64 {
	if tau > 0 {
		t := make([]float64, len(it.c))
		s := 0.0
		for k, v := range it.c {
			if !nan(v) {
				t[k] = math.Exp(-math.Abs(v-it.y) / tau)
				s += t[k]
			}
		}
		for k := range t {
			t[k] /= s
		}
		return t
	}
	best := math.Inf(1)
	for _, v := range it.c {
		if !nan(v) {
			best = math.Min(best, math.Abs(v-it.y))
		}
	}
	t := make([]float64, len(it.c))
	n := 0.0
	for k, v := range it.c {
		if !nan(v) && math.Abs(v-it.y) <= best+1e-9 {
			t[k] = 1
			n++
		}
	}
	for k := range t {
		t[k] /= n
	}
	return t
}

var cache = map[*item]map[int][][]float64{}

func zs(it *item, set int) [][]float64 {
	m := cache[it]
	if m == nil {
		m = map[int][][]float64{}
		cache[it] = m
	}
	if v, ok := m[set]; ok {
		return v
	}
	v := make([][]float64, len(cands))
	for k := range cands {
		v[k] = feats(*it, k, set)
	}
	m[set] = v
	return v
}

func probs(th []float64, it *item, set int) []float64 {
	K := len(cands)
	Z := zs(it, set)
	u := make([]float64, K)
	mx := math.Inf(-1)
	for k := range K {
		if nan(it.c[k]) {
			continue
		}
		s := 0.0
		for j, v := range Z[k] {
			s += th[j] * v
		}
		u[k] = s
		mx = math.Max(mx, s)
	}
	p := make([]float64, K)
	tot := 0.0
	for k := range K {
		if !nan(it.c[k]) {
			p[k] = math.Exp(u[k] - mx)
			tot += p[k]
		}
	}
	for k := range p {
		p[k] /= tot
	}
	return p
}

func gauss(a [][]float64, b []float64) []float64 {
	n := len(b)
	for i := range n {
		piv := i
		for r := i + 1; r < n; r++ {
			if math.Abs(a[r][i]) > math.Abs(a[piv][i]) {
				piv = r
			}
		}
		a[i], a[piv] = a[piv], a[i]
		b[i], b[piv] = b[piv], b[i]
		for r := i + 1; r < n; r++ {
			f := a[r][i] / a[i][i]
			for c := i; c < n; c++ {
				a[r][c] -= f * a[i][c]
			}
			b[r] -= f * b[i]
		}
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for c := i + 1; c < n; c++ {
			s -= a[i][c] * x[c]
		}
		x[i] = s / a[i][i]
	}
	return x
}

func fit(xs []item, lam float64, set int) []float64 {
	P := len(feats(xs[0], 0, set))
	th := make([]float64, P)
	n := float64(len(xs))
	for it := 0; it < 30; it++ {
		g := make([]float64, P)
		H := make([][]float64, P)
		for j := range H {
			H[j] = make([]float64, P)
		}
		for i := range xs {
			x := &xs[i]
			p := probs(th, x, set)
			t := target(*x)
			Z := zs(x, set)
			zbar := make([]float64, P)
			for k := range cands {
				if nan(x.c[k]) {
					continue
				}
				for j, v := range Z[k] {
					g[j] += (p[k] - t[k]) * v / n
					zbar[j] += p[k] * v
				}
			}
			for k := range cands {
				if nan(x.c[k]) || p[k] < 1e-15 {
					continue
				}
				for j, v := range Z[k] {
					if v == 0 {
						continue
					}
					for l, w := range Z[k] {
						H[j][l] += p[k] * v * w / n
					}
				}
			}
			for j := range P {
				for l := range P {
					H[j][l] -= zbar[j] * zbar[l] / n
				}
			}
		}
		for j := range P {
			g[j] += lam * th[j]
			H[j][j] += lam
		}
		d := gauss(H, g)
		mv := 0.0
		for j := range P {
			th[j] -= d[j]
			mv = math.Max(mv, math.Abs(d[j]))
		}
		if mv < 1e-9 {
			break
		}
	}
	return th
}

// wmedian is the median of the distribution p over the candidates vals
// (missing candidates and those of probability 0 left out).
func wmedian(vals, p []float64) float64 {
	var x, w []float64
	for i := range vals {
		if !nan(vals[i]) && p[i] > 0 {
			x, w = append(x, vals[i]), append(w, p[i])
		}
	}
	return baseline.WeightedMedian(x, w)
}

func predict(th []float64, x *item, set int) float64 {
	return wmedian(x.c, probs(th, x, set))
}

func folds(xs []item, k int, seed uint64) []int {
	ss := make([]stack.Sample, len(xs))
	for i, x := range xs {
		ss[i] = x.samp
	}
	return stack.Folds(ss, k, seed)
}

var lams = []float64{1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 1}

func cvMAE(xs []item, lam float64, set int, k int, seed uint64) float64 {
	f := folds(xs, k, seed)
	s := 0.0
	for q := range k {
		var tr, te []item
		for i, x := range xs {
			if f[i] == q {
				te = append(te, x)
			} else {
				tr = append(tr, x)
			}
		}
		th := fit(tr, lam, set)
		for i := range te {
			x := &te[i]
			s += math.Abs(predict(th, x, set) - x.y)
		}
	}
	return s / float64(len(xs))
}

var tau float64

func main() {
	setFlag := flag.Int("set", 1, "feature set 0–3")
	nestedSets := flag.Bool("nested", false, "choose the feature set by inner CV too")
	flag.Float64Var(&tau, "tau", 0, "soft-target width in points (0: nearest candidate)")
	reduced := flag.Bool("reduced", false, "drop the weighted median, pivot and plain mean candidates")
	data := flag.String("data", "backtest/testdata/deu_dev.tsv", "DEU file")
	verbose := flag.Bool("v", false, "print each outer fold's choice")
	extra := flag.String("extra", "", "comma-separated registered models whose forecasts are added as candidates (e.g. bdm)")
	flag.Parse()
	var extras []jirga.Model
	if *extra != "" {
		for _, name := range strings.Split(*extra, ",") {
			m, err := models.New(name, models.Options{})
			if err != nil {
				panic(err)
			}
			extras = append(extras, m)
			cands = append(cands, name)
		}
	}
	set := *setFlag
	ss, err := format.ReadFile(*data, format.Options{Capability: "equal"})
	if err != nil {
		panic(err)
	}
	cases, _ := backtest.Cases(ss, backtest.DefaultMinActors)
	var xs []item
	for _, c := range cases {
		in, _ := stack.Extract(c.Scenario, c.Index)
		if *reduced {
			in.WMedian, in.Pivot, in.PlainMean = math.NaN(), math.NaN(), math.NaN()
		}
		cv := []float64{in.Mean, in.Lo, in.Hi, in.RP, in.Com, in.EP, in.WMedian, in.Pivot, in.PlainMean}
		for _, m := range extras {
			v := math.NaN()
			if r, err := m.Forecast(context.Background(), c.Scenario); err == nil {
				lo, hi := c.Issue.Bounds()
				for _, f := range r.Issues {
					if f.Issue == c.Issue.ID {
						v = 100 * (f.Forecast - lo) / (hi - lo)
					}
				}
			}
			cv = append(cv, v)
		}
		samp, _ := stack.NewSample(c.Scenario, c.Index, c.Group(), nil)
		xs = append(xs, item{c: cv, y: c.Outcome, g: c.Group(), two: in.TwoOption, unan: in.Unanimity, cod: in.Codecision, samp: samp})
	}
	// oracle: best candidate
	or := 0.0
	for _, x := range xs {
		b := math.Inf(1)
		for _, v := range x.c {
			if !nan(v) {
				b = math.Min(b, math.Abs(v-x.y))
			}
		}
		or += b
	}
	fmt.Printf("oracle nearest candidate MAE %.2f\n", or/float64(len(xs)))
	for seed := uint64(1); seed <= 3; seed++ {
		f := folds(xs, 10, seed)
		var eDisc, eStacked, eMean []float64
		fold := make([]float64, 10)
		foldN := make([]float64, 10)
		tot, totS, totM := 0.0, 0.0, 0.0
		hy, twoD, twoS, twoM, nTwo := 0.0, 0.0, 0.0, 0.0, 0.0
		for q := range 10 {
			var tr, te []item
			var trs []stack.Sample
			for i, x := range xs {
				if f[i] == q {
					te = append(te, x)
				} else {
					tr = append(tr, x)
					trs = append(trs, x.samp)
				}
			}
			bestL, bestS, bestM := 0.0, set, math.Inf(1)
			setsToTry := []int{set}
			if *nestedSets {
				setsToTry = []int{0, 1, 2, 3}
			}
			for _, st := range setsToTry {
				for _, l := range lams {
					m := cvMAE(tr, l, st, 5, seed+1)
					if m < bestM {
						bestL, bestS, bestM = l, st, m
					}
				}
			}
			th := fit(tr, bestL, bestS)
			p, _ := stack.Fit(trs, stack.FitOptions{Folds: 10, Seed: seed + 1})
			for ii := range te {
				x := &te[ii]
				e := math.Abs(predict(th, x, bestS) - x.y)
				es := math.Abs(stack.Predict(p.Coef, x.samp) - x.y)
				em := math.Abs(x.c[0] - x.y)
				tot += e
				if x.two {
					hy += e
				} else {
					hy += es
				}
				if x.two {
					twoD += e
					twoS += es
					twoM += em
					nTwo++
				}
				totS += es
				totM += em
				fold[q] += e
				foldN[q]++
				eDisc, eStacked, eMean = append(eDisc, e), append(eStacked, es), append(eMean, em)
			}
			if *verbose {
				fmt.Printf(" fold %d λ %g set %d innerMAE %.2f\n", q, bestL, bestS, bestM)
			}
		}
		n := float64(len(xs))
		a, ae, _ := stat.Paired(eDisc, eMean)
		b, be, _ := stat.Paired(eDisc, eStacked)
		fmt.Printf("seed %d: disc %.2f stacked %.2f mean %.2f; disc−mean %.2f±%.2f disc−stacked %.2f±%.2f\n", seed, tot/n, totS/n, totM/n, a, ae, b, be)
		fmt.Printf("  hybrid %.2f; two-option (n %.0f): disc %.2f stacked %.2f mean %.2f\n", hy/n, nTwo, twoD/nTwo, twoS/nTwo, twoM/nTwo)
		fm, fs := 0.0, 0.0
		for q := range fold {
			fm += fold[q] / foldN[q] / 10
		}
		for q := range fold {
			fs += (fold[q]/foldN[q] - fm) * (fold[q]/foldN[q] - fm) / 9
		}
		fmt.Printf("  per-fold MAE %.2f ± %.2f:", fm, math.Sqrt(fs))
		for q := range fold {
			fmt.Printf(" %.2f", fold[q]/foldN[q])
		}
		fmt.Println()
	}
}
