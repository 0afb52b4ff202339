package httpapi

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/report"
	"github.com/jirga/jirga/sweep"
	"github.com/jirga/jirga/timeline"
	"github.com/jirga/jirga/whatif"
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
	// wholeScenario marks a kind that gets the scenario with all its
	// states and applies the run's as_of itself (a report is about one
	// state and shows the timeline of all).
	wholeScenario bool
	// checkOn, when set, validates the run's options against the scenario
	// before the run is stored (an explain run's issue must exist).
	checkOn func(s *jirga.Scenario, r *jirga.RunRecord) error
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
	jirga.KindCompare:  {models: models.DefaultForecast, check: checkModels, run: runCompare, cost: estimate},
	jirga.KindExplain:  {models: "bdm", check: checkExplain, checkOn: checkExplainIssue, run: runExplain, cost: estimate},
	jirga.KindReport:   {models: models.DefaultReport, check: checkDraws, run: runReport, wholeScenario: true, cost: estimateReport},
}

// estimate is the cost of a run of one of the built-in kinds, as the
// server computes them: sweeps and deals with one goroutine.
func estimate(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate {
	return cost.Of(cost.SizeOf(s), cost.Job{Kind: r.Kind, Models: r.Models, Rounds: r.Options.Rounds, Params: cost.Params(r.Options.Opts),
		Draws: r.Options.Draws, Workers: 1, Interventions: r.Kind == jirga.KindDeal && len(s.Interventions) > 0})
}

// estimateReport is estimate with a report's default draws.
func estimateReport(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate {
	c := *r
	if c.Options.Draws == 0 {
		c.Options.Draws = report.DefaultDraws
	}
	return estimate(s, &c)
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

// checkOptions refuses the options that only some kinds use: an issue
// (explain runs).
func checkOptions(r *jirga.RunRecord) error {
	if r.Options.Issue != "" && r.Kind != jirga.KindExplain {
		return jirga.Errorf(jirga.EINVALID, "issue applies to explain runs, not to a %s run", r.Kind)
	}
	return nil
}

// checkModels validates the models and their options by building them,
// and refuses an uncertainty, which only sweep, deal and timeline runs draw
// with.
func checkModels(r *jirga.RunRecord) error {
	if r.Options.Uncertainty != nil {
		return jirga.Errorf(jirga.EINVALID, "uncertainty applies to sweep, deal and timeline runs, not to a %s run", r.Kind)
	}
	if err := checkErrorScale(r); err != nil {
		return err
	}
	_, err := buildModels(r)
	return err
}

// checkErrorScale validates the error scale of the predictive intervals,
// which forecast, sweep, timeline, compare and report runs show.
func checkErrorScale(r *jirga.RunRecord) error {
	k := r.Options.ErrorScale
	switch {
	case k == 0:
		return nil
	case !predictive[r.Kind]:
		return jirga.Errorf(jirga.EINVALID, "error_scale applies to forecast, sweep, timeline, compare and report runs, not to a %s run", r.Kind)
	case !(k > 0 && k <= jirga.MaxErrorScale):
		return jirga.Errorf(jirga.EINVALID, "error_scale must be in (0, %g] (a factor on the models' calibrated errors), got %g", float64(jirga.MaxErrorScale), k)
	}
	return nil
}

// predictive marks the kinds whose results carry predictive intervals.
var predictive = map[jirga.RunKind]bool{
	jirga.KindForecast: true, jirga.KindSweep: true, jirga.KindTimeline: true,
	jirga.KindCompare: true, jirga.KindReport: true,
}

// predict returns how the predictive intervals of run r on s are made: the
// shipped calibration, for the models run with their defaults, times the
// run's error scale (or the scenario's).
func predict(s *jirga.Scenario, r *jirga.RunRecord) (*calib.Plan, error) {
	c, err := calib.Shipped()
	if err != nil {
		return nil, err
	}
	return calib.NewPlan(c, s, r.Models, calib.Options{ErrorScale: r.Options.ErrorScale, Custom: models.CustomAll(r.Models, r.Options.Rounds, r.Options.Opts)}), nil
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
	if err := checkErrorScale(r); err != nil {
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

// drawing builds the models of a run that draws scenarios (sweep, deal,
// timeline, report) and its default uncertainty.
func drawing(r *jirga.RunRecord) ([]jirga.Model, *sweep.Uncertainty, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, nil, err
	}
	u, err := uncertainty(r)
	return ms, u, err
}

// runSweep runs a Monte Carlo sweep with one goroutine, so that the
// server's worker pool bounds the CPU it uses; the result does not depend
// on the number of goroutines.
func runSweep(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, u, err := drawing(r)
	if err != nil {
		return nil, err
	}
	plan, err := predict(s, r)
	if err != nil {
		return nil, err
	}
	return sweep.Run(ctx, s, ms, sweep.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u, Predict: plan})
}

// runDeal computes the zones of possible agreement and the deal
// probability, with one goroutine as runSweep, including the deal
// probability under each of the scenario's interventions.
func runDeal(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, u, err := drawing(r)
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
	ms, u, err := drawing(r)
	if err != nil {
		return nil, err
	}
	states, err := timeline.States(s)
	if err != nil {
		return nil, err
	}
	plan, err := predict(s, r)
	if err != nil {
		return nil, err
	}
	return timeline.Run(ctx, states, ms, timeline.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u, Predict: plan})
}

// state returns the scenario a run of kind kd uses: every state for a
// timeline, else the state as of the run's as_of option.
func (kd kind) state(s *jirga.Scenario, r *jirga.RunRecord) (*jirga.Scenario, error) {
	if kd.wholeScenario {
		if _, err := s.At(r.Options.AsOf); err != nil {
			return nil, err
		}
		return s, nil
	}
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
	fc, err := jirga.Run(ctx, s, ms)
	if err != nil {
		return nil, err
	}
	plan, err := predict(s, r)
	if err != nil {
		return nil, err
	}
	for _, res := range fc.Results {
		plan.Apply(res, s, nil)
	}
	return fc, nil
}

// runCompare forecasts the scenario as given, under each intervention alone
// and under all together (whatif.Compare), with one goroutine as runSweep.
func runCompare(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	plan, err := predict(s, r)
	if err != nil {
		return nil, err
	}
	return whatif.Compare(ctx, s, ms, whatif.Options{Workers: 1, Predict: plan})
}

// checkExplain requires one model that can explain its rounds.
func checkExplain(r *jirga.RunRecord) error {
	if len(r.Models) != 1 {
		return jirga.Errorf(jirga.EINVALID, "an explain run takes exactly one model, got %d (%s)", len(r.Models), strings.Join(r.Models, ", "))
	}
	if _, err := models.Explainer(r.Models[0]); err != nil {
		return err
	}
	return checkModels(r)
}

// checkExplainIssue requires the explain run's issue, if any, to be one of
// the scenario's.
func checkExplainIssue(s *jirga.Scenario, r *jirga.RunRecord) error {
	_, err := models.ExplainIssue(s, r.Options.Issue)
	return err
}

// explanation is the result of an explain run: what jirga explain prints,
// and the forecasts it explains.
type explanation struct {
	Scenario  string             `json:"scenario"`
	Title     string             `json:"title,omitempty"`
	Model     string             `json:"model"`
	Issue     string             `json:"issue,omitempty"`
	Forecasts map[string]float64 `json:"forecasts"`
	Text      string             `json:"text"`
}

// runExplain runs the one model and tells its rounds (models.Explain).
func runExplain(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, err := buildModels(r)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	res, err := models.Explain(ctx, &b, s, ms[0], r.Options.Issue)
	if err != nil {
		return nil, err
	}
	out := explanation{Scenario: s.ID, Title: s.Title, Model: ms[0].Name(), Issue: r.Options.Issue, Forecasts: map[string]float64{}, Text: b.String()}
	for _, f := range res.Issues {
		out.Forecasts[f.Issue] = f.Forecast
	}
	return out, nil
}

// reportResult is the result of a report run: the page jirga report
// writes, served by GET /api/runs/{id}/report.
type reportResult struct {
	Scenario string `json:"scenario"`
	Title    string `json:"title,omitempty"`
	AsOf     string `json:"as_of,omitempty"`
	HTML     string `json:"html"`
}

// runReport writes the HTML report (report.Write) of the scenario's state
// as of the run's as_of, with its timeline when it has snapshots, with one
// goroutine as runSweep.
func runReport(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord) (any, error) {
	ms, u, err := drawing(r)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	plan, err := predict(s, r)
	if err != nil {
		return nil, err
	}
	opt := report.Options{Draws: r.Options.Draws, Seed: r.Seed, Workers: 1, Uncertainty: u, Step: r.Options.Step, AsOf: r.Options.AsOf, Predict: plan,
		Engine: r.EngineVersion, InputHash: r.InputHash, Date: r.CreatedAt.UTC().Format(time.DateOnly)}
	if err := report.Write(ctx, &b, s, ms, opt); err != nil {
		return nil, err
	}
	return reportResult{Scenario: s.ID, Title: s.Title, AsOf: r.Options.AsOf, HTML: b.String()}, nil
}
