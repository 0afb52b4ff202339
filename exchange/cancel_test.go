package exchange_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/jirga/jirga/exchange"
	"github.com/jirga/jirga/internal/canceltest"
)

// TestCancelPolls checks that exchange polls its context once per actor
// while it enumerates a round's candidates and every 256 heap entries while
// it executes them, so that a cancel takes effect within a fraction of a
// round at any size, and that it returns at once when the context is done.
func TestCancelPolls(t *testing.T) {
	const n, m, rounds = 80, 3, 3
	s := randomScenario(rand.New(rand.NewPCG(7, 7)), n, m)
	model := exchange.Model{Rounds: rounds}
	full := canceltest.NewPolls(0)
	r, err := model.Forecast(full, s)
	if err != nil {
		t.Fatal(err)
	}
	// Each round enumerates m(m−1)/2 issue pairs, polling per actor of
	// two groups of each.
	if got, want := full.Count(), int64(len(r.Rounds)*m*(m-1)/2*n/4); got < want {
		t.Fatalf("%d polls in %d rounds of %d actors, want at least %d", got, len(r.Rounds), n, want)
	}
	for _, after := range []int64{1, full.Count() / 3, full.Count() - 1} {
		ctx := canceltest.NewPolls(after)
		r, err := model.Forecast(ctx, s)
		if !errors.Is(err, context.Canceled) || r != nil {
			t.Fatalf("canceled at poll %d: result %t, error %v; want no result and context.Canceled", after, r != nil, err)
		}
		if extra := ctx.Count() - after; extra > 8 {
			t.Errorf("canceled at poll %d: %d more polls before returning", after, extra)
		}
	}
}
