package jirga_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

func valid() *jirga.Scenario {
	return &jirga.Scenario{
		ID:      "s",
		Sources: []*jirga.Source{{ID: "src"}},
		Issues:  []*jirga.Issue{{ID: "i", Anchors: []jirga.Anchor{{At: 0, Label: "low"}, {At: 100, Label: "high"}}}},
		Actors: []*jirga.Actor{{ID: "a", Capability: jirga.Val(1), Stances: map[string]*jirga.Stance{
			"i": {Position: jirga.Val(40), Salience: jirga.Val(50)},
		}}},
	}
}

func TestValidateOK(t *testing.T) {
	if err := valid().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateInCode checks problems that only scenarios built in code can
// have (a file cannot hold a nil actor the reader does not report first).
func TestValidateInCode(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *jirga.Scenario)
		path   string
		msg    string
	}{
		{"NilScenario", nil, "", "empty scenario"},
		{"NilActor", func(s *jirga.Scenario) { s.Actors = append(s.Actors, nil) }, "actors[1]", "actor 2 is empty"},
		{"NilIssue", func(s *jirga.Scenario) { s.Issues = append(s.Issues, nil) }, "issues[1]", "issue 2 is empty"},
		{"NilStance", func(s *jirga.Scenario) { s.Actors[0].Stances["i"] = nil }, "actors[0].stances.i", "stance is empty"},
		{"NaNCapability", func(s *jirga.Scenario) { s.Actors[0].Capability.Value = math.NaN() }, "actors[0].capability", "capability must be a finite number > 0, got NaN"},
		{"InfPosition", func(s *jirga.Scenario) { s.Actors[0].Stances["i"].Position.Value = math.Inf(1) }, "actors[0].stances.i.position", "position +Inf is outside the allowed range [0, 100]"},
		{"NaNScale", func(s *jirga.Scenario) { s.Issues[0].Scale = &jirga.Scale{Min: math.NaN(), Max: 1} }, "issues[0].scale", "scale must have finite min < max"},
		{"MissingID", func(s *jirga.Scenario) { s.ID = "" }, "id", "scenario id is missing"},
		{"IssueWithoutStance", func(s *jirga.Scenario) { s.Issues = append(s.Issues, &jirga.Issue{ID: "j"}) }, "issues[1]", "no actor holds a position on the issue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *jirga.Scenario
			if tt.change != nil {
				s = valid()
				tt.change(s)
			}
			ves := jirga.ValidationErrors(s.Validate())
			for _, ve := range ves {
				if ve.Path == tt.path && strings.Contains(ve.Msg, tt.msg) {
					return
				}
			}
			t.Errorf("no error at %q containing %q; got %v", tt.path, tt.msg, ves)
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	tests := []struct {
		e    jirga.ValidationError
		want string
	}{
		{jirga.ValidationError{File: "f.yaml", Line: 3, Actor: "a", Issue: "i", Field: "salience", Msg: "salience 120 is outside the allowed range [0, 100]"},
			`f.yaml:3: actor "a", issue "i", field salience: salience 120 is outside the allowed range [0, 100]`},
		{jirga.ValidationError{File: "f.yaml", Msg: "file is empty"}, "f.yaml: file is empty"},
		{jirga.ValidationError{Line: 2, Msg: "x"}, "line 2: x"},
		{jirga.ValidationError{Msg: "x"}, "x"},
	}
	for i, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("case %d: %q, want %q", i, got, tt.want)
		}
	}
}

func TestErrorCode(t *testing.T) {
	ve := &jirga.ValidationError{Msg: "x"}
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{jirga.Errorf(jirga.ENOTFOUND, "no"), jirga.ENOTFOUND},
		{ve, jirga.EINVALID},
		{errors.Join(ve, ve), jirga.EINVALID},
		{errors.New("boom"), jirga.EINTERNAL},
	}
	for i, tt := range tests {
		if got := jirga.ErrorCode(tt.err); got != tt.want {
			t.Errorf("case %d: %q, want %q", i, got, tt.want)
		}
	}
	if got := jirga.ValidationErrors(errors.Join(ve, errors.New("x"), ve)); len(got) != 2 {
		t.Errorf("ValidationErrors found %d, want 2", len(got))
	}
}

func TestNearestAnchor(t *testing.T) {
	is := &jirga.Issue{Anchors: []jirga.Anchor{{At: 100, Label: "high"}, {At: 0, Label: "low"}, {At: 50, Label: "mid"}}}
	tests := []struct {
		x    float64
		want string
	}{
		{0, "low"}, {24, "low"}, {26, "mid"}, {74.9, "mid"}, {99, "high"},
		// Ties go to the lower anchor, whatever the order of the anchors.
		{25, "low"}, {75, "mid"},
	}
	for _, tt := range tests {
		if got := is.NearestAnchor(tt.x); got != tt.want {
			t.Errorf("NearestAnchor(%v)=%q, want %q", tt.x, got, tt.want)
		}
	}
	if got := (&jirga.Issue{}).NearestAnchor(3); got != "" {
		t.Errorf("no anchors: %q", got)
	}
}

