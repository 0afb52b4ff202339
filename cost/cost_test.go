package cost_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
)

// TestKnown: every registered model's cost is modelled, so that a new
// model cannot slip through admission as a cheap one.
func TestKnown(t *testing.T) {
	for _, name := range models.Names() {
		if !cost.Known(name) {
			t.Errorf("model %s has no cost formula in package cost", name)
		}
	}
}

func forecast(s *jirga.Scenario, names ...string) cost.Estimate {
	return cost.Of(cost.SizeOf(s), cost.Job{Kind: jirga.KindForecast, Models: names})
}

// TestOrders checks the estimates against the failures issue 12 reports
// and the everyday runs that must stay cheap.
func TestOrders(t *testing.T) {
	const gb = 1e9
	big := generated(20000, 1)
	if e := forecast(big, "bdm"); e.Bytes < 10*gb {
		t.Errorf("bdm on 20,000 actors: %s; five n×n tables alone are 16 GB", cost.Bytes(e.Bytes))
	}
	if e := forecast(generated(20000, 2), "exchange"); e.Bytes < 4*gb {
		t.Errorf("exchange on 20,000 actors × 2 issues: %s; it peaked at 7.4 GB", cost.Bytes(e.Bytes))
	}
	if e := cost.Of(cost.SizeOf(generated(2000, 1)), cost.Job{Kind: jirga.KindForecast, Models: []string{"smp"}, Params: map[string]map[string]string{"smp": {"turns": "1"}}}); e.Seconds < 49 {
		t.Errorf("one smp turn at 2,000 actors: %s; it takes 49 s of CPU since issue 18 (over 120 s before)", cost.Duration(e.Seconds))
	}
	if e := forecast(big, "mean", "median", "condorcet", "nbs"); e.Bytes > 0.2*gb || e.Seconds > 5 {
		t.Errorf("the baselines on 20,000 actors: %v", e)
	}
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := models.Names()
	if e := forecast(ss[0], all...); e.Bytes > 0.1*gb || e.Seconds > 10 {
		t.Errorf("every model on the flagship: %v, which a default server must accept", e)
	}
	sw := cost.Of(cost.SizeOf(ss[0]), cost.Job{Kind: jirga.KindSweep, Models: all, Workers: 1})
	if sw.Bytes > 0.5*gb || sw.Seconds > 600 {
		t.Errorf("a default sweep of every model on the flagship: %v", sw)
	}
}

