package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/kinds"
	"github.com/jirga/jirga/models"
	"github.com/jirga/jirga/option"
	"github.com/jirga/jirga/queue"
	"github.com/jirga/jirga/sweep"
)

func (s *Server) registerRunRoutes(mux router) {
	mux.HandleFunc("GET /api/runs", s.handleRunList)
	mux.HandleFunc("POST /api/runs", s.handleRunCreate)
	mux.HandleFunc("GET /api/runs/{id}", s.handleRunGet)
	mux.HandleFunc("POST /api/runs/{id}/cancel", s.handleRunCancel)
	mux.HandleFunc("POST /api/runs/{id}/rerun", s.handleRunRerun)
	mux.HandleFunc("GET /api/runs/{id}/report", s.handleRunReport)
}

// runRequest is the body of POST /api/runs.
type runRequest struct {
	ScenarioID string `json:"scenario_id"`
	// Version is the scenario version; 0 or absent means the latest.
	Version int           `json:"version"`
	Kind    jirga.RunKind `json:"kind"`
	// Models are model names or "all"; absent means the kind's default,
	// which is that of the CLI command computing the same (kind.models).
	Models []string          `json:"models"`
	Rounds int               `json:"rounds"`
	Seed   *uint64           `json:"seed"`
	Draws  int               `json:"draws"`
	Step   float64           `json:"step"`
	Opts   map[string]string `json:"opts"`
	// Uncertainty sets fields of the default uncertainty of a sweep, deal
	// or timeline run, keyed as sweep.Uncertainty (position, salience, capability,
	// status_quo); fields not given keep the sweep's default, as with
	// --uncertainty.
	Uncertainty map[string]float64 `json:"uncertainty"`
	// AsOf picks the dated state the run uses (not for a timeline).
	AsOf string `json:"as_of"`
	// Issue limits an explain run to one issue.
	Issue string `json:"issue"`
	// ErrorScale multiplies the models' calibrated errors in the predictive
	// intervals (forecast, sweep, timeline, compare and report runs), as
	// --error-scale.
	ErrorScale float64 `json:"error_scale"`
	// Wait is how many seconds to wait for the result (at most the server's
	// RunWait); 0 answers at once with the queued run.
	Wait *float64 `json:"wait"`
}

// runView is a stored run as the API shows it: the run, plus the results
// of its result promoted to the top level, where the CLI's JSON has them.
type runView struct {
	*jirga.RunRecord
	Results json.RawMessage `json:"results,omitempty"`
}

func view(run *jirga.RunRecord) runView {
	v := runView{RunRecord: run}
	if len(run.Result) > 0 {
		var x struct {
			Results json.RawMessage `json:"results"`
		}
		if json.Unmarshal(run.Result, &x) == nil {
			v.Results = x.Results
		}
	}
	return v
}

func (s *Server) handleRunCreate(w http.ResponseWriter, r *http.Request) {
	var req runRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.Error(w, r, err)
		return
	}
	switch {
	case req.ScenarioID == "":
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "scenario_id is missing"))
		return
	case !jirga.ValidID(req.ScenarioID):
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "scenario_id %s is not a scenario id (1–64 letters, digits or _.:+-)", echo(req.ScenarioID)))
		return
	case req.Version < 0:
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "version must be ≥ 1 (or 0 for the latest), got %d", req.Version))
		return
	case len(req.Models) > kinds.MaxModels:
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "models: %d entries; a run takes at most %d", len(req.Models), kinds.MaxModels))
		return
	}
	if req.Kind == "" {
		req.Kind = jirga.KindForecast
	}
	for i, m := range req.Models {
		// models.Parse reads an empty list as every model: an empty name is
		// a mistake, not a request for all.
		if strings.TrimSpace(m) == "" {
			s.Error(w, r, jirga.Errorf(jirga.EINVALID, "models[%d] is empty; name a model, or [\"all\"] for every model", i))
			return
		}
		if len(m) > kinds.MaxOptKey || strings.Contains(m, ",") {
			s.Error(w, r, jirga.Errorf(jirga.EINVALID, "models[%d]: %s is not a model name", i, echo(m)))
			return
		}
	}
	kd, err := kinds.Lookup(req.Kind)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	list := strings.Join(req.Models, ",")
	if len(req.Models) == 0 {
		list = kd.Models
	}
	names, err := models.Parse(list)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	seed := uint64(1)
	if req.Seed != nil {
		seed = *req.Seed
	}
	if req.Draws < 0 {
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "draws must be ≥ 0, got %d", req.Draws))
		return
	}
	if !(req.Step >= 0 && req.Step < 1) {
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "step must be in [0, 1), got %g", req.Step))
		return
	}
	if len(req.Opts) == 0 {
		req.Opts = nil
	}
	run := &jirga.RunRecord{
		ScenarioID: req.ScenarioID, Version: req.Version, Kind: req.Kind, Models: names,
		Options: jirga.RunOptions{Rounds: req.Rounds, Draws: req.Draws, Step: req.Step, Opts: req.Opts, Uncertainty: req.Uncertainty, AsOf: req.AsOf, Issue: req.Issue, ErrorScale: req.ErrorScale},
		Seed:    seed,
	}
	wait := s.RunWait
	if req.Wait != nil {
		d, err := s.waitFor(*req.Wait)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		wait = d
	}
	s.submit(w, r, run, wait)
}

