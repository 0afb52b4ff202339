package kinds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/calib"
	"github.com/jirga/jirga/cost"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/report"
	"github.com/jirga/jirga/sweep"
	"github.com/jirga/jirga/timeline"
	"github.com/jirga/jirga/whatif"
)

// Kind is how one kind of run is checked, costed and computed.
type Kind struct {
	// Models is the default model list of a run that names none: the
	// default of the CLI command that computes the same (models.Default…).
	Models string
	// Check validates a run's models and options before it is stored, so
	// that bad input is refused at once and never queued.
	Check func(r *jirga.RunRecord) error
	// Run computes the whole result, which is stored as JSON. It must be
	// deterministic for a given scenario and run input. progress, when not
	// nil, is called with the iterations done so far and their number.
	Run func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (any, error)
	// AllStates marks a kind that runs on every dated state of the
	// scenario; the others run on its state as of the run's as_of option.
	AllStates bool
	// WholeScenario marks a kind that gets the scenario with all its
	// states and applies the run's as_of itself (a report is about one
	// state and shows the timeline of all).
	WholeScenario bool
	// CheckOn, when set, validates the run's options against the scenario
	// before the run is stored (an explain run's issue must exist).
	CheckOn func(s *jirga.Scenario, r *jirga.RunRecord) error
	// Cost estimates the memory and time of the whole run on s (see
	// package cost), for admission; nil means the kind is not checked.
	Cost func(s *jirga.Scenario, r *jirga.RunRecord) cost.Estimate
	// Loop, when set, cuts the kind's work into parts.
	Loop *Loop
}

// Loop is how a kind's work is cut into parts: the iterations of its loop
// (draws, nudges), any range of which is computed on its own, and the
// merge of the parts into the result Run gives.
type Loop struct {
	// Size returns the number of iterations of the run on s.
	Size func(s *jirga.Scenario, r *jirga.RunRecord) (int, error)
	// Part computes the iterations lo … hi−1, and when lo is 0 what the
	// result needs beside them (the forecasts on the point values), as a
	// value encoded to JSON.
	Part func(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, lo, hi int, progress func(done, total int)) (any, error)
	// Merge decodes the parts, in order of their ranges, and returns the
	// result.
	Merge func(s *jirga.Scenario, r *jirga.RunRecord, parts []json.RawMessage) (any, error)
}

// table is the dispatch table of run kinds. Adding a kind is one row here
// (see docs/api.md, "Run kinds").
var (
	mu    sync.RWMutex
	table = map[jirga.RunKind]Kind{
		jirga.KindForecast: {Models: models.DefaultForecast, Check: checkModels, Run: runForecast, Cost: estimate},
		jirga.KindSweep:    {Models: models.DefaultSweep, Check: checkDraws, Run: runSweep, Cost: estimate, Loop: sweepLoop},
		jirga.KindDeal:     {Models: models.DefaultSweep, Check: checkDraws, Run: runDeal, Cost: estimate, Loop: dealLoop},
		jirga.KindLevers:   {Models: models.DefaultLevers, Check: checkLevers, Run: runLevers, Cost: estimate, Loop: leversLoop},
		jirga.KindTimeline: {Models: models.DefaultForecast, Check: checkDraws, Run: runTimeline, AllStates: true, Cost: estimate},
		jirga.KindCompare:  {Models: models.DefaultForecast, Check: checkModels, Run: runCompare, Cost: estimate},
		jirga.KindExplain:  {Models: "bdm", Check: checkExplain, CheckOn: checkExplainIssue, Run: runExplain, Cost: estimate},
		jirga.KindReport:   {Models: models.DefaultReport, Check: checkDraws, Run: runReport, WholeScenario: true, Cost: estimateReport},
	}
)

// Register adds or replaces the kind name, for tests and programs that
// add kinds of their own, and returns a function that restores the table.
func Register(name jirga.RunKind, k Kind) (restore func()) {
	mu.Lock()
	defer mu.Unlock()
	old, had := table[name]
	table[name] = k
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if had {
			table[name] = old
		} else {
			delete(table, name)
		}
	}
}

