package bdm

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
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
	got := map[string]string{}
	var order []string
	for _, r := range runs {
		res, err := New(r.st).Forecast(context.Background(), s)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		// Without rounds each actor's best offer is kept as the offers are
		// made, by receiver on several goroutines: the same forecasts.
		only, err := New(r.st).ForecastOnly(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		res.Rounds = nil
		if ob, _ := json.Marshal(only); string(ob) != string(mustJSON(t, res)) {
			t.Errorf("%s: ForecastOnly differs from Forecast", r.name)
		}
		got[r.name] = fmt.Sprintf("%x", sha256.Sum256(b))
		order = append(order, r.name)
	}
	const file = "testdata/fingerprints.txt"
	if *updateFingerprints {
		var b strings.Builder
		for _, name := range order {
			fmt.Fprintf(&b, "%s %s\n", got[name], name)
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hash, name, _ := strings.Cut(sc.Text(), " ")
		want[name] = hash
	}
	for _, name := range order {
		if want[name] == "" {
			t.Errorf("%s: no recorded fingerprint (run with -update-fingerprints)", name)
		} else if got[name] != want[name] {
			t.Errorf("%s: the result changed", name)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
