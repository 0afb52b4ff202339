package httpapi

import (
	"context"
	"sync"

	"github.com/jirga/jirga"
)

// versionCache keeps recently used scenario versions, decoded. A saved
// version never changes, so a cached one is never stale; the cache spares
// every run two decodings of its scenario. Models must not modify a
// scenario (see jirga.Model), so runs may share one.
type versionCache struct {
	mu   sync.Mutex
	max  int
	m    map[versionKey]*jirga.ScenarioVersion
	fifo []versionKey
}

type versionKey struct {
	id      string
	version int
}

func newVersionCache(max int) *versionCache {
	return &versionCache{max: max, m: map[versionKey]*jirga.ScenarioVersion{}}
}

// find returns the given version (never 0) of scenario id.
func (c *versionCache) find(ctx context.Context, store jirga.Store, id string, version int) (*jirga.ScenarioVersion, error) {
	k := versionKey{id, version}
	c.mu.Lock()
	sv, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return sv, nil
	}
	sv, err := store.FindScenario(ctx, id, version)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok {
		if len(c.fifo) >= c.max {
			delete(c.m, c.fifo[0])
			c.fifo = c.fifo[1:]
		}
		c.m[k] = sv
		c.fifo = append(c.fifo, k)
	}
	return sv, nil
}
