package jirga

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// ScenarioVersion is one saved version of a scenario. Every save of a
// scenario creates a new version; versions are never overwritten.
type ScenarioVersion struct {
	// ID is the scenario's own id (Scenario.ID), the key of its history.
	ID string `json:"id"`
	// Version counts the saves of the scenario, from 1.
	Version   int       `json:"version"`
	Title     string    `json:"title,omitempty"`
	Scenario  *Scenario `json:"scenario,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// RunKind names what a run computes.
type RunKind string

// Kinds of run. Only the kinds whose packages are linked into the server
// can be run; see package httpapi.
const (
	KindForecast RunKind = "forecast" // Run: each model's point forecast
	KindSweep    RunKind = "sweep"    // Monte Carlo sweep over input uncertainty
	KindLevers   RunKind = "levers"   // sensitivity of the forecast to each input
	KindDeal     RunKind = "deal"     // probability of a deal
	KindTimeline RunKind = "timeline" // every dated state, and what moved the forecast
	KindCompare  RunKind = "compare"  // forecasts under each intervention
	KindExplain  RunKind = "explain"  // a dynamic model's rounds told as a story
	KindReport   RunKind = "report"   // the HTML report of every analysis
)

// RunStatus is where a run is in its life.
type RunStatus string

// Statuses of a stored run. A run is created queued, becomes running when a
// worker takes it, and ends done, failed or canceled.
const (
	RunQueued   RunStatus = "queued"
	RunRunning  RunStatus = "running"
	RunDone     RunStatus = "done"
	RunFailed   RunStatus = "failed"
	RunCanceled RunStatus = "canceled"
)

// Finished reports whether a run in status st has ended.
func (st RunStatus) Finished() bool {
	return st == RunDone || st == RunFailed || st == RunCanceled
}

// RunOptions are the settings of a run other than its models and seed. The
// zero value means each model's and kind's defaults.
type RunOptions struct {
	// Rounds of the dynamic models; 0 means each model's default.
	Rounds int `json:"rounds,omitempty"`
	// Draws of a sweep or deal analysis; 0 means the kind's default.
	Draws int `json:"draws,omitempty"`
	// Step is the relative perturbation of a levers analysis; 0 means its default.
	Step float64 `json:"step,omitempty"`
	// Opts are model-specific options keyed MODEL.KEY, as --opt MODEL.KEY=VALUE.
	Opts map[string]string `json:"opts,omitempty"`
	// Uncertainty is the default uncertainty of the bare numbers a sweep or
	// deal run draws, every field of sweep.Uncertainty keyed as there
	// (position, salience, capability, status_quo); nil means the sweep's
	// default, as in the CLI without --uncertainty.
	Uncertainty map[string]float64 `json:"uncertainty,omitempty"`
	// AsOf picks the state of a scenario with snapshots that the run uses,
	// as --as-of: its last state dated on or before AsOf; "" means the
	// scenario itself. A timeline run uses every state and takes none.
	AsOf string `json:"as_of,omitempty"`
	// Issue limits an explain run to one issue; "" means every issue.
	Issue string `json:"issue,omitempty"`
	// ErrorScale multiplies the models' calibrated errors in the
	// predictive intervals of forecast, sweep, timeline, compare and report
	// runs, as --error-scale; 0 means the scenario's error_scale, or 1.
	ErrorScale float64 `json:"error_scale,omitempty"`
}

// RunRecord is one stored computation on a scenario version: its input (kind,
// models, options, seed), the engine version that computed it and a hash of
// the input, so that re-running it can be checked to give the same result.
type RunRecord struct {
	ID         int64      `json:"id"`
	ScenarioID string     `json:"scenario_id"`
	Version    int        `json:"version"`
	Kind       RunKind    `json:"kind"`
	Models     []string   `json:"models"`
	Options    RunOptions `json:"options"`
	Seed       uint64     `json:"seed"`
	// EngineVersion is the Version of jirga that accepted the run.
	EngineVersion string `json:"engine_version"`
	// InputHash is the hex SHA-256 of the canonical input; see InputHash.
	InputHash string    `json:"input_hash"`
	Status    RunStatus `json:"status"`
	// Result is the kind's result as JSON (for KindForecast a Forecast).
	Result     json.RawMessage `json:"result,omitempty"`
	Error      string          `json:"error,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	FinishedAt *time.Time      `json:"finished_at,omitempty"`
	// Restarts counts the times a server stopped without finishing the run
	// while it was running (a crash, a kill, running out of memory); a
	// server fails a run that has been restarted too often instead of
	// resuming it again.
	Restarts int `json:"restarts,omitempty"`
	// Parts is the number of parts the run is computed in: 1, or more for
	// a run whose loop is cut up to be computed by several workers (the
	// draws of a sweep or deal, the nudges of a levers run).
	Parts int `json:"parts,omitempty"`
	// Progress says how far the computation has come; nil when the store
	// does not know (a run stored without its parts).
	Progress *Progress `json:"progress,omitempty"`
	// Damaged, when set, says which stored fields of the run could not be
	// read back (e.g. "options: not valid JSON"); they are left at their
	// zero values. Stores set it instead of failing, so that one damaged
	// row does not hide the others.
	Damaged string `json:"damaged,omitempty"`
}

