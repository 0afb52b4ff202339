package smp

import (
	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
)

// output turns engine states into jirga rounds.
type output struct {
	s      *jirga.Scenario
	e      *engine
	lo, sp []float64 // issue scale minimum and span
	rounds []jirga.Round
	// keep records every state as a round; without it only the first
	// state's weighted mean is kept (initMean), each turn's outcome
	// (series), and result computes the rest of what the last state gives.
	keep     bool
	initMean map[string]float64
	// series holds the probability-weighted outcome of every turn after
	// the first state, issue by issue (m a turn), recorded or not: whether
	// the run settled is judged on it (see result).
	series []float64
	// of the last state
	probs []float64
	optOf []int
	reps  []int
}

func newOutput(s *jirga.Scenario, e *engine) *output {
	o := &output{s: s, e: e}
	for _, is := range s.Issues {
		lo, hi := is.Bounds()
		sp := hi - lo
		if sp <= 0 {
			sp = 1
		}
		o.lo = append(o.lo, lo)
		o.sp = append(o.sp, sp)
	}
	return o
}

// scale maps an internal coordinate on dimension k back to the issue scale.
func (o *output) scale(k int, x float64) float64 { return o.lo[k] + x*o.sp[k] }

func (o *output) point(x []float64) map[string]float64 {
	m := make(map[string]float64, len(x))
	for k, is := range o.s.Issues {
		m[is.ID] = o.scale(k, x[k])
	}
	return m
}

// state records the current engine state as round turn.
func (o *output) state(turn int, tr *turnRec, change *float64) {
	if !o.keep {
		if turn == 0 {
			o.initMean = o.weightedMean()
			return
		}
		// The outcome of every turn, for the settle judgement: the election
		// the recorded turn holds, without the rest of its record.
		o.probs, o.optOf, o.reps = o.e.outcomeProbs()
		x := o.expectedAt()
		for k := range x {
			o.series = append(o.series, o.scale(k, x[k]))
		}
		return
	}
	e, s := o.e, o.s
	probs, optOf, reps := e.outcomeProbs()
	o.probs, o.optOf, o.reps = probs, optOf, reps
	t := &Trace{Probabilities: map[string]float64{}, Risk: map[string]float64{}, Change: change}
	r := jirga.Round{Round: turn, Positions: map[string]map[string]float64{}, Trace: t}
	for i, a := range s.Actors {
		r.Positions[a.ID] = o.point(e.pos[i])
		t.Probabilities[a.ID] = probs[i]
		t.Risk[a.ID] = e.risk[i]
	}
	r.Outcome = o.expected()
	r.Mean = o.weightedMean()
	if turn > 0 {
		for _, is := range s.Issues {
			o.series = append(o.series, r.Outcome[is.ID])
		}
	}
	if tr != nil {
		for _, c := range tr.challenges {
			t.Challenges = append(t.Challenges, Challenge{Initiator: s.Actors[c.init].ID,
				Target: s.Actors[c.target].ID, Gain: c.gain, Probability: c.p})
		}
		for _, b := range tr.bargains {
			jb := Bargain{Initiator: s.Actors[b.init].ID, Target: s.Actors[b.target].ID,
				InitiatorPosition: o.point(b.posI), TargetPosition: o.point(b.posJ), Probability: b.prob,
				QueueProbabilities: b.queueProbs}
			for _, q := range b.queues {
				jb.Queues = append(jb.Queues, s.Actors[q].ID)
			}
			t.Bargains = append(t.Bargains, jb)
		}
	}
	o.rounds = append(o.rounds, r)
}

// expected is the probability-weighted position: Σ over distinct positions
// of the position's "prob :" probability times the position.
func (o *output) expected() map[string]float64 {
	return o.point(o.expectedAt())
}

// expectedAt is expected in the engine's coordinates.
func (o *output) expectedAt() []float64 {
	e := o.e
	x := make([]float64, e.m)
	tot := 0.0
	for a, rep := range o.reps {
		p := o.probs[rep]
		_ = a
		tot += p
		for k := range x {
			x[k] += p * e.pos[rep][k]
		}
	}
	for k := range x {
		x[k] /= tot
	}
	return x
}

// weightedMean is the capability × salience weighted mean of the positions
// (capability-weighted on a dimension where every salience is 0).
func (o *output) weightedMean() map[string]float64 {
	e := o.e
	x := make([]float64, e.m)
	pos, sal := make([]float64, e.n), make([]float64, e.n)
	for k := range x {
		for i := range e.n {
			pos[i], sal[i] = e.pos[i][k], e.sal[i][k]
		}
		// The baselines' weights: c·s, or c alone on a dimension nobody
		// cares about, so the summary is never NaN.
		w, _ := baseline.Weights(e.cap, sal)
		x[k] = baseline.WeightedMean(pos, w)
	}
	return o.point(x)
}

// mostProbable is the distinct position with the highest "prob :"
// probability (the first on ties).
func (o *output) mostProbable() map[string]float64 {
	best := o.reps[0]
	for _, rep := range o.reps {
		if o.probs[rep] > o.probs[best] {
			best = rep
		}
	}
	return o.point(o.e.pos[best])
}

// result is the run's result. converged says whether KTAB's stopping rule
// ended it. Each issue's forecast is its probability-weighted outcome over
// the turns, judged by jirga.JudgeSettle: the last turn's when it settled,
// else the middle of its range over the last turns. KTAB's rule stops
// when the positions barely move, which the outcome may still do; it
// stands for settling only when there are too few turns to judge.
func (o *output) result(converged bool) *jirga.Result {
	var outcome, mean, initMean map[string]float64
	if o.keep {
		last := o.rounds[len(o.rounds)-1]
		outcome, mean, initMean = last.Outcome, last.Mean, o.rounds[0].Mean
	} else {
		if len(o.series) == 0 {
			// No turn: what state would have recorded for the first state.
			o.probs, o.optOf, o.reps = o.e.outcomeProbs()
		}
		outcome, mean, initMean = o.expected(), o.weightedMean(), o.initMean
	}
	r := &jirga.Result{Model: "smp", Rounds: o.rounds,
		Summaries: map[string]map[string]float64{
			"probability_weighted":  outcome,
			"most_probable":         o.mostProbable(),
			"weighted_mean":         mean,
			"initial_weighted_mean": initMean,
		}}
	var settles []jirga.Settle
	turns := len(o.series) / max(len(o.s.Issues), 1)
	y := make([]float64, 0, turns)
	for k, is := range o.s.Issues {
		y = y[:0]
		for t := range turns {
			y = append(y, o.series[t*len(o.s.Issues)+k])
		}
		if len(y) == 0 {
			y = append(y, outcome[is.ID])
		}
		f, st := is.Judge(y, converged && len(y) <= jirga.SettleWindow)
		settles = append(settles, st)
		r.Issues = append(r.Issues, f)
	}
	r.Status = jirga.SettleStatus(settles)
	return r
}
