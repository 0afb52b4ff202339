// Command settle-summary is the experiment behind the point forecast of an
// unsettled dynamic run (docs/models/bdm.md, "Settled or not"): when a
// model's outcome on an issue is still moving, drifting or cycling at the
// end of the run (jirga.JudgeSettle), which summary of its last rounds
// should stand as the forecast?
//
// Candidates, each over the last rounds that JudgeSettle judges
// (jirga.SettleWindow rounds, or a longer cycle): the last round's value
// (what the models reported before), the median, the mean, and the
// midpoint of the range. Two criteria:
//
//   - accuracy: MAE on the DEU development issues (backtest/testdata), the
//     models with their default rounds;
//   - stability: how much the forecast moves when only the number of
//     rounds changes (bdm and exchange: -rounds-from … -rounds-to; smp: its
//     turn cap over the same span, scaled by -smp-scale), the mean and the
//     largest range of the forecast of each issue over those runs, on DEU
//     and on the flagship scenario.
//
// Run from the repository root (about a minute; smp dominates):
//
//	go run ./experiments/settle-summary
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/backtest"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stat"
)

var summaries = []struct {
	name string
	f    func(last []float64) float64
}{
	{"last", func(x []float64) float64 { return x[len(x)-1] }},
	{"median", func(x []float64) float64 { return stat.Median(x) }},
	{"mean", func(x []float64) float64 { return stat.Mean(x) }},
	{"midrange", func(x []float64) float64 { return (slices.Min(x) + slices.Max(x)) / 2 }},
	{"mid/drift", func(x []float64) float64 {
		if monotone(x) {
			return x[len(x)-1]
		}
		return (slices.Min(x) + slices.Max(x)) / 2
	}},
}

// monotone reports whether x never turns back: a steady drift.
func monotone(x []float64) bool {
	up, down := true, true
	for i := 1; i < len(x); i++ {
		up = up && x[i] >= x[i-1]
		down = down && x[i] <= x[i-1]
	}
	return up || down
}

// outcome returns model m's outcome on issue k of s after each round, the
// run's status and whether the model stopped by its own rule.
func outcome(r *jirga.Result, issue string) []float64 {
	var y []float64
	for _, rd := range r.Rounds {
		if rd.Round < 1 {
			continue
		}
		if r.Model == "bdm" {
			y = append(y, rd.Median[issue])
		} else {
			y = append(y, rd.Outcome[issue])
		}
	}
	return y
}

// forecasts returns, per summary, the forecast of every issue of ss with
// the model run with rounds rounds (0: its default), and the number of
// unsettled issues.
func forecasts(name string, rounds int, ss []*jirga.Scenario) (map[string][]float64, int) {
	m, err := models.New(name, models.Options{Rounds: rounds, Seed: 1})
	if err != nil {
		panic(err)
	}
	out := map[string][]float64{}
	unsettled := 0
	for _, s := range ss {
		r, err := m.Forecast(context.Background(), s)
		if err != nil {
			panic(err)
		}
		for _, is := range s.Issues {
			y := outcome(r, is.ID)
			lo, hi := is.Bounds()
			// The judgement the models make (bdm and exchange stop by their
			// own rule only when nothing moves any more; a run too short
			// to judge keeps its last round).
			st := jirga.JudgeSettle(y, lo, hi, r.Status == jirga.StatusConverged && name != "smp")
			moving := !st.Settled && st.Judged
			if moving {
				unsettled++
			}
			for _, sm := range summaries {
				x := y[len(y)-1]
				if moving {
					x = sm.f(y[len(y)-st.Rounds:])
				}
				out[sm.name] = append(out[sm.name], x)
			}
		}
	}
	return out, unsettled
}

func main() {
	data := flag.String("data", "backtest/testdata/deu_dev.tsv", "DEU file")
	from := flag.Int("rounds-from", 6, "fewest rounds of the stability runs")
	to := flag.Int("rounds-to", 12, "most rounds of the stability runs")
	smpScale := flag.Int("smp-scale", 3, "smp's turn cap is this many times the rounds")
	list := flag.String("models", "bdm,smp,exchange", "dynamic models")
	flag.Parse()
	ss, err := format.ReadFile(*data, format.Options{Capability: "equal"})
	if err != nil {
		panic(err)
	}
	cases, _ := backtest.Cases(ss, backtest.DefaultMinActors)
	flag, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		panic(err)
	}
	var deu []*jirga.Scenario
	for _, c := range cases {
		deu = append(deu, c.Scenario) // one-issue scenarios: one case each
	}
	for _, name := range strings.Split(*list, ",") {
		def, unsettled := forecasts(name, 0, deu)
		fmt.Printf("%s: %d of %d DEU issues unsettled with the default rounds\n", name, unsettled, len(deu))
		fmt.Printf("  %-9s %8s   %-24s %-24s\n", "summary", "DEU MAE", "DEU range mean/max", "flagship range mean/max")
		type runs struct{ deu, flag []map[string][]float64 }
		var rs runs
		for n := *from; n <= *to; n++ {
			rounds := n
			if name == "smp" {
				rounds = n * *smpScale
			}
			d, _ := forecasts(name, rounds, deu)
			f, _ := forecasts(name, rounds, flag)
			rs.deu, rs.flag = append(rs.deu, d), append(rs.flag, f)
		}
		spread := func(all []map[string][]float64, sm string) (mean, top float64) {
			n := len(all[0][sm])
			for i := range n {
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, a := range all {
					lo, hi = math.Min(lo, a[sm][i]), math.Max(hi, a[sm][i])
				}
				mean += (hi - lo) / float64(n)
				top = math.Max(top, hi-lo)
			}
			return mean, top
		}
		for _, sm := range summaries {
			e := make([]float64, len(cases))
			for i, c := range cases {
				e[i] = def[sm.name][i] - c.Outcome
			}
			mae := backtest.Measure(e).MAE
			dm, dt := spread(rs.deu, sm.name)
			fm, ft := spread(rs.flag, sm.name)
			fmt.Printf("  %-9s %8.2f   %6.2f / %6.2f          %6.2f / %6.2f\n", sm.name, mae, dm, dt, fm, ft)
		}
	}
}
