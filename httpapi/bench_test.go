package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/sqlite"
)

// benchmarkRunCreate measures one synchronous POST /api/runs on the
// flagship, from request to stored result, with the given models.
func benchmarkRunCreate(b *testing.B, models string) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "jirga.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := &Server{Store: db, Workers: 1}
	if err := s.start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer s.queue.Close()
	h := s.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, jsonRequest("POST", "/api/scenarios", string(flagshipJSONB(b))))
	if rec.Code != 201 {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	body := `{"scenario_id":"` + examples.Flagship + `","models":[` + models + `]}`
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, jsonRequest("POST", "/api/runs", body))
		if rec.Code != http.StatusCreated {
			b.Fatalf("run: %d %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkRunCreate1Model(b *testing.B) { benchmarkRunCreate(b, `"mean"`) }
func BenchmarkRunCreate4Models(b *testing.B) {
	benchmarkRunCreate(b, `"mean","median","condorcet","nbs"`)
}
func BenchmarkRunCreateBDM(b *testing.B) { benchmarkRunCreate(b, `"bdm"`) }

// jsonRequest is a request to the handler as a client sends it: to a
// loopback host, with a JSON body.
func jsonRequest(method, path, body string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}
