package exchange_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/internal/fingerprint"
)

var updateFingerprints = flag.Bool("update-fingerprints", false, "rewrite testdata/fingerprints.txt")

// TestFingerprints guards the rewrites for speed and memory of issue 18:
// the whole JSON result (every round's positions, outcomes and exchanges)
// on the Copenhagen, CoP21 and Decide sample files and on random scenarios,
// under every combination of the within-round rule, the update, the scale
// and the rate, hashes to what testdata/fingerprints.txt recorded before
// them. go test -run TestFingerprints -update-fingerprints records new
// hashes; only a fix of the model may change them.
func TestFingerprints(t *testing.T) {
	var ss []*jirga.Scenario
	for _, f := range []string{"testdata/copenhagen_2009.tsv", "testdata/cop21_2015.tsv", "testdata/decide/sample_data.input.tsv"} {
		s, err := format.ReadFile(f, format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s...)
	}
	for k := range 3 {
		s := randomScenario(rand.New(rand.NewPCG(18, uint64(k))), 30+10*k, 4+k)
		s.ID = fmt.Sprintf("random-%d", k)
		ss = append(ss, s)
	}
	var set fingerprint.Set
	for _, s := range ss {
		for _, within := range []string{exchange.WithinDecide, exchange.WithinStart} {
			updates := []string{exchange.UpdateRecalculate, exchange.UpdateDrop}
			if within == exchange.WithinDecide {
				updates = []string{""} // the update applies to the start rule only
			}
			for _, update := range updates {
				for _, scale := range []string{exchange.ScalePercent, exchange.ScaleGiven} {
					for _, rate := range []string{exchange.RateEqual, exchange.RateRandom} {
						m := exchange.Model{WithinRound: within, Update: update, Scale: scale, Rate: rate, Seed: 7}
						r, err := m.Forecast(context.Background(), s)
						if err != nil {
							t.Fatalf("%s: %v", s.ID, err)
						}
						set.Add(t, fmt.Sprintf("%s/%s/%s/%s/%s", s.ID, within, update, scale, rate), r)
					}
				}
			}
		}
	}
	// A round of more than 32,768 candidate exchanges, enumerated on
	// several goroutines: the same bytes with one and two.
	big := randomScenario(rand.New(rand.NewPCG(18, 150)), 150, 6)
	big.ID = "random-150x6"
	for _, procs := range []int{1, 2} {
		prev := runtime.GOMAXPROCS(procs)
		for _, within := range []string{exchange.WithinDecide, exchange.WithinStart} {
			r, err := exchange.Model{WithinRound: within, Rounds: 2}.Forecast(context.Background(), big)
			if err != nil {
				t.Fatal(err)
			}
			set.Add(t, fmt.Sprintf("%s/%s/procs=%d", big.ID, within, procs), r)
		}
		runtime.GOMAXPROCS(prev)
	}
	set.Check(t, "testdata/fingerprints.txt", *updateFingerprints)
}
