package queue

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/sqlite"
)

func newStore(t *testing.T) jirga.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "jirga.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// generated is a valid scenario of n actors on one issue.
func generated(id string, n int) *jirga.Scenario {
	s := &jirga.Scenario{ID: id, Title: "Generated " + id, Issues: []*jirga.Issue{{ID: "x", Name: "X", StatusQuo: jirga.Val(0)}}}
	for i := range n {
		s.Actors = append(s.Actors, &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(float64(1 + i%7)),
			Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(float64((i * 37) % 101)), Salience: jirga.Val(float64(10 + (i*13)%90))}}})
	}
	return s
}

// TestVersionCacheBytes (issue 12.6): the cache of decoded scenario
// versions is bounded by their estimated memory, not their number; a
// version larger than the bound is not kept; concurrent loads of one
// version decode it once.
func TestVersionCacheBytes(t *testing.T) {
	ctx := context.Background()
	store := &countingStore{Store: newStore(t)}
	sc := generated("s", 1000)
	if _, err := store.CreateScenario(ctx, sc); err != nil {
		t.Fatal(err)
	}
	for range 9 {
		if _, err := store.UpdateScenario(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	one := versionBytes(&jirga.ScenarioVersion{Scenario: sc})
	c := NewVersionCache(3*one + one/2) // room for three
	for v := 1; v <= 10; v++ {
		if _, err := c.Find(ctx, store, "s", v); err != nil {
			t.Fatal(err)
		}
		if n, used := c.Size(); used > c.max || n > 3 {
			t.Fatalf("after version %d: %d versions, %d bytes, bound %d", v, n, used, c.max)
		}
	}
	before := store.finds.Load()
	c.Find(ctx, store, "s", 10) // cached
	c.Find(ctx, store, "s", 1)  // evicted
	if got := store.finds.Load() - before; got != 1 {
		t.Errorf("%d loads for one cached and one evicted version, want 1", got)
	}
	small := NewVersionCache(one / 2)
	small.Find(ctx, store, "s", 1)
	if n, _ := small.Size(); n != 0 {
		t.Errorf("a version larger than the cache was kept")
	}
	// Concurrent loads share one decoding.
	c = NewVersionCache(10 * one)
	store.delay = 50 * time.Millisecond
	before = store.finds.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { c.Find(ctx, store, "s", 5) })
	}
	wg.Wait()
	if got := store.finds.Load() - before; got != 1 {
		t.Errorf("8 concurrent loads of one version decoded it %d times", got)
	}
}

// countingStore counts FindScenario calls, each slowed by delay.
type countingStore struct {
	jirga.Store
	finds atomic.Int64
	delay time.Duration
}

func (c *countingStore) FindScenario(ctx context.Context, id string, v int) (*jirga.ScenarioVersion, error) {
	c.finds.Add(1)
	time.Sleep(c.delay)
	return c.Store.FindScenario(ctx, id, v)
}
