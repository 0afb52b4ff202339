package backtest_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/internal/canceltest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// flaky fails on proposals from 1999 and panics on those from 2000.
type flaky struct{}

func (flaky) Name() string { return "flaky" }

func (flaky) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	switch s.Attributes["year"] {
	case "1999":
		return nil, errors.New("cannot")
	case "2000":
		panic("bug")
	}
	return baseline.Mean{}.Forecast(ctx, s)
}

func TestRunCountsFailures(t *testing.T) {
	ss := loadDEU(t, "equal")
	rep, cases, err := backtest.Run(context.Background(), ss, []jirga.Model{flaky{}, backtest.StatusQuo{}}, backtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fails := 0
	for _, c := range cases {
		if y := c.Attr("year"); y == "1999" || y == "2000" {
			fails++
		}
	}
	if fails == 0 {
		t.Fatal("no 1999/2000 issues in the file")
	}
	if got := rep.Models[0]; got.Failed != fails || got.N != 274-fails {
		t.Errorf("flaky: n %d failed %d, want %d and %d", got.N, got.Failed, 274-fails, fails)
	}
	// 202 of the 274 scorable issues have a reference point
	// (validation.md §2.2: 76 blank rp of 282 issues, 72 among the scorable).
	if got := rep.Models[1]; got.N != 202 || got.Failed != 72 {
		t.Errorf("status-quo: n %d failed %d, want 202 and 72", got.N, got.Failed)
	}
	for _, r := range rep.Rows {
		if r.Model == "flaky" && math.IsNaN(r.Forecast) && !strings.Contains(r.Err, "cannot") && !strings.Contains(r.Err, "panicked") {
			t.Errorf("failure reason %q", r.Err)
		}
	}
}

// TestRunEveryRegisteredModel runs each model of the registry on the DEU
// file: none may crash the backtest, and each must forecast most issues.
func TestRunEveryRegisteredModel(t *testing.T) {
	ss := loadDEU(t, "council")
	var ms []jirga.Model
	for _, name := range models.Names() {
		m, err := models.New(name, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	rep, _, err := backtest.Run(context.Background(), ss, ms, backtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range rep.Models {
		if sc.N+sc.Failed != 274 || sc.N < 200 || math.IsNaN(sc.MAE) {
			t.Errorf("%s: n %d failed %d MAE %g", sc.Model, sc.N, sc.Failed, sc.MAE)
		}
	}
}

func TestCoverageDeterministic(t *testing.T) {
	ss := loadDEU(t, "equal")[:40]
	ms := []jirga.Model{baseline.Mean{}, backtest.PlainMedian{}}
	opt := backtest.Options{Coverage: backtest.Coverage{Draws: 30, Seed: 7, Uncertainty: sweep.DefaultUncertainty()}}
	var reps []*backtest.Report
	for _, w := range []int{1, 3} {
		opt.Workers = w
		rep, _, err := backtest.Run(context.Background(), ss, ms, opt)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, rep)
	}
	if !reflect.DeepEqual(reps[0].Models, reps[1].Models) {
		t.Error("coverage depends on the number of workers")
	}
	for i, r := range reps[0].Rows {
		if r.P10 > r.P25 || r.P25 > r.P50 || r.P50 > r.P75 || r.P75 > r.P90 {
			t.Fatalf("row %d: quantiles out of order %v", i, r)
		}
	}
	for _, sc := range reps[0].Models {
		if sc.Coverage50 == nil || *sc.Coverage50 < 0 || *sc.Coverage50 > *sc.Coverage80 {
			t.Errorf("%s: coverage50 %v coverage80 %v", sc.Model, sc.Coverage50, sc.Coverage80)
		}
	}
}

func TestMeasure(t *testing.T) {
	m := backtest.Measure([]float64{-2, 4, 12, -20})
	// |e| = 2, 4, 12, 20: MAE 9.5, RMSE √(564/4), median (4+12)/2 = 8,
	// within 10: 2 of 4, 80th percentile 12 + 0.4·(20 − 12) = 15.2.
	if m.N != 4 || math.Abs(m.P80AE-15.2) > 1e-12 || m.MAE != 9.5 || math.Abs(m.RMSE-math.Sqrt(141)) > 1e-12 || m.MedianAE != 8 || m.Within10 != 0.5 {
		t.Errorf("Measure = %+v", m)
	}
}

func benchmarkBacktest(b *testing.B, issues int) {
	ss := loadDEU(b, "equal")
	if issues < len(ss) {
		ss = ss[:issues]
	}
	var ms []jirga.Model
	for _, name := range models.Names() {
		m, err := models.New(name, models.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		ms = append(ms, m)
	}
	ms = append(ms, backtest.References()...)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := backtest.Run(context.Background(), ss, ms, backtest.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBacktest is the full backtest of every registered model and the
// reference rows on the development file (target: under 5 s on two cores).
func BenchmarkBacktest(b *testing.B) {
	for _, n := range []int{50, 282} {
		b.Run(map[int]string{50: "issues=50", 282: "issues=282"}[n], func(b *testing.B) { benchmarkBacktest(b, n) })
	}
}

// TestRunCancel: a backtest cancelled mid-run returns ctx's error and
// leaves no goroutine behind, with and without coverage. Run used to hang
// here: its workers returned on cancellation while the loop feeding them
// blocked on a send.
func TestRunCancel(t *testing.T) {
	ss := loadDEU(t, "equal")
	for _, cover := range []int{0, 20} {
		for _, w := range []int{1, 2, 4} {
			leaks := canceltest.Goroutines(t)
			ctx, cancel := context.WithCancel(context.Background())
			m := &canceltest.Model{Model: baseline.Mean{}, N: 5, Cancel: cancel}
			opt := backtest.Options{Workers: w, Coverage: backtest.Coverage{Draws: cover, Uncertainty: sweep.DefaultUncertainty()}}
			var err error
			canceltest.Returns(t, fmt.Sprintf("Run with coverage %d on %d workers", cover, w), func() {
				_, _, err = backtest.Run(ctx, ss, []jirga.Model{m, backtest.PlainMean{}}, opt)
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("coverage %d, workers %d: err %v, want context.Canceled", cover, w, err)
			}
			cancel()
			leaks()
		}
	}
}
