package deal_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// cancelling cancels a context on its n-th forecast, like Ctrl-C in the
// middle of the Monte Carlo draws.
type cancelling struct {
	n      int64
	calls  atomic.Int64
	cancel context.CancelFunc
}

func (*cancelling) Name() string { return "cancelling" }

func (c *cancelling) Forecast(ctx context.Context, s *jirga.Scenario) (*jirga.Result, error) {
	if c.calls.Add(1) == c.n {
		c.cancel()
	}
	return baseline.Mean{}.Forecast(ctx, s)
}

// TestAnalyzeCancel: an analysis cancelled during its draws returns ctx's
// error and leaves no goroutine behind.
func TestAnalyzeCancel(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1, 2, 4} {
		before := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		m := &cancelling{n: 10, cancel: cancel}
		ret := make(chan error, 1)
		go func() {
			_, err := deal.Analyze(ctx, ss[0], []jirga.Model{m}, deal.Options{Draws: 100000, Workers: w, Interventions: true})
			ret <- err
		}()
		select {
		case err := <-ret:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("workers %d: err %v, want context.Canceled", w, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("workers %d: Analyze did not return after cancellation", w)
		}
		cancel()
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			t.Errorf("workers %d: %d goroutines left running, %d before", w, n, before)
		}
	}
}
