package deal_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/baseline"
	"github.com/jirga/jirga/deal"
	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
	"github.com/jirga/jirga/internal/canceltest"
)

// TestAnalyzeCancel: an analysis cancelled during its draws returns ctx's
// error and leaves no goroutine behind.
func TestAnalyzeCancel(t *testing.T) {
	ss, err := examples.Load(examples.Flagship, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{1, 2, 4} {
		leaks := canceltest.Goroutines(t)
		ctx, cancel := context.WithCancel(context.Background())
		m := &canceltest.Model{Model: baseline.Mean{}, N: 10, Cancel: cancel}
		var err error
		canceltest.Returns(t, fmt.Sprintf("Analyze on %d workers", w), func() {
			_, err = deal.Analyze(ctx, ss[0], []jirga.Model{m}, deal.Options{Draws: 100000, Workers: w, Interventions: true})
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("workers %d: err %v, want context.Canceled", w, err)
		}
		cancel()
		leaks()
	}
}
