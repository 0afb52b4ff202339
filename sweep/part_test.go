package sweep_test

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct{ total, n int }{{10, 1}, {10, 3}, {7, 7}, {5, 8}, {1000, 6}, {0, 2}} {
		next := 0
		for i := range c.n {
			lo, hi := sweep.Split(c.total, c.n, i)
			if lo != next || hi < lo || hi-lo > c.total/c.n+1 || hi-lo < c.total/c.n {
				t.Errorf("Split(%d, %d, %d) = %d, %d after %d", c.total, c.n, i, lo, hi, next)
			}
			next = hi
		}
		if next != c.total {
			t.Errorf("Split(%d, %d, …) ends at %d", c.total, c.n, next)
		}
	}
}

// runParts runs the sweep in n parts (through JSON, as between processes)
// and merges them.
func runParts(t *testing.T, s *jirga.Scenario, ms []jirga.Model, opt sweep.Options, n int) *sweep.Result {
	t.Helper()
	ctx := context.Background()
	points, err := sweep.Points(ctx, s, ms)
	if err != nil {
		t.Fatal(err)
	}
	var parts []*sweep.Part
	for i := n - 1; i >= 0; i-- { // any order
		lo, hi := sweep.Split(opt.Draws, n, i)
		p, err := sweep.RunPart(ctx, s, ms, opt, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q sweep.Part
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatalf("part %d: %v\n%s", i, err, b)
		}
		parts = append(parts, &q)
	}
	r, err := sweep.Merge(s, points, parts, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMergeParts: a sweep cut into any number of parts, each computed
// alone and carried as JSON, merges into the whole sweep's result byte for
// byte, failures and values included, and the predictive intervals made
// from the merged draws and the settle ranges of a model that does not
// settle.
func TestMergeParts(t *testing.T) {
	s := exampletest.Flagship(t)
	ms := staticModels(t)
	bdm, err := models.New("bdm", models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fail, _ := models.New("mean", models.Options{})
	ms = append(ms, bdm, &failEvery{Model: fail, every: 7})
	var names []string
	for _, m := range ms {
		names = append(names, m.Name())
	}
	c, err := calib.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	opt := sweep.Options{Draws: 101, Seed: 5, Bins: 12, Predict: calib.NewPlan(c, s, names, calib.Options{ErrorScale: 1.5})}
	whole := mustRun(t, s, ms, opt)
	want := mustJSON(t, whole)
	for _, w := range []string{`"failed":{"flaky":`, `"predictive":{`, `"settle_range":[`} {
		if !strings.Contains(want, w) {
			t.Fatalf("the whole sweep lacks %s: %s", w, want)
		}
	}
	for _, n := range []int{1, 2, 3, 7, 101} {
		r := runParts(t, s, ms, opt, n)
		if got := mustJSON(t, r); got != want {
			t.Fatalf("%d parts: merged result differs:\n got %s\nwant %s", n, got, want)
		}
		for _, res := range whole.Results {
			for _, f := range res.Issues {
				a, b := whole.Values(res.Model, f.Issue), r.Values(res.Model, f.Issue)
				if !slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }) {
					t.Fatalf("%d parts: values of %s on %s differ", n, res.Model, f.Issue)
				}
			}
		}
	}
}

// failEvery fails on every draw whose mean forecast on the first issue,
// scaled, is a multiple of every, to put failures in several parts.
type failEvery struct {
	jirga.Model
	every int
}

func (m *failEvery) Name() string { return "flaky" }

func (m *failEvery) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	r, err := m.Model.Forecast(ctx, s)
	if err != nil {
		return nil, err
	}
	if int(r.Issues[0].Forecast*1000)%m.every == 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "flaky at %.3f", r.Issues[0].Forecast)
	}
	c := *r
	c.Model = "flaky"
	return &c, nil
}

func TestMergeRefuses(t *testing.T) {
	ctx := context.Background()
	s := exampletest.Flagship(t)
	ms := staticModels(t)[:1]
	opt := sweep.Options{Draws: 30, Seed: 1}
	points, err := sweep.Points(ctx, s, ms)
	if err != nil {
		t.Fatal(err)
	}
	part := func(lo, hi int) *sweep.Part {
		p, err := sweep.RunPart(ctx, s, ms, opt, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b, c := part(0, 10), part(10, 20), part(20, 30)
	ctxc, cancel := context.WithCancel(ctx)
	cancel()
	cut, _ := sweep.RunPart(ctxc, s, ms, opt, 20, 30)
	for _, tc := range []struct {
		name  string
		parts []*sweep.Part
		want  string
	}{
		{"gap", []*sweep.Part{a, c}, "draws 11 … 20 are in no part"},
		{"end", []*sweep.Part{a, b}, "draws 21 … 30 are in no part"},
		{"overlap", []*sweep.Part{a, b, part(15, 30)}, "draws 16 … 20 are in more than one part"},
		{"twice", []*sweep.Part{a, a, b, c}, "draws 1 … 10 are in more than one part"},
		{"incomplete", []*sweep.Part{a, b, cut}, "draws 21 … 30 is incomplete"},
	} {
		_, err := sweep.Merge(s, points, tc.parts, opt)
		if err == nil || jirga.ErrorCode(err) != jirga.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want EINVALID %q", tc.name, err, tc.want)
		}
	}
	if _, err := sweep.Merge(s, points, []*sweep.Part{a, b, c}, opt); err != nil {
		t.Errorf("the three parts: %v", err)
	}
	if _, err := sweep.RunPart(ctx, s, ms, opt, 25, 31); err == nil {
		t.Error("RunPart beyond the sweep's draws: no error")
	}
	var p sweep.Part
	for _, bad := range []string{
		`{"from":0,"to":2,"issues":1,"values":[[[1]]]}`,
		`{"from":0,"to":1,"issues":2,"values":[[[1]]]}`,
		`{"from":0,"to":1,"issues":1,"values":[[[1e999]]]}`,
		`{"from":0,"to":1,"issues":1,"values":[[[1]]],"failures":[{"model":0,"draw":2,"error":"x"}]}`,
		`{"from":3,"to":1,"issues":1,"values":[]}`,
	} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("part %s: no error", bad)
		}
	}
}
