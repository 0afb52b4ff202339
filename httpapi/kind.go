package httpapi

import (
	"context"
	"sort"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/sweep"
	"github.com/jirga/jirga/timeline"
)

// kind is how the server runs one kind of run.
type kind struct {
	// models is the default model list of a run that names none: the
	// default of the CLI command that computes the same (models.Default…).
	models string
	// check validates a run's models and options before it is stored, so
	// that bad input is answered with 400 and never queued.
	check func(r *jirga.RunRecord) error
	// run computes the result, which is stored as JSON. It must be
	// deterministic for a given scenario and run input.
	run func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error)
	// allStates marks a kind that runs on every dated state of the
	// scenario; the others run on its state as of the run's as_of option.
	allStates bool
	// cost estimates the memory and time of the run on s (see package
	// cost), for admission; nil means the kind is not checked.
	cost func(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate
}

// kinds is the dispatch table of run kinds. Adding a kind is one row here
// (see docs/api.md, "Run kinds").
var kinds = map[jirga.RunKind]kind{
	jirga.KindForecast: {models: models.DefaultForecast, check: checkModels, run: runForecast, cost: estimate},
	jirga.KindSweep:    {models: models.DefaultSweep, check: checkDraws, run: runSweep, cost: estimate},
	jirga.KindDeal:     {models: models.DefaultSweep, check: checkDraws, run: runDeal, cost: estimate},
	jirga.KindLevers:   {models: models.DefaultLevers, check: checkLevers, run: runLevers, cost: estimate},
	jirga.KindTimeline: {models: models.DefaultForecast, check: checkDraws, run: runTimeline, allStates: true, cost: estimate},
}

// estimate is the cost of a run of one of the built-in kinds, as the
// server computes them: sweeps and deals with one goroutine.
func estimate(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate {
	return cost.Of(cost.SizeOf(s), cost.Job{Kind: r.Kind, Models: r.Models, Rounds: r.Options.Rounds, Params: cost.Params(r.Options.Opts),
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
		return kind{}, jirga.Errorf(jirga.EINVALID, "unknown run kind %q; kinds are: %s", k, strings.Join(kindNames(), ", "))
	}
	return kd, nil
}

// checkModels validates the models and their options by building them,
// and refuses an uncertainty, which only sweep, deal and timeline runs draw
// with.
func checkModels(r *jirga.RunRecord) error {
	if r.Options.Uncertainty != nil {
		return jirga.Errorf(jirga.EINVALID, "uncertainty applies to sweep, deal and timeline runs, not to a %s run", r.Kind)
	}
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

// checkBounds refuses more models or options, or longer ones, than a run
// may have, before anything parses them: a request may hold megabytes.
func checkBounds(r *jirga.RunRecord) error {
	if len(r.Models) > maxModels {
		return jirga.Errorf(jirga.EINVALID, "%d models; a run takes at most %d", len(r.Models), maxModels)
	}
	if len(r.Options.Opts) > maxOpts {
		return jirga.Errorf(jirga.EINVALID, "opts: %d options; a run takes at most %d", len(r.Options.Opts), maxOpts)
	}
	for k, v := range r.Options.Opts {
		if len(k) > maxOptKey {
			return jirga.Errorf(jirga.EINVALID, "opts: option %s is longer than %d bytes", echo(k), maxOptKey)
		}
		if len(v) > maxOptValue {
			return jirga.Errorf(jirga.EINVALID, "opts %s: the value is longer than %d bytes", k, maxOptValue)
		}
	}
	return nil
}

// buildModels builds the run's models as the CLI does from --model, --rounds,
// --seed and --opt (models.Build parses both), except that a request may not
// give an option that names a file.
func buildModels(r *jirga.RunRecord) ([]jirga.Model, error) {
	if err := checkBounds(r); err != nil {
		return nil, err
	}
	return models.Build(r.Models, r.Options.Rounds, r.Seed, r.Options.Opts, models.Untrusted)
}

// checkDraws validates the models, the number of draws and the
// uncertainty of a sweep, deal or timeline run.
func checkDraws(r *jirga.RunRecord) error {
	if r.Options.Draws < 0 || r.Options.Draws > MaxDraws {
		return jirga.Errorf(jirga.EINVALID, "draws must be in [0, %d] (0 means the default, %d), got %d", MaxDraws, sweep.DefaultDraws, r.Options.Draws)
	}
	if _, err := uncertainty(r); err != nil {
		return err
	}
	_, err := buildModels(r)
	return err
}

// uncertainty returns the default uncertainty of a run that draws: the
// sweep's default with the fields the run sets, as --uncertainty sets them.
func uncertainty(r *jirga.RunRecord) (*sweep.Uncertainty, error) {
	u := sweep.DefaultUncertainty
	if err := u.Apply(r.Options.Uncertainty); err != nil {
		return nil, err
	}
	return &u, nil
}

// runSweep runs a Monte Carlo sweep with one goroutine, so that the
// server's worker pool bounds the CPU it uses; the result does not depend
// on the number of goroutines.
func runSweep(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	u, err := uncertainty(r)
	if err != nil {
		return nil, err
	}
	return sweep.Run(ctx, s, ms, sweep.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u})
}

// runDeal computes the zones of possible agreement and the deal
// probability, with one goroutine as runSweep, including the deal
// probability under each of the scenario's interventions.
func runDeal(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	u, err := uncertainty(r)
	if err != nil {
		return nil, err
	}
	return deal.Analyze(ctx, s, ms, deal.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u, Interventions: len(s.Interventions) > 0})
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
// effect on each issue's forecast (levers.Compute), with one goroutine as
// runSweep.
func runLevers(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	return levers.Compute(ctx, s, ms[0], levers.Options{Step: r.Options.Step, Workers: 1})
}

// runTimeline forecasts every dated state of the scenario and replays the
// changes between them, with one goroutine as runSweep.
func runTimeline(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	states, err := timeline.States(s)
	if err != nil {
		return nil, err
	}
	u, err := uncertainty(r)
	if err != nil {
		return nil, err
	}
	return timeline.Run(ctx, states, ms, timeline.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u})
}

// state returns the scenario a run of kind kd uses: every state for a
// timeline, else the state as of the run's as_of option.
func (kd kind) state(s *jirga.Scenario, r *jirga.RunRecord) (*jirga.Scenario, error) {
	if kd.allStates {
		if r.Options.AsOf != "" {
			return nil, jirga.Errorf(jirga.EINVALID, "a %s run uses every dated state of the scenario; as_of does not apply", r.Kind)
		}
		return s, nil
	}
	return s.At(r.Options.AsOf)
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
