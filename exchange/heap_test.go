package exchange

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/jirga/jirga/format"
)

// TestHeapParallel builds a round's heap (init) and compacts it with the
// two-goroutine code and with the one-goroutine loop, and wants the same
// array, entry for entry: the heap's shape decides which of tied
// exchanges comes first, and its tie rule is not transitive, so a valid
// heap of another shape would change results. The gains are rounded to a
// few values, some moved by less than the 1e-9 tie tolerance, so that
// most comparisons are ties decided by key.
func TestHeapParallel(t *testing.T) {
	prevProcs := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prevProcs)
	prevMin := heapParallelMin
	defer func() { heapParallelMin = prevMin }()
	ss, err := format.ReadFile("testdata/cop21_2015.tsv", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := newState(ss[0].Table(), true)
	if err != nil {
		t.Fatal(err)
	}
	st.decide = true
	if err := st.enumerate(); err != nil {
		t.Fatal(err)
	}
	if len(st.h) < 100 {
		t.Fatalf("only %d candidates", len(st.h))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		h := slices.Clone(st.h)
		for k := range h {
			h[k].gain = float64(1+rng.IntN(3)) * (1 + float64(rng.IntN(3))*4e-10)
			if trial%2 == 1 && rng.IntN(3) == 0 {
				h[k].version = -7 // stale: compact drops it
			}
		}
		var got [2][]entry
		for w, min := range []int{1 << 62, 1} {
			heapParallelMin = min
			st.h = slices.Clone(h)
			if trial%2 == 1 {
				st.compact()
			} else {
				st.init()
			}
			got[w] = st.h
		}
		if !slices.Equal(got[0], got[1]) {
			t.Fatalf("trial %d: %d entries: the heap built on two goroutines differs from the one built on one", trial, len(h))
		}
	}
}
