package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// maxFileName bounds the ?name= of an import.
const maxFileName = 255

func (s *Server) registerScenarioRoutes(mux router) {
	mux.HandleFunc("GET /api/scenarios", s.handleScenarioList)
	mux.HandleFunc("POST /api/scenarios", s.handleScenarioCreate)
	mux.HandleFunc("GET /api/scenarios/{id}", s.handleScenarioGet)
	mux.HandleFunc("PUT /api/scenarios/{id}", s.handleScenarioUpdate)
	mux.HandleFunc("GET /api/scenarios/{id}/versions", s.handleScenarioVersions)
	mux.HandleFunc("POST /api/import", s.handleImport)
	mux.HandleFunc("POST /api/validate", s.handleValidate)
}

// readScenario reads one scenario in jirga JSON from the body and validates
// it as the CLI does; problems carry the line numbers of the body.
func (s *Server) readScenario(w http.ResponseWriter, r *http.Request) (*jirga.Scenario, error) {
	if err := requireJSON(r); err != nil {
		return nil, err
	}
	data, err := s.readBody(w, r, s.MaxBody)
	if err != nil {
		return nil, err
	}
	ss, err := format.Read("request.json", data, format.Options{Format: format.JSON})
	if err != nil {
		return nil, err
	}
	if len(ss) != 1 {
		return nil, jirga.Errorf(jirga.EINVALID, "the body holds %d scenarios; send one, or use POST /api/import", len(ss))
	}
	return ss[0], nil
}

// handleValidate checks a scenario in jirga JSON as saving it would, and
// stores nothing: 200 with "valid", the problems that would refuse it and
// the warnings, each located as the errors of a refused save are (the web
// UI's editor marks them at their cells as the analyst types).
func (s *Server) handleValidate(w http.ResponseWriter, r *http.Request) {
	if err := requireJSON(r); err != nil {
		s.Error(w, r, err)
		return
	}
	data, err := s.readBody(w, r, s.MaxBody)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var warns []*jirga.ValidationError
	ss, err := format.Read("request.json", data, format.Options{Format: format.JSON, Warn: func(ve *jirga.ValidationError) { warns = append(warns, ve) }})
	ves := jirga.ValidationErrors(err)
	if err != nil && len(ves) == 0 {
		s.Error(w, r, err)
		return
	}
	if err == nil && len(ss) != 1 {
		ves = []*jirga.ValidationError{{File: "request.json", Msg: fmt.Sprintf("the body holds %d scenarios; send one", len(ss))}}
	}
	type answer struct {
		Valid           bool      `json:"valid"`
		Problems        []problem `json:"problems"`
		OmittedProblems int       `json:"omitted_problems,omitempty"`
		Warnings        []problem `json:"warnings"`
		OmittedWarnings int       `json:"omitted_warnings,omitempty"`
	}
	a := answer{Valid: len(ves) == 0, Problems: []problem{}, Warnings: []problem{}}
	if p, n := problems(ves); p != nil {
		a.Problems, a.OmittedProblems = p, n
	}
	if p, n := problems(warns); p != nil {
		a.Warnings, a.OmittedWarnings = p, n
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	// Read into a buffer of the announced size: io.ReadAll's doubling
	// would allocate about twice the body on the way.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), limit)+1))
	_, err := buf.ReadFrom(r.Body)
	data := buf.Bytes()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		// The error names the connection's addresses: say what happened.
		return nil, jirga.Errorf(jirga.EINVALID, "the request body could not be read to its end (the client stopped sending, or sent it too slowly)")
	}
	return data, nil
}

func (s *Server) handleScenarioList(w http.ResponseWriter, r *http.Request) {
	list, err := s.Store.FindScenarios(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": list})
}

func (s *Server) handleScenarioCreate(w http.ResponseWriter, r *http.Request) {
	sc, err := s.readScenario(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sv, err := s.Store.CreateScenario(r.Context(), sc)
	if jirga.ErrorCode(err) == jirga.ECONFLICT {
		// The store's message names no route; the API says which.
		err = jirga.Errorf(jirga.ECONFLICT, "scenario %q exists; save a new version with PUT /api/scenarios/%s", sc.ID, sc.ID)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sv.Scenario = nil
	w.Header().Set("Location", "/api/scenarios/"+sv.ID)
	writeJSON(w, http.StatusCreated, sv)
}

func (s *Server) handleScenarioGet(w http.ResponseWriter, r *http.Request) {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.Error(w, r, jirga.Errorf(jirga.EINVALID, "version must be a whole number ≥ 1, got %q", v))
			return
		}
		version = n
	}
	sv, err := s.Store.FindScenario(r.Context(), r.PathValue("id"), version)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sv)
}

