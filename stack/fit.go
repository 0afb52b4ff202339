package stack

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stat"
)

// Sample is one training issue: its features, weighted mean and outcome
// (on 0–100) and the group (proposal) that cross-validation keeps together.
type Sample struct {
	Z       []float64
	Mean    float64
	Outcome float64
	Group   string
	// Lo and Hi bound the prediction when Bounded: the range of the actors'
	// positions, so the correction never leaves the positions' hull (and a
	// unanimous issue is forecast at its one position).
	Lo, Hi  float64
	Bounded bool
}

// NewSample returns the training sample of issue k of s: its features
// named in features (nil: FeatureNames), weighted mean, outcome on 0–100
// and group, the proposal that cross-validation keeps together. It returns
// false when the issue has no outcome or no actor holds a position on it.
// Which issues are scorable is the backtest's to say (backtest.Cases; the
// model is fitted by backtest.FitStacked).
func NewSample(s *jirga.Scenario, k int, group string, features []string) (Sample, bool) {
	is := s.Issues[k]
	if is.Outcome == nil {
		return Sample{}, false
	}
	in, ok := Extract(s, k)
	if !ok {
		return Sample{}, false
	}
	if features == nil {
		features = featureNames
	}
	lo, hi := is.Bounds()
	return Sample{Z: in.Vector(features), Mean: in.Mean, Outcome: 100 * (*is.Outcome - lo) / (hi - lo), Group: group, Lo: in.Lo, Hi: in.Hi, Bounded: true}, true
}

// Predict returns the forecast of coefficients beta for a sample, on 0–100.
func Predict(beta []float64, x Sample) float64 {
	y := x.Mean
	for j, z := range x.Z {
		y += beta[j] * z
	}
	lo, hi := 0.0, 100.0
	if x.Bounded {
		lo, hi = math.Max(lo, x.Lo), math.Min(hi, x.Hi)
	}
	return math.Min(hi, math.Max(lo, y))
}

// Huber fits β by minimising Σ ρ_δ(y_i − m_i − z_iᵀβ) + λ||β||² with
// iteratively reweighted least squares: weights w_i = min(1, δ/|r_i|),
// then (ZᵀWZ + λI)β = ZᵀW(y − m), until β moves by less than 1e-10 or
// after 500 iterations. Small δ approaches least absolute deviations. The
// start is β = 0 (the weighted mean), and the result is deterministic.
func Huber(xs []Sample, lambda, delta float64) []float64 {
	if len(xs) == 0 {
		return nil
	}
	p := len(xs[0].Z)
	beta := make([]float64, p)
	a := make([]float64, p*p)
	b := make([]float64, p)
	for range 500 {
		clear(a)
		clear(b)
		for _, x := range xs {
			r := x.Outcome - x.Mean
			for j, z := range x.Z {
				r -= beta[j] * z
			}
			w := 1.0
			if ar := math.Abs(r); ar > delta {
				w = delta / ar
			}
			t := x.Outcome - x.Mean
			for j, zj := range x.Z {
				if zj == 0 {
					continue
				}
				b[j] += w * zj * t
				row := a[j*p : (j+1)*p]
				for l, zl := range x.Z {
					row[l] += w * zj * zl
				}
			}
		}
		for j := range p {
			a[j*p+j] += lambda
		}
		next, err := solve(a, b, p)
		if err != nil {
			break
		}
		move := 0.0
		for j := range p {
			move = math.Max(move, math.Abs(next[j]-beta[j]))
		}
		beta = next
		if move < 1e-10 {
			break
		}
	}
	return beta
}

