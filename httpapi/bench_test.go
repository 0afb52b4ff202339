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
	defer s.runner.stop(0)
	h := s.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/scenarios", strings.NewReader(string(flagshipJSONB(b)))))
	if rec.Code != 201 {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	body := `{"scenario_id":"` + examples.Flagship + `","models":[` + models + `]}`
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/runs", strings.NewReader(body)))
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
