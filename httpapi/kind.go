package httpapi

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
)

// kind is how the server runs one kind of run.
type kind struct {
	// check validates a run's models and options before it is stored, so
	// that bad input is answered with 400 and never queued.
	check func(r *jirga.RunRecord) error
	// run computes the result, which is stored as JSON. It must be
	// deterministic for a given scenario and run input.
	run func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error)
	// cost estimates the memory and time of the run on s (see package
	// cost), for admission; nil means the kind is not checked.
	cost func(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate
}

// kinds is the dispatch table of run kinds. Adding a kind is one row here
// (see docs/api.md, "Run kinds").
var kinds = map[jirga.RunKind]kind{
	jirga.KindForecast: {check: checkModels, run: runForecast, cost: estimate},
	jirga.KindSweep:    {check: checkDraws, run: runSweep, cost: estimate},
	jirga.KindDeal:     {check: checkDraws, run: runDeal, cost: estimate},
	jirga.KindLevers:   {check: checkLevers, run: runLevers, cost: estimate},
}

// estimate is the cost of a run of one of the built-in kinds, as the
// server computes them: sweeps and deals with one goroutine.
func estimate(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate {
	params, _ := modelParams(r)
	return cost.Of(cost.SizeOf(s), cost.Job{Kind: r.Kind, Models: r.Models, Rounds: r.Options.Rounds, Params: params,
		Draws: r.Options.Draws, Workers: 1, Interventions: r.Kind == jirga.KindDeal && len(s.Interventions) > 0})
}

// MaxDraws bounds the draws of one sweep or deal run.
const MaxDraws = 100_000

// kindNames lists the kinds this build can run, sorted.
func kindNames() []string {
	var out []string
	for k := range kinds {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

func lookupKind(k jirga.RunKind) (kind, error) {
	kd, ok := kinds[k]
	if !ok {
		if slices.Contains([]jirga.RunKind{jirga.KindForecast, jirga.KindSweep, jirga.KindLevers, jirga.KindDeal}, k) {
			return kind{}, jirga.Errorf(jirga.EINVALID, "run kind %q is not available in this build; kinds are: %s", k, strings.Join(kindNames(), ", "))
		}
		return kind{}, jirga.Errorf(jirga.EINVALID, "unknown run kind %q; kinds are: %s", k, strings.Join(kindNames(), ", "))
	}
	return kd, nil
}

// checkModels validates the models and their options by building them.
func checkModels(r *jirga.RunRecord) error {
	_, err := buildModels(r)
	return err
}

// Bounds of a run's model options: a request may not make the server
// build or report on more than this.
const (
	maxModels   = 32
	maxOpts     = 64
	maxOptKey   = 64
	maxOptValue = 256
)

// modelParams splits the run's options (MODEL.KEY → value) by model. It
// refuses an option that is malformed, too long, for an unknown model or a
// model not in the run, or that names a file: the server never reads a
// file a request names (see models.Param.File), so such an option is
// refused before anything looks at its value.
func modelParams(r *jirga.RunRecord) (map[string]map[string]string, error) {
	if len(r.Options.Opts) > maxOpts {
		return nil, jirga.Errorf(jirga.EINVALID, "opts: %d options; a run takes at most %d", len(r.Options.Opts), maxOpts)
	}
	params := map[string]map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(r.Options.Opts)) {
		v := r.Options.Opts[k]
		mname, key, ok := strings.Cut(k, ".")
		switch {
		case len(k) > maxOptKey:
			return nil, jirga.Errorf(jirga.EINVALID, "opts: option %s is longer than %d bytes", echo(k), maxOptKey)
		case !ok || mname == "" || key == "":
			return nil, jirga.Errorf(jirga.EINVALID, "opts: want MODEL.KEY, got %s", echo(k))
		case len(v) > maxOptValue:
			return nil, jirga.Errorf(jirga.EINVALID, "opts %s: the value is longer than %d bytes", k, maxOptValue)
		}
		info, ok := models.Lookup(mname)
		if !ok {
			return nil, jirga.Errorf(jirga.EINVALID, "opts %s: unknown model %s", echo(k), echo(mname))
		}
		if info.FileParam(key) {
			return nil, jirga.Errorf(jirga.EINVALID, "opts %s: this option names a file, and the server reads no file a request names; use it with the command line (jirga forecast --opt %s=FILE)", k, k)
		}
		if !slices.Contains(r.Models, mname) {
			return nil, jirga.Errorf(jirga.EINVALID, "opts %s: model %s is not among the run's models (%s)", k, mname, strings.Join(r.Models, ", "))
		}
		if params[mname] == nil {
			params[mname] = map[string]string{}
		}
		params[mname][key] = v
	}
	return params, nil
}

// buildModels builds the run's models as the CLI does from --model, --rounds,
// --seed and --opt.
func buildModels(r *jirga.RunRecord) ([]jirga.Model, error) {
	if r.Options.Rounds < 0 {
		return nil, jirga.Errorf(jirga.EINVALID, "rounds must be ≥ 0, got %d", r.Options.Rounds)
	}
	if len(r.Models) > maxModels {
		return nil, jirga.Errorf(jirga.EINVALID, "%d models; a run takes at most %d", len(r.Models), maxModels)
	}
	params, err := modelParams(r)
	if err != nil {
		return nil, err
	}
	var out []jirga.Model
	for _, n := range r.Models {
		m, err := models.New(n, models.Options{Rounds: r.Options.Rounds, Seed: r.Seed, Params: params[n]})
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// checkDraws validates the models and the number of draws.
func checkDraws(r *jirga.RunRecord) error {
	if r.Options.Draws < 0 || r.Options.Draws > MaxDraws {
		return jirga.Errorf(jirga.EINVALID, "draws must be in [0, %d] (0 means the default), got %d", MaxDraws, r.Options.Draws)
	}
	return checkModels(r)
}

// runSweep runs a Monte Carlo sweep with one goroutine, so that the
// server's worker pool bounds the CPU it uses; the result does not depend
// on the number of goroutines.
func runSweep(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	return sweep.Run(ctx, s, ms, sweep.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1})
}

// runDeal computes the zones of possible agreement and the deal
// probability, with one goroutine as runSweep, including the deal
// probability under each of the scenario's interventions.
func runDeal(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	return deal.Analyze(ctx, s, ms, deal.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Interventions: len(s.Interventions) > 0})
}

// checkLevers requires exactly one model: a tornado is of one model's
// forecast.
func checkLevers(r *jirga.RunRecord) error {
	if len(r.Models) != 1 {
		return jirga.Errorf(jirga.EINVALID, "a levers run takes exactly one model, got %d (%s)", len(r.Models), strings.Join(r.Models, ", "))
	}
	return checkModels(r)
}

// runLevers perturbs each input by ±step, one at a time, and reports the
// effect on each issue's forecast (levers.Compute).
func runLevers(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	return levers.Compute(ctx, s, ms[0], r.Options.Step)
}

// runForecast forecasts with each model: the result is a jirga.Forecast,
// the JSON of jirga forecast --format json.
func runForecast(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	return jirga.Run(ctx, s, ms)
}
