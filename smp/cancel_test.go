package smp_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jirga/jirga/internal/canceltest"
	"github.com/jirga/jirga/smp"
)

// TestCancelPolls checks that smp polls its context before each item of
// its parallel loops (O(N²) work each: one initiator's challenges, one
// queue's election), so that a cancel takes effect within a fraction of a
// turn at any size, and that it returns at once when the context is done.
func TestCancelPolls(t *testing.T) {
	const n, turns = 40, 3
	s := generated(n)
	m := smp.Model{Settings: smp.Settings{MaxTurns: turns}}
	full := canceltest.NewPolls(0)
	if _, err := m.Forecast(full, s); err != nil {
		t.Fatal(err)
	}
	// Per turn: challenges, objective utilities, queues and distances,
	// one poll per actor each.
	if got, want := full.Count(), int64(turns*4*n); got < want {
		t.Fatalf("%d polls in %d turns of %d actors, want at least %d (one per item of each parallel loop)", got, turns, n, want)
	}
	for _, after := range []int64{1, full.Count() / 3, full.Count() - 1} {
		ctx := canceltest.NewPolls(after)
		r, err := m.Forecast(ctx, s)
		if !errors.Is(err, context.Canceled) || r != nil {
			t.Fatalf("canceled at poll %d: result %t, error %v; want no result and context.Canceled", after, r != nil, err)
		}
		// Each worker and each remaining loop of the turn polls once more.
		if extra := ctx.Count() - after; extra > 64 {
			t.Errorf("canceled at poll %d: %d more polls before returning", after, extra)
		}
	}
}
