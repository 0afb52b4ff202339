// Package canceltest helps test cancellation: a model that cancels a
// context during a run, as Ctrl-C would, a check that the goroutines a
// cancelled call started have all ended, and a context that counts how
// often the code under test polls it.
package canceltest

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jirga/jirga"
)

// Model wraps a model and calls Cancel once its N-th forecast has returned,
// so that whatever runs it is cancelled mid-run, after N forecasts, however
// the goroutines running them are scheduled.
type Model struct {
	jirga.Model
	N      int64
	Cancel context.CancelFunc
	calls  atomic.Int64
}

// Forecast implements jirga.Model.
func (m *Model) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	r, err := m.Model.Forecast(ctx, s)
	if m.calls.Add(1) == m.N {
		m.Cancel()
	}
	return r, err
}

// Goroutines records the number of goroutines and returns a function that,
// called when the code under test has returned, fails tb unless the number
// is back to it within 10 s: goroutines that have signalled their end may
// take a moment to exit, but none may be left running.
func Goroutines(tb testing.TB) func() {
	tb.Helper()
	before := runtime.NumGoroutine()
	return func() {
		tb.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				tb.Errorf("%d goroutines left running, %d before", runtime.NumGoroutine(), before)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// Returns runs f on its own goroutine and waits for it to return; if it has
// not within a minute, it fails tb with what, so that a call that ignores
// its cancelled context fails the test instead of hanging it.
func Returns(tb testing.TB, what string, f func()) {
	tb.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		tb.Fatalf("%s: still running a minute after its context was cancelled", what)
	}
}

// Polls is a context that counts the calls of its Err method and reports
// itself canceled from call After on (never when After is 0). Its Done
// channel is nil: it suits code that polls Err in its loops.
type Polls struct {
	context.Context
	After int64
	n     atomic.Int64
}

// NewPolls returns a Polls canceled from the after-th poll on (0: never).
func NewPolls(after int64) *Polls {
	return &Polls{Context: context.Background(), After: after}
}

// Err counts the poll and returns context.Canceled from poll After on.
func (c *Polls) Err() error {
	if n := c.n.Add(1); c.After > 0 && n >= c.After {
		return context.Canceled
	}
	return nil
}

// Count returns the number of polls so far.
func (c *Polls) Count() int64 { return c.n.Load() }
