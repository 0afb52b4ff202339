package deal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/internal/exampletest"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/stat"
	"github.com/jirga/jirga/sweep"
)

type actor struct {
	id       string
	pos, sal []float64
	res      []float64 // NaN: none
}

// scen builds a scenario on issues x, y (0–100) with status quo sq and the
// given necessary actors of capability 1.
func scen(sq []float64, actors ...actor) *jirga.Scenario {
	s := &jirga.Scenario{ID: "t"}
	ids := []string{"x", "y"}
	for k := range sq {
		s.Issues = append(s.Issues, &jirga.Issue{ID: ids[k], StatusQuo: jirga.Val(sq[k])})
	}
	for _, a := range actors {
		ac := &jirga.Actor{ID: a.id, Capability: jirga.Val(1), Necessary: true, Stances: map[string]*jirga.Stance{}}
		for k := range sq {
			st := &jirga.Stance{Position: jirga.Val(a.pos[k]), Salience: jirga.Val(a.sal[k])}
			if a.res != nil && !math.IsNaN(a.res[k]) {
				st.Reservation = jirga.Val(a.res[k])
			}
			ac.Stances[ids[k]] = st
		}
		s.Actors = append(s.Actors, ac)
	}
	return s
}

var none = deal.Options{Draws: -1}

