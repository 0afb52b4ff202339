package levers_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/levers"
	"github.com/jirga/jirga/models"
)

// TestWorkers: the nudges run on sweep.For and give the same bytes for any
// number of workers; a cancelled context ends them with its error.
func TestWorkers(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	var ms []jirga.Model
	for _, n := range []string{"mean", "bdm"} {
		m, err := models.New(n, models.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	enc := func(v any, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var wantL, wantD string
	for _, w := range []int{1, 2, 5, 0} {
		l := enc(levers.Compute(context.Background(), s, ms[1], levers.Options{Workers: w}))
		d := enc(levers.ComputeDeal(context.Background(), s, levers.Options{Workers: w}))
		if wantL == "" {
			wantL, wantD = l, d
			continue
		}
		if l != wantL || d != wantD {
			t.Errorf("workers %d: levers same %v, deal levers same %v", w, l == wantL, d == wantD)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := levers.Compute(ctx, s, ms[0], levers.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("levers on a cancelled context: %v", err)
	}
}
