package bdm

import (
	"context"
	"flag"
	"reflect"
	"testing"

	"github.com/jirga/jirga/internal/fingerprint"
)

var updateFingerprints = flag.Bool("update-fingerprints", false, "rewrite testdata/fingerprints.txt")

// TestFingerprints guards the speed-ups of issue 18 at the sizes where a
// round's loops run on several goroutines (parallelMin actors and more):
// the whole JSON result (every round, every offer) of 300 actors under
// several readings, with 1 and 2 workers (GOMAXPROCS), hashes to what
// testdata/fingerprints.txt recorded before them. go test -run
// TestFingerprints -update-fingerprints records new hashes; only a fix of
// the model may change them.
func TestFingerprints(t *testing.T) {
	if testing.Short() {
		t.Skip("300-actor runs")
	}
	s := benchScenario(300)
	q := 0.7
	runs := []struct {
		name string
		st   Settings
	}{
		{"default", Settings{Rounds: 4}},
		{"linear-pair", Settings{Rounds: 4, Votes: VotesLinear, Probability: ProbPair}},
		{"proposer-nearest", Settings{Rounds: 4, Estimate: EstimateProposer, Accept: AcceptNearest, Capitulation: true}},
		{"target-q", Settings{Rounds: 3, Estimate: EstimateTarget, Q: &q}},
	}
	var set fingerprint.Set
	for _, r := range runs {
		res, err := New(r.st).Forecast(context.Background(), s)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		set.Add(t, r.name, res)
		// Without rounds each actor's best offer is kept as the offers are
		// made, by receiver on several goroutines: the same forecasts.
		only, err := New(r.st).ForecastOnly(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		res.Rounds = nil
		if !reflect.DeepEqual(only, res) {
			t.Errorf("%s: ForecastOnly differs from Forecast", r.name)
		}
	}
	set.Check(t, "testdata/fingerprints.txt", *updateFingerprints)
}
