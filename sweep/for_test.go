package sweep_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jirga/jirga/internal/canceltest"
	"github.com/jirga/jirga/sweep"
)

// workerCounts are the Loop.Workers the For tests try: the calling
// goroutine alone, a few, more than the iterations, and GOMAXPROCS.
var workerCounts = []int{1, 2, 3, 8, 200, 0}

// TestForDeterministic: each iteration runs once, with the generator of
// its draw, and the results are the same bits for any number of workers
// and any GOMAXPROCS.
func TestForDeterministic(t *testing.T) {
	const n = 137
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var want []uint64
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for _, w := range workerCounts {
			loop := sweep.Loop{Workers: w, Seed: 11}
			got := make([]uint64, n)
			var calls atomic.Int64
			var mu sync.Mutex
			workers := map[int]bool{}
			done, err := sweep.For(context.Background(), n, loop, func(it sweep.Iter) error {
				calls.Add(1)
				if got[it.I] != 0 {
					t.Errorf("iteration %d ran twice", it.I)
				}
				got[it.I] = it.Rand().Uint64() ^ it.Rand().Uint64()<<1
				mu.Lock()
				workers[it.Worker] = true
				mu.Unlock()
				return nil
			})
			if err != nil || done != n || calls.Load() != n {
				t.Fatalf("workers %d: done %d, calls %d, err %v; want %d, %d, nil", w, done, calls.Load(), err, n, n)
			}
			for wk := range workers {
				if wk < 0 || wk >= loop.Goroutines(n) {
					t.Errorf("workers %d: worker index %d outside [0, %d)", w, wk, loop.Goroutines(n))
				}
			}
			if want == nil {
				want = got
				// Iteration i draws from DrawRand(seed, i+1).
				for _, i := range []int{0, 1, 136} {
					r := sweep.DrawRand(11, i+1)
					if x := r.Uint64() ^ r.Uint64()<<1; x != got[i] {
						t.Errorf("iteration %d does not use DrawRand(11, %d)", i, i+1)
					}
				}
				continue
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("GOMAXPROCS %d, workers %d: iteration %d differs", procs, w, i)
				}
			}
		}
	}
}

func TestForGoroutines(t *testing.T) {
	tests := []struct{ workers, n, want int }{
		{1, 10, 1}, {4, 10, 4}, {4, 2, 2}, {3, 0, 1}, {-1, 5, min(5, runtime.GOMAXPROCS(0))},
	}
	for i, tt := range tests {
		if got := (sweep.Loop{Workers: tt.workers}).Goroutines(tt.n); got != tt.want {
			t.Errorf("case %d: Goroutines = %d, want %d", i, got, tt.want)
		}
	}
}

// TestForError: the error of the lowest failing iteration is returned,
// with every iteration before it done, whatever the number of workers.
func TestForError(t *testing.T) {
	const n = 200
	fails := map[int]bool{57: true, 58: true, 120: true}
	for _, w := range workerCounts {
		var ran [n]atomic.Bool
		done, err := sweep.For(context.Background(), n, sweep.Loop{Workers: w}, func(it sweep.Iter) error {
			ran[it.I].Store(true)
			if fails[it.I] {
				return fmt.Errorf("iteration %d", it.I)
			}
			return nil
		})
		if err == nil || err.Error() != "iteration 57" || done != 57 {
			t.Errorf("workers %d: done %d, err %v; want 57 and iteration 57", w, done, err)
		}
		for i := range 57 {
			if !ran[i].Load() {
				t.Errorf("workers %d: iteration %d before the failure did not run", w, i)
			}
		}
	}
}

// TestForPanic: a panic in a body is raised again on the caller's
// goroutine, after the loop has stopped.
func TestForPanic(t *testing.T) {
	for _, w := range workerCounts {
		func() {
			defer func() {
				if p := recover(); p != "bug 9" {
					t.Errorf("workers %d: recovered %v, want bug 9", w, p)
				}
			}()
			sweep.For(context.Background(), 50, sweep.Loop{Workers: w}, func(it sweep.Iter) error {
				if it.I == 9 {
					panic("bug 9")
				}
				return nil
			})
			t.Errorf("workers %d: For returned after a panic", w)
		}()
	}
}

// TestForCancel: For returns once ctx is done, even when the bodies block
// until it is, claims no iteration after it, and leaves no goroutine.
// It asserts only what For guarantees: that it returns, with ctx's error
// and a done count below n, and that its goroutines end; not how far the
// loop got first.
func TestForCancel(t *testing.T) {
	for _, w := range workerCounts {
		leaks := canceltest.Goroutines(t)
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		var once sync.Once
		var after atomic.Int64
		var done int
		var err error
		go func() {
			<-started
			cancel()
		}()
		canceltest.Returns(t, fmt.Sprintf("For on %d workers", w), func() {
			done, err = sweep.For(ctx, 1000, sweep.Loop{Workers: w}, func(it sweep.Iter) error {
				if ctx.Err() != nil {
					after.Add(1)
				}
				once.Do(func() { close(started) })
				<-ctx.Done() // a model that runs until it is cancelled
				return ctx.Err()
			})
		})
		if !errors.Is(err, context.Canceled) || done >= 1000 {
			t.Errorf("workers %d: done %d, err %v; want fewer than 1000 and context.Canceled", w, done, err)
		}
		// A goroutine may have claimed an iteration just before the
		// cancellation; none claims another after it.
		if n, g := after.Load(), (sweep.Loop{Workers: w}).Goroutines(1000); n > int64(g) {
			t.Errorf("workers %d: %d iterations started after cancellation on %d goroutines", w, n, g)
		}
		leaks()
	}
	// Cancelled before the start: nothing runs.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done, err := sweep.For(ctx, 10, sweep.Loop{}, func(sweep.Iter) error {
		t.Error("an iteration ran on a cancelled context")
		return nil
	})
	if done != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the start: done %d, err %v", done, err)
	}
}

// TestForProgress: progress is reported from the caller's goroutine,
// never decreases, and ends with the number done.
func TestForProgress(t *testing.T) {
	for _, w := range workerCounts {
		var last, calls int
		done, err := sweep.For(context.Background(), 300, sweep.Loop{Workers: w, Progress: func(done, total int) {
			if total != 300 || done < last {
				t.Errorf("workers %d: progress %d/%d after %d", w, done, total, last)
			}
			last = done
			calls++
		}}, func(it sweep.Iter) error {
			if it.I%100 == 0 {
				time.Sleep(time.Millisecond)
			}
			return nil
		})
		if err != nil || done != 300 || last != 300 || calls == 0 {
			t.Errorf("workers %d: done %d, last progress %d, %d calls, err %v", w, done, last, calls, err)
		}
	}
}

func TestForEmpty(t *testing.T) {
	done, err := sweep.For(context.Background(), 0, sweep.Loop{}, func(sweep.Iter) error {
		t.Error("body called for n = 0")
		return nil
	})
	if done != 0 || err != nil {
		t.Errorf("n = 0: done %d, err %v", done, err)
	}
}

func BenchmarkFor(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			for b.Loop() {
				sweep.For(context.Background(), 1000, sweep.Loop{Workers: w}, func(it sweep.Iter) error {
					it.Rand().Float64()
					return nil
				})
			}
		})
	}
}
