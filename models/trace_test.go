package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/models"
)

// TestTraceThroughJSON: each dynamic model's own round record reaches JSON
// and comes back through it: a result read from its JSON re-encodes to the
// same bytes and is explained word for word as the fresh result is.
func TestTraceThroughJSON(t *testing.T) {
	ss, err := examples.Load("emission", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	for _, info := range models.All() {
		if !info.Dynamic {
			continue
		}
		m, err := models.New(info.Name, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Forecast(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back jirga.Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if again, _ := json.Marshal(&back); !bytes.Equal(again, b) {
			t.Errorf("%s: the result read from JSON re-encodes differently", info.Name)
		}
		if len(r.Rounds) == 0 || r.Rounds[0].Trace == nil || r.Rounds[0].Trace.Model() != info.Name {
			t.Errorf("%s: round 1 has no trace of the model", info.Name)
		}
		if info.Explain == nil {
			continue
		}
		var fresh, read bytes.Buffer
		if err := info.Explain(&fresh, s, r); err != nil {
			t.Fatal(err)
		}
		if err := info.Explain(&read, s, &back); err != nil {
			t.Fatal(err)
		}
		if fresh.String() != read.String() {
			t.Errorf("%s: explaining the result read from JSON differs from explaining the fresh one", info.Name)
		}
	}
}
