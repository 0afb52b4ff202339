package httpapi

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestOpenAPI checks that docs/openapi.yaml parses and documents every API
// route the server registers, and no other.
func TestOpenAPI(t *testing.T) {
	data, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for m := range ops {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" "+path] = true
			}
		}
	}
	registered := map[string]bool{"GET /healthz": true, "GET /api/models": true}
	mux := http.NewServeMux()
	s := &Server{}
	s.registerScenarioRoutes(routeRecorder{mux, registered})
	s.registerRunRoutes(routeRecorder{mux, registered})
	for r := range registered {
		if !documented[r] {
			t.Errorf("route %s is not in docs/openapi.yaml", r)
		}
	}
	for r := range documented {
		if !registered[r] {
			t.Errorf("docs/openapi.yaml documents %s, which the server does not serve", r)
		}
	}
}

// routeRecorder records the patterns registered on it.
type routeRecorder struct {
	*http.ServeMux
	seen map[string]bool
}

func (r routeRecorder) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	r.seen[pattern] = true
	r.ServeMux.HandleFunc(pattern, h)
}
