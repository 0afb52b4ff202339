package kinds_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/sweep"
)

// TestPartsMerge: every kind with a loop, cut into any number of parts,
// merges into the bytes Compute gives for the whole run, the predictive
// intervals, settle ranges and Wilson intervals of the deal included.
func TestPartsMerge(t *testing.T) {
	ctx := context.Background()
	s := exampletest.Flagship(t)
	for _, c := range []struct {
		r   *jirga.RunRecord
		has []string // in the result: honest's intervals and settle ranges
	}{
		{&jirga.RunRecord{Kind: jirga.KindSweep, Models: []string{"mean", "median", "nbs"}, Seed: 3, Options: jirga.RunOptions{Draws: 57}}, []string{`"predictive":{`}},
		{&jirga.RunRecord{Kind: jirga.KindSweep, Models: []string{"bdm"}, Seed: 4, Options: jirga.RunOptions{Draws: 9, Rounds: 3, AsOf: "2100-01-01"}}, nil},
		{&jirga.RunRecord{Kind: jirga.KindSweep, Models: []string{"median", "bdm"}, Seed: 6, Options: jirga.RunOptions{Draws: 11, ErrorScale: 1.5}}, []string{`"predictive":{`, `"error_scale":1.5`, `"settle_range":[`}},
		{&jirga.RunRecord{Kind: jirga.KindDeal, Models: []string{"mean", "median"}, Seed: 5, Options: jirga.RunOptions{Draws: 33}}, []string{`"deal_probability_ci":[`, `"issue_probability_ci":{`, `"probability_ci":[`}},
		{&jirga.RunRecord{Kind: jirga.KindDeal, Models: []string{"bdm"}, Seed: 2, Options: jirga.RunOptions{Draws: 12}}, []string{`"deal_probability_ci":[`, `"unsettled":[`}},
		{&jirga.RunRecord{Kind: jirga.KindLevers, Models: []string{"mean"}, Seed: 1, Options: jirga.RunOptions{Step: 0.2}}, nil},
	} {
		r := c.r
		t.Run(string(r.Kind)+"-"+r.Models[0], func(t *testing.T) {
			kd, err := kinds.Lookup(r.Kind)
			if err != nil {
				t.Fatal(err)
			}
			if err := kd.Check(r); err != nil {
				t.Fatal(err)
			}
			want, err := kinds.Compute(ctx, s, r, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range c.has {
				if !strings.Contains(string(want), h) {
					t.Fatalf("the whole run's result lacks %s: %.600s", h, want)
				}
			}
			size, err := kinds.Size(s, r)
			if err != nil || size < 2 {
				t.Fatalf("size %d, %v", size, err)
			}
			for _, n := range []int{1, 2, 5, size} {
				var parts []json.RawMessage
				done := 0
				for i := range n {
					lo, hi := sweep.Split(size, n, i)
					p, err := kinds.Part(ctx, s, r, lo, hi, func(d, total int) {
						if total != hi-lo || d > total {
							t.Errorf("progress %d of %d in a part of %d", d, total, hi-lo)
						}
					})
					if err != nil {
						t.Fatal(err)
					}
					done += hi - lo
					parts = append(parts, p)
				}
				got, err := kinds.Merge(s, r, parts)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Fatalf("%d parts:\n got %s\nwant %s", n, got, want)
				}
			}
			// The first part must come first: it carries the point values.
			if size >= 2 {
				a, _ := kinds.Part(ctx, s, r, 0, 1, nil)
				b, _ := kinds.Part(ctx, s, r, 1, size, nil)
				if _, err := kinds.Merge(s, r, []json.RawMessage{b, a}); err == nil {
					t.Error("merge of parts out of order: no error")
				}
			}
		})
	}
	// Kinds without a loop have size 0 and no parts.
	r := &jirga.RunRecord{Kind: jirga.KindForecast, Models: []string{"mean"}}
	if n, err := kinds.Size(s, r); n != 0 || err != nil {
		t.Errorf("forecast: size %d, %v", n, err)
	}
	if _, err := kinds.Part(ctx, s, r, 0, 1, nil); err == nil {
		t.Error("forecast: a part without error")
	}
}
