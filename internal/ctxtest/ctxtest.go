// Package ctxtest provides a context for tests of how promptly code reacts
// to cancellation: it counts how often the code polls it.
package ctxtest

import (
	"context"
	"sync/atomic"
)

// Polls is a context that counts the calls of its Err method and reports
// itself canceled from call After on (never when After is 0). Its Done
// channel is nil: it suits code that polls Err in its loops.
type Polls struct {
	context.Context
	After int64
	n     atomic.Int64
}

// New returns a Polls canceled from the after-th poll on (0: never).
func New(after int64) *Polls {
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