func analyze(t *testing.T, s *jirga.Scenario, opt deal.Options) *deal.Result {
	t.Helper()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := deal.Analyze(context.Background(), s, []jirga.Model{baseline.Mean{}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// One issue. a at 80 with reservation 50 accepts [50, 100] (|x−80| ≤ 30,
// clipped to the scale); b at 20 with reservation 60 accepts [0, 60]. The
// ZOPA is [50, 60]. The mean forecast (equal weights) is 50: inside.
func TestZOPAExists(t *testing.T) {
	s := scen([]float64{10},
		actor{id: "a", pos: []float64{80}, sal: []float64{50}, res: []float64{50}},
		actor{id: "b", pos: []float64{20}, sal: []float64{50}, res: []float64{60}})
	r := analyze(t, s, none)
	z := r.ZOPA["x"]
	if z == nil || !near(z.Low, 50) || !near(z.High, 60) {
		t.Fatalf("zopa = %+v, want [50, 60]", z)
	}
	if !r.Joint.Exists || r.DealProbability != 1 {
		t.Errorf("joint %+v, p %g: want a deal", r.Joint, r.DealProbability)
	}
	// Joint bounds with one issue equal the ZOPA.
	if b := r.Joint.Bounds["x"]; b == nil || !near(b.Low, 50) || !near(b.High, 60) {
		t.Errorf("joint bounds %+v, want [50, 60]", b)
	}
	// The point maximises the smallest margin: a's margin is (30 − |x−80|),
	// b's (40 − |x−20|), equal at x = 55 with margin 5 points, i.e. slack
	// 5/100 of the scale.
	if !near(r.Joint.Point["x"], 55) || !near(r.Joint.Slack, 0.05) {
		t.Errorf("point %g slack %g, want 55 and 0.05", r.Joint.Point["x"], r.Joint.Slack)
	}
	if c := r.ForecastAcceptable["mean"]; !c.Acceptable || !c.Issues["x"] {
		t.Errorf("mean forecast 50 should be acceptable: %+v", c)
	}
}

// Without reservations both fall back to the status quo 10: a at 80 accepts
// [10, 100], b at 20 accepts [10, 30]. With b's reservation at 20 (its own
// position) b accepts only 20, and with a's at 60 a accepts [60, 100]: empty.
func TestZOPAStatusQuoAndEmpty(t *testing.T) {
	nan := math.NaN()
	r := analyze(t, scen([]float64{10},
		actor{id: "a", pos: []float64{80}, sal: []float64{50}, res: []float64{nan}},
		actor{id: "b", pos: []float64{20}, sal: []float64{50}, res: []float64{nan}}), none)
	if z := r.ZOPA["x"]; z == nil || !near(z.Low, 10) || !near(z.High, 30) {
		t.Errorf("status-quo zopa = %+v, want [10, 30]", z)
	}
	r = analyze(t, scen([]float64{10},
		actor{id: "a", pos: []float64{80}, sal: []float64{50}, res: []float64{60}},
		actor{id: "b", pos: []float64{20}, sal: []float64{50}, res: []float64{20}}), none)
	if r.ZOPA["x"] != nil || r.Joint.Exists || r.DealProbability != 0 {
		t.Errorf("want no deal: zopa %+v joint %+v", r.ZOPA["x"], r.Joint)
	}
	// b's margin is −|x−20|, a's 20 − |x−80|: a accepts [60, 100] and b
	// only 20, so the best package splits the gap of 40 at x = 40, each
	// short by 20 points.
	if !near(r.Joint.Slack, -0.20) || !near(r.Joint.Point["x"], 40) {
		t.Errorf("slack %g at %g, want −0.20 at 40", r.Joint.Slack, r.Joint.Point["x"])
	}
	if c := r.ForecastAcceptable["mean"]; c.Acceptable || len(c.RejectedBy) == 0 {
		t.Errorf("mean forecast should be rejected: %+v", c)
	}
}

// Two issues, a logroll. a (pos 100, 100; saliences 90, 10) and b (pos 0, 0;
// saliences 10, 90), reservations at 50 on both for both: per issue, a
// accepts [50, 100] and b [0, 50], so each issue's zone is the point {50}.
// Make a's reservation on y 60 and b's on x 40: then a accepts only y ≥ 60
// and b only x ≤ 40 on their own, and x needs ≥ 50 for a... per issue: x
// zone is [50,100]∩[0,40] = empty, y zone is [60,100]∩[0,50] = empty. But
// jointly a's loss 0.9|x−100| + 0.1|y−100| ≤ 0.9·50 + 0.1·40 = 49 (in
// points) and b's 0.1x + 0.9y ≤ 0.1·40 + 0.9·50 = 49 hold at x = 90,
// y = 10: a loses 9 + 9 = 18, b 9 + 9 = 18. A joint deal exists.
func TestJointLogroll(t *testing.T) {
	s := scen([]float64{50, 50},
		actor{id: "a", pos: []float64{100, 100}, sal: []float64{90, 10}, res: []float64{50, 60}},
		actor{id: "b", pos: []float64{0, 0}, sal: []float64{10, 90}, res: []float64{40, 50}})
	r := analyze(t, s, none)
	if r.ZOPA["x"] != nil || r.ZOPA["y"] != nil {
		t.Errorf("per-issue zones should be empty: %+v %+v", r.ZOPA["x"], r.ZOPA["y"])
	}
	if !r.Joint.Exists || r.Joint.Slack <= 0 {
		t.Fatalf("joint deal should exist: %+v", r.Joint)
	}
	// The bounds on x: b's constraint 0.1x + 0.9y ≤ 49 with y ≥ 0 allows
	// x ≤ 490, so the scale's 100 binds above. Below, a's constraint
	// 0.9(100−x) + 0.1(100−y) ≤ 49, i.e. 0.9x + 0.1y ≥ 51, is easiest with
	// the largest y b allows, y = (49 − 0.1x)/0.9: 0.81x + 4.9 − 0.01x ≥ 45.9,
	// so x ≥ 41/0.8 = 51.25.
	b := r.Joint.Bounds["x"]
	if b == nil || !near(b.Low, 51.25) || !near(b.High, 100) {
		t.Errorf("joint bounds on x = %+v, want [51.25, 100]", b)
	}
}

// Deal probability is the same for any number of workers, and draws with
// the same seed give the same answer.
func TestDealProbabilityDeterministic(t *testing.T) {
	s := exampletest.Flagship(t)
	var ps []float64
	for _, w := range []int{1, 2, 7} {
		r, err := deal.Analyze(context.Background(), s, []jirga.Model{baseline.Mean{}, baseline.Median{}},
			deal.Options{Draws: 300, Seed: 42, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, r.DealProbability, r.ForecastAcceptable["mean"].Probability, r.IssueProbability["ceasefire"])
	}
	for i := 3; i < len(ps); i++ {
		if ps[i] != ps[i%3] {
			t.Fatalf("results differ across workers: %v", ps)
		}
	}
}

// With no uncertainty every draw equals the point scenario, so the deal
// probability is 0 or 1 as the point answer says.
func TestNoUncertainty(t *testing.T) {
	s := scen([]float64{10},
		actor{id: "a", pos: []float64{80}, sal: []float64{50}, res: []float64{50}},
		actor{id: "b", pos: []float64{20}, sal: []float64{50}, res: []float64{60}})
	r := analyze(t, s, deal.Options{Draws: 50, Uncertainty: &sweep.Uncertainty{}})
	if r.DealProbability != 1 || r.IssueProbability["x"] != 1 {
		t.Errorf("p = %g, %g; want 1", r.DealProbability, r.IssueProbability["x"])
	}
}

// Every issue zone non-empty implies a joint deal: checked on random draws
// of the flagship scenario with widened reservations.
func TestPerIssueImpliesJoint(t *testing.T) {
	s := exampletest.Flagship(t)
	for _, a := range s.Actors {
		for _, st := range a.Stances {
			st.Reservation = nil
		}
	}
	r := analyze(t, s, deal.Options{Draws: 200, Seed: 3})
	all := 1.0
	for _, p := range r.IssueProbability {
		all = math.Min(all, p)
	}
	if r.DealProbability < all {
		t.Errorf("deal probability %g below the least issue probability %g", r.DealProbability, all)
	}
}

// synthetic returns a scenario with n actors (the first three necessary)
// and m issues, positions, saliences and reservations drawn with seed 1.
func synthetic(n, m int) *jirga.Scenario {
	rng := sweep.DrawRand(1, 0)
	s := &jirga.Scenario{ID: "synthetic"}
	for k := range m {
		s.Issues = append(s.Issues, &jirga.Issue{ID: fmt.Sprintf("i%d", k), StatusQuo: jirga.Val(100 * rng.Float64())})
	}
	for i := range n {
		a := &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(1 + 99*rng.Float64()), Necessary: i < 3, Stances: map[string]*jirga.Stance{}}
		for _, is := range s.Issues {
			a.Stances[is.ID] = &jirga.Stance{Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(100 * rng.Float64()),
				Reservation: jirga.Val(100 * rng.Float64())}
		}
		s.Actors = append(s.Actors, a)
	}
	return s
}

// benchmarkAnalyze times Analyze with 100 draws on one worker and no
// models, so it measures the deal problem itself (one LP per draw).
func benchmarkAnalyze(b *testing.B, actors, issues int) {
	s := synthetic(actors, issues)
	for b.Loop() {
		if _, err := deal.Analyze(context.Background(), s, nil, deal.Options{Draws: 100, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyze5x3(b *testing.B)   { benchmarkAnalyze(b, 5, 3) }
func BenchmarkAnalyze10x6(b *testing.B)  { benchmarkAnalyze(b, 10, 6) }
func BenchmarkAnalyze20x12(b *testing.B) { benchmarkAnalyze(b, 20, 12) }

// Without reservations or status quo every party accepts anything: a deal
// exists with the largest slack, 1, and a note says why.
func TestNoReferencePoint(t *testing.T) {
	s := scen([]float64{10},
		actor{id: "a", pos: []float64{80}, sal: []float64{50}},
		actor{id: "b", pos: []float64{20}, sal: []float64{50}})
	s.Issues[0].StatusQuo = nil
	r := analyze(t, s, none)
	if !r.Joint.Exists || r.Joint.Slack != 1 || r.ZOPA["x"] == nil || len(r.Notes) != 2 {
		t.Errorf("joint %+v zopa %+v notes %q", r.Joint, r.ZOPA["x"], r.Notes)
	}
}

// TestMergeParts: an analysis whose draws (the baseline's and each
// intervention's) are cut into any number of parts, each computed alone
// and carried as JSON, merges into Analyze's result byte for byte,
// including the Wilson intervals of every share (computed in Merge from
// the merged counts) and the issues on which a dynamic model did not
// settle.
func TestMergeParts(t *testing.T) {
	ctx := context.Background()
	s := exampletest.Flagship(t)
	if len(s.Interventions) < 2 {
		t.Fatalf("the flagship has %d interventions; the test needs two", len(s.Interventions))
	}
	bdm, err := models.New("bdm", models.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms := []jirga.Model{baseline.Mean{}, baseline.Median{}, bdm}
	names := []string{"mean", "median", "bdm"}
	opt := deal.Options{Draws: 40, Seed: 9, Interventions: true}
	whole, err := deal.Analyze(ctx, s, ms, opt)
	if err != nil {
		t.Fatal(err)
	}
	if whole.DealProbabilityCI == nil || len(whole.IssueProbabilityCI) != len(s.Issues) || whole.ForecastAcceptable["median"].ProbabilityCI == nil || whole.Interventions[0].DealProbabilityCI == nil {
		t.Fatalf("the whole analysis lacks intervals: %+v", whole)
	}
	if len(whole.ForecastAcceptable["bdm"].Unsettled) == 0 {
		t.Fatalf("bdm settles every flagship issue; the test needs one it does not: %+v", whole.ForecastAcceptable["bdm"])
	}
	want, _ := json.Marshal(whole)
	size := deal.Size(s, opt)
	if size != 40*(1+len(s.Interventions)+1) {
		t.Fatalf("Size = %d", size)
	}
	for _, n := range []int{1, 2, 3, 7, size} {
		point, err := deal.Point(ctx, s, ms, opt)
		if err != nil {
			t.Fatal(err)
		}
		var parts []*deal.Part
		for i := range n {
			lo, hi := sweep.Split(size, n, i)
			p, err := deal.RunPart(ctx, s, ms, opt, lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(p)
			var q deal.Part
			if err := json.Unmarshal(b, &q); err != nil {
				t.Fatal(err)
			}
			parts = append(parts, &q)
		}
		r, err := deal.Merge(s, names, point, parts, opt)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(r); string(got) != string(want) {
			t.Fatalf("%d parts:\n got %s\nwant %s", n, got, want)
		}
		if n == 3 {
			for _, c := range []struct {
				parts []*deal.Part
				want  string
			}{
				{parts[:2], "are in no part"},
				{[]*deal.Part{parts[0], parts[2]}, "are in no part"},
				{append(parts[:3:3], parts[1]), "in more than one part"},
			} {
				if _, err := deal.Merge(s, names, point, c.parts, opt); err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%d parts: %v, want %q", len(c.parts), err, c.want)
				}
			}
		}
	}
}

// TestDealProbabilityCI checks that every share of draws carries the 95%
// Wilson interval of its count (issue 14, item 3): the deal, each issue,
// each model and each intervention; that 0 of 1000 draws reads
// "below 0.4% (95%)"; and that without draws there is no interval.
func TestDealProbabilityCI(t *testing.T) {
	s := exampletest.Flagship(t)
	const n = 400
	r, err := deal.Analyze(context.Background(), s, []jirga.Model{baseline.Mean{}}, deal.Options{Draws: n, Seed: 1, Interventions: true})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, p float64, ci *[2]float64) {
		t.Helper()
		k := int(math.Round(p * n))
		lo, hi := stat.Wilson(k, n, stat.Z95)
		if ci == nil || ci[0] != lo || ci[1] != hi || !(ci[0] <= p && p <= ci[1]) {
			t.Errorf("%s: p %v, ci %v, want [%v, %v]", what, p, ci, lo, hi)
		}
	}
	check("deal", r.DealProbability, r.DealProbabilityCI)
	for id, p := range r.IssueProbability {
		ci := r.IssueProbabilityCI[id]
		check("issue "+id, p, &ci)
	}
	check("mean acceptable", r.ForecastAcceptable["mean"].Probability, r.ForecastAcceptable["mean"].ProbabilityCI)
	if len(r.Interventions) == 0 {
		t.Fatal("no intervention")
	}
	for _, v := range r.Interventions {
		check("intervention "+v.ID, v.DealProbability, v.DealProbabilityCI)
	}
	if got := deal.Percent(0, deal.CI(0, 1000)); got != "below 0.4% (95%)" {
		t.Errorf("0 of 1000 reads %q, want below 0.4%% (95%%)", got)
	}
	if got := deal.Percent(1, deal.CI(1, 1000)); got != "above 99.6% (95%)" {
		t.Errorf("1000 of 1000 reads %q", got)
	}
	if got := deal.Percent(0.015, deal.CI(0.015, 1000)); got != "1.5% (95% CI 0.9–2.5%)" {
		t.Errorf("15 of 1000 reads %q", got)
	}
	point := analyze(t, s, deal.Options{Draws: -1})
	if point.DealProbabilityCI != nil || point.IssueProbabilityCI != nil || deal.Percent(point.DealProbability, nil) != "0.0% (point values only)" {
		t.Errorf("point values only: ci %v, %v", point.DealProbabilityCI, point.IssueProbabilityCI)
	}
}
