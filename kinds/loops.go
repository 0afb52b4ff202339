package kinds

import (
	"context"
	"encoding/json"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/sweep"
)

// The sweep, deal and levers kinds run with one goroutine, so that the
// number of workers bounds the CPU a server uses; their results do not
// depend on the number of goroutines.

// sweepOptions are the options of a sweep run r on s, its predictive
// intervals included (they are made when the parts are merged).
func sweepOptions(s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (sweep.Options, error) {
	u, err := uncertainty(r)
	if err != nil {
		return sweep.Options{}, err
	}
	plan, err := predict(s, r)
	if err != nil {
		return sweep.Options{}, err
	}
	return sweep.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u, Progress: progress, Predict: plan}, nil
}

// runSweep runs a Monte Carlo sweep.
func runSweep(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (any, error) {
	ms, err := BuildModels(r)
	if err != nil {
		return nil, err
	}
	opt, err := sweepOptions(s, r, progress)
	if err != nil {
		return nil, err
	}
	return sweep.Run(ctx, s, ms, opt)
}

// sweepPart is a part of a sweep run: its draws, and in the first part the
// models' forecasts on the point values.
type sweepPart struct {
	Points []*jirga.Result `json:"points,omitempty"`
	Part   *sweep.Part     `json:"part"`
}

var sweepLoop = &Loop{
	Size: func(s *jirga.Scenario, r *jirga.RunRecord) (int, error) {
		return cmpOr(r.Options.Draws, sweep.DefaultDraws), nil
	},
	Part: func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, lo, hi int, progress func(done, total int)) (any, error) {
		ms, err := BuildModels(r)
		if err != nil {
			return nil, err
		}
		opt, err := sweepOptions(s, r, progress)
		if err != nil {
			return nil, err
		}
		var out sweepPart
		if lo == 0 {
			if out.Points, err = sweep.Points(ctx, s, ms); err != nil {
				return nil, err
			}
		}
		if out.Part, err = sweep.RunPart(ctx, s, ms, opt, lo, hi); err == nil && !out.Part.Complete() {
			err = ctx.Err()
		}
		return &out, err
	},
	Merge: func(s *jirga.Scenario, r *jirga.RunRecord, raw []json.RawMessage) (any, error) {
		parts, err := decodeParts(raw, func(p *sweepPart) bool { return p.Points != nil })
		if err != nil {
			return nil, err
		}
		opt, err := sweepOptions(s, r, nil)
		if err != nil {
			return nil, err
		}
		var ps []*sweep.Part
		for _, p := range parts {
			if p.Part == nil {
				return nil, jirga.Errorf(jirga.EINVALID, "a part of the sweep holds no draws")
			}
			ps = append(ps, p.Part)
		}
		return sweep.Merge(s, parts[0].Points, ps, opt)
	},
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// dealOptions are the options of a deal run r on s.
func dealOptions(s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (deal.Options, error) {
	u, err := uncertainty(r)
	if err != nil {
		return deal.Options{}, err
	}
	return deal.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u,
		Interventions: len(s.Interventions) > 0, Progress: progress}, nil
}

// runDeal computes the zones of possible agreement and the deal
// probability, including under each of the scenario's interventions.
func runDeal(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (any, error) {
	ms, err := BuildModels(r)
	if err != nil {
		return nil, err
	}
	opt, err := dealOptions(s, r, progress)
	if err != nil {
		return nil, err
	}
	return deal.Analyze(ctx, s, ms, opt)
}

// dealPart is a part of a deal run: its draws' counts, and in the first
// part the analysis at the point values.
type dealPart struct {
	Point *deal.Result `json:"point,omitempty"`
	Part  *deal.Part   `json:"part"`
}

var dealLoop = &Loop{
	Size: func(s *jirga.Scenario, r *jirga.RunRecord) (int, error) {
		opt, err := dealOptions(s, r, nil)
		return deal.Size(s, opt), err
	},
	Part: func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, lo, hi int, progress func(done, total int)) (any, error) {
		ms, err := BuildModels(r)
		if err != nil {
			return nil, err
		}
		opt, err := dealOptions(s, r, progress)
		if err != nil {
			return nil, err
		}
		var out dealPart
		if lo == 0 {
			if out.Point, err = deal.Point(ctx, s, ms, opt); err != nil {
				return nil, err
			}
		}
		out.Part, err = deal.RunPart(ctx, s, ms, opt, lo, hi)
		return &out, err
	},
	Merge: func(s *jirga.Scenario, r *jirga.RunRecord, raw []json.RawMessage) (any, error) {
		parts, err := decodeParts(raw, func(p *dealPart) bool { return p.Point != nil })
		if err != nil {
			return nil, err
		}
		ms, err := BuildModels(r)
		if err != nil {
			return nil, err
		}
		opt, err := dealOptions(s, r, nil)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.Name())
		}
		var ps []*deal.Part
		for _, p := range parts {
			if p.Part == nil {
				return nil, jirga.Errorf(jirga.EINVALID, "a part of the deal analysis holds no draws")
			}
			ps = append(ps, p.Part)
		}
		return deal.Merge(s, names, parts[0].Point, ps, opt)
	},
}

