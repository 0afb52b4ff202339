package bdm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jirga/jirga/bdm"
	"github.com/jirga/jirga/internal/canceltest"
)

// TestCancelPolls checks that bdm polls its context at least once per row
// of every O(n²) loop of a round, so that a cancel takes effect within O(n)
// work at any size, and that it returns at once when the context is done.
func TestCancelPolls(t *testing.T) {
	const n, rounds = 150, 4
	s := randomScenario(n, 1, 3)
	m := bdm.New(bdm.Settings{Rounds: rounds})
	full := canceltest.NewPolls(0)
	if _, err := m.Forecast(full, s); err != nil {
		t.Fatal(err)
	}
	// Per round: the probabilities, the expected utilities and the offers
	// each poll once per row (more with risk-weighted votes).
	if got, want := full.Count(), int64(rounds*3*n); got < want {
		t.Fatalf("%d polls in %d rounds of %d actors, want at least %d (one per row of each O(n²) loop)", got, rounds, n, want)
	}
	for _, after := range []int64{1, full.Count() / 3, full.Count() - 1} {
		ctx := canceltest.NewPolls(after)
		r, err := m.Forecast(ctx, s)
		if !errors.Is(err, context.Canceled) || r != nil {
			t.Fatalf("canceled at poll %d: result %t, error %v; want no result and context.Canceled", after, r != nil, err)
		}
		// Once canceled, each loop of the round returns at its first poll.
		if extra := ctx.Count() - after; extra > 20 {
			t.Errorf("canceled at poll %d: %d more polls before returning", after, extra)
		}
	}
}
