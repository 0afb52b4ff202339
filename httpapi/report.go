package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/kinds"
)

// handleRunReport serves the page of a finished report run as an HTML file
// to save (Content-Disposition: attachment), with a policy that lets it
// load nothing and run no script: the page has inline CSS and SVG only.
func (s *Server) handleRunReport(w http.ResponseWriter, r *http.Request) {
	run, ok := s.storedRun(w, r)
	if !ok {
		return
	}
	id := run.ID
	if run.Kind != jirga.KindReport {
		s.Error(w, r, jirga.Errorf(jirga.ENOTFOUND, "run %d is a %s run; only report runs have a report (POST /api/runs with \"kind\": \"report\")", id, run.Kind))
		return
	}
	if run.Status != jirga.RunDone {
		s.Error(w, r, jirga.Errorf(jirga.ECONFLICT, "run %d is %s; its report can be downloaded when it is done", id, run.Status))
		return
	}
	var res kinds.ReportResult
	if err := json.Unmarshal(run.Result, &res); err != nil {
		run.Damaged = "result: not a report"
		s.Error(w, r, damagedError(run))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-v%d-report-%d.html"`, run.ScenarioID, run.Version, run.ID))
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(res.HTML))
}