func (s *Server) handleScenarioUpdate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.Store.FindScenario(r.Context(), id, 0); err != nil {
		s.Error(w, r, err)
		return
	}
	sc, err := s.readScenario(w, r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if sc.ID != id {
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "the body's scenario id %q differs from the id %q in the URL; a scenario keeps its id", sc.ID, id))
		return
	}
	sv, err := s.Store.UpdateScenario(r.Context(), sc)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	sv.Scenario = nil
	writeJSON(w, http.StatusOK, sv)
}

func (s *Server) handleScenarioVersions(w http.ResponseWriter, r *http.Request) {
	vs, err := s.Store.FindScenarioVersions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// handleImport reads a file in any format the CLI reads (detected, or named
// by ?format=; ?name= is the file name used in messages, detection and the
// ids of formats that carry none) and creates a new scenario for each
// scenario in it. An import never overwrites: when the id is taken, the
// scenario gets the id with the first free suffix -2, -3, …, and the answer
// says which id it created (and the id it asked for).
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("name")
	if name == "" {
		// No file name: formats without ids take one from the content.
		name = "<upload>"
	}
	// The name is repeated in every problem's message: keep it short.
	if len(name) > maxFileName {
		s.Error(w, r, jirga.Errorf(jirga.EINVALID, "name: %s is longer than %d bytes", echo(name), maxFileName))
		return
	}
	// Decoding a file takes about 30 times its size in memory: imports are
	// decoded one at a time, so that concurrent large uploads cannot add up.
	select {
	case s.imports <- struct{}{}:
		defer func() { <-s.imports }()
	case <-r.Context().Done():
		return
	}
	data, err := s.readBody(w, r, format.MaxSize)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	opt := format.Options{Format: q.Get("format"), Capability: q.Get("capability")}
	if v := q.Get("salience_scale"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !(x > 0) || math.IsInf(x, 0) {
			s.Error(w, r, jirga.Errorf(jirga.EINVALID, "salience_scale: want a number > 0 (the top of the scale the file writes saliences on, e.g. 1), got %s", echo(v)))
			return
		}
		opt.SalienceScale = x
	}
	ss, err := format.Read(name, data, opt)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	type imported struct {
		*jirga.ScenarioVersion
		// Created is always true: an import creates every scenario it
		// holds (kept for clients of the time imports could update).
		Created bool `json:"created"`
		// RequestedID is the id the file gave, when it was taken and the
		// scenario got another.
		RequestedID string `json:"requested_id,omitempty"`
	}
	out := []imported{}
	for _, sc := range ss {
		want := sc.ID
		sv, err := s.createFresh(r.Context(), sc)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		sv.Scenario = nil
		im := imported{ScenarioVersion: sv, Created: true}
		if sv.ID != want {
			im.RequestedID = want
		}
		out = append(out, im)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"scenarios": out})
}

// maxSuffix bounds the suffixes createFresh tries.
const maxSuffix = 10000

// createFresh creates sc as a new scenario under its id or, when that is
// taken, under the id with the first free suffix -2, -3, … (the base cut so
// that the id keeps to 64 characters); it sets sc.ID to the id it used.
func (s *Server) createFresh(ctx context.Context, sc *jirga.Scenario) (*jirga.ScenarioVersion, error) {
	base := sc.ID
	// The ids taken now, so that a much-imported file does not try each
	// suffix in the store; a scenario created meanwhile is a conflict,
	// and the next suffix is tried.
	list, err := s.Store.FindScenarios(ctx)
	if err != nil {
		return nil, err
	}
	taken := make(map[string]bool, len(list))
	for _, sv := range list {
		taken[sv.ID] = true
	}
	for n := 1; n <= maxSuffix; n++ {
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			b := base
			if len(b)+len(suffix) > maxIDLen {
				b = strings.TrimRight(b[:maxIDLen-len(suffix)], "-")
			}
			sc.ID = b + suffix
		}
		if taken[sc.ID] {
			continue
		}
		sv, err := s.Store.CreateScenario(ctx, sc)
		if jirga.ErrorCode(err) == jirga.ECONFLICT {
			continue
		}
		return sv, err
	}
	sc.ID = base
	return nil, jirga.Errorf(jirga.ECONFLICT, "scenario %q and its %d suffixed ids are all taken", base, maxSuffix-1)
}

// maxIDLen is the longest id (jirga.ValidID).
const maxIDLen = 64
