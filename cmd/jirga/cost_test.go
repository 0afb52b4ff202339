package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jirga/jirga"
	"github.com/jirga/jirga/format"
)

// writeLarge writes an n-actor, one-issue scenario to a file and returns
// its path.
func writeLarge(t *testing.T, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	s := &jirga.Scenario{ID: "large", Issues: []*jirga.Issue{{ID: "x"}}}
	for i := range n {
		s.Actors = append(s.Actors, &jirga.Actor{ID: fmt.Sprintf("a%d", i), Capability: jirga.Val(1 + rng.Float64()),
			Stances: map[string]*jirga.Stance{"x": {Position: jirga.Val(100 * rng.Float64()), Salience: jirga.Val(10 + 80*rng.Float64())}}})
	}
	var b bytes.Buffer
	if err := format.Write(&b, []*jirga.Scenario{s}, format.JSON); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "large.json")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCostWarning: a command warns on stderr, before it starts, when the
// estimate says the run will take long or need more memory than the
// machine has; a small run gets no warning.
func TestCostWarning(t *testing.T) {
	// 5,000 actors: a sweep of bdm keeps seven n×n tables a worker (1.4
	// GB), no longer its offers.
	large := writeLarge(t, 5000)
	run := func(ctx context.Context, avail float64, args ...string) string {
		var stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr,
			IsTerminal: func(io.Writer) bool { return false }, AvailableMemory: func() float64 { return avail }}
		m.Run(ctx, args)
		return stderr.String()
	}
	// The large run is canceled before it starts: only the warnings matter.
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"forecast", "--model", "bdm", large},
		{"sweep", "--model", "bdm", "--draws", "100", large},
		{"explain", "--model", "bdm", large},
	} {
		got := run(canceled, 1e9, args...)
		if !strings.Contains(got, "warning: this run needs an estimated") || !strings.Contains(got, "more than the 1.0 GB this machine has available") {
			t.Errorf("%v: no memory warning in %q", args, got)
		}
		if !strings.Contains(got, "warning: this run will take an estimated") {
			t.Errorf("%v: no time warning in %q", args, got)
		}
	}
	if got := run(context.Background(), 1e9, "forecast", "--model", "mean,median"); strings.Contains(got, "warning") {
		t.Errorf("small run warned: %q", got)
	}
	// Unknown available memory: no memory warning.
	if got := run(canceled, 0, "forecast", "--model", "bdm", large); strings.Contains(got, "memory") {
		t.Errorf("memory warning without knowing the machine's memory: %q", got)
	}
}
