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

// TestErrorsShareOfScale: errors are shares of each issue's scale in points
// of 100, so a 0–10 issue and a 0–100 issue are pooled on one footing. By
// hand, with the weighted mean of three equal actors: the wage issue (0–10,
// positions 2, 4, 9, outcome 4) is forecast 5, an error of 1 point of 10,
// i.e. 10 points of 100; the share issue (0–100, positions 20, 40, 90,
// outcome 60) is forecast 50, an error of −10. MAE 10 (raw errors would
// give 5.5), RMSE 10, both within 10.
func TestErrorsShareOfScale(t *testing.T) {
	src := `id: mixed
issues:
  - {id: wage, scale: {min: 0, max: 10}, outcome: 4}
  - {id: share, outcome: 60}
actors:
  - {id: a, capability: 1, stances: {wage: {position: 2, salience: 50}, share: {position: 20, salience: 50}}}
  - {id: b, capability: 1, stances: {wage: {position: 4, salience: 50}, share: {position: 40, salience: 50}}}
  - {id: c, capability: 1, stances: {wage: {position: 9, salience: 50}, share: {position: 90, salience: 50}}}
`
	ss, err := format.Read("mixed.yaml", []byte(src), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, cases, err := backtest.Run(context.Background(), ss, []jirga.Model{baseline.Mean{}}, backtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 {
		t.Fatalf("%d cases", len(cases))
	}
	if e := cases[0].Error(5); math.Abs(e-10) > 1e-12 {
		t.Errorf("wage error %v, want 10", e)
	}
	m := rep.Models[0].Metrics
	if m.N != 2 || math.Abs(m.MAE-10) > 1e-9 || math.Abs(m.RMSE-10) > 1e-9 || m.Within10 != 1 {
		t.Errorf("metrics %+v, want n 2, MAE 10, RMSE 10, within10 1", m)
	}
	// On a 0–100 scale the error is the difference itself, bit for bit.
	for _, x := range []float64{0.1, 33.3, 61.7, 99.99} {
		if e := cases[1].Error(x); e != x-60 {
			t.Errorf("share error of %v = %v, want %v", x, e, x-60)
		}
	}
}
