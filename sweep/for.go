package sweep

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Loop configures [For]. The zero value runs on GOMAXPROCS goroutines with
// seed 0 and reports no progress.
type Loop struct {
	// Workers bounds the goroutines the iterations run on; 0 means
	// GOMAXPROCS. For never starts more than n, and with one it runs every
	// iteration on the calling goroutine.
	Workers int
	// Seed seeds each iteration's generator (Iter.Rand): iteration i gets
	// the generator of draw i+1 of a sweep, DrawRand(Seed, i+1).
	Seed uint64
	// Progress, when set, is called from the goroutine that called For
	// with the number of iterations done so far and n: every 50 ms while
	// they run (when the number changed) and once at the end.
	Progress func(done, total int)
	// Offset places the loop inside a larger one, to compute one part of
	// it (see [Split]): its n iterations are Offset … Offset+n−1 of the
	// whole (Iter.I), each with the generator of its own index. A loop cut
	// into parts at any offsets computes what the whole loop computes.
	Offset int
}

// Split returns the iterations lo … hi−1 of part i of n parts of a loop of
// total iterations: the parts are contiguous, in order, cover 0 … total−1
// once, and differ in size by at most one. It panics unless 0 ≤ i < n.
func Split(total, n, i int) (lo, hi int) {
	if i < 0 || i >= n {
		panic(fmt.Sprintf("sweep: part %d of %d", i, n))
	}
	return int(int64(i) * int64(total) / int64(n)), int(int64(i+1) * int64(total) / int64(n))
}

// Goroutines returns the number of goroutines For runs n iterations on:
// Workers (GOMAXPROCS when 0), at most n and at least 1. Iter.Worker is
// below it, so callers can size per-worker scratch space with it.
func (l Loop) Goroutines(n int) int {
	w := l.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, n))
}

// Iter is one iteration of a [For] loop.
type Iter struct {
	// I is the iteration's index, Loop.Offset … Loop.Offset+n−1.
	I int
	// Worker is the index of the goroutine running the iteration, below
	// Loop.Goroutines(n): scratch space indexed by it is never shared.
	Worker int
	st     *loopState
}

// Rand returns the iteration's generator, DrawRand(Loop.Seed, I+1), seeded
// for this iteration on its first call. It belongs to the worker, must not
// be kept after the iteration, and costs nothing to a loop that does not
// call it.
func (it Iter) Rand() *rand.Rand { return it.st.gens[it.Worker].at(it.st.seed, it.I) }

// generator is a worker's random generator, made on first use and reseeded
// for each iteration that asks for it.
type generator struct {
	pcg    *rand.PCG
	rng    *rand.Rand
	seeded int // the iteration it is seeded for, when rng is set
}

func (g *generator) at(seed uint64, i int) *rand.Rand {
	if g.rng == nil {
		g.pcg = rand.NewPCG(0, 0)
		g.rng = rand.New(g.pcg)
		g.seeded = i - 1
	}
	if g.seeded != i {
		g.pcg.Seed(drawSeed(seed, i+1))
		g.seeded = i
	}
	return g.rng
}

// progressEvery is how often For reports progress.
const progressEvery = 50 * time.Millisecond

// For runs body for the iterations i = 0 … n−1 (shifted by l.Offset) on at
// most l.Goroutines(n) goroutines, and returns how many iterations from the
// first on finished without error (the first done all did) and an error. It is the one loop over
// draws, scenarios and variants of jirga: sweeps, deal probabilities,
// backtests and their coverage, levers, comparisons and smp's turns run on
// it.
//
// Determinism: iteration i's randomness is its own generator, seeded from
// (l.Seed, i) alone, and iterations are claimed in index order, so a body
// that writes only to slots of its own index gives the same results for
// any number of goroutines.
//
// Errors: when a body returns an error, no later iteration is started;
// earlier ones, all already started, run to the end. For then returns the
// error of the lowest failing index, which does not depend on scheduling.
//
// Cancellation: when ctx is done, no iteration is started; running bodies
// get ctx (through their closure) and are expected to return soon. For
// always waits for every goroutine it started before it returns, so none
// is left behind, and returns ctx.Err() when iterations were left undone.
//
// A panic in a body stops the loop as an error does and is raised again,
// with its value, on the goroutine that called For.
func For(ctx context.Context, n int, l Loop, body func(it Iter) error) (done int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if n <= 0 {
		return 0, nil
	}
	w := l.Goroutines(n)
	st := &loopState{n: n, offset: l.Offset, seed: l.Seed, body: body, finished: make([]bool, n), gens: make([]generator, w)}
	if w == 1 {
		st.serial(ctx, l.Progress)
	} else {
		st.parallel(ctx, w, l.Progress)
	}
	if st.panicked {
		panic(st.panicValue)
	}
	for done < n && st.finished[done] {
		done++
	}
	if done < n {
		if err := ctx.Err(); err != nil {
			return done, err
		}
	}
	return done, st.err
}

