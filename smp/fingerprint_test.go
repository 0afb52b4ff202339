package smp_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/fingerprint"
	"github.com/jirga/jirga/option"
	"github.com/jirga/jirga/smp"
)

var updateFingerprints = flag.Bool("update", false, "rewrite testdata/fingerprints.txt")

// TestFingerprints guards the speed-ups of issue 18: the whole JSON result
// (every round's positions, risks, probabilities, challenges and bargains)
// of smp on KTAB's samples, on a generated scenario under every value of
// every KTAB option, and with one and two workers, hashes to what
// testdata/fingerprints.txt recorded before them. A faster loop must give
// the same floats, not close ones. go test -run TestFingerprints -update
// records new hashes; only a fix of the model may change them.
func TestFingerprints(t *testing.T) {
	type run struct {
		name string
		s    *jirga.Scenario
		set  smp.Settings
	}
	var runs []run
	for _, f := range []string{"testdata/ktab/inputs/dummyData-a040.csv", "testdata/ktab/inputs/dummyData-a080.csv",
		"testdata/ktab/dummyData_3Dim/dummyData_3Dim.csv"} {
		for _, w := range []int{1, 2} {
			runs = append(runs, run{fmt.Sprintf("%s/workers=%d", filepath.Base(f), w), load(t, f), smp.Settings{Workers: w}})
		}
	}
	g := generated(24)
	for _, o := range smp.Options() {
		if o.Type != option.Choice {
			continue
		}
		for _, v := range o.Values {
			var set smp.Settings
			if err := set.Set(o.Name, v.Name); err != nil {
				t.Fatal(err)
			}
			set.MaxTurns = 20
			runs = append(runs, run{fmt.Sprintf("generated-24/%s=%s", o.Name, v.Name), g, set})
		}
	}
	var set fingerprint.Set
	for _, r := range runs {
		res, err := smp.Model{Settings: r.set}.Forecast(context.Background(), r.s)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		set.Add(t, r.name, res)
	}
	set.Check(t, "testdata/fingerprints.txt", *updateFingerprints)
}
