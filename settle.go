package jirga

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// StatusUnsettled is the status of a dynamic model's run whose outcome on
// some issue had not settled when the run ended: it still moved, drifted
// or cycled over the last rounds (see [JudgeSettle]). Each such issue
// carries its SettleRange, and its forecast is the documented summary of
// those rounds rather than the last round's value.
const StatusUnsettled Status = "unsettled"

// Settling is judged on a dynamic model's outcome of an issue over its last
// rounds.
const (
	// SettleWindow is the number of last rounds judged (more when a longer
	// cycle is found).
	SettleWindow = 4
	// SettleTolerance is how far, as a share of the issue's scale width,
	// the outcome may move over those rounds and still count as settled.
	SettleTolerance = 0.01
	// cycleTolerance is how close, as a share of the scale width, two
	// cycles of the outcome must be to count as repeats: a model near a
	// limit cycle repeats itself ever more closely (bdm on the flagship's
	// army issue: 44.2618, 44.2621, 44.2622 every other round), while an
	// outcome that moves by more than SettleTolerance over 4 rounds moves
	// far more than this between cycles unless it does cycle.
	cycleTolerance = 1e-4
)

// Settle is the judgement of a dynamic model's outcome on one issue over
// its last rounds.
type Settle struct {
	// Settled is true when the outcome moved by at most SettleTolerance of
	// the scale over the last Rounds rounds, or the model's own stopping
	// rule found the positions at rest.
	Settled bool
	// Judged is false when the run has too few rounds to judge
	// (SettleWindow or fewer) and did not stop by its own rule.
	Judged bool
	// Rounds is the number of last rounds judged: SettleWindow, or the
	// period of a cycle when it is longer.
	Rounds int
	// Period is the length of the cycle that the outcome repeats, to within
	// rounding, over its last 2·Period rounds (2 or more), 0 when there is
	// none.
	Period int
	// Low and High are the least and greatest outcome over the last
	// Rounds rounds: the settle range of an unsettled issue.
	Low, High float64
	// Drift is the outcome's average change per round over those rounds
	// (last minus first, over Rounds − 1): a steady drift when it accounts
	// for the whole range.
	Drift float64
	// Summary is the forecast: the last round's outcome when it settled
	// (or when there were too few rounds to judge);
	// for an unsettled issue the middle of the settle range, (Low + High)/2,
	// which does not jump with the round at which the run stopped. Of the
	// last value, the median, the mean and the middle of the last rounds,
	// the middle moved least when only the number of rounds changed (bdm
	// and smp on the DEU issues and the flagship: bdm's forecasts moved by
	// 3.0 points on average over 6–12 rounds, against 9.5 for the last
	// value) at a small cost on DEU (bdm MAE 28.40 against 28.26; smp
	// 25.11 against 25.12): experiments/settle-summary, docs/models/bdm.md.
	Summary float64
	// Last is the last round's outcome.
	Last float64
}

// JudgeSettle judges the outcome y (one value per round, in round order) of
// a dynamic model on an issue with scale [lo, hi]. stopped says whether the
// model's own stopping rule ended the run because nothing moved any more;
// such a run is settled. An empty y is judged settled at NaN.
func JudgeSettle(y []float64, lo, hi float64, stopped bool) Settle {
	st := Settle{Summary: math.NaN(), Low: math.NaN(), High: math.NaN(), Last: math.NaN()}
	n := len(y)
	if n == 0 {
		st.Settled, st.Judged = true, true
		return st
	}
	st.Last = y[n-1]
	tol := SettleTolerance * (hi - lo)
	// A cycle: the shortest period p ≥ 2 (p ≤ n/2) whose last two cycles
	// agree to within cycleTolerance of the scale. (A slow drift repeats
	// itself to within SettleTolerance, so that would be no test.)
	for p := 2; 2*p <= n; p++ {
		same := true
		for i := n - p; i < n; i++ {
			if math.Abs(y[i]-y[i-p]) > cycleTolerance*(hi-lo) {
				same = false
				break
			}
		}
		if same {
			st.Period = p
			break
		}
	}
	st.Rounds = min(n, max(SettleWindow, st.Period))
	last := y[n-st.Rounds:]
	st.Low, st.High = slices.Min(last), slices.Max(last)
	if st.Rounds > 1 {
		st.Drift = (last[len(last)-1] - last[0]) / float64(st.Rounds-1)
	}
	st.Judged = stopped || n > SettleWindow
	st.Settled = stopped || st.High-st.Low <= tol
	if st.Settled || !st.Judged {
		// Settled, or too few rounds to tell: the last round stands.
		st.Period = 0
		st.Summary = y[n-1]
		return st
	}
	st.Summary = (st.Low + st.High) / 2
	return st
}

// Apply sets f's forecast from the judgement: the summary, and for an
// unsettled issue its settle range, the period of its cycle and the last
// round's outcome.
func (st Settle) Apply(f *IssueForecast) {
	f.Forecast = st.Summary
	if st.Settled || !st.Judged {
		return
	}
	f.SettleRange = &[2]float64{st.Low, st.High}
	f.SettleCycle = st.Period
	last := st.Last
	f.LastRound = &last
}