// loopState is what the goroutines of one For share: the loop, the next
// index to claim, the count and flags of finished iterations (each
// goroutine writes only the flags of its own iterations and its own
// generator), and the failure of the lowest index.
type loopState struct {
	n        int
	offset   int
	seed     uint64
	body     func(Iter) error
	next     atomic.Int64
	count    atomic.Int64
	stop     atomic.Bool
	live     atomic.Int64
	finished []bool
	gens     []generator
	allDone  chan struct{}

	mu         sync.Mutex
	errAt      int
	err        error
	panicked   bool
	panicValue any
}

// fail records the error or panic of iteration i, keeping the lowest i,
// and stops further claims.
func (st *loopState) fail(i int, err error, panicked bool, p any) {
	st.stop.Store(true)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.err == nil && !st.panicked || i < st.errAt {
		st.errAt, st.err, st.panicked, st.panicValue = i, err, panicked, p
	}
}

// claim returns the next iteration index, or false when there is none or
// the loop must stop.
func (st *loopState) claim(ctx context.Context) (int, bool) {
	if st.stop.Load() || ctx.Err() != nil {
		return 0, false
	}
	i := int(st.next.Add(1) - 1)
	return i, i < st.n
}

// run runs iteration i on worker w.
func (st *loopState) run(i, w int) {
	defer func() {
		if p := recover(); p != nil {
			st.fail(i, nil, true, p)
		}
	}()
	if err := st.body(Iter{I: st.offset + i, Worker: w, st: st}); err != nil {
		st.fail(i, err, false, nil)
		return
	}
	st.finished[i] = true
	st.count.Add(1)
}

// serial runs the iterations on the calling goroutine.
func (st *loopState) serial(ctx context.Context, progress func(done, total int)) {
	last, reported := time.Now(), -1
	for {
		i, ok := st.claim(ctx)
		if !ok {
			break
		}
		st.run(i, 0)
		if progress != nil && time.Since(last) >= progressEvery {
			last, reported = time.Now(), int(st.count.Load())
			progress(reported, st.n)
		}
	}
	if c := int(st.count.Load()); progress != nil && c != reported {
		progress(c, st.n)
	}
}

// work is worker w: it runs iterations until there is none left or the
// loop stops, and the last worker to end closes allDone.
func (st *loopState) work(ctx context.Context, w int) {
	defer func() {
		if st.live.Add(-1) == 0 {
			close(st.allDone)
		}
	}()
	for {
		i, ok := st.claim(ctx)
		if !ok {
			return
		}
		st.run(i, w)
	}
}

// parallel runs the iterations on w goroutines and waits for all of them,
// reporting progress from the calling goroutine meanwhile. The goroutines
// share only st; they wake nobody per iteration, which matters on a busy
// machine where every wake-up is a context switch.
func (st *loopState) parallel(ctx context.Context, w int, progress func(done, total int)) {
	st.live.Store(int64(w))
	st.allDone = make(chan struct{})
	for g := range w {
		go st.work(ctx, g)
	}
	if progress == nil {
		<-st.allDone
		return
	}
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	reported := -1
	for {
		select {
		case <-t.C:
			if c := int(st.count.Load()); c != reported {
				reported = c
				progress(c, st.n)
			}
		case <-st.allDone:
			if c := int(st.count.Load()); c != reported {
				progress(c, st.n)
			}
			return
		}
	}
}