// TestScaling checks the estimates' dependence on size and options.
func TestScaling(t *testing.T) {
	a, b := generated(1000, 1), generated(2000, 1)
	for _, name := range []string{"bdm", "smp"} {
		ea, eb := forecast(a, name), forecast(b, name)
		if r := eb.Bytes / ea.Bytes; r < 3 || r > 4.5 {
			t.Errorf("%s: doubling the actors multiplies memory by %.2f, want about 4 (n²)", name, r)
		}
	}
	if r := forecast(b, "smp").Seconds / forecast(a, "smp").Seconds; r < 7 || r > 8.5 {
		t.Errorf("smp: doubling the actors multiplies time by %.2f, want about 8 (N³)", r)
	}
	sz := cost.SizeOf(a)
	job := func(kind jirga.RunKind, draws int, params map[string]string) cost.Estimate {
		return cost.Of(sz, cost.Job{Kind: kind, Models: []string{"bdm"}, Draws: draws, Workers: 1, Params: map[string]map[string]string{"bdm": params}})
	}
	if r := job(jirga.KindSweep, 200, nil).Seconds / job(jirga.KindSweep, 100, nil).Seconds; r < 1.9 || r > 2.1 {
		t.Errorf("sweep: doubling the draws multiplies time by %.2f", r)
	}
	if job(jirga.KindSweep, 0, nil).Seconds != job(jirga.KindSweep, 1000, nil).Seconds {
		t.Error("sweep: 0 draws is not the default 1000")
	}
	if job(jirga.KindDeal, -1, nil).Seconds >= job(jirga.KindDeal, 10, nil).Seconds {
		t.Error("deal: no draws costs as much as ten")
	}
	if job(jirga.KindForecast, 0, map[string]string{"offers": "none"}).Bytes >= job(jirga.KindForecast, 0, nil).Bytes/10 {
		t.Error("bdm: recording no offers does not save their memory")
	}
	if r := cost.Of(sz, cost.Job{Kind: jirga.KindForecast, Models: []string{"bdm"}, Rounds: 16}).Seconds / job(jirga.KindForecast, 0, nil).Seconds; r < 1.9 || r > 2.1 {
		t.Errorf("bdm: 16 rounds instead of 8 multiply time by %.2f", r)
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{cost.Bytes(999), "999 B"},
		{cost.Bytes(16e9), "16 GB"},
		{cost.Bytes(1.5e6), "1.5 MB"},
		{cost.Duration(0.2), "under a second"},
		{cost.Duration(45), "45 s"},
		{cost.Duration(600), "10 min"},
		{cost.Duration(4 * 3600), "4.0 h"},
		{cost.Duration(3 * 86400), "3.0 days"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestTimeline: a timeline measures every dated state and replays every
// revision twice (in turn and alone), each a forecast and a deal analysis,
// so its estimate grows with both and exceeds one deal analysis.
func TestTimeline(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sz := cost.SizeOf(ss[0])
	if sz.States < 3 || sz.Revisions == 0 {
		t.Fatalf("flagship: %d states, %d revisions; want its dated snapshots counted", sz.States, sz.Revisions)
	}
	job := cost.Job{Kind: jirga.KindTimeline, Models: models.Names(), Workers: 1}
	tl := cost.Of(sz, job)
	deal := cost.Of(sz, cost.Job{Kind: jirga.KindDeal, Models: models.Names(), Workers: 1})
	if want := float64(sz.States+2*sz.Revisions) * deal.Seconds; tl.Seconds < want {
		t.Errorf("timeline: %s of CPU, below %d deal analyses (%s)", cost.Duration(tl.Seconds), sz.States+2*sz.Revisions, cost.Duration(want))
	}
	more := sz
	more.Revisions *= 2
	if cost.Of(more, job).Seconds <= tl.Seconds {
		t.Error("timeline: twice the revisions costs no more")
	}
}

// TestCompareAndReport: a comparison costs a forecast per variant (the
// baseline, each intervention, all together), and a report at least its
// sweep and its deal analysis.
func TestCompareAndReport(t *testing.T) {
	s := generated(50, 2)
	for i := range 2 {
		s.Interventions = append(s.Interventions, &jirga.Intervention{ID: fmt.Sprint("iv", i)})
	}
	sz := cost.SizeOf(s)
	ms := []string{"mean", "bdm"}
	f := cost.Of(sz, cost.Job{Kind: jirga.KindForecast, Models: ms})
	c := cost.Of(sz, cost.Job{Kind: jirga.KindCompare, Models: ms})
	if r := c.Seconds / f.Seconds; math.Abs(r-4) > 1e-9 {
		t.Errorf("compare with 2 interventions costs %.3g forecasts, want 4", r)
	}
	r := cost.Of(sz, cost.Job{Kind: jirga.KindReport, Models: ms, Draws: 100, Workers: 1})
	sw := cost.Of(sz, cost.Job{Kind: jirga.KindSweep, Models: ms, Draws: 100, Workers: 1})
	dl := cost.Of(sz, cost.Job{Kind: jirga.KindDeal, Models: ms, Draws: 100, Workers: 1, Interventions: true})
	if r.Seconds < sw.Seconds+dl.Seconds || r.Bytes < max(sw.Bytes, dl.Bytes) {
		t.Errorf("report %v, below its sweep %v and deal %v", r, sw, dl)
	}
}
