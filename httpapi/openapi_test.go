package httpapi

import (
	"net/http"
	"os"
	"slices"
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
		OpenAPI    string                          `yaml:"openapi"`
		Paths      map[string]map[string]yaml.Node `yaml:"paths"`
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `yaml:"enum"`
								} `yaml:"code"`
							} `yaml:"properties"`
						} `yaml:"error"`
					} `yaml:"properties"`
				} `yaml:"Error"`
			} `yaml:"schemas"`
		} `yaml:"components"`
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
	registered := map[string]bool{}
	mux := http.NewServeMux()
	s := &Server{}
	s.registerInfoRoutes(routeRecorder{mux, registered})
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
	// The answers every route can give: the token (401) and the host and
	// origin checks (403) on the API, the content type of writes (415), the
	// budget on new runs (422).
	for path, ops := range doc.Paths {
		for m, node := range ops {
			if m == "parameters" {
				continue
			}
			var op struct {
				Responses map[string]any `yaml:"responses"`
			}
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", m, path, err)
			}
			want := []string{}
			if strings.HasPrefix(path, "/api/") {
				want = append(want, "401", "403")
				if m == "post" || m == "put" {
					want = append(want, "415")
				}
			}
			if m == "post" && (path == "/api/runs" || path == "/api/runs/{id}/rerun") {
				want = append(want, "422")
			}
			for _, code := range want {
				if _, ok := op.Responses[code]; !ok {
					t.Errorf("docs/openapi.yaml: %s %s lacks the %s response", strings.ToUpper(m), path, code)
				}
			}
		}
	}
	codes := doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum
	for code := range statusCodes {
		if !slices.Contains(codes, code) {
			t.Errorf("docs/openapi.yaml: error code %q is not in the Error schema", code)
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
