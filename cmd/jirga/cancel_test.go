package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jirga/jirga/internal/canceltest"
)

// cancelWriter is a terminal's standard error that cancels a context on the
// first write that shows progress, like a user pressing Ctrl-C while the
// bar moves.
type cancelWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, []byte("%")) {
		w.cancel()
	}
	return w.buf.Write(p)
}

func (w *cancelWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// interrupt runs args on a terminal and cancels the run at its first
// progress report, which comes while it runs, since the runs given are
// long. It fails the test unless the command returns within a minute,
// and returns its output and exit status once every goroutine it started
// has ended.
func interrupt(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	leaks := canceltest.Goroutines(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelWriter{cancel: cancel}
	canceltest.Returns(t, "jirga "+strings.Join(args, " "), func() {
		stdout, _, code = cli{ctx: ctx, terminal: true, stderr: w}.run(args...)
	})
	leaks()
	return stdout, w.String(), code
}

// TestSweepInterrupt: Ctrl-C prints the summary of the draws done so far.
// How many that is depends on the machine: the test checks only that the
// output agrees with what stderr says.
func TestSweepInterrupt(t *testing.T) {
	for _, f := range []string{"table", "json"} {
		out, msg, code := interrupt(t, "sweep", "--draws", "100000", "--format", f)
		if code != exitFailure {
			t.Errorf("%s: exit %d, want %d", f, code, exitFailure)
		}
		i := strings.Index(msg, "interrupted after ")
		if i < 0 {
			t.Fatalf("%s: stderr does not say how far it got: %q", f, msg)
		}
		// k is the contiguous prefix of finished draws. The cancel comes
		// with the first progress line, whenever the scheduler lets the
		// ticker run, and a worker may still hold draw 1 then, so k may be
		// 0 (the table then has the point forecasts and no intervals).
		k, err := strconv.Atoi(strings.Fields(msg[i+len("interrupted after "):])[0])
		if err != nil || k < 0 || k >= 100000 {
			t.Fatalf("%s: interrupted after %q draws", f, msg[i:])
		}
		switch f {
		case "table":
			if !strings.Contains(out, "interrupted after "+strconv.Itoa(k)+" of 100000 draws") || !strings.Contains(out, "merger") {
				t.Errorf("table of the partial sweep missing:\n%s", out)
			}
		case "json":
			var r struct{ Draws, Completed int }
			if err := json.Unmarshal([]byte(out), &r); err != nil || r.Draws != 100000 || r.Completed != k {
				t.Errorf("partial JSON: %+v, %v", r, err)
			}
		}
	}
}

// TestDealInterrupt and TestBacktestInterrupt: Ctrl-C during the draws or
// the scenarios stops the command with "interrupted" and exit status 1.
// jirga backtest used to hang here.
func TestDealInterrupt(t *testing.T) {
	out, msg, code := interrupt(t, "deal", "--draws", "10000000")
	if code != exitFailure || !strings.Contains(msg, "jirga: interrupted") || out != "" {
		t.Errorf("exit %d, stderr %q, stdout %q; want %d, interrupted, nothing", code, msg, out, exitFailure)
	}
}

func TestBacktestInterrupt(t *testing.T) {
	out, msg, code := interrupt(t, "backtest", deuDev, "--model", "all", "--coverage", "--draws", "100000")
	if code != exitFailure || !strings.Contains(msg, "jirga: interrupted") || out != "" {
		t.Errorf("exit %d, stderr %q, stdout %q; want %d, interrupted, nothing", code, msg, out, exitFailure)
	}
}
