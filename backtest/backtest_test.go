package backtest_test

import (
	"context"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/format"
)

func loadDEU(tb testing.TB, capability string) []*jirga.Scenario {
	tb.Helper()
	ss, err := format.ReadFile("testdata/deu_dev.tsv", format.Options{Capability: capability})
	if err != nil {
		tb.Fatal(err)
	}
	return ss
}

// TestReproduceDEUBaselines pins the baselines of validation.md §2.3,
// computed there from deu_dev.tsv: 274 scorable issues, equal capability,
// salience-weighted mean 23.44, plain mean 23.25, median of positions
// 27.45 (even n: mean of the two middle values), constant 50 28.24.
func TestReproduceDEUBaselines(t *testing.T) {
	ss := loadDEU(t, "equal")
	models := []jirga.Model{baseline.Mean{}, backtest.PlainMean{}, backtest.PlainMedian{}, backtest.Constant{At: 0.5}}
	rep, _, err := backtest.Run(context.Background(), ss, models, backtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Issues != 282 || rep.Scored != 274 {
		t.Errorf("issues %d scored %d, want 282 and 274", rep.Issues, rep.Scored)
	}
	if rep.Skipped[backtest.SkipNoOutcome] != 6 || rep.Skipped[backtest.SkipFewActors] != 2 {
		t.Errorf("skipped %v, want 6 without outcome and 2 with fewer than 3 actors", rep.Skipped)
	}
	want := map[string]float64{"mean": 23.44, "plain-mean": 23.25, "plain-median": 27.45, "constant-50": 28.24}
	for _, sc := range rep.Models {
		if sc.N != 274 || sc.Failed != 0 {
			t.Errorf("%s: n %d failed %d, want 274 and 0", sc.Model, sc.N, sc.Failed)
		}
		if got := math.Round(sc.MAE*100) / 100; got != want[sc.Model] {
			t.Errorf("%s: MAE %.4f, want %.2f", sc.Model, sc.MAE, want[sc.Model])
		}
	}
}