// waitFor converts a number of seconds to wait into a duration, at most
// RunWait (any larger number, however large, means RunWait).
func (s *Server) waitFor(secs float64) (time.Duration, error) {
	if !(secs >= 0) || math.IsInf(secs, 0) {
		return 0, jirga.Errorf(jirga.EINVALID, "wait must be a number of seconds ≥ 0, got %g", secs)
	}
	if secs >= s.RunWait.Seconds() {
		return s.RunWait, nil
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// admit checks run on s against the server's budget (kinds.Budget):
// MaxRunMemory, MaxRunTime and MaxRunCPU.
func (s *Server) admit(sc *jirga.Scenario, run *jirga.RunRecord) error {
	err := kinds.Budget{Memory: s.MaxRunMemory, Time: s.MaxRunTime, CPU: s.MaxRunCPU}.Admit(sc, run)
	var ob *kinds.OverBudgetError
	if errors.As(err, &ob) {
		return &httpError{eOverBudget, ob.Error()}
	}
	return err
}

// submit checks run, stores it as queued with its jobs (package queue)
// and answers with the finished run (201) or, if it is not done within
// wait, the queued run (202). Acceptance is atomic: the run is stored with
// its jobs in one transaction, or not at all.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, run *jirga.RunRecord, wait time.Duration) {
	ctx := r.Context()
	kd, err := kinds.Lookup(run.Kind)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := kinds.CheckOptions(run); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := kd.Check(run); err != nil {
		s.Error(w, r, err)
		return
	}
	version := run.Version
	if version == 0 {
		// The latest version: one cheap lookup without the body.
		vs, err := s.Store.FindScenarioVersions(ctx, run.ScenarioID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		version = vs[len(vs)-1].Version
	}
	sv, err := s.queue.Cache().Find(ctx, s.Store, run.ScenarioID, version)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st, err := kinds.State(sv.Scenario, run)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if kd.CheckOn != nil {
		if err := kd.CheckOn(st, run); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	if _, run.Parts, err = s.queue.Plan(sv.Scenario, run); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.admit(st, run); err != nil {
		s.Error(w, r, err)
		return
	}
	run.EngineVersion = jirga.Version
	if run.InputHash, err = jirga.InputHash(sv.Scenario, run.Kind, run.Models, run.Options, run.Seed); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.queue.Submit(ctx, run, sv); errors.Is(err, queue.ErrBusy) {
		s.Error(w, r, &httpError{eBusy, fmt.Sprintf("the run queue is full (%d runs); try again shortly", s.queue.Config().MaxQueue)})
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/runs/"+strconv.FormatInt(run.ID, 10))
	s.queue.Wait(ctx, run.ID, wait)
	got, err := s.Store.FindRun(context.WithoutCancel(ctx), run.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	status := http.StatusAccepted
	if got.Status.Finished() {
		status = http.StatusCreated
	}
	s.writeRun(w, r, status, got)
}

func damagedError(run *jirga.RunRecord) error {
	return &httpError{eDamaged, fmt.Sprintf("run %d is damaged in the database (%s); the other runs are not affected", run.ID, run.Damaged)}
}

// writeRun answers with a stored run, or with a 500 naming the damage when
// the store could not read it back whole.
func (s *Server) writeRun(w http.ResponseWriter, r *http.Request, status int, run *jirga.RunRecord) {
	if run.Damaged != "" {
		s.Error(w, r, damagedError(run))
		return
	}
	writeJSON(w, status, view(run))
}

func (s *Server) runID(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, jirga.Errorf(jirga.ENOTFOUND, "run %s not found; run ids are whole numbers ≥ 1", echo(v))
	}
	return id, nil
}

// storedRun returns the whole stored run the request's {id} names, or
// answers with the error (not found, damaged) and returns false.
func (s *Server) storedRun(w http.ResponseWriter, r *http.Request) (*jirga.RunRecord, bool) {
	id, err := s.runID(r)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	run, err := s.Store.FindRun(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	if run.Damaged != "" {
		s.Error(w, r, damagedError(run))
		return nil, false
	}
	return run, true
}

func (s *Server) handleRunGet(w http.ResponseWriter, r *http.Request) {
	id, err := s.runID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// ?wait=SECONDS long-polls a run that has not finished.
	if v := r.URL.Query().Get("wait"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		d, werr := s.waitFor(secs)
		if err != nil || werr != nil {
			s.Error(w, r, jirga.Errorf(jirga.EINVALID, "wait must be a number of seconds ≥ 0, got %s", echo(v)))
			return
		}
		s.queue.Wait(r.Context(), id, d)
	}
	run, err := s.Store.FindRun(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeRun(w, r, http.StatusOK, run)
}

func (s *Server) handleRunList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := jirga.RunFilter{ScenarioID: q.Get("scenario"), Kind: jirga.RunKind(q.Get("kind")), Status: jirga.RunStatus(q.Get("status"))}
	for name, p := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				s.Error(w, r, jirga.Errorf(jirga.EINVALID, "%s must be a whole number ≥ 0, got %s", name, echo(v)))
				return
			}
			*p = n
		}
	}
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	switch f.Status {
	case "", jirga.RunQueued, jirga.RunRunning, jirga.RunDone, jirga.RunFailed, jirga.RunCanceled:
	default:
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "status %s is not one of queued, running, done, failed, canceled", echo(string(f.Status))))
		return
	}
	runs, err := s.Store.FindRuns(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": runs})
}

func (s *Server) handleRunCancel(w http.ResponseWriter, r *http.Request) {
	id, err := s.runID(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.queue.Cancel(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	run, err := s.Store.FindRun(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.writeRun(w, r, http.StatusOK, run)
}

// handleRunRerun runs a stored run's input again: the same scenario version,
// kind, models, options and seed. The engine is deterministic, so with the
// same engine version the result is byte for byte the stored one.
func (s *Server) handleRunRerun(w http.ResponseWriter, r *http.Request) {
	old, ok := s.storedRun(w, r)
	if !ok {
		return
	}
	run := &jirga.RunRecord{ScenarioID: old.ScenarioID, Version: old.Version, Kind: old.Kind,
		Models: old.Models, Options: old.Options, Seed: old.Seed}
	s.submit(w, r, run, s.RunWait)
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) {
	// param is an option's declaration (option.Option) as JSON; the fields
	// name, values, default and doc are the original contract.
	type param struct {
		Name    string         `json:"name"`
		Type    option.Type    `json:"type"`
		Values  string         `json:"values"`
		Default string         `json:"default"`
		Doc     string         `json:"doc"`
		Cite    string         `json:"cite,omitempty"`
		Choices []option.Value `json:"choices,omitempty"`
		File    bool           `json:"file,omitempty"`
	}
	type info struct {
		Name     string  `json:"name"`
		Summary  string  `json:"summary"`
		Citation string  `json:"citation"`
		Dynamic  bool    `json:"dynamic"`
		Params   []param `json:"params,omitempty"`
	}
	var out []info
	for _, m := range models.All() {
		i := info{Name: m.Name, Summary: m.Summary, Citation: m.Citation, Dynamic: m.Dynamic}
		for _, o := range m.Options {
			i.Params = append(i.Params, param{Name: o.Name, Type: o.Type, Values: o.Allowed(), Default: o.Default,
				Doc: o.Doc, Cite: o.Cite, Choices: o.Values, File: o.File})
		}
		out = append(out, i)
	}
	defaults := map[jirga.RunKind][]string{}
	for _, k := range kinds.Names() {
		if kd, _ := kinds.Lookup(jirga.RunKind(k)); kd.Models != "" {
			defaults[jirga.RunKind(k)] = strings.Split(kd.Models, ",")
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out, "kinds": kinds.Names(),
		// default is the forecast's; defaults are every kind's.
		"default": strings.Split(models.DefaultForecast, ","), "defaults": defaults,
		"draws": sweep.DefaultDraws, "uncertainty": sweep.DefaultUncertainty()})
}