// solve solves the symmetric positive definite system a·x = b (a is p×p,
// row-major) by Cholesky decomposition. a and b are not modified.
func solve(a, b []float64, p int) ([]float64, error) {
	l := make([]float64, p*p)
	for i := range p {
		for j := 0; j <= i; j++ {
			s := a[i*p+j]
			for k := range j {
				s -= l[i*p+k] * l[j*p+k]
			}
			if i == j {
				if s <= 0 {
					return nil, errors.New("stack: matrix is not positive definite")
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
	}
	y := make([]float64, p)
	for i := range p {
		s := b[i]
		for k := range i {
			s -= l[i*p+k] * y[k]
		}
		y[i] = s / l[i*p+i]
	}
	x := make([]float64, p)
	for i := p - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < p; k++ {
			s -= l[k*p+i] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
	return x, nil
}

// Folds assigns each sample of xs to one of k folds, keeping the samples
// of a group together (stat.GroupFolds), and returns the fold of each.
func Folds(xs []Sample, k int, seed uint64) []int {
	groups := make([]string, len(xs))
	for i, x := range xs {
		groups[i] = x.Group
	}
	return stat.GroupFolds(groups, k, seed)
}

// FitOptions control Fit. The zero value uses the defaults.
type FitOptions struct {
	// Lambdas is the grid of ridge penalties searched (default
	// DefaultLambdas).
	Lambdas []float64
	// Delta is the Huber threshold in points (default 1: close to least
	// absolute deviations, which MAE rewards).
	Delta float64
	// Features are the names of the features (default FeatureNames); the
	// samples must have been built with the same list.
	Features []string
	// Folds is the number of proposal-grouped folds used to choose λ
	// (default 5), and Seed fixes their assignment (default 1).
	Folds int
	Seed  uint64
}

// DefaultLambdas returns the default grid of ridge penalties.
func DefaultLambdas() []float64 { return slices.Clone(defaultLambdas) }

var defaultLambdas = []float64{1e-1, 1, 3, 1e1, 3e1, 1e2, 3e2, 1e3, 3e3, 1e4, 3e4, 1e5, 1e6}

func (o FitOptions) withDefaults() FitOptions {
	if len(o.Lambdas) == 0 {
		o.Lambdas = defaultLambdas
	}
	if len(o.Features) == 0 {
		o.Features = featureNames
	}
	if o.Delta <= 0 {
		o.Delta = 1
	}
	if o.Folds <= 1 {
		o.Folds = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Fit chooses λ from the grid by proposal-grouped cross-validation on xs
// (the λ with the smallest MAE; ties go to the larger λ, the simpler model)
// and refits on all of xs with it.
func Fit(xs []Sample, opt FitOptions) (*Params, error) {
	opt = opt.withDefaults()
	if len(xs) > 0 && len(xs[0].Z) != len(opt.Features) {
		return nil, fmt.Errorf("stack: samples have %d features, options name %d", len(xs[0].Z), len(opt.Features))
	}
	if len(xs) < 2*opt.Folds {
		return nil, jirga.Errorf(jirga.EINVALID, "stack: %d training issues are too few for %d folds", len(xs), opt.Folds)
	}
	fold := Folds(xs, opt.Folds, opt.Seed)
	best, bestMAE := 0.0, math.Inf(1)
	cv := make([]float64, len(opt.Lambdas))
	lambdas := slices.Clone(opt.Lambdas)
	slices.Sort(lambdas)
	for li := len(lambdas) - 1; li >= 0; li-- {
		lam := lambdas[li]
		sum := 0.0
		for f := range opt.Folds {
			var train, test []Sample
			for i, x := range xs {
				if fold[i] == f {
					test = append(test, x)
				} else {
					train = append(train, x)
				}
			}
			beta := Huber(train, lam, opt.Delta)
			for _, x := range test {
				sum += math.Abs(Predict(beta, x) - x.Outcome)
			}
		}
		mae := sum / float64(len(xs))
		cv[li] = mae
		if mae < bestMAE-1e-12 {
			best, bestMAE = lam, mae
		}
	}
	beta := Huber(xs, best, opt.Delta)
	p := &Params{
		Model:    Name,
		Features: slices.Clone(opt.Features),
		Coef:     beta,
		Lambda:   best,
		Delta:    opt.Delta,
		Folds:    opt.Folds,
		Seed:     opt.Seed,
		Lambdas:  lambdas,
		CVMAE:    cv,
		N:        len(xs),
		Groups:   countGroups(xs),
	}
	p.TrainingHash = hashSamples(xs)
	return p, nil
}

func countGroups(xs []Sample) int {
	seen := map[string]bool{}
	for _, x := range xs {
		seen[x.Group] = true
	}
	return len(seen)
}

// hashSamples fingerprints the training data (outcomes, means, features)
// so that a refit can tell whether it saw the same data.
func hashSamples(xs []Sample) string {
	h := fnv.New64a()
	for _, x := range xs {
		fmt.Fprintf(h, "%s %.6f %.6f", x.Group, x.Outcome, x.Mean)
		for _, z := range x.Z {
			fmt.Fprintf(h, " %.6f", z)
		}
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("fnv64a:%016x", h.Sum64())
}