// Names lists the kinds this build can run, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for k := range table {
		out = append(out, string(k))
	}
	sort.Strings(out)
	return out
}

// Lookup returns the kind k, or an EINVALID error naming the kinds.
func Lookup(k jirga.RunKind) (Kind, error) {
	mu.RLock()
	kd, ok := table[k]
	mu.RUnlock()
	if !ok {
		return Kind{}, jirga.Errorf(jirga.EINVALID, "unknown run kind %q; kinds are: %s", k, strings.Join(Names(), ", "))
	}
	return kd, nil
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

// Bounds of a run's models and options: a request may not make the server
// build or report on more than this.
const (
	MaxModels   = 32
	MaxOpts     = 64
	MaxOptKey   = 64
	MaxOptValue = 256
)

// CheckOptions refuses the options that only some kinds use: an issue
// (explain runs).
func CheckOptions(r *jirga.RunRecord) error {
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
	_, err := BuildModels(r)
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

// CheckBounds refuses more models or options, or longer ones, than a run
// may have, before anything parses them: a request may hold megabytes.
func CheckBounds(r *jirga.RunRecord) error {
	if len(r.Models) > MaxModels {
		return jirga.Errorf(jirga.EINVALID, "%d models; a run takes at most %d", len(r.Models), MaxModels)
	}
	if len(r.Options.Opts) > MaxOpts {
		return jirga.Errorf(jirga.EINVALID, "opts: %d options; a run takes at most %d", len(r.Options.Opts), MaxOpts)
	}
	for k, v := range r.Options.Opts {
		if len(k) > MaxOptKey {
			return jirga.Errorf(jirga.EINVALID, "opts: option %s is longer than %d bytes", echo(k), MaxOptKey)
		}
		if len(v) > MaxOptValue {
			return jirga.Errorf(jirga.EINVALID, "opts %s: the value is longer than %d bytes", k, MaxOptValue)
		}
	}
	return nil
}

// echo quotes a value from a request for a message, cut to 64 bytes, as
// the server's messages do.
func echo(v string) string {
	const limit = 64
	if len(v) <= limit {
		return strconv.Quote(v)
	}
	n := limit
	for n > 0 && !utf8.RuneStart(v[n]) {
		n--
	}
	return strconv.Quote(v[:n]) + "… (" + strconv.Itoa(len(v)) + " bytes)"
}

// BuildModels builds the run's models as the CLI does from --model,
// --rounds, --seed and --opt (models.Build parses both), except that a run
// may not give an option that names a file.
func BuildModels(r *jirga.RunRecord) ([]jirga.Model, error) {
	if err := CheckBounds(r); err != nil {
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
	_, err := BuildModels(r)
	return err
}

// uncertainty returns the default uncertainty of a run that draws: the
// sweep's default with the fields the run sets, as --uncertainty sets them.
func uncertainty(r *jirga.RunRecord) (*sweep.Uncertainty, error) {
	u := sweep.DefaultUncertainty()
	if err := u.Apply(r.Options.Uncertainty); err != nil {
		return nil, err
	}
	return &u, nil
}

// checkLevers requires exactly one model: a tornado is of one model's
// forecast.
func checkLevers(r *jirga.RunRecord) error {
	if len(r.Models) != 1 {
		return jirga.Errorf(jirga.EINVALID, "a levers run takes exactly one model, got %d (%s)", len(r.Models), strings.Join(r.Models, ", "))
	}
	return checkModels(r)
}

// runForecast forecasts with each model: the result is a jirga.Forecast,
// the JSON of jirga forecast --format json.
func runForecast(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
	ms, err := BuildModels(r)
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

// drawing builds the models of a run that draws scenarios (sweep, deal,
// timeline, report) and its default uncertainty.
func drawing(r *jirga.RunRecord) ([]jirga.Model, *sweep.Uncertainty, error) {
	ms, err := BuildModels(r)
	if err != nil {
		return nil, nil, err
	}
	u, err := uncertainty(r)
	return ms, u, err
}

// runTimeline forecasts every dated state of the scenario and replays the
// changes between them, with one goroutine as runSweep.
func runTimeline(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
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

// runCompare forecasts the scenario as given, under each intervention
// alone and under all together (whatif.Compare), with one goroutine.
func runCompare(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
	ms, err := BuildModels(r)
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
func runExplain(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
	ms, err := BuildModels(r)
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

// ReportResult is the result of a report run: the page jirga report
// writes, which the server serves as a file.
type ReportResult struct {
	Scenario string `json:"scenario"`
	Title    string `json:"title,omitempty"`
	AsOf     string `json:"as_of,omitempty"`
	HTML     string `json:"html"`
}

// runReport writes the HTML report (report.Write) of the scenario's state
// as of the run's as_of, with its timeline when it has snapshots, with one
// goroutine.
func runReport(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, _ func(done, total int)) (any, error) {
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
	return ReportResult{Scenario: s.ID, Title: s.Title, AsOf: r.Options.AsOf, HTML: b.String()}, nil
}

// state returns the scenario a run of kind kd uses: every state for a
// timeline, else the state as of the run's as_of option.
func (kd Kind) state(s *jirga.Scenario, r *jirga.RunRecord) (*jirga.Scenario, error) {
	if kd.WholeScenario {
		if _, err := s.At(r.Options.AsOf); err != nil {
			return nil, err
		}
		return s, nil
	}
	if kd.AllStates {
		if r.Options.AsOf != "" {
			return nil, jirga.Errorf(jirga.EINVALID, "a %s run uses every dated state of the scenario; as_of does not apply", r.Kind)
		}
		return s, nil
	}
	return s.At(r.Options.AsOf)
}

// State returns the scenario a run r of s uses: every dated state for a
// timeline, else the state as of the run's as_of option.
func State(s *jirga.Scenario, r *jirga.RunRecord) (*jirga.Scenario, error) {
	kd, err := Lookup(r.Kind)
	if err != nil {
		return nil, err
	}
	return kd.state(s, r)
}

// Compute runs the whole run r on the scenario version s and returns its
// result as compact JSON without HTML escaping, so that the same input
// always gives the same bytes. progress may be nil.
func Compute(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, progress func(done, total int)) (json.RawMessage, error) {
	kd, err := Lookup(r.Kind)
	if err != nil {
		return nil, err
	}
	if s, err = kd.state(s, r); err != nil {
		return nil, err
	}
	v, err := kd.Run(ctx, s, r, progress)
	if err != nil {
		return nil, err
	}
	return encode(v)
}

// Size returns the number of iterations of the loop of run r on the
// scenario version s, which [Part] cuts into parts; 0 when its kind has
// no loop (its work is one piece).
func Size(s *jirga.Scenario, r *jirga.RunRecord) (int, error) {
	kd, err := Lookup(r.Kind)
	if err != nil || kd.Loop == nil {
		return 0, err
	}
	if s, err = kd.state(s, r); err != nil {
		return 0, err
	}
	return kd.Loop.Size(s, r)
}

// Part computes the iterations lo … hi−1 of run r on the scenario version
// s (see [Size]) and returns them as JSON for [Merge].
func Part(ctx context.Context, s *jirga.Scenario, r *jirga.RunRecord, lo, hi int, progress func(done, total int)) (json.RawMessage, error) {
	l, s, err := loopOf(s, r)
	if err != nil {
		return nil, err
	}
	v, err := l.Part(ctx, s, r, lo, hi, progress)
	if err != nil {
		return nil, err
	}
	return encode(v)
}

// Merge puts the parts of run r on the scenario version s together, given
// in order of their ranges, which cover the run's iterations once, into
// the result [Compute] gives, byte for byte.
func Merge(s *jirga.Scenario, r *jirga.RunRecord, parts []json.RawMessage) (json.RawMessage, error) {
	l, s, err := loopOf(s, r)
	if err != nil {
		return nil, err
	}
	v, err := l.Merge(s, r, parts)
	if err != nil {
		return nil, err
	}
	return encode(v)
}

// loopOf returns the loop of run r's kind and the state of s it runs on.
func loopOf(s *jirga.Scenario, r *jirga.RunRecord) (*Loop, *jirga.Scenario, error) {
	kd, err := Lookup(r.Kind)
	if err != nil {
		return nil, nil, err
	}
	if kd.Loop == nil {
		return nil, nil, jirga.Errorf(jirga.EINVALID, "a %s run is not cut into parts", r.Kind)
	}
	s, err = kd.state(s, r)
	return kd.Loop, s, err
}

// encode is the JSON of a result: compact, without HTML escaping.
func encode(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// decodeParts decodes the parts into values of type T; the first must
// carry what the result needs beside the iterations (first reports
// whether it does).
func decodeParts[T any](parts []json.RawMessage, first func(*T) bool) ([]*T, error) {
	out := make([]*T, len(parts))
	for i, b := range parts {
		out[i] = new(T)
		if err := json.Unmarshal(b, out[i]); err != nil {
			return nil, jirga.Errorf(jirga.EINVALID, "part %d of %d cannot be read: %v", i+1, len(parts), err)
		}
	}
	if len(out) == 0 || !first(out[0]) {
		return nil, jirga.Errorf(jirga.EINVALID, "the first part does not carry the forecasts on the point values")
	}
	return out, nil
}

// Budget bounds what a run may need by its estimate (package cost): its
// memory, its CPU time when it is one piece, and, cut into parts, the CPU
// time of each part and of all of them.
type Budget struct {
	// Memory is the memory of a run, in bytes.
	Memory int64
	// Time is the CPU time of a run in one piece, or of each part.
	Time time.Duration
	// CPU is the CPU time of a run cut into parts, in all.
	CPU time.Duration
}

// OverBudgetError is a run whose estimate is over a Budget.
type OverBudgetError struct{ msg string }

func (e *OverBudgetError) Error() string { return e.msg }

// Admit checks run, cut into run.Parts parts, on the state s of its
// scenario against b, and returns an *OverBudgetError saying what is over
// and which flag of jirga serve (or jirga worker) sets it.
func (b Budget) Admit(s *jirga.Scenario, run *jirga.RunRecord) error {
	kd, err := Lookup(run.Kind)
	if err != nil || kd.Cost == nil {
		return err
	}
	e := kd.Cost(s, run)
	var over []string
	if e.Bytes > float64(b.Memory) {
		over = append(over, fmt.Sprintf("%s of memory, over the server's %s per run (jirga serve --max-run-memory)", cost.Bytes(e.Bytes), cost.Bytes(float64(b.Memory))))
	}
	if parts := max(run.Parts, 1); parts == 1 {
		if e.Seconds > b.Time.Seconds() {
			over = append(over, fmt.Sprintf("%s of CPU time, over the server's %v per run (jirga serve --max-run-time)", cost.Duration(e.Seconds), b.Time))
		}
	} else {
		if part := e.Seconds / float64(parts); part > b.Time.Seconds() {
			over = append(over, fmt.Sprintf("%s of CPU time in each of its %d parts, over the server's %v per part (jirga serve --max-run-time)", cost.Duration(part), parts, b.Time))
		}
		if e.Seconds > b.CPU.Seconds() {
			over = append(over, fmt.Sprintf("%s of CPU time in all, over the server's %v per run (jirga serve --max-run-cpu)", cost.Duration(e.Seconds), b.CPU))
		}
	}
	if len(over) == 0 {
		return nil
	}
	return &OverBudgetError{fmt.Sprintf("this %s run of %s on %d actors and %d issues would need about %s; use fewer actors, models, draws or rounds, or run it with the command line",
		run.Kind, strings.Join(run.Models, ", "), len(s.Actors), len(s.Issues), strings.Join(over, " and "))}
}