// runLevers perturbs each input by ±step, one at a time, and reports the
// effect on each issue's forecast (levers.Compute).
func runLevers(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (any, error) {
	ms, err := BuildModels(r)
	if err != nil {
		return nil, err
	}
	return levers.Compute(ctx, s, ms[0], levers.Options{Step: r.Options.Step, Workers: 1, Progress: progress})
}

// leversPart is a part of a levers run: the outcomes of its nudges, and in
// the first part the baseline's.
type leversPart struct {
	Baseline map[string]float64   `json:"baseline,omitempty"`
	From     int                  `json:"from"`
	Outcomes []map[string]float64 `json:"outcomes"`
}

var leversLoop = &Loop{
	Size: func(s *jirga.Scenario, r *jirga.RunRecord) (int, error) {
		nudges, _, err := levers.Nudges(s, levers.Options{Step: r.Options.Step}, levers.ForecastFields)
		return len(nudges), err
	},
	Part: func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, lo, hi int, progress func(done, total int)) (any, error) {
		ms, err := BuildModels(r)
		if err != nil {
			return nil, err
		}
		opt := levers.Options{Step: r.Options.Step, Workers: 1, Progress: progress}
		nudges, _, err := levers.Nudges(s, opt, levers.ForecastFields)
		if err != nil {
			return nil, err
		}
		if lo < 0 || hi > len(nudges) || lo > hi {
			return nil, jirga.Errorf(jirga.EINVALID, "levers: nudges %d … %d are not within the analysis's %d", lo, hi-1, len(nudges))
		}
		f := levers.Forecasts(ms[0])
		out := leversPart{From: lo}
		if lo == 0 {
			if out.Baseline, err = f(ctx, s); err != nil {
				return nil, err
			}
		}
		out.Outcomes, err = levers.Outcomes(ctx, s, nudges[lo:hi], opt, f)
		return &out, err
	},
	Merge: func(s *jirga.Scenario, r *jirga.RunRecord, raw []json.RawMessage) (any, error) {
		parts, err := decodeParts(raw, func(p *leversPart) bool { return p.Baseline != nil })
		if err != nil {
			return nil, err
		}
		ms, err := BuildModels(r)
		if err != nil {
			return nil, err
		}
		nudges, step, err := levers.Nudges(s, levers.Options{Step: r.Options.Step}, levers.ForecastFields)
		if err != nil {
			return nil, err
		}
		var outs []map[string]float64
		for _, p := range parts {
			if p.From != len(outs) {
				return nil, jirga.Errorf(jirga.EINVALID, "levers: the parts do not cover the nudges once in order (a part starts at %d, after %d)", p.From, len(outs))
			}
			outs = append(outs, p.Outcomes...)
		}
		if len(outs) != len(nudges) {
			return nil, jirga.Errorf(jirga.EINVALID, "levers: the parts hold %d outcomes for %d nudges", len(outs), len(nudges))
		}
		res := levers.Assemble(s, step, parts[0].Baseline, nudges, outs)
		res.Model = ms[0].Name()
		return res, nil
	},
}
