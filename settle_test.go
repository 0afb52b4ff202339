package jirga_test

import (
	"math"
	"testing"

	"github.com/jirga/jirga"
)

// TestJudgeSettle checks the judgement of an outcome series on a 0–100
// scale (tolerance 1 point over the last 4 rounds): settled, a cycle, a
// drift, a late jump, a run too short to judge, and one stopped by its
// model's own rule.
func TestJudgeSettle(t *testing.T) {
	tests := []struct {
		name    string
		y       []float64
		stopped bool
		// want
		settled, judged bool
		period          int
		lo, hi, summary float64
	}{
		{"constant", []float64{30, 35, 40, 40, 40, 40, 40}, false, true, true, 0, 40, 40, 40},
		{"settled within a point", []float64{10, 20, 40, 40.3, 40.9, 40.5, 40.2}, false, true, true, 0, 40.2, 40.9, 40.2},
		// bdm on the flagship's army issue: an exact 2-cycle (to 1e-4).
		{"2-cycle", []float64{50, 43.16, 50, 44.2617, 50, 44.2621, 50, 44.2622}, false, false, true, 2, 44.2621, 50, (44.2621 + 50) / 2},
		{"3-cycle", []float64{1, 5, 9, 1, 5, 9, 1, 5, 9}, false, false, true, 3, 1, 9, 5},
		{"drift", []float64{10, 9, 8, 7, 6, 5}, false, false, true, 0, 5, 8, 6.5},
		{"late jump", []float64{60, 60, 60, 60, 60, 75}, false, false, true, 0, 60, 75, 67.5},
		{"too short", []float64{10, 50, 90, 10}, false, true, false, 0, 10, 90, 10},
		{"stopped", []float64{10, 50}, true, true, true, 0, 10, 50, 50},
	}
	for _, tt := range tests {
		st := jirga.JudgeSettle(tt.y, 0, 100, tt.stopped)
		if tt.name == "too short" {
			// Too few rounds: not judged, and the last round stands.
			if st.Judged || st.Summary != tt.summary {
				t.Errorf("%s: %+v", tt.name, st)
			}
			f := jirga.IssueForecast{}
			st.Apply(&f)
			if f.SettleRange != nil || f.Forecast != 10 {
				t.Errorf("%s: applied %+v", tt.name, f)
			}
			continue
		}
		if st.Settled != tt.settled || st.Judged != tt.judged || st.Period != tt.period || st.Last != tt.y[len(tt.y)-1] {
			t.Errorf("%s: settled %v judged %v period %d last %v, want %v %v %d", tt.name, st.Settled, st.Judged, st.Period, st.Last, tt.settled, tt.judged, tt.period)
		}
		if !tt.settled && (math.Abs(st.Low-tt.lo) > 1e-12 || math.Abs(st.High-tt.hi) > 1e-12) {
			t.Errorf("%s: range [%v, %v], want [%v, %v]", tt.name, st.Low, st.High, tt.lo, tt.hi)
		}
		if math.Abs(st.Summary-tt.summary) > 1e-12 {
			t.Errorf("%s: summary %v, want %v", tt.name, st.Summary, tt.summary)
		}
	}
	// The scale matters: a 2-point swing on 0–1000 is settled.
	if st := jirga.JudgeSettle([]float64{500, 502, 500, 502, 500}, 0, 1000, false); !st.Settled {
		t.Errorf("a swing of 0.2%% of the scale is unsettled: %+v", st)
	}
	// Status: any judged unsettled issue makes the run unsettled.
	set, uns, short := jirga.Settle{Settled: true, Judged: true}, jirga.Settle{Judged: true}, jirga.Settle{Settled: true}
	for _, c := range []struct {
		sts  []jirga.Settle
		want jirga.Status
	}{
		{[]jirga.Settle{set, set}, jirga.StatusConverged},
		{[]jirga.Settle{set, uns}, jirga.StatusUnsettled},
		{[]jirga.Settle{short, set}, jirga.StatusRoundLimit},
		{[]jirga.Settle{short, uns}, jirga.StatusUnsettled},
	} {
		if got := jirga.SettleStatus(c.sts); got != c.want {
			t.Errorf("SettleStatus(%+v) = %s, want %s", c.sts, got, c.want)
		}
	}
}
