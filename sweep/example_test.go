package sweep_test

import (
	"context"
	"fmt"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/sweep"
)

// A sweep of a one-issue scenario: two bare positions take the default
// uncertainty, the third actor's salience has a range of its own.
func ExampleRun() {
	st := func(pos float64, sal *jirga.Estimate) map[string]*jirga.Stance {
		return map[string]*jirga.Stance{"tax": {Position: jirga.Val(pos), Salience: sal}}
	}
	low, high := 20.0, 80.0
	s := &jirga.Scenario{
		ID:     "tax",
		Issues: []*jirga.Issue{{ID: "tax"}},
		Actors: []*jirga.Actor{
			{ID: "left", Capability: jirga.Val(40), Stances: st(20, jirga.Val(80))},
			{ID: "centre", Capability: jirga.Val(20), Stances: st(50, jirga.Val(50))},
			{ID: "right", Capability: jirga.Val(40), Stances: st(90, &jirga.Estimate{Value: 60, Low: &low, High: &high})},
		},
	}
	r, err := sweep.Run(context.Background(), s, []jirga.Model{baseline.Mean{}}, sweep.Options{Draws: 2000, Seed: 1, Bins: 10})
	if err != nil {
		panic(err)
	}
	f := r.Results[0].Issues[0]
	fmt.Printf("forecast %.1f, mean %.1f, p10 %.1f, p50 %.1f, p90 %.1f\n", f.Forecast, *f.Mean, *f.P10, *f.P50, *f.P90)
	fmt.Println("histogram", f.Histogram.Counts)
	fmt.Println(len(r.Values("mean", "tax")), "per-draw forecasts")
	// The point forecast is (40·0.8·20 + 20·0.5·50 + 40·0.6·90)/66 = 50. The
	// draws centre lower because the right's salience range (20, 60, 80) has
	// mean 53.3, below its value 60.

	// Output:
	// forecast 50.0, mean 47.9, p10 41.7, p50 48.1, p90 53.7
	// histogram [0 0 0 108 1199 690 3 0 0 0]
	// 2000 per-draw forecasts
}
