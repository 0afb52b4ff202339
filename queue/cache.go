package queue

import (
	"context"
	"sync"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/cost"
)

// VersionCache keeps recently used scenario versions, decoded, up to a
// bound on their memory (estimated by cost.ScenarioBytes). A saved version
// never changes, so a cached one is never stale; the cache spares every run
// two decodings of its scenario. Models must not modify a scenario (see
// jirga.Model), so runs may share one. Concurrent loads of one version share
// one decoding.
type VersionCache struct {
	mu      sync.Mutex
	max     int64 // bytes
	used    int64
	m       map[versionKey]*cached
	fifo    []versionKey
	loading map[versionKey]*load
}

type versionKey struct {
	id      string
	version int
}

type cached struct {
	sv    *jirga.ScenarioVersion
	bytes int64
}

// load is a decoding in flight; done is closed when sv and err are set.
type load struct {
	done chan struct{}
	sv   *jirga.ScenarioVersion
	err  error
}

func NewVersionCache(maxBytes int64) *VersionCache {
	return &VersionCache{max: maxBytes, m: map[versionKey]*cached{}, loading: map[versionKey]*load{}}
}

// versionBytes estimates the memory of a decoded scenario version.
func versionBytes(sv *jirga.ScenarioVersion) int64 {
	if sv.Scenario == nil {
		return 0
	}
	return int64(cost.ScenarioBytes(cost.SizeOf(sv.Scenario)))
}

// Find returns the given version (never 0) of scenario id, from the cache
// or from store.
func (c *VersionCache) Find(ctx context.Context, store jirga.Store, id string, version int) (*jirga.ScenarioVersion, error) {
	k := versionKey{id, version}
	c.mu.Lock()
	if e, ok := c.m[k]; ok {
		c.mu.Unlock()
		return e.sv, nil
	}
	if l, ok := c.loading[k]; ok {
		c.mu.Unlock()
		select {
		case <-l.done:
			return l.sv, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l := &load{done: make(chan struct{})}
	c.loading[k] = l
	c.mu.Unlock()

	l.sv, l.err = store.FindScenario(context.WithoutCancel(ctx), id, version)
	c.mu.Lock()
	delete(c.loading, k)
	if l.err == nil {
		c.add(k, l.sv)
	}
	c.mu.Unlock()
	close(l.done)
	return l.sv, l.err
}

// add caches sv under k, evicting the oldest versions until it fits; a
// version larger than the whole cache is not kept. c.mu is held.
func (c *VersionCache) add(k versionKey, sv *jirga.ScenarioVersion) {
	n := versionBytes(sv)
	if n > c.max {
		return
	}
	for c.used+n > c.max && len(c.fifo) > 0 {
		old := c.fifo[0]
		c.fifo = c.fifo[1:]
		c.used -= c.m[old].bytes
		delete(c.m, old)
	}
	c.m[k] = &cached{sv: sv, bytes: n}
	c.used += n
	c.fifo = append(c.fifo, k)
}

// Size returns the number of cached versions and their estimated bytes.
func (c *VersionCache) Size() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m), c.used
}
