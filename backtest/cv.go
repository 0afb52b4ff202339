package backtest

import (
	"context"
	"math"
	"slices"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/stat"
)

// Learner fits a model on training scenarios. It must look at nothing but
// train (in particular it must choose its own hyperparameters on train).
type Learner struct {
	Name string
	Fit  func(ctx context.Context, train []*jirga.Scenario) (jirga.Model, error)
}

// CVOptions control CrossValidate. The zero value runs 10 folds with seed 1.
type CVOptions struct {
	Folds     int
	Seed      uint64
	MinActors int
}

// CVResult is the out-of-fold accuracy of a learner and of fixed models
// scored on the same folds.
type CVResult struct {
	Folds int         `json:"folds"`
	Seed  uint64      `json:"seed"`
	N     int         `json:"n"`
	Rows  []CVRow     `json:"models"`
	Fold  []int       `json:"-"` // fold of each case
	Cases []Case      `json:"-"`
	OOF   [][]float64 `json:"-"` // [row][case] out-of-fold forecasts
}

// CVRow is one model's out-of-fold accuracy: overall, and the MAE of each
// fold with their mean and standard deviation.
type CVRow struct {
	Model string `json:"model"`
	Metrics
	FoldMAE  []float64 `json:"fold_mae"`
	FoldMean float64   `json:"fold_mae_mean"`
	FoldSD   float64   `json:"fold_mae_sd"`
	Failed   int       `json:"failed"`
	// Coverage50 and Coverage80 are the shares of held-out outcomes inside
	// forecast ± the 50th and 80th percentiles of the model's absolute
	// errors on the training folds (a split-conformal interval; Vovk,
	// Gammerman & Shafer 2005); HalfWidth50 and HalfWidth80 are those
	// percentiles averaged over the folds.
	Coverage50  float64 `json:"coverage50"`
	Coverage80  float64 `json:"coverage80"`
	HalfWidth50 float64 `json:"half_width50"`
	HalfWidth80 float64 `json:"half_width80"`
}

// CrossValidate runs k-fold cross-validation grouped by proposal (Case.Group):
// for each fold it fits each learner on the scenarios of the other folds
// and forecasts the fold's issues; the fixed models forecast every fold as
// they are. Each issue is thus forecast once, by a model that never saw it.
func CrossValidate(ctx context.Context, ss []*jirga.Scenario, learners []Learner, fixed []jirga.Model, opt CVOptions) (*CVResult, error) {
	if opt.Folds <= 1 {
		opt.Folds = 10
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	cases, _ := Cases(ss, opt.MinActors)
	var groups []string
	for _, c := range cases {
		groups = append(groups, c.Group())
	}
	res := &CVResult{Folds: opt.Folds, Seed: opt.Seed, N: len(cases), Cases: cases}
	res.Fold = stat.GroupFolds(groups, opt.Folds, opt.Seed)
	nrow := len(learners) + len(fixed)
	res.OOF = make([][]float64, nrow)
	for r := range res.OOF {
		res.OOF[r] = make([]float64, len(cases))
		for i := range res.OOF[r] {
			res.OOF[r][i] = math.NaN()
		}
	}
	hw := make([][][2]float64, nrow) // [row][fold] half-widths
	for r := range hw {
		hw[r] = make([][2]float64, opt.Folds)
	}
	for f := range opt.Folds {
		// Scenarios wholly outside fold f train; the fold's cases test.
		inFold := map[*jirga.Scenario]bool{}
		var testIdx []int
		for i, c := range cases {
			if res.Fold[i] == f {
				inFold[c.Scenario] = true
				testIdx = append(testIdx, i)
			}
		}
		var train []*jirga.Scenario
		for _, s := range ss {
			if !inFold[s] {
				train = append(train, s)
			}
		}
		models := make([]jirga.Model, 0, nrow)
		for _, l := range learners {
			m, err := l.Fit(ctx, train)
			if err != nil {
				return nil, err
			}
			models = append(models, m)
		}
		models = append(models, fixed...)
		for r, m := range models {
			for _, i := range testIdx {
				c := cases[i]
				x, errs := forecastIssues(ctx, m, c.Scenario, cases, []int{i})
				if errs[0] == "" {
					res.OOF[r][i] = x[0]
				}
			}
			// Interval half-widths from the training folds' errors only.
			var abs []float64
			for i, c := range cases {
				if res.Fold[i] == f {
					continue
				}
				x, errs := forecastIssues(ctx, m, c.Scenario, cases, []int{i})
				if errs[0] == "" {
					abs = append(abs, math.Abs(c.Error(x[0])))
				}
			}
			if len(abs) > 0 {
				slices.Sort(abs)
				hw[r][f] = [2]float64{stat.Quantile(abs, 0.5), stat.Quantile(abs, 0.8)}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, nrow)
	for _, l := range learners {
		names = append(names, l.Name)
	}
	for _, m := range fixed {
		names = append(names, m.Name())
	}
	for r, name := range names {
		row := CVRow{Model: name, FoldMAE: make([]float64, opt.Folds)}
		var all []float64
		per := make([][]float64, opt.Folds)
		for i, c := range cases {
			x := res.OOF[r][i]
			if math.IsNaN(x) {
				row.Failed++
				continue
			}
			e := c.Error(x)
			all = append(all, e)
			per[res.Fold[i]] = append(per[res.Fold[i]], e)
			h := hw[r][res.Fold[i]]
			if math.Abs(e) <= h[0] {
				row.Coverage50++
			}
			if math.Abs(e) <= h[1] {
				row.Coverage80++
			}
		}
		if len(all) > 0 {
			row.Coverage50 /= float64(len(all))
			row.Coverage80 /= float64(len(all))
		}
		for f := range hw[r] {
			row.HalfWidth50 += hw[r][f][0] / float64(opt.Folds)
			row.HalfWidth80 += hw[r][f][1] / float64(opt.Folds)
		}
		row.Metrics = Measure(all)
		s, ss2 := 0.0, 0.0
		for f := range per {
			row.FoldMAE[f] = Measure(per[f]).MAE
			s += row.FoldMAE[f]
		}
		row.FoldMean = s / float64(opt.Folds)
		for _, v := range row.FoldMAE {
			ss2 += (v - row.FoldMean) * (v - row.FoldMean)
		}
		if opt.Folds > 1 {
			row.FoldSD = math.Sqrt(ss2 / float64(opt.Folds-1))
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}