// Progress is how far a run has come: iterations of its loop done (draws
// of a sweep or deal, nudges of a levers run) and their number, or 0 of 1
// and then 1 of 1 for a run without a loop.
type Progress struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// RunFilter selects runs; zero fields match everything.
type RunFilter struct {
	ScenarioID string
	Kind       RunKind
	Status     RunStatus
	// Limit caps the number of runs returned; 0 means 100.
	Limit int
	// Offset skips that many runs.
	Offset int
}

// Store keeps scenarios with their full history and the runs made on them.
// Implementations are safe for concurrent use.
type Store interface {
	// CreateScenario saves s as version 1 of a new scenario keyed by s.ID.
	// Returns ECONFLICT if a scenario with that id exists. s must be valid;
	// the store does not validate it.
	CreateScenario(ctx context.Context, s *Scenario) (*ScenarioVersion, error)
	// UpdateScenario saves s as the next version of the scenario s.ID.
	// Returns ENOTFOUND if the scenario does not exist.
	UpdateScenario(ctx context.Context, s *Scenario) (*ScenarioVersion, error)
	// FindScenario returns the given version of a scenario, the latest when
	// version is 0. Returns ENOTFOUND if the scenario or version does not exist.
	FindScenario(ctx context.Context, id string, version int) (*ScenarioVersion, error)
	// FindScenarios returns the latest version of every scenario, without
	// the scenario body, ordered by id.
	FindScenarios(ctx context.Context) ([]*ScenarioVersion, error)
	// FindScenarioVersions returns every version of a scenario, without the
	// scenario bodies, oldest first. Returns ENOTFOUND if it does not exist.
	FindScenarioVersions(ctx context.Context, id string) ([]*ScenarioVersion, error)

	// CreateRun stores r, setting r.ID and r.CreatedAt. Returns ENOTFOUND if
	// the scenario version r refers to does not exist.
	CreateRun(ctx context.Context, r *RunRecord) error
	// UpdateRun stores r's Status, Result, Error, FinishedAt and Restarts.
	// Returns ENOTFOUND if the run does not exist.
	UpdateRun(ctx context.Context, r *RunRecord) error
	// FindRun returns the run with the given id, with its progress.
	// Returns ENOTFOUND if it does not exist. A run whose stored fields
	// cannot be read is returned with Damaged set.
	FindRun(ctx context.Context, id int64) (*RunRecord, error)
	// FindRuns returns the runs matching f, newest first, with their
	// progress and without their results.
	FindRuns(ctx context.Context, f RunFilter) ([]*RunRecord, error)

	// Close releases the store's resources.
	Close() error
}

// InputHash returns the hex SHA-256 of the canonical JSON of a run's input:
// the scenario, then the kind, models, options and seed. Two runs with the
// same hash and engine version give the same result.
func InputHash(s *Scenario, kind RunKind, models []string, opt RunOptions, seed uint64) (string, error) {
	h := sha256.New()
	sj, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	h.Write(sj)
	h.Write([]byte{'\n'})
	ij, err := json.Marshal(struct {
		Kind    RunKind    `json:"kind"`
		Models  []string   `json:"models"`
		Options RunOptions `json:"options"`
		Seed    uint64     `json:"seed"`
	}{kind, models, opt, seed})
	if err != nil {
		return "", err
	}
	h.Write(ij)
	return hex.EncodeToString(h.Sum(nil)), nil
}