func TestClone(t *testing.T) {
	s := valid()
	s.Interventions = []*jirga.Intervention{{ID: "x", Changes: []jirga.Change{{Actor: "a", Field: "capability", Set: new(2.0)}}}}
	s.Issues[0].Outcome = new(3.0)
	s.Actors[0].Stances["i"].Reservation = &jirga.Estimate{Value: 1, Low: new(0.0), Sources: []string{"src"}}
	c := s.Clone()
	if !reflect.DeepEqual(s, c) {
		t.Fatal("clone differs")
	}
	c.Actors[0].Stances["i"].Reservation.Sources[0] = "changed"
	*c.Actors[0].Stances["i"].Reservation.Low = 9
	*c.Interventions[0].Changes[0].Set = 9
	c.Issues[0].Anchors[0].Label = "changed"
	if reflect.DeepEqual(s, c) {
		t.Fatal("clone shares memory with the original")
	}
	// Nil parts stay nil, so a partial scenario clones equal too.
	p := &jirga.Scenario{ID: "p", Actors: []*jirga.Actor{nil}}
	if got := p.Clone(); !reflect.DeepEqual(p, got) {
		t.Errorf("clone of a partial scenario differs: %#v", got)
	}
}

func TestEstimateJSON(t *testing.T) {
	tests := []struct {
		in, out string
	}{
		{`5`, `5`},
		{`{"value": 5}`, `5`},
		{`{"value": 5, "low": 1, "judgement": true}`, `{"value":5,"low":1,"judgement":true}`},
	}
	for _, tt := range tests {
		var e jirga.Estimate
		if err := json.Unmarshal([]byte(tt.in), &e); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		b, err := json.Marshal(e)
		if err != nil || string(b) != tt.out {
			t.Errorf("%s: marshal=%s, %v; want %s", tt.in, b, err, tt.out)
		}
	}
	for _, bad := range []string{`"5"`, `{"low": 1}`, `{"value": 1, "extra": 2}`, `[1]`, `true`} {
		var e jirga.Estimate
		if err := json.Unmarshal([]byte(bad), &e); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

type badModel struct{ x float64 }

func (badModel) Name() string { return "bad" }
func (m badModel) Forecast(_ context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	r := &jirga.Result{Model: "bad"}
	for _, is := range s.Issues {
		r.Issues = append(r.Issues, jirga.IssueForecast{Issue: is.ID, Forecast: m.x})
	}
	return r, nil
}

func TestRunChecksContract(t *testing.T) {
	s := valid()
	f, err := jirga.Run(context.Background(), s, []jirga.Model{badModel{40}})
	if err != nil || f.Scenario != "s" || len(f.Results) != 1 {
		t.Fatalf("Run=%+v, %v", f, err)
	}
	if _, err := jirga.Run(context.Background(), s, []jirga.Model{badModel{math.NaN()}}); jirga.ErrorCode(err) != jirga.EINTERNAL {
		t.Errorf("NaN forecast: err=%v, want EINTERNAL", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := jirga.Run(ctx, s, []jirga.Model{badModel{1}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err=%v", err)
	}
}

func TestResultValues(t *testing.T) {
	s := &jirga.Scenario{ID: "s", Issues: []*jirga.Issue{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	// Issues out of the scenario's order are found by id.
	r := &jirga.Result{Model: "m", Issues: []jirga.IssueForecast{{Issue: "c", Forecast: 3}, {Issue: "a", Forecast: 1}, {Issue: "b", Forecast: 2}}}
	got, err := r.Values(s, make([]float64, 7))
	if err != nil || len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("Values = %v, %v; want [1 2 3]", got, err)
	}
	// A missing and a non-finite forecast are NaN; the error names the
	// model and the first of them.
	r = &jirga.Result{Model: "m", Issues: []jirga.IssueForecast{{Issue: "a", Forecast: math.Inf(1)}, {Issue: "c", Forecast: 3}}}
	got, err = r.Values(s, nil)
	if !math.IsNaN(got[0]) || !math.IsNaN(got[1]) || got[2] != 3 {
		t.Errorf("Values = %v, want [NaN NaN 3]", got)
	}
	if jirga.ErrorCode(err) != jirga.EINTERNAL || !strings.Contains(err.Error(), `model m gave the forecast +Inf for issue "a"`) {
		t.Errorf("err = %v", err)
	}
}

// TestErrorUnwrap: an *Error keeps the cause formatted with %w, as
// fmt.Errorf does, and its message is fmt.Errorf's.
func TestErrorUnwrap(t *testing.T) {
	cause := fs.ErrNotExist
	err := jirga.Errorf(jirga.EINVALID, "reading %q: %w", "s.yaml", cause)
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != fmt.Errorf("reading %q: %w", "s.yaml", cause).Error() {
		t.Errorf("Errorf with %%w: %v, errors.Is %v", err, errors.Is(err, cause))
	}
	if jirga.ErrorCode(fmt.Errorf("outer: %w", err)) != jirga.EINVALID {
		t.Error("the code of a wrapped *Error is lost")
	}
	if plain := jirga.Errorf(jirga.EINVALID, "no cause: %v", cause); plain.Unwrap() != nil || errors.Is(plain, cause) {
		t.Errorf("Errorf with %%v made a cause")
	}
	// A ValidationError wrapped in an *Error is found and keeps its kind.
	kind := errors.New("malformed number")
	ve := &jirga.ValidationError{Field: "salience", Msg: "want a number", Err: kind}
	wrapped := jirga.Errorf(jirga.EINVALID, "intervention %q: %w", "x", ve)
	if got := jirga.ValidationErrors(wrapped); len(got) != 1 || got[0] != ve || !errors.Is(wrapped, kind) {
		t.Errorf("ValidationErrors = %v, errors.Is(kind) = %v", got, errors.Is(wrapped, kind))
	}
}