// Judge judges the outcome y of a dynamic model on issue is, one value per
// round (see [JudgeSettle]), and returns the issue's forecast (the
// summary, with its settle range where it did not settle, and the nearest
// anchor) and the judgement, for [SettleStatus].
func (is *Issue) Judge(y []float64, stopped bool) (IssueForecast, Settle) {
	lo, hi := is.Bounds()
	st := JudgeSettle(y, lo, hi, stopped)
	f := IssueForecast{Issue: is.ID}
	st.Apply(&f)
	f.Anchor = is.NearestAnchor(f.Forecast)
	return f, st
}

// Unsettled returns the ids of the issues on which r's outcome had not
// settled (those with a SettleRange), in r's order.
func (r *Result) Unsettled() []string {
	var ids []string
	for _, f := range r.Issues {
		if f.SettleRange != nil {
			ids = append(ids, f.Issue)
		}
	}
	return ids
}

// SettleStatus returns the status of a run from the judgements of its
// issues: unsettled when any issue is, round_limit when some issue could
// not be judged (too few rounds) and none is unsettled, converged when
// every issue settled.
func SettleStatus(sts []Settle) Status {
	status := StatusConverged
	for _, st := range sts {
		switch {
		case !st.Settled && st.Judged:
			return StatusUnsettled
		case !st.Judged:
			status = StatusRoundLimit
		}
	}
	return status
}

// SettleText is the closing paragraph of a dynamic model's explanation:
// whether its run settled on every issue and, where it did not, how the
// outcome moved over the last rounds (a cycle, a steady drift, or moving
// to and fro) and what the forecast is then. unit names a round ("round",
// "turn"); outcome returns the model's outcome of an issue in a round (what
// JudgeSettle judged), and stopped whether the model's own stopping rule
// ended the run.
func SettleText(s *Scenario, r *Result, unit string, outcome func(rd Round, issue string) float64) string {
	var rounds []Round
	for _, rd := range r.Rounds {
		if rd.Round >= 1 {
			rounds = append(rounds, rd)
		}
	}
	n := len(rounds)
	tol := 100 * SettleTolerance
	var settled, unsettled []string
	for _, f := range r.Issues {
		if f.SettleRange == nil {
			settled = append(settled, f.Issue)
			continue
		}
		is := s.Issue(f.Issue)
		if is == nil {
			continue
		}
		y := make([]float64, n)
		for i, rd := range rounds {
			y[i] = outcome(rd, f.Issue)
		}
		lo, hi := is.Bounds()
		st := JudgeSettle(y, lo, hi, false)
		last := y[n-st.Rounds:]
		var how string
		switch {
		case st.Period > 0:
			how = fmt.Sprintf("it repeats a cycle of %d %ss between %s and %s, so more %ss would not settle it", st.Period, unit, num1(st.Low), num1(st.High), unit)
		case monotone(last):
			how = fmt.Sprintf("it drifts from %s to %s over the last %d %ss (%s a %s), so the forecast depends on where the run stops", num1(last[0]), num1(last[len(last)-1]), st.Rounds, unit, signed1(st.Drift), unit)
		default:
			how = fmt.Sprintf("it moves to and fro between %s and %s over the last %d %ss", num1(st.Low), num1(st.High), st.Rounds, unit)
		}
		unsettled = append(unsettled, fmt.Sprintf("on %s %s; the forecast is the middle of that range, %s, not the last %s's %s", f.Issue, how, num1(f.Forecast), unit, num1(st.Last)))
	}
	var b strings.Builder
	switch r.Status {
	case StatusUnsettled:
		fmt.Fprintf(&b, "Settled? No. After %d %ss the outcome had not settled on %d of %d issues (it moved by more than %g%% of the scale over the last %d %ss): %s. Read these forecasts as their settle ranges.",
			n, unit, len(unsettled), len(r.Issues), tol, SettleWindow, unit, strings.Join(unsettled, "; "))
		if len(settled) > 0 {
			fmt.Fprintf(&b, " On %s it settled.", strings.Join(settled, ", "))
		}
	case StatusRoundLimit:
		fmt.Fprintf(&b, "Settled? Cannot tell: the run had %d %ss, too few to judge (more than %d are needed); run more (--rounds).", n, unit, SettleWindow)
	default:
		fmt.Fprintf(&b, "Settled? Yes. After %d %ss the outcome moved by at most %g%% of the scale over the last %d %ss on every issue, or the run stopped because nothing moved any more, so the forecasts are the last %s's.", n, unit, tol, SettleWindow, unit, unit)
	}
	return wrap(b.String(), 100)
}

// wrap breaks text into lines of at most width bytes at spaces (a longer
// word stays whole).
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		switch {
		case i == 0:
		case line+1+len(w) > width:
			b.WriteByte('\n')
			line = 0
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

// monotone reports whether x never turns back.
func monotone(x []float64) bool {
	up, down := true, true
	for i := 1; i < len(x); i++ {
		up = up && x[i] >= x[i-1]
		down = down && x[i] <= x[i-1]
	}
	return up || down
}

func num1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func signed1(x float64) string {
	if x >= 0 {
		return "+" + num1(x)
	}
	return num1(x)
}
