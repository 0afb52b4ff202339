package jirga_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jirga/jirga"
)

// testTrace is a model's own round record, as a model package defines one.
type testTrace struct {
	Moves []string         `json:"moves,omitempty"`
	Score map[string]int   `json:"score,omitempty"`
	Note  string           `json:"note,omitempty"`
	Extra *json.RawMessage `json:"extra,omitempty"`
}

func (*testTrace) Model() string { return "test" }

// flatRound is the layout the round's JSON must have: the common fields,
// then the trace's, in one object.
type flatRound struct {
	Round     int                           `json:"round"`
	Positions map[string]map[string]float64 `json:"positions"`
	Median    map[string]float64            `json:"median,omitempty"`
	Mean      map[string]float64            `json:"mean,omitempty"`
	Outcome   map[string]float64            `json:"outcome,omitempty"`
	Moves     []string                      `json:"moves,omitempty"`
	Score     map[string]int                `json:"score,omitempty"`
	Note      string                        `json:"note,omitempty"`
	Extra     *json.RawMessage              `json:"extra,omitempty"`
}

func encode(t *testing.T, v any, escapeHTML bool) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRoundJSON: a round's trace is written into the round's object after
// the common fields, byte for byte as if they were one struct, with or
// without HTML escaping; read back, it is a RawTrace that gives the same
// bytes again and decodes into the model's type.
func TestRoundJSON(t *testing.T) {
	pos := map[string]map[string]float64{"a<b>": {"i&j": 1.5}}
	tr := &testTrace{Moves: []string{"a<b> → c&d"}, Score: map[string]int{"z": 1, "a": 2}, Note: "ok"}
	rd := jirga.Round{Round: 3, Positions: pos, Mean: map[string]float64{"i&j": 2}, Trace: tr}
	flat := flatRound{Round: 3, Positions: pos, Mean: rd.Mean, Moves: tr.Moves, Score: tr.Score, Note: tr.Note}
	for _, esc := range []bool{true, false} {
		got, want := encode(t, []jirga.Round{rd}, esc), encode(t, []flatRound{flat}, esc)
		if got != want {
			t.Errorf("escapeHTML %v: round JSON\n%s\nwant\n%s", esc, got, want)
		}
	}
	b, err := json.Marshal(rd)
	if err != nil {
		t.Fatal(err)
	}
	var back jirga.Round
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	raw, ok := back.Trace.(jirga.RawTrace)
	if !ok || back.Round != 3 || back.Positions["a<b>"]["i&j"] != 1.5 || back.Mean["i&j"] != 2 {
		t.Fatalf("read back: %+v", back)
	}
	if strings.Contains(string(raw), `"round"`) || strings.Contains(string(raw), `"positions"`) {
		t.Errorf("raw trace holds common fields: %s", raw)
	}
	if again, _ := json.Marshal(back); string(again) != string(b) {
		t.Errorf("re-marshalled round differs:\n%s\n%s", again, b)
	}
	dec, ok := jirga.TraceOf[testTrace](back)
	if !ok || dec.Note != "ok" || dec.Score["a"] != 2 || dec.Moves[0] != tr.Moves[0] {
		t.Errorf("TraceOf the round read back: %+v, %v", dec, ok)
	}
	// A fresh trace of the type is returned as it is; none, or another
	// model's, gives an empty one.
	if same, ok := jirga.TraceOf[testTrace](rd); !ok || same != tr {
		t.Error("TraceOf did not return the round's own trace")
	}
	for _, r := range []jirga.Round{{}, {Trace: badTrace{1}}, {Trace: jirga.RawTrace(`{"moves": 3}`)}} {
		if empty, ok := jirga.TraceOf[testTrace](r); ok || empty == nil || empty.Note != "" {
			t.Errorf("TraceOf(%+v) = %+v, %v; want an empty trace and false", r, empty, ok)
		}
	}
	// No trace, or one without fields: the common fields alone.
	for _, r := range []jirga.Round{{Round: 1}, {Round: 1, Trace: &testTrace{}}} {
		if b, err := json.Marshal(r); err != nil || string(b) != `{"round":1,"positions":null}` {
			t.Errorf("round %+v: %s, %v", r, b, err)
		}
	}
	var plain jirga.Round
	if err := json.Unmarshal([]byte(`{"round":2,"positions":{}}`), &plain); err != nil || plain.Trace != nil || plain.Round != 2 {
		t.Errorf("round without extra fields: %+v, %v", plain, err)
	}
}

// badTrace does not marshal to an object.
type badTrace []int

func (badTrace) Model() string { return "bad" }

func TestRoundJSONBadTrace(t *testing.T) {
	if _, err := json.Marshal(jirga.Round{Trace: badTrace{1}}); err == nil {
		t.Error("a trace that is not a JSON object was accepted")
	}
}
